import datetime as dt

import pytest

from relance_tui.domain.parsing import detect_date_format, detect_number_format, parse_amount, parse_date
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


def test_a_typographic_apostrophe_between_thousands_is_named_as_the_separator():
    # Swiss exports write 1’234.50 (U+2019); parse_amount reads it, and the detection report must say so
    assert detect_number_format(["1\u2019234.50", "12.00"]).describe() == "décimales : point, milliers : apostrophe"
    assert detect_number_format(["1\u2019234,50"]).thousands == frozenset({"\u2019"})
    assert parse_amount("1\u2019234.50", ".") == 123_450
