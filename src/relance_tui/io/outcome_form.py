"""The call's outcome form, read: what the agent typed becomes a report for store/calls.py.

A plain function of the form's values and of what the call screen knows, without Textual: the form
(tui/outcome.py) collects the values, the call screen (tui/call.py) says what the call was so far.
A ValueError names the field that is wrong, in French, for the form to show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from relance_tui.domain.dates import parse_user_date, parse_user_time
from relance_tui.domain.parsing import parse_amount
from relance_tui.store.calls import CallReport, Instalment


@dataclass(frozen=True)
class CallSoFar:
    """What the call screen knows when the agent saves the outcome."""

    debtor_id: int
    started_at: dt.datetime
    phases: tuple[str, ...] = ()  # phases reached, in order
    contact_id: int | None = None
    open_invoice_ids: tuple[int, ...] = ()  # what a promise is about unless the form says otherwise
    objections: tuple[str, ...] = ()
    guard_override: str = ""
    session_id: int | None = None


def field_date(label: str, text: str, today: dt.date) -> dt.date:
    """A date typed in a field ("20/12/2026", "demain", "+3"); the error names the field."""
    try:
        return parse_user_date(text, today)
    except ValueError as exc:
        raise ValueError(f"{label} : {exc}") from None


def promise_instalments(fields: Mapping[str, Any], today: dt.date) -> tuple[Instalment, ...]:
    """The amount and date promised, then the other instalments ("15/01/2027 500; 15/02/2027 500")."""
    amount_text = fields.get("amount", "")
    try:
        amount = parse_amount(amount_text)
    except ValueError:
        raise ValueError(f"Montant : « {amount_text} » n'est pas un montant (ex. 250,00)") from None
    instalments = [Instalment(field_date("Date promise", fields.get("date", ""), today), amount)]
    for n, part in enumerate(x.strip() for x in fields.get("more", "").split(";") if x.strip()):
        try:
            day_text, more_text = part.rsplit(" ", 1)
            more_amount = parse_amount(more_text)
        except ValueError:
            raise ValueError(f"Autres échéances, n°{n + 1} : « {part} » (attendu : JJ/MM/AAAA montant)") from None
        instalments.append(Instalment(field_date(f"Autres échéances, n°{n + 1}", day_text, today), more_amount))
    if any(i.due_date < today for i in instalments):
        raise ValueError("Date promise : une date passée n'est pas une promesse")
    return tuple(instalments)


def callback_moment(fields: Mapping[str, Any], *, today: dt.date, now: dt.datetime, tz: str) -> dt.datetime:
    """The callback agreed, in the office's time zone; it must be still to come."""
    day = field_date("Date du rappel", fields.get("cb_date", ""), today)
    try:
        moment = parse_user_time(fields.get("cb_time", ""))
    except ValueError as exc:
        raise ValueError(f"Heure du rappel : {exc}") from None
    callback_at = dt.datetime.combine(day, moment, ZoneInfo(tz))
    if callback_at <= now:
        raise ValueError("Date du rappel : ce moment est déjà passé")
    return callback_at


def report_from_form(outcome: str, fields: Mapping[str, Any], call: CallSoFar, *, today: dt.date,
                     now: dt.datetime, tz: str) -> CallReport:
    """Turn what the agent typed into a checked report; ValueError says which field is wrong.

    ``fields`` holds the form's texts (amount, date, more, paid_date, paid_ref, cb_date, cb_time, notes),
    the dispute's ``category`` (None if not chosen) and its ``invoices`` (ids ticked)."""
    instalments: tuple[Instalment, ...] = ()
    invoice_ids = call.open_invoice_ids
    paid_date, callback_at, category = None, None, None
    if outcome == "promise":
        instalments = promise_instalments(fields, today)
    elif outcome == "paid_already":
        paid_date = field_date("Date du paiement", fields.get("paid_date", "") or "aujourd'hui", today)
    elif outcome == "dispute":
        category = fields.get("category")
        invoice_ids = tuple(fields.get("invoices", ()))
    elif outcome == "callback":
        callback_at = callback_moment(fields, today=today, now=now, tz=tz)
    report = CallReport(
        debtor_id=call.debtor_id, outcome=outcome, started_at=call.started_at,
        duration_s=int((now - call.started_at).total_seconds()), phases=call.phases, contact_id=call.contact_id,
        notes=fields.get("notes", ""), instalments=instalments, invoice_ids=invoice_ids,
        paid_date=paid_date, paid_reference=fields.get("paid_ref", "").strip(),
        dispute_category=category, callback_at=callback_at, objections=call.objections,
        guard_override=call.guard_override, session_id=call.session_id)
    report.check()
    return report
