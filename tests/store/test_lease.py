"""The host lease: one machine (one mount) writes the base at a time (store/lease.py, issue 20).

Another machine is played in this process by a lease with another host name (a seat is host name and
mount), and time by a clock set ahead of the real one.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from relance_tui.domain.instants import from_iso
from relance_tui.errors import ReadOnlyDatabase
from relance_tui.store import open_store
from relance_tui.store.lease import (
    _KEEPER,
    LEASE_SIZE,
    HostLease,
    LeaseHeld,
    lease_path,
    log_path,
    read_lease,
    read_log,
)

ROOT = Path(__file__).resolve().parents[2]


def ahead(seconds: float):
    return lambda: dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "office" / "relance.db"
    path.parent.mkdir()
    return path


def test_a_fresh_lease_of_another_machine_is_refused_and_named(db: Path) -> None:
    mine = HostLease(db, agent="marie", hostname="serveur")
    mine.acquire()
    other = HostLease(db, agent="paul", hostname="portable-paul")
    with pytest.raises(LeaseHeld) as refused:
        other.acquire()
    assert refused.value.info.host == "serveur" and refused.value.info.agent == "marie"
    assert "la machine serveur (agent marie" in str(refused.value)
    assert "par SSH" in str(refused.value)
    assert read_lease(db).info.host == "serveur"  # untouched
    mine.release()


def test_a_stale_lease_is_taken_over_and_logged_and_its_holder_learns_it_lost(db: Path) -> None:
    old = HostLease(db, agent="marie", hostname="serveur", timeout=3)
    old.acquire()
    _KEEPER.discard(old)  # marie's machine freezes: no more heartbeats
    # paul's clock is 4 s ahead: marie's last heartbeat looks 4 s old, past the 3 s timeout; he watches it for
    # two heartbeats, sees it silent, takes it
    new = HostLease(db, agent="paul", hostname="portable-paul", timeout=3, clock=ahead(4))
    new.acquire()
    assert new.took_over is not None and new.took_over.host == "serveur"
    assert read_lease(db).info.host == "portable-paul"
    assert any("portable-paul" in line and "reprend la main" in line and "serveur" in line for line in read_log(db))
    with pytest.raises(LeaseHeld) as lost:
        old.ensure_held()
    assert lost.value.info.host == "portable-paul"
    assert not old.held and old.lost.host == "portable-paul"
    assert not list(db.parent.glob("*.lease-stale-*")), "the stale lease moved aside is deleted"
    new.release()
    old.release()


def test_a_live_holder_behind_a_slow_clock_keeps_its_lease(db: Path) -> None:
    """Staleness is a time on the holder's clock: a taker whose clock runs ahead must not take a live lease."""
    live = HostLease(db, agent="marie", hostname="serveur", timeout=3)
    live.acquire()  # its heartbeat runs (every 0.5 s)
    other = HostLease(db, agent="paul", hostname="portable-paul", timeout=3, clock=ahead(60))
    with pytest.raises(LeaseHeld) as refused:
        other.acquire()
    assert refused.value.info.host == "serveur"
    assert read_lease(db).info.host == "serveur"
    live.ensure_held()
    live.release()


def test_a_lease_within_its_timeout_is_not_taken_over(db: Path) -> None:
    HostLease(db, agent="marie", hostname="serveur", timeout=30).acquire()
    with pytest.raises(LeaseHeld):
        HostLease(db, agent="paul", hostname="portable-paul", timeout=30, clock=ahead(29)).acquire()


def test_the_heartbeat_renews_the_lease(db: Path) -> None:
    lease = HostLease(db, agent="marie", hostname="serveur", timeout=2, heartbeat=0.05)
    lease.acquire()
    first = read_lease(db).info.beat
    deadline = time.monotonic() + 5
    while read_lease(db).info.beat == first and time.monotonic() < deadline:
        time.sleep(0.02)
    assert from_iso(read_lease(db).info.beat) > from_iso(first)
    assert from_iso(read_lease(db).info.since) <= from_iso(first)  # "since" stays the time it was taken
    lease.release()


