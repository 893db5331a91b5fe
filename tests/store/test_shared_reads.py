"""A machine that only reads while another writes through a share: a half-written page, a journal it may not
roll back, a file briefly gone are retried, then said plainly; never "not an SQLite file" (issue 20)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from relance_tui.errors import SharedReadFailed
from relance_tui.store import patient as patient_module
from relance_tui.store import open_store
from relance_tui.store.database import PatientConnection
from relance_tui.store.failures import is_read_glitch


class Glitches(sqlite3.Connection):
    """The first ``left`` statements fail as a read through a share does while the other machine commits."""

    left = 0
    error = "database disk image is malformed"

    def execute(self, sql, parameters=(), /):
        if Glitches.left > 0:
            Glitches.left -= 1
            raise sqlite3.DatabaseError(Glitches.error)
        return super().execute(sql, parameters)


class Patient(PatientConnection, Glitches):
    @staticmethod
    def why() -> str:
        return "la machine portable-paul écrit dans la base"


@pytest.fixture
def conn(tmp_path: Path):
    path = tmp_path / "x.db"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE t (a)")
        setup.executemany("INSERT INTO t VALUES (?)", [(1,), (2,), (3,)])
    c = sqlite3.connect(f"file:{path}?mode=ro", uri=True, factory=Patient)
    yield c
    Glitches.left = 0
    c.close()


@pytest.mark.parametrize("error", ["database disk image is malformed", "disk I/O error",
                                   "unable to open database file", "file is not a database"])
def test_a_read_that_glitches_is_run_again_and_returns_every_row(conn, error: str) -> None:
    Glitches.left, Glitches.error = 3, error
    cursor = conn.execute("SELECT a FROM t ORDER BY a")
    assert Glitches.left == 0
    assert cursor.fetchone() == (1,)
    assert list(cursor) == [(2,), (3,)]
    assert cursor.fetchone() is None


def test_a_read_that_keeps_failing_says_who_writes_and_what_to_do(conn, monkeypatch) -> None:
    monkeypatch.setattr(patient_module, "SHARED_READ_RETRY_S", 0.3)
    Glitches.left, Glitches.error = 10_000, "database disk image is malformed"
    with pytest.raises(SharedReadFailed) as failed:
        conn.execute("SELECT a FROM t")
    text = str(failed.value)
    assert "lecture de la base impossible pour l'instant" in text and "portable-paul" in text
    assert "sur le serveur, par SSH" in text and "pas une base" not in text


def test_a_real_error_is_not_retried(conn) -> None:
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        conn.execute("SELECT * FROM missing_table")


def test_glitches_told_apart_from_other_errors() -> None:
    assert is_read_glitch(sqlite3.DatabaseError("database disk image is malformed"))
    assert is_read_glitch(sqlite3.OperationalError("disk I/O error"))
    assert not is_read_glitch(sqlite3.OperationalError("database is locked"))
    assert not is_read_glitch(sqlite3.IntegrityError("UNIQUE constraint failed: t.a"))
    assert not is_read_glitch(ValueError("malformed"))


def test_the_app_beside_another_machine_reads_patiently(db_path: Path, monkeypatch) -> None:
    writer = open_store(db_path, agent="luc", create=True)  # the server's agent: WAL open, its -shm there
    writer.write(lambda d: d.execute("INSERT INTO agents (login, first_seen, last_seen) VALUES ('sonde', '', '')"))
    assert Path(f"{db_path}-shm").exists()  # so the reader opens with readonly_shm (its fallback needs none)
    monkeypatch.setattr("relance_tui.store.lease.socket.gethostname", lambda: "portable-marie")  # another machine
    store = open_store(db_path, agent="marie", when_leased="readonly", lease_timeout=30)
    assert store.readonly and store.patient and "lecture seule" in store.notice()
    assert isinstance(store.conn, PatientConnection)
    assert store.conn.execute("SELECT login FROM agents WHERE login = 'sonde'").fetchone() == ("sonde",)
    assert store.conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    writer.shutdown()
