from relance_tui.domain.identifiers import (
    bce_valid,
    format_bce,
    format_siren,
    luhn_check_digit,
    normalise_bce,
    siren_valid,
    siret_valid,
)


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


def test_belgian_enterprise_numbers():
    # Odoo SA's published number (BE0477472701): 97 - (04774727 mod 97) = 97 - 96 = 01
    assert bce_valid("0477.472.701")
    assert bce_valid("BE0477472701") and bce_valid("BE 0477 472 701")  # the VAT number is the same digits
    assert bce_valid("0428.759.497")  # 04287594 mod 97 = 0: the check digits are 97, never 00
    assert bce_valid("0123456749")  # 97 - (01234567 mod 97) = 97 - 48 = 49
    assert not bce_valid("0477.472.702")  # one digit off
    assert not bce_valid("0123456748")
    assert not bce_valid("2123456791")  # 97 - (21234567 mod 97) = 91, but the first digit must be 0 or 1
    assert not bce_valid("012345674")  # nine digits: read as 0012345674, whose check digits would be 25
    assert not bce_valid("") and not bce_valid("BE")


def test_enterprise_number_written_the_bce_way():
    assert normalise_bce("BE 0123.456.749") == "0123456749"
    assert normalise_bce("123.456.749") == "0123456749"  # the old nine-digit writing
    assert format_bce("BE0123456749") == format_bce("0123456749") == "0123.456.749"
    assert format_bce("12") == "12"


def test_a_siret_needs_fourteen_digits():
    assert not siret_valid("0000000000000")  # 13 digits, though their Luhn sum is 0
    assert not siret_valid("0000")
    assert not siret_valid("ABCDEFGHIJKLMN")  # 14 characters, not digits
    assert siret_valid("000 000 000 00000")  # spaces are ignored


def test_a_number_that_is_not_a_siren_is_shown_as_given():
    assert format_siren("12345") == "12345"
    assert format_siren("4430 6184 1") == "443 061 841"


def test_an_empty_enterprise_number_stays_empty():
    assert normalise_bce("") == ""
    assert normalise_bce(None) == ""


def test_a_check_digit_is_a_single_digit_even_when_the_sum_is_already_round():
    assert luhn_check_digit("00000000") == "0"  # 10 - 0 would be "10"
    assert luhn_check_digit("73282932") == "0"  # 732 829 320, the SIREN of the docs
    assert siren_valid("732829320")
