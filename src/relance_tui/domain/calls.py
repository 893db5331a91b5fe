"""The phone call: its phases, its goal, what comes after each outcome, when a call is allowed.

Pure rules: the caller passes the clock, the calendar and the counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.domain.dunning import PROMISE_GRACE_DAYS
from relance_tui.domain.instants import to_iso

# The six steps of a collection call (seed 003), in order.
PHASES: tuple[tuple[str, str], ...] = (
    ("prepare", "Préparer"),
    ("introduce", "Se présenter"),
    ("listen", "Écouter"),
    ("negotiate", "Négocier"),
    ("conclude", "Conclure"),
    ("document", "Documenter"),
)
PHASE_CODES = tuple(code for code, _ in PHASES)

# Below this, an undisputed debt should be paid now; above it (or disputed), aim for a plan.
PAY_NOW_LIMIT_CENTS = 1_500_00


def call_goal(due_cents: int, *, disputed: bool) -> str:
    if disputed:
        return "Comprendre le litige, le consigner et convenir d'un plan d'action daté."
    if due_cents <= PAY_NOW_LIMIT_CENTS:
        return "Dette modeste et non contestée : obtenir un paiement immédiat (virement aujourd'hui)."
    return "Montant important : obtenir un plan de paiement précis (dates et montants), par écrit."


# Outcomes that call for a written follow-up (a recap or the invoice again).
EMAIL_AFTER = {"promise": "recap", "paid_already": "recap", "callback": "recap", "dispute": "recap",
               "awaiting_approval": "recap", "not_received": "invoice"}


@dataclass(frozen=True)
class NextStep:
    kind: str  # next_actions.kind
    due_at: str  # a date YYYY-MM-DD, or a UTC instant for a callback
    label: str


def next_step(outcome: str, *, today: dt.date, calendar: OfficeCalendar,
              promise_dates: tuple[dt.date, ...] = (), callback_at: dt.datetime | None = None,
              paid_date: dt.date | None = None) -> NextStep:
    """What to do next about this debtor after a call with ``outcome`` (DOMAIN.md, "Document")."""
    nbd = calendar.next_business_day(today)
    if outcome == "promise":
        if not promise_dates:
            raise ValueError("une promesse sans date")
        first = min(promise_dates)
        check = first + dt.timedelta(days=PROMISE_GRACE_DAYS)
        return NextStep("promise_check", check.isoformat(), f"Vérifier la promesse du {first:%d/%m}")
    if outcome == "paid_already":
        sent = paid_date or today
        check = max(sent + dt.timedelta(days=PROMISE_GRACE_DAYS), nbd)
        return NextStep("payment_check", check.isoformat(), f"Vérifier le paiement annoncé du {sent:%d/%m}")
    if outcome == "callback":
        if callback_at is None:
            raise ValueError("un rappel sans date ni heure")
        return NextStep("callback", to_iso(callback_at), "Rappel convenu")
    if outcome == "dispute":
        return NextStep("dispute", today.isoformat(), "Litige à traiter")
    if outcome in ("voicemail", "unreachable"):
        return NextStep("retry", nbd.isoformat(), "Rappeler (pas de réponse)")
    if outcome == "wrong_number":
        return NextStep("retry", nbd.isoformat(), "Trouver le bon numéro")
    if outcome == "refused":
        return NextStep("formal_notice", nbd.isoformat(), "Refus : mise en demeure")
    if outcome == "not_received":
        return NextStep("call", calendar.add_business_days(today, 2).isoformat(), "Rappeler : facture renvoyée")
    if outcome == "awaiting_approval":
        return NextStep("call", calendar.add_business_days(today, 2).isoformat(), "Rappeler : validation")
    raise ValueError(f"issue d'appel inconnue : {outcome!r}")


# -- the call frequency guard ------------------------------------------------------------------
@dataclass(frozen=True)
class CallingRules:
    hours: tuple[tuple[dt.time, dt.time], ...]  # local time ranges
    days: frozenset[int]  # ISO weekdays
    public_holidays: bool  # no calls on public holidays
    max_calls_30d: int


def parse_hours(ranges: list[str]) -> tuple[tuple[dt.time, dt.time], ...]:
    """"10:00-13:00" -> (10:00, 13:00); "24:00" means the end of the day."""
    out = []
    for text in ranges:
        start, end = text.split("-")
        end_time = dt.time.max if end == "24:00" else dt.time.fromisoformat(end)
        out.append((dt.time.fromisoformat(start), end_time))
    return tuple(out)


WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def call_warnings(now_local: dt.datetime, rules: CallingRules, calendar: OfficeCalendar,
                  calls_30d: int) -> list[str]:
    """Reasons not to call now (Code pénal 222-16; C. conso D223-9 as good practice); empty: go ahead."""
    reasons = []
    if calls_30d >= rules.max_calls_30d:
        reasons.append(f"Déjà {calls_30d} appel(s) à ce contact en 30 jours (limite {rules.max_calls_30d}).")
    day = now_local.date()
    if day.isoweekday() not in rules.days:
        reasons.append(f"Pas d'appel le {WEEKDAYS[day.weekday()]}.")
    holiday = calendar.holiday_name(day) if rules.public_holidays else None
    if holiday:
        reasons.append(f"Jour férié : {holiday}.")
    moment = now_local.time().replace(tzinfo=None)
    if not any(start <= moment < end for start, end in rules.hours):
        hours = ", ".join(f"{s:%H:%M}-{'24:00' if e == dt.time.max else f'{e:%H:%M}'}" for s, e in rules.hours)
        reasons.append(f"Hors des heures d'appel ({hours}) : il est {moment:%H:%M}.")
    return reasons


def format_clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
