"""Saving a call: the call event, its promises or dispute, the next action, all in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.domain.calls import PHASE_CODES, NextStep, next_step
from relance_tui.domain.instants import to_iso
from relance_tui.domain.money import format_cents
from relance_tui.domain.vocabulary import CALL_OUTCOMES, DISPUTE_CATEGORIES
from relance_tui.errors import NotFound
from relance_tui.store.claims import release
from relance_tui.store.connection import Store
from relance_tui.store.queries import append_event

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class Instalment:
    due_date: dt.date
    amount_cents: int


@dataclass(frozen=True)
class CallReport:
    """Everything the agent entered about one call."""

    debtor_id: int
    outcome: str
    started_at: dt.datetime
    duration_s: int
    phases: tuple[str, ...] = ()  # phases reached, in order
    contact_id: int | None = None
    notes: str = ""
    instalments: tuple[Instalment, ...] = ()  # a promise: one or several dated amounts
    invoice_ids: tuple[int, ...] = ()  # invoices the promise or dispute is about
    paid_date: dt.date | None = None  # payment already sent
    paid_reference: str = ""
    dispute_category: str | None = None
    callback_at: dt.datetime | None = None
    objections: tuple[str, ...] = ()
    guard_override: str = ""  # the reason given for calling despite a warning
    session_id: int | None = None  # the shared session the call was made in

    def check(self) -> None:
        """Refuse an incomplete report with what is missing (in French, for the agent)."""
        if self.outcome not in CALL_OUTCOMES:
            raise ValueError(f"issue d'appel inconnue : {self.outcome!r}")
        unknown = [p for p in self.phases if p not in PHASE_CODES]
        if unknown:
            raise ValueError(f"phases inconnues : {unknown}")
        if self.duration_s < 0:
            raise ValueError("durée négative")
        if self.outcome == "promise":
            if not self.instalments:
                raise ValueError("promesse : indiquez au moins un montant et une date")
            if any(i.amount_cents <= 0 for i in self.instalments):
                raise ValueError("promesse : chaque montant doit être positif")
        if self.outcome == "dispute":
            if self.dispute_category not in DISPUTE_CATEGORIES:
                raise ValueError("litige : choisissez une catégorie")
            if not self.invoice_ids:
                raise ValueError("litige : cochez au moins une facture concernée")
        if self.outcome == "callback" and self.callback_at is None:
            raise ValueError("rappel : indiquez la date et l'heure")


@dataclass(frozen=True)
class SavedCall:
    event_id: int
    next_step: NextStep
    promise_ids: tuple[int, ...] = field(default_factory=tuple)
    dispute_id: int | None = None


def describe(report: CallReport) -> str:
    """One line for the timeline."""
    parts = [CALL_OUTCOMES[report.outcome]]
    if report.instalments:
        parts.append(" + ".join(f"{format_cents(i.amount_cents)} le {i.due_date:%d/%m/%Y}" for i in report.instalments))
    if report.paid_date:
        parts.append(f"envoyé le {report.paid_date:%d/%m/%Y}" + (f", réf. {report.paid_reference}"
                                                                   if report.paid_reference else ""))
    if report.dispute_category:
        parts.append(DISPUTE_CATEGORIES[report.dispute_category])
    if report.notes.strip():
        parts.append(report.notes.strip())
    return " · ".join(parts)


def save_call(store: Store, report: CallReport, *, today: dt.date, calendar: OfficeCalendar) -> SavedCall:
    """Write the call and all it implies at once; on any failure nothing is written."""
    report.check()
    step = next_step(report.outcome, today=today, calendar=calendar,
                     promise_dates=tuple(i.due_date for i in report.instalments),
                     callback_at=report.callback_at, paid_date=report.paid_date)
    agent = store.agent

    def write(db: Database) -> SavedCall:
        at = store.now()
        if db.execute("SELECT 1 FROM debtors WHERE id = ?", [report.debtor_id]).fetchone() is None:
            raise NotFound(f"débiteur n°{report.debtor_id} introuvable")
        data = {"phases": list(report.phases), "contact_id": report.contact_id,
                "started_at": to_iso(report.started_at), "next": {"kind": step.kind, "due_at": step.due_at}}
        if report.instalments:
            data["instalments"] = [{"due_date": i.due_date.isoformat(), "amount_cents": i.amount_cents}
                                   for i in report.instalments]
        if report.paid_date:
            data["paid"] = {"date": report.paid_date.isoformat(), "reference": report.paid_reference}
        if report.callback_at:
            data["callback_at"] = to_iso(report.callback_at)
        if report.objections:
            data["objections"] = list(report.objections)
        if report.guard_override:
            data["guard_override"] = report.guard_override
        if report.session_id is not None:
            data["session_id"] = report.session_id
        data["notes"] = report.notes.strip()  # the agent's own words, apart from what relance adds (a Dutch court file)
        event_id = append_event(db, at=at, agent=agent, kind="call", debtor_id=report.debtor_id, direction="out",
                                outcome=report.outcome, duration_s=report.duration_s, notes=describe(report),
                                data=data, invoice_ids=report.invoice_ids)
        promise_ids = []
        count = len(report.instalments)
        for n, inst in enumerate(report.instalments, 1):
            pid = db.execute(
                "INSERT INTO promises (debtor_id, event_id, amount_cents, due_date, instalments, status, agent, "
                "notes, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)",
                [report.debtor_id, event_id, inst.amount_cents, inst.due_date.isoformat(),
                 f"{n}/{count}" if count > 1 else None, agent, report.notes.strip(), at, at, agent]).lastrowid
            db.conn.executemany("INSERT INTO promise_invoices (promise_id, invoice_id) VALUES (?, ?)",
                                [(pid, i) for i in sorted(set(report.invoice_ids))])
            append_event(db, at=at, agent=agent, kind="promise", debtor_id=report.debtor_id, outcome="pending",
                         notes=f"Promesse de {format_cents(inst.amount_cents)} pour le {inst.due_date:%d/%m/%Y}"
                               + (f" (échéance {n}/{count})" if count > 1 else ""),
                         data={"promise_id": pid, "amount_cents": inst.amount_cents,
                               "due_date": inst.due_date.isoformat()}, invoice_ids=report.invoice_ids)
            promise_ids.append(pid)
        dispute_id = None
        if report.outcome == "dispute":
            dispute_id = db.execute(
                "INSERT INTO disputes (debtor_id, event_id, category, notes, agent, created_at, updated_at, "
                "updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [report.debtor_id, event_id, report.dispute_category, report.notes.strip(), agent, at, at,
                 agent]).lastrowid
            ids = sorted(set(report.invoice_ids))
            db.conn.executemany("INSERT INTO dispute_invoices (dispute_id, invoice_id) VALUES (?, ?)",
                                [(dispute_id, i) for i in ids])
            marks = ", ".join("?" for _ in ids)
            numbers = [r[0] for r in db.execute(
                f"SELECT number FROM invoices WHERE id IN ({marks}) AND debtor_id = ? ORDER BY number",
                [*ids, report.debtor_id])]
            if len(numbers) != len(ids):
                raise NotFound("litige : une facture cochée n'appartient pas à ce débiteur")
            db.execute(f"UPDATE invoices SET status = 'disputed', version = version + 1, updated_at = ?, "
                       f"updated_by = ? WHERE id IN ({marks}) AND status = 'open'", [at, agent, *ids])
            append_event(db, at=at, agent=agent, kind="dispute", debtor_id=report.debtor_id, outcome="opened",
                         notes=f"Litige ({DISPUTE_CATEGORIES[report.dispute_category]}) sur "
                               f"{', '.join(numbers)} : relances suspendues",
                         data={"dispute_id": dispute_id, "category": report.dispute_category},
                         invoice_ids=ids)
        set_next_action(db, report.debtor_id, step, event_id=event_id, agent=agent, at=at)
        if report.session_id is not None:
            finish_item(db, report.session_id, report.debtor_id, agent=agent, at=at, outcome=report.outcome)
        release(db, report.debtor_id, agent)
        return SavedCall(event_id, step, tuple(promise_ids), dispute_id)

    return store.write(write, what="enregistrement de l'appel")


def finish_item(db: Database, session_id: int, debtor_id: int, *, agent: str, at: str, outcome: str) -> None:
    """The session's item for this debtor is done (inside the call's transaction)."""
    db.execute("UPDATE session_items SET status = 'done', done_by = ?, done_at = ?, outcome = ? "
               "WHERE session_id = ? AND debtor_id = ? AND status = 'queued'",
               [agent, at, outcome, session_id, debtor_id])


def set_next_action(db: Database, debtor_id: int, step: NextStep, *, event_id: int | None, agent: str,
                    at: str) -> None:
    db.execute(
        "INSERT INTO next_actions (debtor_id, kind, due_at, label, event_id, agent, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (debtor_id) DO UPDATE SET kind = excluded.kind, "
        "due_at = excluded.due_at, label = excluded.label, event_id = excluded.event_id, agent = excluded.agent, "
        "updated_at = excluded.updated_at",
        [debtor_id, step.kind, step.due_at, step.label, event_id, agent, at])


def calls_within(store: Store, debtor_id: int, contact_id: int | None, *, since: dt.datetime) -> int:
    """Outgoing calls to this contact (to the debtor, when no contact is known) since ``since``."""
    sql = ("SELECT COUNT(*) FROM events WHERE debtor_id = ? AND kind = 'call' AND direction = 'out' "
           "AND at >= ?")
    params: list = [debtor_id, to_iso(since)]
    if contact_id is not None:
        sql += " AND (json_extract(data, '$.contact_id') = ? OR json_extract(data, '$.contact_id') IS NULL)"
        params.append(contact_id)
    return store.conn.execute(sql, params).fetchone()[0]


def log_guard_override(store: Store, debtor_id: int, reasons: list[str], reason: str) -> int:
    """An agent calls despite the guard: the warning and their reason go to the timeline at once."""
    return store.write(lambda db: append_event(
        db, at=store.now(), agent=store.agent, kind="note", debtor_id=debtor_id, outcome="call_guard_override",
        notes=f"Appel malgré l'alerte ({' '.join(reasons)}) : {reason}",
        data={"reasons": reasons, "reason": reason}), what="motif de l'appel")
