"""The machines that opened the base: what is recorded at each start, and the warning about the others
(store/hosts.py, issue 14)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from relance_tui.domain.instants import to_iso
from relance_tui.errors import ReadOnlyDatabase
from relance_tui.store import open_store
from relance_tui.store.hosts import HostSeen, hosts, other_hosts, record_host
from relance_tui.store.lease import HostLease
from tests.helpers import FakeClock

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def seen(store, host: str, agent: str, days_ago: float) -> str:  # noqa: ANN001
    at = to_iso(NOW - dt.timedelta(days=days_ago))
    store.write(lambda db: db.execute(
        "INSERT INTO hosts (hostname, first_seen, last_seen, last_agent, last_pid) VALUES (?, ?, ?, ?, 1)",
        [host, at, at, agent]))
    return at


def test_each_start_records_the_machine_and_the_agent_keeping_when_each_was_first_seen(db_path: Path) -> None:
    clock = FakeClock(NOW)
    open_store(db_path, agent="marie", create=True, clock=clock).shutdown()
    clock.t = NOW + dt.timedelta(hours=2)
    store = open_store(db_path, agent="karim", clock=clock)
    try:
        first, later = to_iso(NOW), to_iso(NOW + dt.timedelta(hours=2))
        assert store.conn.execute("SELECT hostname, first_seen, last_seen, last_agent, last_pid FROM hosts"
                                  ).fetchall() == [(store.hostname, first, later, "karim", os.getpid())]
        assert hosts(store) == [HostSeen(store.hostname, first, later, "karim")]
        assert store.conn.execute("SELECT login, first_seen, last_seen FROM agents ORDER BY login").fetchall() == [
            ("karim", later, later), ("marie", first, first)]
        clock.t = NOW + dt.timedelta(hours=3)
        record_host(store)
        assert store.conn.execute("SELECT login, first_seen, last_seen FROM agents ORDER BY login").fetchall() == [
            ("karim", later, to_iso(clock.t)), ("marie", first, first)]
    finally:
        store.close()


def test_a_read_only_machine_cannot_record_itself_and_says_what_it_could_not_do(db_path: Path) -> None:
    open_store(db_path, agent="marie", create=True).shutdown()
    other = HostLease(db_path, agent="paul", hostname="portable-paul")
    other.acquire()
    try:
        store = open_store(db_path, agent="marie", when_leased="readonly")
        with pytest.raises(ReadOnlyDatabase) as refused:
            record_host(store)
        assert str(refused.value).startswith("enregistrement du poste impossible")
        store.close()
    finally:
        other.release()


def test_the_warning_names_every_other_machine_seen_within_14_days_the_14th_included(db_path: Path) -> None:
    store = open_store(db_path, agent="marie", create=True, clock=FakeClock(NOW))
    try:
        seen(store, "poste-compta", "karim", 3)
        seen(store, "poste-accueil", "lea", 14)
        seen(store, "vieux-poste", "paul", 14.001)
        assert [h.hostname for h in other_hosts(store)] == ["poste-compta", "poste-accueil"]
        assert store.host_warning() == (
            "Attention : cette base est aussi ouverte depuis une autre machine : poste-compta (karim, 2026-11-20), "
            "poste-accueil (lea, 2026-11-09). Plusieurs machines sur un même fichier SQLite via un partage réseau "
            "peuvent le corrompre ; faites travailler tous les agents sur un seul serveur (SSH).")
    finally:
        store.close()
