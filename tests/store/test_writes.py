import multiprocessing
import sqlite3
import threading
import time

import pytest

from relance_tui.errors import DatabaseBusy, NotFound, StaleEdit
from relance_tui.store import open_store
from relance_tui.store.queries import append_event, update_versioned

N_PROCS = 8
PER_PROC = 150


def _writer(path: str, agent: str, journal: str, barrier, results) -> None:
    try:
        s = open_store(path, agent=agent, journal_override=journal)
        barrier.wait()
        errors = 0
        for i in range(PER_PROC):
            s.write(lambda db, i=i: append_event(db, at=s.now(), agent=agent, kind="call", outcome="voicemail",
                                                 duration_s=30, notes=f"{agent}#{i}"))
        results.put((agent, errors, s.retries))
        s.close()
    except BaseException as exc:
        results.put((agent, repr(exc), 0))


@pytest.mark.slow
@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_eight_processes_writing_at_once_lose_nothing(db_path, journal):
    s = open_store(db_path, agent="marie", create=True, journal_override=journal)
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(N_PROCS), ctx.Queue()
    agents = [f"agent{n}" for n in range(N_PROCS)]
    procs = [ctx.Process(target=_writer, args=(str(db_path), a, journal, barrier, results))
             for a in agents]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert sorted((a, e) for a, e, _ in outcomes) == [(a, 0) for a in agents]
    notes = {r[0] for r in s.db.execute("SELECT notes FROM events WHERE kind = 'call'").fetchall()}
    assert notes == {f"{a}#{i}" for a in agents for i in range(PER_PROC)}
    assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == journal
    s.close()


def test_a_locked_database_is_waited_for_and_retried(db_path):
    s = open_store(db_path, agent="marie", create=True, busy_timeout_ms=20, retry_bound_s=10)
    blocker = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    threading.Timer(0.4, blocker.execute, args=("COMMIT",)).start()
    started = time.monotonic()
    s.write(lambda db: append_event(db, at=s.now(), agent="marie", kind="note", notes="après l'attente"))
    assert time.monotonic() - started >= 0.3
    assert s.retries > 0
    assert s.db.execute("SELECT COUNT(*) FROM events WHERE notes = 'après l''attente'").fetchone()[0] == 1
    blocker.close()
    s.close()


def test_a_lock_held_past_the_bound_is_reported_not_dropped_silently(db_path):
    s = open_store(db_path, agent="marie", create=True, busy_timeout_ms=20, retry_bound_s=0.3)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusy, match="Rien n'a été enregistré"):
            s.write(lambda db: append_event(db, at=s.now(), agent="marie", kind="note"), what="note")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    s.close()


def test_a_failing_transaction_is_rolled_back_whole(store):
    def half_then_fail(db):
        append_event(db, at=store.now(), agent="marie", kind="note", notes="première moitié")
        raise ValueError("boom")

    with pytest.raises(ValueError):
        store.write(half_then_fail)
    assert store.db.execute("SELECT COUNT(*) FROM events WHERE kind = 'note'").fetchone()[0] == 0
    assert not store.conn.in_transaction