def test_the_lease_file_keeps_one_size(db: Path) -> None:
    """An sshfs mount caches sizes: a lease whose size changed would be read cut."""
    lease = HostLease(db, agent="m" * 40, hostname="serveur")
    lease.acquire()
    assert lease_path(db).stat().st_size == LEASE_SIZE
    lease.check()
    lease._beat(force=True)
    assert lease_path(db).stat().st_size == LEASE_SIZE
    lease.release()


def test_processes_of_one_machine_share_the_lease_and_the_last_one_out_removes_it(db: Path) -> None:
    first = HostLease(db, agent="marie", hostname="serveur")
    second = HostLease(db, agent="luc", hostname="serveur")
    first.acquire()
    second.acquire()  # same machine, same mount: joins
    first.release()
    assert lease_path(db).exists(), "luc still works: the lease stays"
    second.ensure_held()
    second.release()
    assert not lease_path(db).exists()
    assert HostLease(db, agent="paul", hostname="portable-paul").acquire() is None  # free at once, no timeout


def test_a_lease_being_written_is_waited_for_not_taken_for_another_machine(db: Path) -> None:
    lease_path(db).write_bytes(b"")  # created with O_EXCL a moment ago, content not written yet
    with pytest.raises(LeaseHeld):  # not stale (created well within its 10 s), never readable: refused, not taken
        HostLease(db, agent="marie", hostname="serveur", timeout=10).acquire()
    waiting = HostLease(db, agent="marie", hostname="serveur", timeout=3)
    old = time.time() - 120
    os.utime(lease_path(db), (old, old))  # an unreadable lease left long ago: stale by its date
    waiting.acquire()
    assert read_lease(db).info.host == "serveur"
    waiting.release()


def test_open_store_for_the_app_is_read_only_with_the_reason_while_another_machine_writes(db: Path) -> None:
    open_store(db, agent="marie", create=True).shutdown()
    HostLease(db, agent="paul", hostname="portable-paul").acquire()
    store = open_store(db, agent="marie", when_leased="readonly")
    assert store.readonly and store.lease is None
    assert "portable-paul" in store.notice() and "lecture seule" in store.notice()
    with pytest.raises(ReadOnlyDatabase) as refused:
        store.write(lambda d: d.execute("INSERT INTO agents (login) VALUES ('x')"), what="enregistrement de l'appel")
    assert "enregistrement de l'appel impossible" in str(refused.value) and "portable-paul" in str(refused.value)
    assert store.conn.execute("SELECT COUNT(*) FROM debtors").fetchone()[0] == 0  # reading works
    with pytest.raises(ReadOnlyDatabase, match="portable-paul"):
        open_store(db, agent="marie")  # a command that writes: refused, naming the machine


def test_a_store_that_lost_its_lease_refuses_to_write_and_reads_read_only(db: Path) -> None:
    import sqlite3

    store = open_store(db, agent="marie", create=True, lease_timeout=3)
    assert store.lease is not None and store.lease.held
    _KEEPER.discard(store.lease)  # marie's machine froze
    HostLease(db, agent="paul", hostname="portable-paul", timeout=3, clock=ahead(3600)).acquire()
    with pytest.raises(ReadOnlyDatabase, match="portable-paul"):
        store.write(lambda d: d.execute("INSERT INTO agents (login, first_seen, last_seen) VALUES ('x', '', '')"))
    assert store.readonly and "pris la main" in store.notice()
    # its connections are read-only now: a read-write one could roll back paul's journal as if it were a crash's
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.conn.execute("INSERT INTO agents (login, first_seen, last_seen) VALUES ('y', '', '')")
    assert store.conn.execute("SELECT COUNT(*) FROM agents WHERE login IN ('x', 'y')").fetchone()[0] == 0


