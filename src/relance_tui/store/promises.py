"""Promises: evaluation against payments, the Promesses tab's lists, the day's promises for export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from relance_tui.domain.dunning import PROMISE_GRACE_DAYS
from relance_tui.domain.instants import local, to_iso
from relance_tui.domain.money import format_cents
from relance_tui.domain.promises import PromiseState, Verdict, evaluate, grace_end
from relance_tui.domain.vocabulary import PROMISE_STATUSES
from relance_tui.store.connection import Store

if TYPE_CHECKING:
    from sqlite_utils import Database

    from relance_tui.domain.calendar import OfficeCalendar


def evaluate_promises(store: Store, today: dt.date, *, calendar: OfficeCalendar, tz: str = "Europe/Paris",
                      debtor_ids: list[int] | None = None) -> dict[int, str]:
    """Re-evaluate every pending promise (of these debtors); returns the promises whose state changed.

    Each change is an event in the debtor's timeline; a broken promise brings the debtor back the
    next business day after its grace.
    """
    # here, not at the top: the day's export (a command that only reads) need not import the calls' rules
    from relance_tui.domain.calls import NextStep
    from relance_tui.store.calls import set_next_action
    from relance_tui.store.queries import append_event

    zone = ZoneInfo(tz)
    db = store.conn
    # reading and judging take no lock; only the changes are written, in one short transaction
    # only debtors whose state can have moved: a grace that ended, or a payment since the promise
    sql = ("SELECT DISTINCT p.debtor_id FROM promises p WHERE p.status = 'pending' AND (p.due_date < ? OR EXISTS "
           "(SELECT 1 FROM payments y WHERE y.debtor_id = p.debtor_id AND y.day >= substr(p.created_at, 1, 10) "
           "AND y.day <= ?))")
    params: list = [(today - dt.timedelta(days=PROMISE_GRACE_DAYS)).isoformat(), today.isoformat()]
    if debtor_ids is not None:
        sql += f" AND p.debtor_id IN ({', '.join('?' for _ in debtor_ids)})"
        params += list(debtor_ids)
    debtors = [r[0] for r in db.execute(sql, params)]
    verdicts_by_debtor: dict[int, list[tuple[int, int, dt.date, Verdict]]] = {}
    for debtor_id in debtors:
        rows = db.execute("SELECT id, created_at, due_date, amount_cents, status FROM promises "
                          "WHERE debtor_id = ? AND status <> 'cancelled'", [debtor_id]).fetchall()
        states = [PromiseState(r[0], local(r[1], zone).date(), dt.date.fromisoformat(r[2]), r[3]) for r in rows]
        first = min(s.made_on for s in states)
        payments = [(dt.date.fromisoformat(d), c) for d, c in db.execute(
            "SELECT day, amount_cents FROM payments WHERE debtor_id = ? AND day >= ?", [debtor_id, first.isoformat()])]
        verdicts = evaluate(states, payments, today)
        changes = [(pid, amount, state.due_date, verdicts[pid])
                   for (pid, _created, _due, amount, status), state in zip(rows, states, strict=True)
                   if status == "pending" and verdicts[pid].status != "pending"]
        if changes:
            verdicts_by_debtor[debtor_id] = changes
    if not verdicts_by_debtor:
        return {}

    def write(db: Database) -> dict[int, str]:
        changed: dict[int, str] = {}
        at = store.now()
        for debtor_id, changes in verdicts_by_debtor.items():
            broken_ends = []
            for pid, amount, due, verdict in changes:
                cur = db.execute("UPDATE promises SET status = ?, kept_cents = ?, evaluated_at = ?, "
                                 "version = version + 1, updated_at = ?, updated_by = 'relance' "
                                 "WHERE id = ? AND status = 'pending'",
                                 [verdict.status, verdict.covered_cents, at, at, pid])
                if cur.rowcount != 1:
                    continue  # another agent's app judged it meanwhile
                invoice_ids = [r[0] for r in db.execute(
                    "SELECT invoice_id FROM promise_invoices WHERE promise_id = ?", [pid])]
                append_event(db, at=at, agent="relance", kind="promise", debtor_id=debtor_id,
                             outcome=verdict.status,
                             notes=f"Promesse de {format_cents(amount)} du {due:%d/%m/%Y} : "
                                   f"{PROMISE_STATUSES[verdict.status].lower()} ({format_cents(verdict.covered_cents)}"
                                   " reçus)", data={"promise_id": pid, "covered_cents": verdict.covered_cents},
                             invoice_ids=invoice_ids)
                changed[pid] = verdict.status
                if verdict.status in ("broken", "partly_kept"):
                    broken_ends.append(grace_end(due))
            if broken_ends:
                back = calendar.next_business_day(max(broken_ends))
                set_next_action(db, debtor_id, NextStep("retry", back.isoformat(), "Promesse non tenue : rappeler"),
                                event_id=None, agent="relance", at=at)
        return changed

    return store.write(write, what="évaluation des promesses")


@dataclass(frozen=True)
class PromiseLine:
    id: int
    debtor_id: int
    debtor: str
    contact: str
    invoices: str  # invoice numbers, comma separated
    amount_cents: int
    due_date: dt.date
    status: str
    agent: str
    created_at: str  # the call time, UTC
    notes: str
    instalment: str | None


_LINE_SQL = """
SELECT p.id, p.debtor_id, d.name,
       COALESCE((SELECT c.name FROM contacts c WHERE c.id = json_extract(e.data, '$.contact_id')),
                (SELECT c.name FROM contacts c WHERE c.debtor_id = p.debtor_id
                 ORDER BY c.can_release_payment DESC, c.id LIMIT 1), ''),
       COALESCE((SELECT group_concat(number, ', ') FROM (SELECT i.number FROM promise_invoices pi
                 JOIN invoices i ON i.id = pi.invoice_id WHERE pi.promise_id = p.id ORDER BY i.number)), ''),
       p.amount_cents, p.due_date, p.status, p.agent, p.created_at, p.notes, p.instalments
