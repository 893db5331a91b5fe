import datetime as dt

import pytest

from relance_tui.domain.dates import (
    Bucket,
    bucket_for,
    days_late,
    half_year_start,
    next_business_day,
    next_half_year_start,
)

D = dt.date


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(-30, Bucket.NOT_DUE), (0, Bucket.NOT_DUE), (1, Bucket.D1_30), (30, Bucket.D1_30), (31, Bucket.D31_60),
     (60, Bucket.D31_60), (61, Bucket.D61_90), (90, Bucket.D61_90), (91, Bucket.OVER_90), (5000, Bucket.OVER_90)],
)
def test_bucket_boundaries(days, bucket):
    assert bucket_for(days) is bucket


def test_days_late():
    assert days_late(D(2026, 1, 31), D(2026, 3, 1)) == 29
    assert days_late(D(2026, 3, 1), D(2026, 3, 1)) == 0
    assert days_late(D(2026, 3, 10), D(2026, 3, 1)) == -9


def test_half_years():
    assert half_year_start(D(2026, 6, 30)) == D(2026, 1, 1)
    assert half_year_start(D(2026, 7, 1)) == D(2026, 7, 1)
    assert next_half_year_start(D(2026, 2, 3)) == D(2026, 7, 1)
    assert next_half_year_start(D(2026, 12, 31)) == D(2027, 1, 1)


def test_next_business_day_skips_weekends_and_holidays():
    friday = D(2026, 11, 20)
    assert next_business_day(friday) == D(2026, 11, 23)
    # Christmas 2026 is a Friday: Thursday 24 -> Monday 28
    assert next_business_day(D(2026, 12, 24), {D(2026, 12, 25)}) == D(2026, 12, 28)
