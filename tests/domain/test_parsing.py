import datetime as dt

import pytest

from relance_tui.domain.parsing import (
    NumberFormat,
    detect_date_format,
    detect_number_format,
    parse_amount,
    parse_date,
)
from relance_tui.domain.text import fold, key, name_key

NB, NNB = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("text", "decimal", "cents"),
    [
        ("1234,56", ",", 123456), ("1 234,56", ",", 123456), (f"1{NB}234,56", ",", 123456),
        (f"1{NNB}234,56", ",", 123456), ("1.234,56", ",", 123456), ("1'234,56", ",", 123456),
        ("1 234,56 €", ",", 123456), ("12,5", ",", 1250), ("12", ",", 1200), ("-12,50", ",", -1250),
        ("(12,50)", ",", -1250), ("(12,50) €", ",", -1250), ("12,50-", ",", -1250), ("+3,00", ",", 300),
        (" 000000000003000,00", ",", 300000), ("1,234.56", ".", 123456), ("99.90", ".", 9990),
        ("12,000.50", ".", 1200050), ("3,10 EUR", ",", 310), ("5,000", ",", 500),
    ],
)
def test_parse_amount(text, decimal, cents):
    assert parse_amount(text, decimal) == cents


@pytest.mark.parametrize(("text", "message"), [("", "vide"), ("abc", "illisible"), ("12,345", "deux décimales"),
                                                ("1,2,3", "illisible"), ("12€50", "illisible")])
def test_parse_amount_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_amount(text, ",")


def test_detect_number_format():
    fr = detect_number_format(["1 234,56", "12,00", "3"])
    assert fr.decimal == "," and fr.thousands == {" "}
    en = detect_number_format(["1,234.56", "99.90"])
    assert en.decimal == "." and en.thousands == {","}
    dots = detect_number_format(["1.234,56"])
    assert dots.decimal == "," and dots.thousands == {"."}
    assert "pas de séparateur" in detect_number_format(["12", "13"]).describe()


@pytest.mark.parametrize(
    ("text", "fmt", "day"),
    [("15/03/2026", "DD/MM/YYYY", dt.date(2026, 3, 15)), ("5/3/2026", "DD/MM/YYYY", dt.date(2026, 3, 5)),
     ("15/03/26", "DD/MM/YY", dt.date(2026, 3, 15)), ("15/03/99", "DD/MM/YY", dt.date(1999, 3, 15)),
     ("2026-03-15", "YYYY-MM-DD", dt.date(2026, 3, 15)), ("15.03.2026", "DD.MM.YYYY", dt.date(2026, 3, 15)),
     ("20260315", "YYYYMMDD", dt.date(2026, 3, 15)), ("15/03/2026 00:00:00", "DD/MM/YYYY", dt.date(2026, 3, 15))],
)
def test_parse_date(text, fmt, day):
    assert parse_date(text, fmt) == day


def test_impossible_and_unreadable_dates():
    with pytest.raises(ValueError, match=r"date impossible \(31/02/2026\)"):
        parse_date("31/02/2026", "DD/MM/YYYY")
    with pytest.raises(ValueError, match="date illisible, attendu JJ/MM/AAAA"):
        parse_date("2026-02-01", "DD/MM/YYYY")


def test_detect_date_format():
    assert detect_date_format(["15/03/2026", "01/12/2025"]) == "DD/MM/YYYY"
    assert detect_date_format(["15/03/26"]) == "DD/MM/YY"
    assert detect_date_format(["2026-03-15", "oops"]) == "YYYY-MM-DD"
    assert detect_date_format(["", " "]) is None


def test_text_keys():
    assert fold("  Société   Générale ") == "societe generale"
    assert key("N° Facture") == "n facture"
    assert key("Date d'échéance") == "date d echeance"
    assert name_key("SARL Garage Martin") == name_key("Garage Martin S.A.R.L.") == "garage martin"
    assert name_key("Cœur de Ville") == "coeur de ville"
    assert name_key("SAS") == "sas"


def test_a_number_format_is_described_in_words():
    assert NumberFormat(",", frozenset({" ", "."})).describe() == "décimales : virgule, milliers : espace, point"
    # both apostrophes are one name, named once
    assert NumberFormat(".", frozenset({",", "'", "\u2019"})).describe() == \
        "décimales : point, milliers : apostrophe, virgule"
    assert NumberFormat(".").describe() == "décimales : point, pas de séparateur de milliers"


