"""The machines that opened the base: recorded at each start, listed by doctor, and a warning when
another machine has it open (several machines on one SQLite file over a network share can corrupt it)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from relance_tui.domain.instants import to_iso

if TYPE_CHECKING:
    from sqlite_utils import Database

    from relance_tui.store.connection import Store

HOST_WARNING_DAYS = 14


@dataclass(frozen=True)
class HostSeen:
    hostname: str
    first_seen: str
    last_seen: str
    last_agent: str


def record_host(store: Store) -> None:
    """This machine and this agent were here now."""
    now = store.now()

    def upsert(db: Database) -> None:
        db.execute(
            "INSERT INTO hosts (hostname, first_seen, last_seen, last_agent, last_pid) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (hostname) DO UPDATE SET "
            "last_seen = excluded.last_seen, last_agent = excluded.last_agent, "
            "last_pid = excluded.last_pid",
            [store.hostname, now, now, store.agent, os.getpid()],
        )
        db.execute(
            "INSERT INTO agents (login, first_seen, last_seen) VALUES (?, ?, ?) "
            "ON CONFLICT (login) DO UPDATE SET last_seen = excluded.last_seen",
            [store.agent, now, now],
        )

    store.write(upsert, what="enregistrement du poste")
    store.purge_receipts()  # once a session: the receipts of past days' writes are no longer read


def hosts(store: Store) -> list[HostSeen]:
    return [
        HostSeen(*row)
        for row in store.conn.execute(
            "SELECT hostname, first_seen, last_seen, last_agent FROM hosts ORDER BY last_seen DESC"
        ).fetchall()
    ]


def other_hosts(store: Store, within_days: int = HOST_WARNING_DAYS) -> list[HostSeen]:
    since = to_iso(store.clock() - dt.timedelta(days=within_days))
    return [h for h in hosts(store) if h.hostname != store.hostname and h.last_seen >= since]


def host_warning(store: Store) -> str | None:
    others = other_hosts(store)
    if not others:
        return None
    names = ", ".join(f"{h.hostname} ({h.last_agent}, {h.last_seen[:10]})" for h in others)
    return (
        f"Attention : cette base est aussi ouverte depuis une autre machine : {names}. "
        "Plusieurs machines sur un même fichier SQLite via un partage réseau peuvent le corrompre ; "
        "faites travailler tous les agents sur un seul serveur (SSH)."
    )