def test_events_cannot_be_updated_or_deleted(store):
    event_id = store.write(lambda db: append_event(db, at=store.now(), agent="marie", kind="note", notes="v1"))
    for sql in ("UPDATE events SET notes = 'v2' WHERE id = ?", "DELETE FROM events WHERE id = ?"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.write(lambda db, sql=sql: db.execute(sql, [event_id]))
    assert store.db.execute("SELECT notes FROM events").fetchall() == [("v1",)]


def test_event_invoice_links_are_append_only_too(store):
    def setup(db):
        db.execute("INSERT INTO debtors (id, name, created_at, updated_at) VALUES (1, 'Garage', 'x', 'x')")
        db.execute("INSERT INTO invoices (id, number, debtor_id, issue_date, due_date, amount_cents, created_at, "
                   "updated_at) VALUES (1, 'FA-1', 1, '2026-01-01', '2026-01-31', 100, 'x', 'x')")
        return append_event(db, at=store.now(), agent="marie", kind="note", debtor_id=1, invoice_ids=[1, 1])

    event_id = store.write(setup)
    assert store.db.execute("SELECT invoice_id FROM event_invoices WHERE event_id = ?", [event_id]).fetchall() == [(1,)]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.write(lambda db: db.execute("DELETE FROM event_invoices"))


def test_timeline_is_newest_first_and_the_watcher_sees_new_events(store):
    from relance_tui.store.timeline import timeline_entries, timeline_ids
    from relance_tui.store.watch import ChangeWatcher

    store.write(lambda db: db.execute("INSERT INTO debtors (id, name, created_at, updated_at) "
                                      "VALUES (1, 'A', 'x', 'x'), (2, 'B', 'x', 'x')"))
    watcher = ChangeWatcher(store)
    assert watcher.poll() is None  # nothing changed since it looked
    ids = [store.write(lambda db, d=d: append_event(db, at=store.now(), agent="marie", kind="note", debtor_id=d,
                                                    data={"n": d}))
           for d in (1, 2, 1)]
    assert list(timeline_ids(store, debtor_id=1)) == [ids[2], ids[0]]  # newest first
    assert list(timeline_ids(store, debtor_id=None)) == ids[::-1]
    assert timeline_entries(store, [ids[1]])[0].event.data == '{"n": 2}'
    change = watcher.poll()
    assert change.event_ids == tuple(ids) and change.debtor_ids == {1, 2} and change.kinds == {"note"}
    assert watcher.poll() is None
    watcher.close()


def _debtor(store):
    return store.write(lambda db: db.execute(
        "INSERT INTO debtors (name, created_at, updated_at) VALUES ('Garage Martin', 'x', 'x')").lastrowid)


def test_versioned_update_bumps_version(store):
    debtor_id = _debtor(store)
    new = store.write(lambda db: update_versioned(db, "debtors", debtor_id, 1, {"notes": "rappeler"},
                                                  agent="marie", at=store.now()))
    assert new == 2
    row = store.db.execute("SELECT notes, version, updated_by FROM debtors WHERE id = ?", [debtor_id]).fetchone()
    assert row == ("rappeler", 2, "marie")


def test_stale_versioned_update_is_refused_and_says_who(store):
    debtor_id = _debtor(store)
    store.write(lambda db: update_versioned(db, "debtors", debtor_id, 1, {"notes": "par Karim"},
                                            agent="karim", at="2026-11-23T09:00:00Z"))
    with pytest.raises(StaleEdit, match="karim"):
        store.write(lambda db: update_versioned(db, "debtors", debtor_id, 1, {"notes": "par Marie"},
                                                agent="marie", at=store.now()))
    assert store.db.execute("SELECT notes FROM debtors").fetchone()[0] == "par Karim"


def test_versioned_update_of_a_missing_row(store):
    with pytest.raises(NotFound):
        store.write(lambda db: update_versioned(db, "debtors", 999, 1, {"notes": "x"}, agent="m", at="x"))


def test_versioned_update_guards_its_columns(store):
    with pytest.raises(ValueError):
        store.write(lambda db: update_versioned(db, "debtors", 1, 1, {"version": 9}, agent="m", at="x"))
    with pytest.raises(ValueError):
        store.write(lambda db: update_versioned(db, "events", 1, 1, {"notes": "x"}, agent="m", at="x"))


def test_second_host_is_recorded_and_warned_about(store, monkeypatch):
    assert store.host_warning() is None
    store.write(lambda db: db.execute(
        "INSERT INTO hosts (hostname, first_seen, last_seen, last_agent, last_pid) VALUES (?, ?, ?, 'karim', 1)",
        ["poste-compta", store.now(), store.now()]))
    warning = store.host_warning()
    assert "poste-compta" in warning and "corrompre" in warning
    # a host not seen for weeks is history, not a warning
    store.write(lambda db: db.execute("UPDATE hosts SET last_seen = '2020-01-01T00:00:00Z' "
                                      "WHERE hostname = 'poste-compta'"))
    assert store.host_warning() is None


def test_connections_are_per_thread(store):
    seen = []
    t = threading.Thread(target=lambda: seen.append(
        (store.conn, store.conn.execute("PRAGMA foreign_keys").fetchone()[0])))
    t.start()
    t.join()
    other, foreign_keys = seen[0]
    assert other is not store.conn
    assert foreign_keys == 1


def test_a_transient_read_only_open_is_retried(db_path, monkeypatch):
    """Another agent creating the -wal/-shm files at the same instant can make SQLite open them read-only."""
    from relance_tui.store.connection import Store

    open_store(db_path, agent="marie", create=True).close()
    calls = []
    original = Store.record_host

    def flaky(self):
        calls.append(1)
        if len(calls) == 1:
            exc = sqlite3.OperationalError("attempt to write a readonly database")
            exc.sqlite_errorname = "SQLITE_READONLY_CANTINIT"
            raise exc
        return original(self)

    monkeypatch.setattr(Store, "record_host", flaky)
    s = open_store(db_path, agent="marie")
    assert len(calls) == 2 and not s.readonly
    s.close()
