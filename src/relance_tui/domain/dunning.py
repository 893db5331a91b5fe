"""The dunning plan ("scénario de relance"): what comes next for an overdue invoice.

Steps by offset from the due date (DOMAIN.md): courtesy notice J-8, first
reminder J+1 to J+3, phone call J+8, reminder letter J+15, formal notice J+30,
then court: the debtor's regime names it (domain/law.py: injonction de payer in
France, the uncontested-debt procedure between Belgian enterprises, a summons
before the justice of the peace for a Belgian consumer). A pending promise or a
dispute takes precedence over the plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PROMISE_GRACE_DAYS = 3


@dataclass(frozen=True)
class Step:
    offset: int  # days from the due date
    channel: str  # email, phone, letter, registered letter, court
    label: str


PLAN: tuple[Step, ...] = (
    Step(-8, "email", "Prévenance"),
    Step(1, "email", "1re relance email"),
    Step(8, "phone", "Appel"),
    Step(15, "letter", "Lettre de relance"),
    Step(30, "registered", "Mise en demeure"),
    Step(45, "court", "Injonction de payer"),
)


@dataclass(frozen=True)
class NextAction:
    label: str
    due: dt.date | None  # when it is due (None: now)


def next_action(due_date: dt.date, as_of: dt.date, *, promise_due: dt.date | None = None,
                disputed: bool = False, court_step: str | None = None) -> NextAction:
    """What to do next about an invoice due on ``due_date``, seen on ``as_of``.

    ``court_step`` names the last step for the debtor's regime (default: the French injonction de payer).
    """
    if disputed:
        return NextAction("Litige à traiter", None)
    if promise_due is not None:
        check = promise_due + dt.timedelta(days=PROMISE_GRACE_DAYS)
        if as_of <= check:
            return NextAction(f"Promesse au {promise_due:%d/%m}", check)
        return NextAction("Promesse non tenue : rappeler", None)
    days = (as_of - due_date).days
    last = court_step or PLAN[-1].label
    for step in PLAN:
        if days <= step.offset:
            label = last if step is PLAN[-1] else step.label
            return NextAction(label, due_date + dt.timedelta(days=step.offset))
    return NextAction(last, None)  # past every step: the last one is due now
