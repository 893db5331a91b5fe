import pytest

from relance_tui.domain.money import (
    NBSP,
    format_cents,
    format_compact,
    format_money,
    format_rate,
    parse_rate,
    percent_of,
    round_half_up,
)


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (0, "0,00 €"),
        (5, "0,05 €"),
        (123456, "1 234,56 €"),
        (100000000, "1 000 000,00 €"),
        (-4250, "-42,50 €"),
        (99, "0,99 €"),
    ],
)
def test_format_cents_french(cents, text):
    assert format_cents(cents) == text.replace(" ", NBSP)


def test_format_cents_options():
    assert format_cents(4000, symbol=False) == "40,00"
    assert format_cents(4000, sign=True) == f"+40,00{NBSP}€"
    assert format_cents(-4000, sign=True) == f"-40,00{NBSP}€"


def test_format_cents_refuses_floats():
    with pytest.raises(TypeError):
        format_cents(12.5)


@pytest.mark.parametrize(("num", "den", "out"), [(5, 10, 1), (4, 10, 0), (15, 10, 2), (-5, 10, -1), (-4, 10, 0)])
def test_round_half_up(num, den, out):
    assert round_half_up(num, den) == out


def test_percent_of():
    assert percent_of(10_000, 1215) == 1215
    assert percent_of(333, 5000) == 167  # 166.5 rounds up


@pytest.mark.parametrize(("text", "bp"), [("2,15", 215), ("2.15 %", 215), ("12", 1200), ("0,5", 50),
                                          ("-0,50", -50), (" 10,00 % ", 1000)])
def test_parse_rate(text, bp):
    assert parse_rate(text) == bp


@pytest.mark.parametrize("text", ["", "abc", "2,155", "1,2,3", "%"])
def test_parse_rate_rejects(text):
    with pytest.raises(ValueError, match="taux"):
        parse_rate(text)


def test_format_rate():
    assert format_rate(1215) == f"12,15{NBSP}%"
    assert format_rate(5) == f"0,05{NBSP}%"


@pytest.mark.parametrize(("text", "bp"), [("+2,15", 215), (".5", 50), ("2,", 200), ("2.1", 210), ("0", 0),
                                          ("2,15\u00a0%", 215), ("1 000", 100_000), ("-2", -200)])
def test_parse_rate_reads_what_a_person_types(text, bp):
    assert parse_rate(text) == bp


@pytest.mark.parametrize(("text", "message"), [
    ("", "taux vide : attendu un pourcentage comme 2,15"),
    (" % ", "taux vide : attendu un pourcentage comme 2,15"),
    ("2,155", "taux '2,155' : au plus deux décimales (ex. 2,15)"),
    ("abc", "taux 'abc' illisible : attendu un pourcentage comme 2,15"),
    ("-", "taux '-' illisible : attendu un pourcentage comme 2,15"),
    (".", "taux '.' illisible : attendu un pourcentage comme 2,15"),
    ("2,a", "taux '2,a' illisible : attendu un pourcentage comme 2,15"),
    ("2.-1", "taux '2.-1' illisible : attendu un pourcentage comme 2,15"),
    ("X2", "taux 'X2' illisible : attendu un pourcentage comme 2,15"),
])
def test_parse_rate_says_what_was_expected(text, message):
    with pytest.raises(ValueError) as err:
        parse_rate(text)
    assert str(err.value) == message


@pytest.mark.parametrize(("bp", "text"), [(0, "0,00"), (100, "1,00"), (-50, "-0,50"), (-1215, "-12,15")])
def test_format_rate_keeps_the_sign_and_two_decimals(bp, text):
    assert format_rate(bp) == f"{text}{NBSP}%"


def test_round_half_up_refuses_a_denominator_that_is_not_positive():
    for den in (0, -10):
        with pytest.raises(ValueError, match="^denominator must be positive$"):
            round_half_up(5, den)
    assert round_half_up(5, 1) == 5


def test_round_half_up_on_exact_and_just_below_half():
    assert (round_half_up(20, 10), round_half_up(14, 10), round_half_up(-15, 10), round_half_up(0, 10)) == (2, 1, -2, 0)
    assert round_half_up(49, 100) == 0 and round_half_up(50, 100) == 1


def test_percent_of_a_negative_amount_rounds_away_from_zero():
    assert percent_of(-333, 5000) == -167


def test_a_sign_is_shown_on_gains_not_on_zero():
    assert format_cents(0, sign=True) == f"0,00{NBSP}€"
    assert format_cents(1, sign=True) == f"+0,01{NBSP}€"


def test_format_cents_names_the_type_it_refuses():
    with pytest.raises(TypeError) as err:
        format_cents(12.5)
    assert str(err.value) == "amounts are integer cents, got float"


def test_format_money_shows_an_unknown_amount_as_a_question_mark():
    assert format_money(None, symbol=True) == "?"
    assert format_money(1234, symbol=False) == "12,34"
    assert format_money(1234, symbol=True) == f"12,34{NBSP}€"


@pytest.mark.parametrize(("cents", "text"), [
    (0, "0 €"),
    (925_800, f"9{NBSP}258 €"),  # up to 10 000 EUR: whole euros
    (999_949, f"9{NBSP}999 €"),
    (999_950, f"10{NBSP}000 €"),  # rounded to the euro
    (1_000_000, "10,0 k€"),  # from 10 000 EUR: thousands, one decimal
    (1_056_000, "10,6 k€"),
    (100_000_000, "1,00 M€"),  # from a million: millions, two decimals
    (163_000_000, "1,63 M€"),
    (113_500_000, "1,14 M€"),  # 1,135 million: to the nearest hundredth
    (-500_000, f"-5{NBSP}000 €"),
])
def test_format_compact_keeps_an_amount_to_three_or_four_figures(cents, text):
    assert format_compact(cents) == text