@pytest.mark.parametrize(("values", "decimal"), [
    (["1.50", "2.50", "3,50"], "."),  # the mark most amounts end with
    (["1,50", "2,50", "3.50"], ","),
    (["1,50", "2.50"], ","),  # a tie: the French comma
    (["12", "13"], ","),  # no decimals at all: the French comma
    (["12.50 EUR", "7.00 Eur"], "."),  # a currency after the amount, in any case
    (["(12.50)", "3.00-"], "."),  # negative forms
])
def test_the_decimal_mark_is_the_one_most_amounts_end_with(values, decimal):
    assert detect_number_format(values).decimal == decimal


def test_missing_and_blank_cells_are_not_samples():
    # csv.DictReader gives None for a short row's missing cells
    assert detect_number_format([None, "", "  ", "12.50"]) == NumberFormat(".")
    assert detect_date_format([None, "", "  ", "15/03/2026"]) == "DD/MM/YYYY"


def test_a_sign_or_parenthesis_is_not_a_thousands_separator():
    assert detect_number_format(["- 12,50", "( 3,00 )", "+ 1,00"]).thousands == frozenset()


@pytest.mark.parametrize(("values", "fmt"), [
    (["15/03/2026 00:00:00"], "DD/MM/YYYY"),  # a spreadsheet's date and time
    (["15/03/2026 10:30 UTC"], "DD/MM/YYYY"),  # the first word only
    (["2026-03-15", "15/03/2026", "16/03/2026"], "DD/MM/YYYY"),  # the format most values follow
    (["n/a", "abc"], None),  # nothing reads as a date: no format, not the likeliest of none
])
def test_the_date_format_is_read_from_each_values_first_word(values, fmt):
    assert detect_date_format(values) == fmt


def test_a_typographic_apostrophe_between_thousands_is_named_as_the_separator():
    # Swiss exports write 1’234.50 (U+2019); parse_amount reads it, and the detection report must say so
    assert detect_number_format(["1\u2019234.50", "12.00"]).describe() == "décimales : point, milliers : apostrophe"
    assert detect_number_format(["1\u2019234,50"]).thousands == frozenset({"\u2019"})
    assert parse_amount("1\u2019234.50", ".") == 123_450


@pytest.mark.parametrize(("text", "fmt", "message"), [
    ("15/03/2026", "DD.MM.YYYY", "date illisible, attendu JJ.MM.AAAA (15/03/2026)"),  # another format's shape
    ("15/03/20261", "DD/MM/YYYY", "date illisible, attendu JJ/MM/AAAA (15/03/20261)"),  # a digit too many
    ("5/3", "DD/MM/YYYY", "date illisible, attendu JJ/MM/AAAA (5/3)"),
    ("3x/02/2026", "DD/MM/YYYY", "date illisible, attendu JJ/MM/AAAA (3x/02/2026)"),
    ("15.03/2026", "DD/MM/YYYY", "date illisible, attendu JJ/MM/AAAA (15.03/2026)"),  # mixed separators
    ("15/03-2026", "DD/MM/YYYY", "date illisible, attendu JJ/MM/AAAA (15/03-2026)"),
    ("31/02/2026", "DD/MM/YYYY", "date impossible (31/02/2026)"),
    ("2026-02-30", "YYYY-MM-DD", "date impossible (2026-02-30)"),
])
def test_a_date_not_in_the_files_format_is_refused_with_the_format_expected(text, fmt, message):
    with pytest.raises(ValueError) as err:
        parse_date(text, fmt)
    assert str(err.value) == message


@pytest.mark.parametrize(("text", "day"), [
    ("15/03/69", dt.date(2069, 3, 15)), ("15/03/70", dt.date(1970, 3, 15)),  # two-digit years pivot at 70
    ("15/03/2026 10:30 UTC", dt.date(2026, 3, 15)),  # the first word, whatever follows it
])
def test_two_digit_years_and_trailing_words(text, day):
    fmt = "DD/MM/YY" if len(text) == 8 else "DD/MM/YYYY"
    assert parse_date(text, fmt) == day


@pytest.mark.parametrize(("text", "cents"), [
    ("(12,55)", -1255), ("(12,50 €)", -1250), ("-12,50 €", -1250), ("12,55-", -1255),
    (f"1{NNB}234,56 €", 123456), ("12,5000", 1250), ("0,50", 50),
])
def test_parse_amount_signs_currency_and_spaces_in_every_position(text, cents):
    assert parse_amount(text, ",") == cents


@pytest.mark.parametrize(("text", "message"), [
    ("", "montant vide"), ("   ", "montant vide"),
    ("(12,50", "montant illisible ((12,50)"), ("12,50)", "montant illisible (12,50))"),
    ("12,5001", "montant avec plus de deux décimales (12,5001)"),
])
def test_parse_amount_says_what_is_wrong(text, message):
    with pytest.raises(ValueError) as err:
        parse_amount(text, ",")
    assert str(err.value) == message
