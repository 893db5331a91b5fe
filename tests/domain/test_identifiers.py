from relance_tui.domain.identifiers import format_siren, luhn_check_digit, siren_valid, siret_valid


def test_known_siren_and_siret():
    assert siren_valid("732 829 320")  # a real, published SIREN
    assert not siren_valid("732 829 321")
    assert not siren_valid("12345678")
    assert siret_valid("73282932000074")
    assert not siret_valid("73282932000075")


def test_check_digit_makes_valid_numbers():
    body = "90329669"
    assert siren_valid(body + luhn_check_digit(body))


def test_la_poste_siret_rule():
    # La Poste's establishments: digit sum divisible by 5 instead of Luhn
    assert siret_valid("35600000000001")  # 3+5+6+1 = 15
    assert not siret_valid("35600000000002")


def test_format_siren():
    assert format_siren("732829320") == "732 829 320"
