"""The supervisor's figures as rules (domain/kpi.py): periods, their slices, DSO by countback, rates."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from relance_tui.domain.kpi import (
    MonthSales,
    countback_months,
    dso_countback,
    percent,
    period_of,
    rate,
)

D = dt.date
AS_OF = D(2026, 12, 3)  # a Thursday


def months(*sales: int) -> list[MonthSales]:
    """Sales of December 2026 (3 days so far), November, October... newest first."""
    windows = countback_months(AS_OF, D(2000, 1, 1))
    return [MonthSales(s, e, cents) for (s, e), cents in zip(windows, sales, strict=False)]


def test_dso_counts_the_balance_back_through_the_months_newest_first():
    # 30 000 owed; December sold 5 000 in its 3 days, November 20 000, October 10 000:
    # 3 + 30 + 31 x 5 000 / 10 000 = 48.5 days
    dso = dso_countback(3_000_000, months(500_000, 2_000_000, 1_000_000))
    assert dso.days == Fraction(97, 2) and dso.complete
    assert dso.text() == "48,5 j"


def test_dso_a_month_without_sales_counts_whole():
    # 1 000 owed, nothing sold in December nor November, 2 000 in October: 3 + 30 + 31 / 2 = 48.5
    assert dso_countback(100_000, months(0, 0, 200_000)).days == Fraction(97, 2)


def test_dso_a_month_of_credit_notes_counts_whole_and_takes_nothing_off():
    # December: credit notes of 500 and no invoice (net -500); November 2 000: 3 + 30 x 1 000 / 2 000 = 18
    assert dso_countback(100_000, months(-50_000, 200_000)).days == 18


def test_dso_a_balance_the_history_cannot_cover_is_a_floor():
    # 10 000 owed, 1 000 sold in December, 2 000 in November and nothing before: at least 33 days
    dso = dso_countback(1_000_000, months(100_000, 200_000))
    assert dso.days == 33 and not dso.complete
    assert dso.text() == "≥ 33,0 j"


def test_dso_of_nothing_owed_is_zero():
    assert dso_countback(0, months(100_000)).days == 0
    assert dso_countback(-5_000, []).complete


def test_dso_stops_in_the_month_whose_sales_exactly_cover_the_rest():
    # 1 500 owed: December 500 (3 days), November 1 000 exactly: 3 + 30 = 33 days, October never read
    assert dso_countback(150_000, months(50_000, 100_000, 1)).days == 33


def test_countback_months_start_with_the_current_month_to_the_day_and_end_at_the_history():
    assert countback_months(AS_OF, D(2026, 10, 15)) == [
        (D(2026, 12, 1), D(2026, 12, 3)), (D(2026, 11, 1), D(2026, 11, 30)), (D(2026, 10, 1), D(2026, 10, 31))]
    assert countback_months(D(2026, 3, 1), D(2026, 2, 28))[-1] == (D(2026, 2, 1), D(2026, 2, 28))


@pytest.mark.parametrize(("kind", "start"), [("week", D(2026, 11, 30)), ("month", D(2026, 12, 1)),
                                             ("quarter", D(2026, 10, 1)), ("year", D(2025, 12, 4))])
def test_periods_end_on_the_day_and_start_where_their_name_says(kind, start):
    period = period_of(kind, AS_OF)
    assert (period.start, period.end) == (start, AS_OF)


def test_a_week_is_cut_in_days_a_month_in_weeks_from_monday_and_twelve_months_in_months():
    assert [s.label for s in period_of("week", AS_OF).slices()] == ["lun. 30/11", "mar. 01/12", "mer. 02/12",
                                                                    "jeu. 03/12"]
    month = period_of("month", D(2026, 11, 20)).slices()
    assert [(s.start, s.end) for s in month] == [(D(2026, 11, 1), D(2026, 11, 1)), (D(2026, 11, 2), D(2026, 11, 8)),
                                                 (D(2026, 11, 9), D(2026, 11, 15)), (D(2026, 11, 16), D(2026, 11, 20))]
    year = period_of("year", AS_OF).slices()
    assert len(year) == 13 and year[0].start == D(2025, 12, 4) and year[0].end == D(2025, 12, 31)
    assert year[-1].label == "déc. 26" and (year[-1].start, year[-1].end) == (D(2026, 12, 1), AS_OF)
    # the slices cover the period day for day, without overlap
    for kind in ("week", "month", "quarter", "year"):
        period = period_of(kind, AS_OF)
        slices = period.slices()
        assert slices[0].start == period.start and slices[-1].end == period.end
        assert all(b.start == a.end + dt.timedelta(days=1) for a, b in zip(slices, slices[1:], strict=False))


def test_an_unknown_period_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="week"):
        period_of("decade", AS_OF)


def test_a_share_of_nothing_is_no_figure_and_percentages_round_half_up():
    assert rate(3, 0) is None and percent(None) == "—"
    assert rate(1, 4) == 0.25
    assert percent(rate(5, 8)) == "63\u00a0%"  # 62.5 % read as 63
    assert percent(rate(1, 3)) == "33\u00a0%"


def test_dso_tenths_round_half_up():
    from relance_tui.domain.kpi import Dso

    assert Dso(Fraction(4825, 100), True).text() == "48,3 j"  # the float format would say 48,2
    assert Dso(Fraction(4824, 100), True).text() == "48,2 j" and Dso(Fraction(0), True).text() == "0,0 j"


def test_a_week_has_one_name_whatever_the_period_that_cuts_it():
    quarter, month = period_of("quarter", AS_OF).slices(), period_of("month", AS_OF).slices()
    assert (quarter[0].label, quarter[0].start, quarter[0].end) == ("sem. 28/09", D(2026, 10, 1), D(2026, 10, 4))
    assert month[0].label == quarter[-1].label == "sem. 30/11"  # Tuesday 01/12 to Thursday 03/12
    assert period_of("month", D(2026, 11, 20)).slices()[0].label == "dim. 01/11"  # a week of one day: that day
    assert period_of("week", AS_OF).label == "Semaine (du 30/11/2026 au 03/12/2026)"
