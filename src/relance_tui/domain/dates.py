"""Days late, aging buckets, limitation dates, business days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container
from enum import Enum

from dateutil.relativedelta import relativedelta


class Bucket(str, Enum):
    """Aging buckets of the overdue list, in display order."""

    NOT_DUE = "not_due"
    D1_30 = "1-30"
    D31_60 = "31-60"
    D61_90 = "61-90"
    OVER_90 = "90+"

    @property
    def label(self) -> str:
        return BUCKET_LABELS[self]


BUCKET_LABELS = {
    Bucket.NOT_DUE: "Non échu",
    Bucket.D1_30: "1-30 j",
    Bucket.D31_60: "31-60 j",
    Bucket.D61_90: "61-90 j",
    Bucket.OVER_90: "+90 j",
}

# (bucket, lowest days late, highest days late or None): the SQL layer builds
# its CASE from this table so that the list and the bar never disagree.
BUCKET_BOUNDS: tuple[tuple[Bucket, int | None, int | None], ...] = (
    (Bucket.NOT_DUE, None, 0),
    (Bucket.D1_30, 1, 30),
    (Bucket.D31_60, 31, 60),
    (Bucket.D61_90, 61, 90),
    (Bucket.OVER_90, 91, None),
)


def parse_date(value: str | dt.date) -> dt.date:
    """An ISO ``YYYY-MM-DD`` date (the storage format) as a date."""
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def days_late(due: dt.date, as_of: dt.date) -> int:
    """Days past the due date (0 on the due date, negative before it)."""
    return (as_of - due).days


def bucket_for(days: int) -> Bucket:
    for bucket, low, high in BUCKET_BOUNDS:
        if (low is None or days >= low) and (high is None or days <= high):
            return bucket
    raise AssertionError(f"no bucket for {days}")  # the bounds cover every integer


def half_year_start(day: dt.date) -> dt.date:
    """1 January or 1 July of the half-year that holds ``day``."""
    return dt.date(day.year, 1 if day.month <= 6 else 7, 1)


def next_half_year_start(day: dt.date) -> dt.date:
    start = half_year_start(day)
    return dt.date(start.year, 7, 1) if start.month == 1 else dt.date(start.year + 1, 1, 1)


LIMITATION_YEARS = {"b2b": 5, "b2c": 2}


def limitation_date(due: dt.date, segment: str) -> dt.date:
    """Last day to act before the claim is time-barred ("prescription").

    Five years between businesses (C. com. L110-4), two years against a
    consumer (C. conso L218-2), counted from the due date.
    """
    try:
        years = LIMITATION_YEARS[segment]
    except KeyError:
        raise ValueError(f"segment {segment!r}: attendu b2b ou b2c") from None
    return due + relativedelta(years=years)


def next_business_day(
    day: dt.date,
    holidays: Container[dt.date] = (),
    *,
    is_weekend: Callable[[dt.date], bool] = lambda d: d.weekday() >= 5,
) -> dt.date:
    """The first business day strictly after ``day``."""
    candidate = day + dt.timedelta(days=1)
    while is_weekend(candidate) or candidate in holidays:
        candidate += dt.timedelta(days=1)
    return candidate
