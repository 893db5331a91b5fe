"""Who is on a debtor right now: an expiring lease per debtor.

One ``INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING`` statement
decides a claim, so two agents asking at the same instant never both get it.
A claim is renewed while the agent works the debtor and released when the
outcome is saved; one left by a crashed process expires on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from relance_tui.domain.instants import to_iso
from relance_tui.store.connection import Store
from relance_tui.store.queries import append_event

if TYPE_CHECKING:
    from sqlite_utils import Database

LEASE_SECONDS = 300


@dataclass(frozen=True)
class Holder:
    debtor_id: int
    agent: str
    claimed_at: str
    expires_at: str
    session_id: int | None = None


def _claim(db: Database, debtor_id: int, agent: str, now: dt.datetime, lease_s: int,
           session_id: int | None, steal: bool) -> Holder | None:
    at, until = to_iso(now), to_iso(now + dt.timedelta(seconds=lease_s))
    condition = "1" if steal else "claims.agent = excluded.agent OR claims.expires_at <= excluded.claimed_at"
    row = db.execute(
        "INSERT INTO claims (debtor_id, agent, session_id, claimed_at, expires_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (debtor_id) DO UPDATE SET agent = excluded.agent, session_id = excluded.session_id, "
        "claimed_at = CASE WHEN claims.agent = excluded.agent AND claims.expires_at > excluded.claimed_at "
        "THEN claims.claimed_at ELSE excluded.claimed_at END, expires_at = excluded.expires_at "
        f"WHERE {condition} RETURNING debtor_id, agent, claimed_at, expires_at, session_id",
        [debtor_id, agent, session_id, at, until]).fetchone()
    return Holder(*row) if row else None


def current_holder(db: Database, debtor_id: int, now: dt.datetime) -> Holder | None:
    row = db.execute("SELECT debtor_id, agent, claimed_at, expires_at, session_id FROM claims "
                     "WHERE debtor_id = ? AND expires_at > ?", [debtor_id, to_iso(now)]).fetchone()
    return Holder(*row) if row else None


@dataclass(frozen=True)
class ClaimResult:
    ok: bool
    holder: Holder | None  # ours when ok, else the other agent's


def claim(store: Store, debtor_id: int, *, lease_s: int = LEASE_SECONDS, session_id: int | None = None,
          steal: bool = False) -> ClaimResult:
    """Take (or renew) the lease on a debtor; refused if another agent holds a live one, unless ``steal``.

    A steal is logged in the debtor's timeline with whom it was taken from.
    """
    agent = store.agent

    def write(db: Database) -> ClaimResult:
        now = store.clock()
        before = current_holder(db, debtor_id, now)
        mine = _claim(db, debtor_id, agent, now, lease_s, session_id, steal)
        if mine is None:
            return ClaimResult(False, before)
        if steal and before is not None and before.agent != agent:
            append_event(db, at=to_iso(now), agent=agent, kind="session", debtor_id=debtor_id, outcome="steal",
                         notes=f"Dossier repris à {before.agent} (sur le dossier depuis {before.claimed_at})",
                         data={"from": before.agent, "claimed_at": before.claimed_at})
        return ClaimResult(True, mine)

    return store.write(write, what="prise du dossier")


def release(db: Database, debtor_id: int, agent: str) -> None:
    """Give the debtor back (inside the caller's transaction); only one's own claim."""
    db.execute("DELETE FROM claims WHERE debtor_id = ? AND agent = ?", [debtor_id, agent])


def release_claim(store: Store, debtor_id: int) -> None:
    store.write(lambda db: release(db, debtor_id, store.agent), what="libération du dossier")


def holders(store: Store, debtor_ids: Iterable[int], now: dt.datetime) -> dict[int, Holder]:
    ids = sorted(set(debtor_ids))
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    return {r[0]: Holder(*r) for r in store.conn.execute(
        "SELECT debtor_id, agent, claimed_at, expires_at, session_id FROM claims "
        f"WHERE debtor_id IN ({marks}) AND expires_at > ?", [*ids, to_iso(now)]).fetchall()}