def test_a_write_waiting_for_the_lock_does_not_commit_once_the_lease_is_lost(db: Path) -> None:
    """The lease is read again after the lock is taken and before the commit, not only before the write."""
    store = open_store(db, agent="marie", create=True, lease_timeout=3)
    _KEEPER.discard(store.lease)

    def slow_write(d) -> None:  # noqa: ANN001
        d.execute("INSERT INTO agents (login, first_seen, last_seen) VALUES ('z', '', '')")
        # meanwhile (marie's machine paused) paul's machine takes the base over
        HostLease(db, agent="paul", hostname="portable-paul", timeout=3, clock=ahead(3600)).acquire()

    with pytest.raises(ReadOnlyDatabase, match="portable-paul"):
        store.write(slow_write)
    check = sqlite3_connect_ro(db)
    assert check.execute("SELECT COUNT(*) FROM agents WHERE login = 'z'").fetchone()[0] == 0


def sqlite3_connect_ro(db: Path):
    import sqlite3

    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def test_joining_a_lease_the_last_process_just_removed_creates_it_again(db: Path) -> None:
    first = HostLease(db, agent="marie", hostname="serveur")
    first.acquire()
    second = HostLease(db, agent="luc", hostname="serveur")
    real_join = second._join

    def join_after_the_last_one_left() -> None:
        first.release()  # between luc's read of the lease and his lock: marie, the last one, removes it
        real_join()

    second._join = join_after_the_last_one_left
    second.acquire()
    assert second.held and read_lease(db).info.agent == "luc"
    with pytest.raises(LeaseHeld):
        HostLease(db, agent="paul", hostname="portable-paul").acquire()
    second.release()


def test_a_name_too_long_for_the_lease_is_cut_not_a_crash(db: Path) -> None:
    lease = HostLease(db, agent="é" * 300, hostname="h" * 300)
    lease.acquire()
    assert lease_path(db).stat().st_size == LEASE_SIZE and read_lease(db).info is not None
    lease.release()


CHILD = """
import sys, time
from relance_tui.store import open_store
store = open_store(sys.argv[1], agent="enfant", create=True, lease_timeout=float(sys.argv[3]))
print("open", flush=True)
if sys.argv[2] == "wait":
    time.sleep(60)
"""


def _child(db: Path, mode: str, timeout: float = 30) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(db), mode, str(timeout)], stdout=subprocess.PIPE,
                            text=True, env=env)
    assert proc.stdout.readline().strip() == "open"
    return proc


@pytest.mark.slow
def test_the_lease_is_released_when_the_process_exits(db: Path) -> None:
    proc = _child(db, "exit")
    assert proc.wait(timeout=30) == 0
    assert not lease_path(db).exists()
    assert "rend la main" in log_path(db).read_text()


@pytest.mark.slow
def test_a_killed_holder_leaves_a_lease_taken_over_after_its_timeout(db: Path) -> None:
    proc = _child(db, "wait", timeout=2)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert read_lease(db).info.agent == "enfant"
    other = HostLease(db, agent="paul", hostname="portable-paul", timeout=2)
    with pytest.raises(LeaseHeld):
        other.acquire()  # within the timeout: still the killed process's
    time.sleep(2.5)
    other.acquire()
    assert other.took_over.agent == "enfant" and read_lease(db).info.host == "portable-paul"
    other.release()


def test_a_forged_lease_puts_no_terminal_code_in_the_message(db: Path) -> None:
    """The lease is written by another account's process: its names are shown as plain text."""
    import json

    now = dt.datetime.now(dt.UTC).isoformat()
    forged = {"host": "poste\x1b[2J\x1b]0;pwned\x07", "seat": "x:1", "pid": 1, "agent": "eve\u202e", "since": now,
              "beat": now}
    lease_path(db).write_bytes(json.dumps(forged).encode().ljust(LEASE_SIZE))
    with pytest.raises(LeaseHeld) as refused:
        HostLease(db, agent="marie", hostname="serveur").acquire()
    text = str(refused.value)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "la machine poste" in text


def test_through_a_network_mount_a_silent_lease_is_watched_past_the_share_s_cache(db: Path) -> None:
    from relance_tui.store.lease import SHARE_CACHE_GUARD_S

    assert HostLease(db, agent="a", timeout=3).confirm < 2
    assert HostLease(db, agent="a", timeout=3, through_share=True).confirm == SHARE_CACHE_GUARD_S > 20
