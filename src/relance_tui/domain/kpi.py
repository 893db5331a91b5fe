"""The supervisor's figures as pure rules: the periods they cover, DSO by the countback method, rates.

The caller reads the database (store/dashboard.py) and passes plain numbers here.

DSO (days sales outstanding) by the countback method: how many days of the most recent sales the
receivables balance stands for. Start from the balance on the last day; take away the sales of the
current month (its days so far), then of each month before, adding each month's days, until a month's
sales cover what is left: that month adds only the share of its days that the rest is of its sales.
Example: 30,000 EUR owed on 3 December; December sold 5,000 (3 days), November 20,000 (30 days),
October 10,000 (31 days): 3 + 30 + 31 x 5,000 / 10,000 = 48.5 days. Unlike the "average" formula
(balance / sales of the period x days) it does not move with a month of large sales long ago, and it
says when the history is too short to count the balance back (then the figure is a floor, "at least").
Sales are net: a credit note issued in a month takes its amount off that month's sales; a month whose
credit notes outran its invoices counts whole (its days are added, nothing is taken off the balance).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from dateutil.relativedelta import relativedelta

# The periods a supervisor reads, by their key (the tab cycles through the first three; the report
# takes all four); each ends on the day the figures are as of, today or a day of the past.
PERIODS = {"week": "Semaine", "month": "Mois", "year": "12 mois", "quarter": "Trimestre"}
# What one bar of a period's charts stands for (Period.slices)
SLICE_NAMES = {"week": "jour", "month": "semaine", "quarter": "semaine", "year": "mois"}
TAB_PERIODS = ("week", "month", "year")


@dataclass(frozen=True)
class Slice:
    """A part of a period the charts draw one bar for: a day (a week's period), a week (a month or a
    quarter), a month (twelve months). Both ends inclusive."""

    start: dt.date
    end: dt.date
    label: str


@dataclass(frozen=True)
class Period:
    kind: str  # a key of PERIODS
    start: dt.date
    end: dt.date  # inclusive: the day the figures are as of

    @property
    def label(self) -> str:
        return f"{PERIODS[self.kind]} (du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y})"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def slices(self) -> list[Slice]:
        """The period cut in bars, oldest first; the first and last may be partial."""
        out: list[Slice] = []
        day = self.start
        while day <= self.end:
            if self.kind == "week":
                last, label = day, f"{WEEKDAYS[day.weekday()]} {day:%d/%m}"
            elif self.kind == "year":
                last = min(day + relativedelta(day=31), self.end)
                label = f"{MONTHS[day.month - 1]} {day:%y}"
            else:  # month, quarter: weeks from Monday, named by their Monday (the same week, the same name, whatever
                # the period); a week of which the period holds one day only is named by that day
                last = min(day + dt.timedelta(days=6 - day.weekday()), self.end)
                monday = day - dt.timedelta(days=day.weekday())
                label = f"{WEEKDAYS[day.weekday()]} {day:%d/%m}" if last == day else f"sem. {monday:%d/%m}"
            out.append(Slice(day, last, label))
            day = last + dt.timedelta(days=1)
        return out


WEEKDAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def period_of(kind: str, as_of: dt.date) -> Period:
    """The period of that kind that ends on ``as_of``: the week from its Monday, the month or the quarter
    from its first day, or the twelve months that end on that day."""
    if kind == "week":
        start = as_of - dt.timedelta(days=as_of.weekday())
    elif kind == "month":
        start = as_of.replace(day=1)
    elif kind == "quarter":
        start = dt.date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
    elif kind == "year":
        start = as_of - relativedelta(months=12) + dt.timedelta(days=1)
    else:
        raise ValueError(f"période inconnue : {kind!r} (au choix : {', '.join(PERIODS)})")
    return Period(kind, start, as_of)


@dataclass(frozen=True)
class MonthSales:
    """Net sales (invoices less credit notes, by issue date) of one calendar month, or of the current
    month up to the day; both ends inclusive."""

    start: dt.date
    end: dt.date
    sales_cents: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def countback_months(as_of: dt.date, first_day: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The months DSO counts back through, newest first: the current month up to ``as_of``, then each
    whole month before, back to the one that holds ``first_day`` (the oldest invoice: no sales before)."""
    out = []
    start, end = as_of.replace(day=1), as_of
    while end >= first_day:
        out.append((start, end))
        end = start - dt.timedelta(days=1)
        start = end.replace(day=1)
    return out


@dataclass(frozen=True)
class Dso:
    days: Fraction
    complete: bool  # False: the sales on record do not cover the balance, ``days`` is a floor

    def text(self) -> str:
        """'48,5 j', '≥ 92,0 j' (the history ran out: at least that); tenths rounded half up (48,25 -> 48,3)."""
        tenths = int(self.days * 10 + Fraction(1, 2))  # days >= 0: int() is the floor
        return f"{'' if self.complete else '≥ '}{tenths // 10},{tenths % 10} j"


def dso_countback(balance_cents: int, months: list[MonthSales]) -> Dso:
    """DSO by the countback method (this module's docstring), ``months`` newest first."""
    remaining = balance_cents
    days = Fraction(0)
    if remaining <= 0:
        return Dso(days, True)
    for month in months:
        if month.sales_cents >= remaining:  # > 0: remaining is
            return Dso(days + Fraction(month.days * remaining, month.sales_cents), True)
        days += month.days
        remaining -= max(month.sales_cents, 0)
    return Dso(days, False)


def rate(part: int, whole: int) -> float | None:
    """A share, None when there is nothing to share (no call, no promise due): said '—', never 0 %."""
    return part / whole if whole else None


def percent(value: float | None) -> str:
    """'62 %', '—' for no figure (a share of nothing)."""
    return "—" if value is None else f"{int(value * 100 + 0.5)}\u00a0%"  # half up, as the figures are read