FROM promises p JOIN debtors d ON d.id = p.debtor_id LEFT JOIN events e ON e.id = p.event_id
"""


def _lines(store: Store, where: str, params: list) -> list[PromiseLine]:
    return [PromiseLine(*r[:6], dt.date.fromisoformat(r[6]), *r[7:]) for r in store.conn.execute(
        f"{_LINE_SQL} WHERE {where} ORDER BY p.created_at, p.id", params).fetchall()]


def day_bounds(day: dt.date, tz: str) -> tuple[str, str]:
    """The UTC instants that start the office's ``day`` and the next one."""
    zone = ZoneInfo(tz)
    start = dt.datetime.combine(day, dt.time(), zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
    return to_iso(start), to_iso(end)


def promises_made(store: Store, day: dt.date, *, tz: str, agent: str | None = None) -> list[PromiseLine]:
    """Promises obtained on ``day`` (office time), by everyone or one agent: the day's export."""
    start, end = day_bounds(day, tz)
    where, params = "p.created_at >= ? AND p.created_at < ? AND p.status <> 'cancelled'", [start, end]
    if agent:
        where += " AND p.agent = ?"
        params.append(agent)
    return _lines(store, where, params)


def promises_due(store: Store, day: dt.date) -> list[PromiseLine]:
    return _lines(store, "p.due_date = ? AND p.status <> 'cancelled'", [day.isoformat()])


def promises_broken(store: Store, today: dt.date, *, days: int = 30) -> list[PromiseLine]:
    """Promises found broken or partly kept in the last ``days`` days (grace ended since)."""
    since = (today - dt.timedelta(days=days + PROMISE_GRACE_DAYS)).isoformat()
    return _lines(store, "p.status IN ('broken', 'partly_kept') AND p.due_date >= ?", [since])


def promises_of_session(store: Store, session_id: int) -> list[PromiseLine]:
    """Promises obtained in the calls of one shared session: its summary, open or closed."""
    return _lines(store, "json_extract(e.data, '$.session_id') = ? AND p.status <> 'cancelled'", [session_id])
