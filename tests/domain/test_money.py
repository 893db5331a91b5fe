import pytest

from relance_tui.domain.money import NBSP, format_cents, format_rate, parse_rate, percent_of, round_half_up


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
