"""Days late, aging buckets, business days (limitation dates: domain/law.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container
from enum import Enum


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


def parse_user_date(text: str, today: dt.date) -> dt.date:
    """A date typed by an agent: 12/12/2026, 12/12/26, 12/12 (the next such day), 2026-12-12,
    "aujourd'hui", "hier", "demain", or "+N" (N days from today). ValueError with a French message otherwise."""
    t = text.strip().lower().replace("\u2019", "'")
    if not t:
        raise ValueError("date manquante")
    if t in ("aujourd'hui", "auj", "aujourdhui"):
        return today
    try:
        if t == "hier":
            return today - dt.timedelta(days=1)
        if t == "demain":
            return today + dt.timedelta(days=1)
        if t.startswith("+") and t[1:].isascii() and t[1:].isdigit():
            return today + dt.timedelta(days=int(t[1:]))
    except OverflowError:  # past 31/12/9999 (or a count of days timedelta cannot hold)
        raise ValueError(f"date « {text.strip()} » hors limites (au plus le 31/12/9999)") from None
    unknown = ValueError(f"date « {text.strip()} » non reconnue (JJ/MM/AAAA, JJ/MM, aujourd'hui, hier, demain ou +N "
                         "jours)")
    parts = t.replace(".", "/").split("/")
    try:
        if "-" in t:
            return dt.date.fromisoformat(t)
        if len(parts) == 2:  # day and month: the next such day
            day = dt.date(today.year, int(parts[1]), int(parts[0]))
            return day if day >= today else dt.date(today.year + 1, day.month, day.day)
        if len(parts) == 3:
            year = int(parts[2])
            return dt.date(year + 2000 if year < 100 else year, int(parts[1]), int(parts[0]))
    except ValueError:
        raise unknown from None
    raise unknown


def parse_user_time(text: str) -> dt.time:
    """16:00, 16h, 16h30, 9h05."""
    t = text.strip().lower().replace("h", ":")
    if t.endswith(":"):
        t += "00"
    try:
        hours, minutes = t.split(":")
        return dt.time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"heure « {text.strip()} » non reconnue (ex. 16:00 ou 16h30)") from None
