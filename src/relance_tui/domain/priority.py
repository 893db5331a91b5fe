"""Who to call first: a 0-100 score from amount, age, broken promises, profile."""

from __future__ import annotations

import math
from dataclasses import dataclass

PROFILE_POINTS = {"bad": 10.0, "normal": 5.0, "good": 0.0}
PROFILES = tuple(PROFILE_POINTS)
PROFILE_LABELS = {"good": "Bon payeur", "normal": "Normal", "bad": "Mauvais payeur"}


@dataclass(frozen=True)
class PriorityInput:
    amount_due_cents: int  # what the debtor owes on overdue invoices
    days_late: int  # of their oldest overdue invoice
    broken_promises: int = 0
    profile: str = "normal"
    days_since_contact: int | None = None  # None: never contacted


def priority_score(p: PriorityInput) -> float:
    """Higher means call sooner.

    - amount: 0-40 points, logarithmic (10 EUR ~ 8, 1 000 EUR ~ 24, 100 000 EUR = 40);
    - age: 0-30 points, linear up to 120 days late;
    - broken promises: 0-20 points, full at three;
    - profile: bad payer 10, normal 5, good 0;
    then halved for a debtor reached today, recovering linearly over a week.
    """
    if p.amount_due_cents <= 0 or p.days_late <= 0:
        return 0.0
    if p.profile not in PROFILE_POINTS:
        raise ValueError(f"profil {p.profile!r} inconnu (attendu : {', '.join(PROFILES)})")
    euros = p.amount_due_cents / 100
    amount = 40.0 * min(1.0, math.log10(1 + euros) / 5)
    age = 30.0 * min(1.0, p.days_late / 120)
    broken = 20.0 * min(1.0, max(0, p.broken_promises) / 3)
    score = amount + age + broken + PROFILE_POINTS[p.profile]
    if p.days_since_contact is not None and p.days_since_contact < 7:
        score *= 0.5 + 0.5 * max(0, p.days_since_contact) / 7
    return round(score, 2)
