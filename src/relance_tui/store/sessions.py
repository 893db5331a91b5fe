"""Shared collection sessions: one queue, several agents, no debtor called twice.

``next_debtor`` takes the top unclaimed debtor of a session in a single
``INSERT ... SELECT ... ON CONFLICT DO UPDATE ... RETURNING`` inside one
``BEGIN IMMEDIATE`` transaction: two agents pressing ``n`` at the same instant
get two different debtors. A claim is a lease: a crashed agent's debtor comes
back to the queue when it expires.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from relance_tui.domain.instants import to_iso
from relance_tui.domain.text import count
from relance_tui.domain.vocabulary import REACHED_OUTCOMES
from relance_tui.errors import NotFound, RelanceError
from relance_tui.store.claims import LEASE_SECONDS, Holder, release
from relance_tui.store.connection import Store
from relance_tui.store.queries import append_event
from relance_tui.store.queue import QueueFilters, QueueItem

if TYPE_CHECKING:
    from sqlite_utils import Database


class SessionClosed(RelanceError):
    """The session was closed (by a supervisor) meanwhile."""


@dataclass(frozen=True)
class SessionInfo:
    id: int
    name: str
    status: str
    created_by: str
    created_at: str
    closed_at: str | None
    queued: int
    done: int
    members: tuple[str, ...]


@dataclass(frozen=True)
class SessionItem:
    debtor_id: int
    name: str
    position: int
    status: str  # queued, done, removed
    reason: str
    assigned_to: str | None
    done_by: str | None
    outcome: str | None
    due_cents: int
    holder: Holder | None  # who is on it now


@dataclass
class AgentBoard:
    agent: str
    calls: int = 0
    reached: int = 0
    promises: int = 0
    promised_cents: int = 0
    disputes: int = 0
    seconds: int = 0

    @property
    def reached_rate(self) -> float:
        return self.reached / self.calls if self.calls else 0.0


@dataclass
class Board:
    agents: dict[str, AgentBoard] = field(default_factory=dict)

    @property
    def total(self) -> AgentBoard:
        t = AgentBoard("Σ")
        for a in self.agents.values():
            t.calls += a.calls
            t.reached += a.reached
            t.promises += a.promises
            t.promised_cents += a.promised_cents
            t.disputes += a.disputes
            t.seconds += a.seconds
        return t


def _session_row(db: Database, session_id: int) -> tuple[str, str]:
    row = db.execute("SELECT name, status FROM sessions WHERE id = ?", [session_id]).fetchone()
    if row is None:
        raise NotFound(f"session n°{session_id} introuvable")
    return row


def create_session(store: Store, name: str, items: list[QueueItem], filters: QueueFilters | None = None) -> int:
    name = name.strip()
    if not name:
        raise ValueError("donnez un nom à la session (ex. « Mardi matin »)")
    if not items:
        raise ValueError("la file d'appels est vide : rien à appeler avec ces filtres")

    def write(db: Database) -> int:
        at = store.now()
        sid = db.execute("INSERT INTO sessions (name, filters, created_by, created_at) VALUES (?, ?, ?, ?)",
                         [name, json.dumps(filters.as_dict() if filters else {}), store.agent, at]).lastrowid
        db.conn.executemany(
            "INSERT INTO session_items (session_id, debtor_id, position, reason) VALUES (?, ?, ?, ?)",
            [(sid, it.debtor_id, n, it.reason) for n, it in enumerate(items, 1)])
        db.execute("INSERT INTO session_members (session_id, agent, joined_at) VALUES (?, ?, ?)",
                   [sid, store.agent, at])
        append_event(db, at=at, agent=store.agent, kind="session", outcome="opened",
                     notes=f"Session « {name} » ouverte : "
                           f"{count(len(items), 'débiteur à appeler', 'débiteurs à appeler')}",
                     data={"session_id": sid, "items": len(items)})
        return sid

    return store.write(write, what="ouverture de la session")


def join_session(store: Store, session_id: int) -> None:
    def write(db: Database) -> None:
        _, status = _session_row(db, session_id)
        if status != "open":
            raise SessionClosed("cette session est close")
        cur = db.execute("INSERT OR IGNORE INTO session_members (session_id, agent, joined_at) VALUES (?, ?, ?)",
                         [session_id, store.agent, store.now()])
        if cur.rowcount:
            append_event(db, at=store.now(), agent=store.agent, kind="session", outcome="joined",
                         notes="A rejoint la session", data={"session_id": session_id})

    store.write(write, what="entrée dans la session")


def list_sessions(store: Store, *, include_closed: bool = False, limit: int = 50) -> list[SessionInfo]:
    where = "" if include_closed else "WHERE s.status = 'open'"
    rows = store.conn.execute(
        "SELECT s.id, s.name, s.status, s.created_by, s.created_at, s.closed_at, "
        "(SELECT COUNT(*) FROM session_items i WHERE i.session_id = s.id AND i.status = 'queued'), "
        "(SELECT COUNT(*) FROM session_items i WHERE i.session_id = s.id AND i.status = 'done'), "
        "(SELECT group_concat(agent, ',') FROM session_members m WHERE m.session_id = s.id) "
        f"FROM sessions s {where} ORDER BY s.status = 'open' DESC, s.id DESC LIMIT ?", [limit]).fetchall()
    return [SessionInfo(*r[:8], tuple(sorted((r[8] or "").split(","))) if r[8] else ()) for r in rows]


def next_debtor(store: Store, session_id: int, *, lease_s: int = LEASE_SECONDS) -> int | None:
    """Claim the top debtor nobody is on (assigned to nobody or to me); None when the queue is empty."""
    agent = store.agent

    def write(db: Database) -> int | None:
        _, status = _session_row(db, session_id)
        if status != "open":
            raise SessionClosed("cette session est close")
        now = store.clock()
        at, until = to_iso(now), to_iso(now + dt.timedelta(seconds=lease_s))
        row = db.execute(
            "INSERT INTO claims (debtor_id, agent, session_id, claimed_at, expires_at) "
            "SELECT i.debtor_id, :agent, :sid, :at, :until FROM session_items i "
            "WHERE i.session_id = :sid AND i.status = 'queued' "
            "AND (i.assigned_to IS NULL OR i.assigned_to = :agent) "
            "AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.debtor_id = i.debtor_id AND c.expires_at > :at "
            "AND c.agent <> :agent) "
            "ORDER BY i.assigned_to IS NULL, i.position LIMIT 1 "
            "ON CONFLICT (debtor_id) DO UPDATE SET agent = excluded.agent, session_id = excluded.session_id, "
            "claimed_at = excluded.claimed_at, expires_at = excluded.expires_at "
            "WHERE claims.expires_at <= excluded.claimed_at OR claims.agent = excluded.agent "
            "RETURNING debtor_id",
            {"agent": agent, "sid": session_id, "at": at, "until": until}).fetchone()
        return row[0] if row else None

    return store.write(write, what="prise du débiteur suivant")


def skip_item(store: Store, session_id: int, debtor_id: int) -> None:
    """Give the debtor back without a call: it goes to the end of the queue."""
    def write(db: Database) -> None:
        release(db, debtor_id, store.agent)
        db.execute("UPDATE session_items SET position = (SELECT COALESCE(MAX(position), 0) + 1 FROM session_items "
                   "WHERE session_id = ?) WHERE session_id = ? AND debtor_id = ? AND status = 'queued'",
                   [session_id, session_id, debtor_id])

    store.write(write, what="débiteur passé")


def session_items(store: Store, session_id: int, now: dt.datetime) -> list[SessionItem]:
    rows = store.conn.execute(
        "SELECT i.debtor_id, d.name, i.position, i.status, i.reason, i.assigned_to, i.done_by, i.outcome, "
        "COALESCE((SELECT SUM(v.amount_cents - v.paid_cents) FROM invoices v WHERE v.debtor_id = i.debtor_id "
        "AND v.status = 'open' AND v.amount_cents > v.paid_cents), 0), "
        "c.agent, c.claimed_at, c.expires_at, c.session_id "
        "FROM session_items i JOIN debtors d ON d.id = i.debtor_id "
        "LEFT JOIN claims c ON c.debtor_id = i.debtor_id AND c.expires_at > ? "
        "WHERE i.session_id = ? AND i.status <> 'removed' "
        "ORDER BY i.status = 'done', i.position", [to_iso(now), session_id]).fetchall()
    return [SessionItem(*r[:9], Holder(r[0], r[9], r[10], r[11], r[12]) if r[9] else None) for r in rows]


def session_created_at(store: Store, session_id: int) -> str | None:
    """When a session was opened (UTC ISO instant), or None when there is no session of that number."""
    row = store.conn.execute("SELECT created_at FROM sessions WHERE id = ?", [session_id]).fetchone()
    return None if row is None else row[0]


def board(store: Store, session_id: int) -> Board:
    """Per agent: calls, reached, promises (count, amount), disputes, time on calls, for this session."""
    b = Board()
    for agent in (r[0] for r in store.conn.execute(
            "SELECT agent FROM session_members WHERE session_id = ? ORDER BY agent", [session_id])):
        b.agents[agent] = AgentBoard(agent)
    start = session_created_at(store, session_id)
    if start is None:
        raise NotFound(f"session n°{session_id} introuvable")
    # one query, run at each change another agent makes: calls of the session with their promises
    for agent, outcome, seconds, promises, cents in store.conn.execute(
            "SELECT e.agent, e.outcome, COALESCE(e.duration_s, 0), COUNT(p.id), COALESCE(SUM(p.amount_cents), 0) "
            "FROM events e INDEXED BY events_at LEFT JOIN promises p ON p.event_id = e.id "
            "WHERE e.at >= ? AND e.kind = 'call' AND json_extract(e.data, '$.session_id') = ? GROUP BY e.id",
            [start, session_id]):
        a = b.agents.setdefault(agent, AgentBoard(agent))
        a.calls += 1
        a.seconds += seconds
        a.reached += outcome in REACHED_OUTCOMES
        a.disputes += outcome == "dispute"
        a.promises += promises
        a.promised_cents += cents
    return b


# -- supervisor actions -----------------------------------------------------------------------------
def _supervised(store: Store, session_id: int, what: str, notes: str, data: dict, change) -> None:  # noqa: ANN001
    def write(db: Database) -> None:
        _, status = _session_row(db, session_id)
        if status != "open":
            raise SessionClosed("cette session est close")
        change(db)
        append_event(db, at=store.now(), agent=store.agent, kind="session", outcome=what, notes=notes,
                     data={"session_id": session_id, **data})

    store.write(write, what="modification de la session")


def move_item(store: Store, session_id: int, debtor_id: int, steps: int) -> None:
    """Move a queued debtor up (steps < 0) or down the queue by swapping positions."""
    def change(db: Database) -> None:
        queued = [r[0] for r in db.execute("SELECT debtor_id FROM session_items WHERE session_id = ? AND "
                                           "status = 'queued' ORDER BY position", [session_id])]
        if debtor_id not in queued:
            raise NotFound("ce débiteur n'est plus dans la file")
        i = queued.index(debtor_id)
        j = max(0, min(len(queued) - 1, i + steps))
        queued.insert(j, queued.pop(i))
        db.conn.executemany("UPDATE session_items SET position = ? WHERE session_id = ? AND debtor_id = ?",
                            [(n, session_id, d) for n, d in enumerate(queued, 1)])

    _supervised(store, session_id, "reordered", f"Débiteur n°{debtor_id} déplacé dans la file",
                {"debtor_id": debtor_id, "steps": steps}, change)


def remove_item(store: Store, session_id: int, debtor_id: int) -> None:
    _supervised(store, session_id, "removed", f"Débiteur n°{debtor_id} retiré de la file",
                {"debtor_id": debtor_id},
                lambda db: db.execute("UPDATE session_items SET status = 'removed' WHERE session_id = ? AND "
                                      "debtor_id = ? AND status = 'queued'", [session_id, debtor_id]))


def assign_item(store: Store, session_id: int, debtor_id: int, agent: str | None) -> None:
    """Reserve a queued debtor for one agent (None: for anyone)."""
    _supervised(store, session_id, "assigned",
                f"Débiteur n°{debtor_id} réservé à {agent}" if agent else f"Débiteur n°{debtor_id} remis à tous",
                {"debtor_id": debtor_id, "agent": agent},
                lambda db: db.execute("UPDATE session_items SET assigned_to = ? WHERE session_id = ? AND "
                                      "debtor_id = ? AND status = 'queued'", [agent, session_id, debtor_id]))


def close_session(store: Store, session_id: int) -> None:
    def write(db: Database) -> None:
        name, status = _session_row(db, session_id)
        if status != "open":
            raise SessionClosed("cette session est déjà close")
        at = store.now()
        db.execute("UPDATE sessions SET status = 'closed', closed_by = ?, closed_at = ? WHERE id = ?",
                   [store.agent, at, session_id])
        db.execute("DELETE FROM claims WHERE session_id = ?", [session_id])
        done = db.execute("SELECT COUNT(*) FROM session_items WHERE session_id = ? AND status = 'done'",
                          [session_id]).fetchone()[0]
        append_event(db, at=at, agent=store.agent, kind="session", outcome="closed",
                     notes=f"Session « {name} » close : {count(done, 'débiteur traité')}",
                     data={"session_id": session_id, "done": done})

    store.write(write, what="clôture de la session")
