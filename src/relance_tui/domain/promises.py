"""Promises to pay: kept, partly kept or broken, from the payments that followed them.

A promise is checked at its date plus a grace of three days (a transfer
promised for tomorrow must be on the account within three days, seed 003).
Payments are matched to a debtor's promises in promised-date order; a payment
counts for a promise when it is dated from the day the promise was made to
the end of its grace. A promise fully covered is kept as soon as the money is
there; one not covered when its grace ends is partly kept or broken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from relance_tui.domain.dunning import PROMISE_GRACE_DAYS


@dataclass(frozen=True)
class PromiseState:
    id: int
    made_on: dt.date
    due_date: dt.date
    amount_cents: int


@dataclass(frozen=True)
class Verdict:
    status: str  # pending, kept, partly_kept, broken
    covered_cents: int


def grace_end(due_date: dt.date) -> dt.date:
    return due_date + dt.timedelta(days=PROMISE_GRACE_DAYS)


def evaluate(promises: Iterable[PromiseState], payments: Iterable[tuple[dt.date, int]],
             today: dt.date) -> dict[int, Verdict]:
    """The state of each of one debtor's promises on ``today``."""
    pool = [[day, cents] for day, cents in sorted(payments) if cents > 0]
    verdicts = {}
    for p in sorted(promises, key=lambda p: (p.due_date, p.id)):
        end = grace_end(p.due_date)
        covered = 0
        for item in pool:
            day, left = item
            if covered >= p.amount_cents:
                break
            if left <= 0 or day < p.made_on or day > end or day > today:
                continue
            take = min(left, p.amount_cents - covered)
            item[1] -= take
            covered += take
        if covered >= p.amount_cents:
            status = "kept"
        elif today <= end:
            status = "pending"
        else:
            status = "partly_kept" if covered else "broken"
        verdicts[p.id] = Verdict(status, covered)
    return verdicts
