"""Small rules of the store (store/database.py, store/queries.py): the French date our SQL writes in notes, a
setting not stored yet, and a COMMIT that never lands said with the error it met."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from relance_tui.errors import DatabaseBusy
from relance_tui.store import open_store
from relance_tui.store.database import _NotStored
from relance_tui.store.queries import get_setting, put_setting
from tests.store.test_write_outcome import FlakyCommit, FlakyStore, add_agent, agents


def test_relance_date_writes_a_day_the_french_way_and_nothing_for_no_day(store):
    row = store.conn.execute("SELECT relance_date('2026-11-24'), relance_date('2026-11-24T10:30:00+00:00'), "
                             "relance_date(NULL), relance_date('')").fetchone()
    assert row == ("24/11/2026", "24/11/2026", None, None)


def test_a_setting_not_stored_yet_is_its_default(store):
    assert get_setting(store, "jamais écrit") is None
    assert get_setting(store, "jamais écrit", {"seuil": 3}) == {"seuil": 3}
    store.write(lambda db: put_setting(db, "seuil", 5, at="2026-11-23T10:00:00+00:00"))
    assert get_setting(store, "seuil", 3) == 5


def test_a_commit_that_never_lands_is_said_with_the_error_it_met(db_path: Path):
    open_store(db_path, agent="marie", create=True).shutdown()
    probe = open_store(db_path, agent="marie", readonly=True)
    journal = probe.journal
    probe.shutdown()
    store = FlakyStore(db_path, agent="marie", journal=journal, retry_bound_s=0.05)
    store.enable_receipts()
    FlakyCommit.plan = ["before"] * 100  # every COMMIT fails before it reaches the file
    try:
        with pytest.raises(DatabaseBusy) as busy:
            store.write(add_agent("paul"), what="enregistrement de l'appel")
    finally:
        FlakyCommit.plan = []
    assert str(busy.value) == (f"enregistrement de l'appel impossible : la base {db_path} n'a pas pu enregistrer "
                               "(disk I/O error) pendant 0 s. Rien n'a été enregistré ; réessayez.")
    cause = busy.value.__cause__
    assert isinstance(cause, sqlite3.OperationalError) and str(cause) == "disk I/O error"
    assert agents(store, "paul") == 0
    store.close()


def test_a_commit_not_stored_reads_as_the_error_it_carries():
    error = sqlite3.OperationalError("disk I/O error")
    not_stored = _NotStored(error)
    assert str(not_stored) == "disk I/O error" and not_stored.error is error
