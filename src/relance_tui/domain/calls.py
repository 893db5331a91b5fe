"""The phone call: its phases, its goal, what comes after each outcome, when a call is allowed.

Pure rules: the caller passes the clock, the calendar and the counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.domain.dunning import PROMISE_GRACE_DAYS
from relance_tui.domain.instants import to_iso
from relance_tui.domain.law import Regime
from relance_tui.domain.text import count

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
# Calls in 30 days to one debtor, all its contacts together, by segment ([calling] in relance.toml).
DEFAULT_DEBTOR_CAPS = {"b2b": 6, "b2c": 3}


@dataclass(frozen=True)
class CallingRules:
    """When a debtor may be called; the hours are the debtor's local time, the holidays its country's.

    Calls in 30 days are capped per contact and per debtor (all its contacts together), a consumer's
    caps being lower than a business's: a consumer is one person, and four calls to each of the numbers
    of a household would be the repeated calls Code pénal 222-16 punishes.
    """

    hours: tuple[tuple[dt.time, dt.time], ...]  # local time ranges
    days: frozenset[int]  # ISO weekdays
    public_holidays: bool  # no calls on public holidays
    max_calls_30d: int  # per contact of a business
    max_calls_30d_contact_b2c: int = 3  # per contact of a consumer
    max_calls_30d_debtor_b2b: int = DEFAULT_DEBTOR_CAPS["b2b"]  # per business debtor, all its contacts together
    max_calls_30d_debtor_b2c: int = DEFAULT_DEBTOR_CAPS["b2c"]  # per consumer debtor

    def contact_cap(self, consumer: bool) -> int:
        return self.max_calls_30d_contact_b2c if consumer else self.max_calls_30d

    def debtor_cap(self, consumer: bool) -> int:
        return self.max_calls_30d_debtor_b2c if consumer else self.max_calls_30d_debtor_b2b

    @property
    def debtor_caps(self) -> dict[str, int]:
        """The per-debtor cap by segment (the work queue leaves out a debtor that reached it)."""
        return {"b2b": self.max_calls_30d_debtor_b2b, "b2c": self.max_calls_30d_debtor_b2c}


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
                  calls_30d: int, *, debtor_calls_30d: int | None = None, consumer: bool = False) -> list[str]:
    """Reasons not to call now (Code pénal 222-16; C. conso D223-9 as good practice); empty: go ahead.

    ``now_local`` is the debtor's local time and ``calendar`` its country's (domain/law: Regime.timezone
    and country); ``calls_30d`` counts the calls to this contact, ``debtor_calls_30d`` those to the debtor
    through all its contacts; ``consumer`` chooses the lower caps.
    """
    reasons = []
    who = ", particulier" if consumer else ""
    contact_cap = rules.contact_cap(consumer)
    if calls_30d >= contact_cap:
        reasons.append(f"Déjà {count(calls_30d, 'appel')} à ce contact en 30 jours (limite {contact_cap}{who}).")
    debtor_cap = rules.debtor_cap(consumer)
    if debtor_calls_30d is not None and debtor_calls_30d >= debtor_cap:
        reasons.append(f"Déjà {count(debtor_calls_30d, 'appel')} à ce débiteur en 30 jours, tous contacts confondus "
                       f"(limite {debtor_cap}{who}).")
    day = now_local.date()
    if day.isoweekday() not in rules.days:
        reasons.append(f"Pas d'appel le {WEEKDAYS[day.weekday()]}.")
    holiday = calendar.holiday_name(day) if rules.public_holidays else None
    if holiday:
        reasons.append(f"Jour férié : {holiday} ({calendar.country_name}).")
    moment = now_local.time().replace(tzinfo=None)
    if not any(start <= moment < end for start, end in rules.hours):
        hours = ", ".join(f"{s:%H:%M}-{'24:00' if e == dt.time.max else f'{e:%H:%M}'}" for s, e in rules.hours)
        reasons.append(f"Hors des heures d'appel ({hours}) : il est {moment:%H:%M}.")
    return reasons


def guard_warnings(now: dt.datetime, regime: Regime, rules: CallingRules, calendar: OfficeCalendar, *,
                   calls_30d: int, debtor_calls_30d: int) -> list[str]:
    """The guard for a debtor of this regime: its local time, its country's holidays, its segment's caps.

    ``now`` is any aware instant; ``calendar`` must be the regime's country's (the caller keeps one per
    country: loading holidays is not free).
    """
    if calendar.country != regime.country:
        raise ValueError(f"calendrier {calendar.country} pour un débiteur {regime.country}")
    return call_warnings(now.astimezone(ZoneInfo(regime.timezone)), rules, calendar, calls_30d,
                         debtor_calls_30d=debtor_calls_30d, consumer=regime.consumer)


def format_clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
