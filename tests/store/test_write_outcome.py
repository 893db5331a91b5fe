"""A write whose COMMIT fails with an I/O error (a share that hiccups) is checked before the agent is told:
stored, it is not entered twice; not stored, it is retried; unknowable, the agent is told to look first
(store/database.py, issue 20)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from relance_tui.errors import WriteOutcomeUnknown
from relance_tui.store import Store, open_store
from relance_tui.store import database as database_module


class FlakyCommit(sqlite3.Connection):
    """COMMIT fails once with an I/O error: after it reached the file ("after") or before ("before")."""

    plan: list[str] = []

    def execute(self, sql, parameters=(), /):
        if sql == "COMMIT" and FlakyCommit.plan:
            when = FlakyCommit.plan.pop(0)
            if when == "after":
                super().execute(sql, parameters)
            raise sqlite3.OperationalError("disk I/O error")
        return super().execute(sql, parameters)


class FlakyStore(Store):
    def connect(self, *, check_same_thread: bool = True) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=10, check_same_thread=check_same_thread,
                               factory=FlakyCommit)
        conn.execute("PRAGMA foreign_keys = ON")
        return conn


@pytest.fixture
def flaky(db_path: Path) -> FlakyStore:
    open_store(db_path, agent="marie", create=True).shutdown()
    store = FlakyStore(db_path, agent="marie", journal=open_store(db_path, agent="marie", readonly=True).journal)
    store.enable_receipts()
    assert store._receipts
    yield store
    FlakyCommit.plan = []
    store.close()


def add_agent(login: str):
    def write(db) -> str:
        db.execute("INSERT INTO agents (login, first_seen, last_seen) VALUES (?, '', '')", [login])
        return login
    return write


def agents(store: Store, login: str) -> int:
    return store.conn.execute("SELECT COUNT(*) FROM agents WHERE login = ?", [login]).fetchone()[0]


def test_a_commit_that_landed_before_its_error_is_reported_stored_and_not_retried(flaky: FlakyStore) -> None:
    FlakyCommit.plan = ["after"]
    assert flaky.write(add_agent("paul")) == "paul"  # no error: it is stored
    assert agents(flaky, "paul") == 1  # once: a retry would have failed on the primary key or doubled it
    assert FlakyCommit.plan == []


def test_a_commit_that_did_not_land_is_retried_once_and_stored_once(flaky: FlakyStore) -> None:
    FlakyCommit.plan = ["before"]
    assert flaky.write(add_agent("luc")) == "luc"
    assert agents(flaky, "luc") == 1
    assert flaky.retries == 1


def test_an_outcome_that_cannot_be_checked_says_so_instead_of_failed(flaky: FlakyStore, monkeypatch) -> None:
    FlakyCommit.plan = ["after"]
    monkeypatch.setattr(database_module, "OUTCOME_CHECK_S", 0.2)

    def unreadable(self, *, check_same_thread=True):
        raise sqlite3.OperationalError("disk I/O error")

    conn = flaky.conn
    real_conn_property = Store.conn
    monkeypatch.setattr(FlakyStore, "conn", property(
        lambda self: conn if FlakyCommit.plan else unreadable(self)))
    with pytest.raises(WriteOutcomeUnknown) as unknown:
        flaky.write(add_agent("anne"), what="enregistrement de l'appel")
    assert "vérifiez la chronologie" in str(unknown.value) and "avant de le ressaisir" in str(unknown.value)
    monkeypatch.setattr(FlakyStore, "conn", real_conn_property)
    flaky.close()
    assert agents(flaky, "anne") == 1  # it had landed: telling "failed" would have made the agent enter it twice


def test_each_write_leaves_a_receipt_and_old_receipts_are_purged(store: Store) -> None:
    assert store._receipts
    before = store.conn.execute("SELECT COUNT(*) FROM write_receipts").fetchone()[0]
    store.write(add_agent("zoe"))
    assert store.conn.execute("SELECT COUNT(*) FROM write_receipts").fetchone()[0] == before + 1
    store.conn.execute("UPDATE write_receipts SET at = '2020-01-01T00:00:00Z'")
    store.write(add_agent("yann"))
    store.purge_receipts()
    assert store.conn.execute("SELECT COUNT(*) FROM write_receipts").fetchone()[0] == 2  # yann's and the purge's
