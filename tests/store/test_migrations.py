import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from relance_tui.errors import (
    DatabaseMissing,
    DatabaseUnreadable,
    NotARelanceDatabase,
    ReadOnlyDatabase,
    SchemaTooNew,
)
from relance_tui.store import open_store
from relance_tui.domain.law import regime_for
from relance_tui.store.schema import LATEST_VERSION, MIGRATION_NAMES, SEED_RATES, SEED_RATES_0009, migrations
from tests.helpers import remove_tree, run_as_other_user, world_readable_dir


def table_names(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_migrates_an_empty_file_to_the_latest_version(db_path):
    s = open_store(db_path, agent="marie", create=True)
    assert s.applied_migrations() == list(MIGRATION_NAMES)
    assert s.schema_version() == LATEST_VERSION
    assert {"debtors", "contacts", "invoices", "payments", "events", "promises", "agents", "settings", "rates",
            "hosts"} <= table_names(db_path)
    assert s.db.execute("SELECT COUNT(*) FROM rates").fetchone()[0] == len(SEED_RATES) + len(SEED_RATES_0009)
    s.close()


@pytest.mark.parametrize("stop_index", range(1, len(MIGRATION_NAMES)))
def test_migrates_from_each_earlier_version_keeping_data(db_path, stop_index):
    db_path.parent.mkdir(parents=True)
    raw = Database(sqlite3.connect(db_path, isolation_level=None))
    migrations.apply(raw, stop_before=MIGRATION_NAMES[stop_index])
    raw.execute("INSERT INTO debtors (name, created_at, updated_at) VALUES ('Garage Martin', 'x', 'x')")
    raw.close()
    s = open_store(db_path, agent="marie")
    assert s.applied_migrations() == list(MIGRATION_NAMES)
    assert s.db.execute("SELECT name FROM debtors").fetchall() == [("Garage Martin",)]
    s.close()


def test_a_debtors_default_country_becomes_unknown_and_follows_the_office(db_path):
    """Before 0009 nothing wrote debtors.country: its 'FR' was a default, which must not make a Belgian
    office's debtors French when the country starts to choose the law."""
    db_path.parent.mkdir(parents=True)
    raw = Database(sqlite3.connect(db_path, isolation_level=None))
    migrations.apply(raw, stop_before="0009_law")
    raw.execute("INSERT INTO debtors (name, segment, created_at, updated_at) VALUES ('Dupont', 'b2c', 'x', 'x')")
    raw.close()
    s = open_store(db_path, agent="marie")
    country, segment = s.db.execute("SELECT country, segment FROM debtors").fetchone()
    assert country == ""
    assert regime_for(country, segment, "BE").key == "be_b2c"
    assert regime_for(country, segment, "FR").key == "fr_b2c"
    s.close()


def test_reopening_applies_nothing(db_path):
    open_store(db_path, agent="marie", create=True).close()
    s = open_store(db_path, agent="marie")
    assert s.migrate() == []
    s.close()


def _migrate_at_once(path: str, barrier, results) -> None:
    try:
        barrier.wait()
        s = open_store(path, agent="agent", create=True)
        results.put(("ok", s.schema_version()))
        s.close()
    except BaseException as exc:  # report it, the parent asserts
        results.put(("error", repr(exc)))


@pytest.mark.slow
def test_eight_processes_migrating_at_once_all_succeed(db_path):
    db_path.parent.mkdir(parents=True)
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(8), ctx.Queue()
    procs = [ctx.Process(target=_migrate_at_once, args=(str(db_path), barrier, results)) for _ in range(8)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert outcomes == [("ok", LATEST_VERSION)] * 8
    s = open_store(db_path, agent="marie")
    assert s.db.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0] == LATEST_VERSION
    assert s.db.execute("SELECT COUNT(*) FROM rates").fetchone()[0] == len(SEED_RATES) + len(SEED_RATES_0009)
    s.close()


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(DatabaseMissing, match="relance init"):
        open_store(tmp_path / "absent.db", agent="marie")


def test_a_text_file_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("bonjour")
    with pytest.raises(NotARelanceDatabase, match="pas une base SQLite"):
        open_store(path, agent="marie")


def test_a_foreign_sqlite_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE clients (id INTEGER)")
    with pytest.raises(NotARelanceDatabase, match="pas une base relance"):
        open_store(path, agent="marie")
    assert table_names(path) == {"clients"}


def test_a_database_from_a_newer_relance_is_refused(db_path):
    s = open_store(db_path, agent="marie", create=True)
    s.write(lambda db: db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('relance', '0099_future', 'x')"))
    s.close()
    with pytest.raises(SchemaTooNew, match="plus récente"):
        open_store(db_path, agent="marie")


def test_read_only_file_opens_read_only_and_refuses_writes_clearly():
    base = world_readable_dir()
    try:
        path = base / "relance.db"
        s = open_store(path, agent="marie", create=True, journal_override="delete")
        s.close()
        path.chmod(0o644)  # the other user may read, not write

        def as_other_user():
            import os

            os.environ["HOME"] = "/tmp"
            store = open_store(path, agent="bob")
            readonly = store.readonly
            try:
                store.write(lambda db: None)
            except ReadOnlyDatabase as exc:
                return readonly, str(exc), store.db.execute("SELECT COUNT(*) FROM rates").fetchone()[0]
            return readonly, "write accepted", 0

        readonly, message, rates = run_as_other_user(as_other_user)
        assert readonly is True
        assert "lecture seule" in message and "bob" in message
        assert rates == len(SEED_RATES) + len(SEED_RATES_0009)  # reading still works
    finally:
        remove_tree(base)


def test_unreadable_database_is_a_clear_error():
    base = world_readable_dir()
    try:
        path = base / "relance.db"
        open_store(path, agent="marie", create=True).close()
        path.chmod(0o600)

        def as_other_user():
            try:
                open_store(path, agent="bob")
            except DatabaseUnreadable as exc:
                return exc.exit_code, str(exc)
            return 0, "opened"

        code, message = run_as_other_user(as_other_user)
        assert code == 3 and "droits de lecture" in message and str(path) in message
    finally:
        remove_tree(base)


def test_the_overdue_list_reads_the_partial_index(store):
    """The partial index only serves queries whose WHERE repeats its condition: keep them in step."""
    import datetime as dt

    from relance_tui.store.overdue import OverdueQuery

    for query in (OverdueQuery(as_of=dt.date(2026, 11, 23)), OverdueQuery(as_of=dt.date(2026, 11, 23), text="x",
                                                                           per_debtor=True)):
        sql, params = query.ids_sql()
        plan = " ".join(str(r) for r in store.db.execute("EXPLAIN QUERY PLAN " + sql, params))
        assert "invoices_outstanding" in plan
