"""A date typed by an agent beyond what a date can hold is refused in French (domain/dates.parse_user_date)."""

import datetime as dt

import pytest

from relance_tui.domain.dates import parse_user_date

D = dt.date
MONDAY = D(2026, 11, 23)


@pytest.mark.parametrize(("text", "today"), [
    ("+99999999", MONDAY),  # 273 790 years on: past year 9999
    ("+9999999999", MONDAY),  # more days than a timedelta holds
    ("demain", D(9999, 12, 31)),
])
def test_a_date_past_year_9999_is_refused_in_french(text, today):
    # an OverflowError here reached the act form as "L'action a échoué"
    with pytest.raises(ValueError) as err:
        parse_user_date(text, today)
    assert str(err.value) == f"date « {text} » hors limites (au plus le 31/12/9999)"


def test_a_plus_with_a_superscript_digit_is_not_read_as_a_count():
    # "²".isdigit() is True but int("²") fails with Python's own English message
    with pytest.raises(ValueError, match="non reconnue"):
        parse_user_date("+²", MONDAY)
