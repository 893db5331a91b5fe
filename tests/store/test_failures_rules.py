"""What a failure of the database file is taken for, and what the agent is told, rule by rule
(store/failures.py, connection.py's ``_open_failure``, and patient.py's rows read at once)."""

from __future__ import annotations

import os
import sqlite3
from collections import namedtuple
from pathlib import Path
from types import SimpleNamespace

import pytest

from relance_tui.errors import DatabaseBusy, DatabaseUnreadable, DiskFull, NotARelanceDatabase
from relance_tui.store import failures
from relance_tui.store.connection import _open_failure
from relance_tui.store.failures import is_retryable_io, no_access_advice
from relance_tui.store.patient import PatientConnection

Usage = namedtuple("Usage", "total used free")


def sqlite_error(text: str, name: str | None = None, cls: type = sqlite3.OperationalError) -> sqlite3.DatabaseError:
    """An error as SQLite raises it: with ``name``, its ``sqlite_errorname``; without, none at all."""
    exc = cls(text)
    if name is not None:
        exc.sqlite_errorname = name
    return exc


# -- is_retryable_io: an I/O error a moment later may not repeat -------------------------------------------------
@pytest.mark.parametrize(("name", "text", "retried"), [
    ("SQLITE_IOERR_WRITE", "boom", True),  # the code decides, whatever the words
    ("SQLITE_IOERR", "boom", True),
    ("SQLITE_CANTOPEN", "boom", True),
    ("SQLITE_IOERR_NOMEM", "disk I/O error", False),  # out of memory: not a share that hiccupped
    ("SQLITE_CORRUPT", "disk I/O error", False),  # a code other than I/O: the words are not read
    ("SQLITE_FULL", "unable to open database file", False),
])
def test_an_error_with_a_code_is_retried_by_its_code_alone(name, text, retried):
    assert is_retryable_io(sqlite_error(text, name)) is retried


@pytest.mark.parametrize(("text", "retried"), [
    ("disk I/O error", True),
    ("unable to open database file", True),
    ("UNABLE TO OPEN database file", True),  # the words, in any case
    ("database disk image is malformed", False),
    ("database is locked", False),
])
def test_an_error_without_a_code_is_retried_by_its_words(text, retried):
    assert is_retryable_io(sqlite_error(text)) is retried


# -- no_access_advice: the first folder this account cannot enter, and the group to join --------------------------
def cannot_enter(monkeypatch: pytest.MonkeyPatch, *folders: Path) -> None:
    """This account may not search ``folders`` (root may search anything, so os.access says it)."""
    real = os.access

    def access(path, mode, *args, **kwargs):  # noqa: ANN001, ANN202
        if Path(path) in folders and mode & os.X_OK:
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(failures.os, "access", access)


def groups_named(names: dict[int, str], monkeypatch: pytest.MonkeyPatch) -> None:
    def getgrgid(gid: int) -> SimpleNamespace:
        if gid not in names:
            raise KeyError(gid)
        return SimpleNamespace(gr_name=names[gid])

    monkeypatch.setattr(failures.grp, "getgrgid", getgrgid)


def test_the_advice_names_the_first_folder_closed_from_the_root_down_and_its_group(tmp_path, monkeypatch):
    office = tmp_path / "cabinet"
    (office / "donnees").mkdir(parents=True)
    db = office / "donnees" / "relance.db"
    cannot_enter(monkeypatch, office / "donnees", office)  # both closed: the one nearer the root is named
    groups_named({office.stat().st_gid: "agents"}, monkeypatch)
    assert no_access_advice(db) == (
        f"pas d'accès au dossier {office} du cabinet, donc à {db} : demandez à l'administrateur de vous ajouter "
        "au groupe agents (puis reconnectez-vous).")
    assert no_access_advice(str(db)) == no_access_advice(db)  # a path as text too


def test_with_every_folder_open_the_advice_names_the_file_s_own_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cabinet"
    folder.mkdir()
    db = folder / "relance.db"
    groups_named({folder.stat().st_gid: "agents"}, monkeypatch)
    assert no_access_advice(db) == (
        f"pas d'accès au dossier {folder} du cabinet, donc à {db} : demandez à l'administrateur de vous ajouter "
        "au groupe agents (puis reconnectez-vous).")


def test_a_folder_that_is_not_there_stops_the_search_and_the_advice_names_no_group(tmp_path, monkeypatch):
    db = tmp_path / "absent" / "plus-bas" / "relance.db"
    assert no_access_advice(db) == (
        f"pas d'accès au dossier {db.parent} du cabinet, donc à {db} : demandez à l'administrateur de vous en "
        "donner l'accès.")


def test_a_group_without_a_name_gives_the_advice_without_a_group(tmp_path, monkeypatch):
    folder = tmp_path / "cabinet"
    folder.mkdir()
    cannot_enter(monkeypatch, folder)
    groups_named({}, monkeypatch)
    db = folder / "relance.db"
    assert no_access_advice(db) == (
        f"pas d'accès au dossier {folder} du cabinet, donc à {db} : demandez à l'administrateur de vous en "
        "donner l'accès.")


# -- _open_failure: what an error opening the base means, for the agent --------------------------------------------
DB = Path("/srv/cabinet/relance.db")


def test_a_lock_at_opening_is_said_busy_with_sqlite_s_words():
    failure = _open_failure(sqlite_error("database is locked"), DB, shared=False, notice=None)
    assert isinstance(failure, DatabaseBusy)
    assert str(failure) == "base /srv/cabinet/relance.db verrouillée à l'ouverture : database is locked"


def test_sqlite_full_at_opening_is_a_full_disk_in_the_base_s_folder():
    failure = _open_failure(sqlite_error("database or disk is full", "SQLITE_FULL"), DB, shared=False, notice=None)
    assert isinstance(failure, DiskFull)
    assert str(failure) == (
        "ouverture de la base /srv/cabinet/relance.db impossible : disque plein (dossier /srv/cabinet). Rien n'a "
        "été enregistré ; libérez de la place (ou demandez-le à l'administrateur), puis recommencez.")


def test_an_io_error_at_opening_with_no_room_left_in_the_base_s_folder_is_a_full_disk(monkeypatch):
    asked = []

    def disk_usage(folder):  # noqa: ANN001, ANN202
        asked.append(Path(folder))
        return Usage(10**9, 10**9 - 1000, 1000)

    monkeypatch.setattr(failures.shutil, "disk_usage", disk_usage)
    failure = _open_failure(sqlite_error("disk I/O error", "SQLITE_IOERR_WRITE"), DB, shared=False, notice=None)
    assert isinstance(failure, DiskFull) and asked == [Path("/srv/cabinet")]


def test_a_read_glitch_through_a_share_is_unreadable_for_now_with_its_code_and_the_reason():
    exc = sqlite_error("database disk image is malformed", "SQLITE_CORRUPT", sqlite3.DatabaseError)
    failure = _open_failure(exc, DB, shared=True, notice=None)
    assert isinstance(failure, DatabaseUnreadable)
    assert str(failure) == (
        "base /srv/cabinet/relance.db illisible depuis 10 s à travers le partage réseau (database disk image is "
        "malformed, SQLITE_CORRUPT) : une autre machine y écrit peut-être. Réessayez dans un moment ; si cela "
        "dure, « relance doctor » vérifie le fichier.")


def test_a_read_glitch_through_a_share_without_a_code_gives_the_lease_s_notice():
    failure = _open_failure(sqlite_error("disk I/O error"), DB, shared=True, notice="poste-2 (karim) écrit")
    assert isinstance(failure, DatabaseUnreadable)
    assert str(failure) == (
        "base /srv/cabinet/relance.db illisible depuis 10 s à travers le partage réseau (disk I/O error) : "
        "poste-2 (karim) écrit. Réessayez dans un moment ; si cela dure, « relance doctor » vérifie le fichier.")


def test_the_same_glitch_on_a_local_disk_is_a_file_that_is_not_a_readable_base():
    exc = sqlite_error("file is not a database", "SQLITE_NOTADB", sqlite3.DatabaseError)
    failure = _open_failure(exc, DB, shared=False, notice=None)
    assert isinstance(failure, NotARelanceDatabase)
    assert str(failure) == ("/srv/cabinet/relance.db n'est pas une base SQLite lisible : file is not a database "
                            "(SQLITE_NOTADB).")


def test_an_error_without_a_code_is_said_without_one():
    failure = _open_failure(sqlite_error("boom", cls=sqlite3.DatabaseError), DB, shared=False, notice=None)
    assert isinstance(failure, NotARelanceDatabase)
    assert str(failure) == "/srv/cabinet/relance.db n'est pas une base SQLite lisible : boom."


def test_an_operational_error_that_is_not_a_lock_is_not_said_busy():
    failure = _open_failure(sqlite_error("no such table: debtors"), DB, shared=False, notice=None)
    assert isinstance(failure, NotARelanceDatabase)


# -- patient.py's rows: read at once, handed out as a cursor would ----------------------------------------------------
FIVE = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT i FROM n"


@pytest.fixture
def patient():
    conn = sqlite3.connect(":memory:", factory=PatientConnection)
    yield conn
    conn.close()


def test_fetchmany_hands_out_arraysize_rows_by_default_then_the_size_asked_from_where_it_stopped(patient):
    rows = patient.execute(FIVE)
    assert rows.fetchmany() == [(1,)]  # arraysize is 1, as a cursor's
    assert rows.fetchmany(2) == [(2,), (3,)]
    assert rows.fetchmany(5) == [(4,), (5,)]
    assert rows.fetchmany() == []
    assert rows.fetchone() is None


def test_fetchmany_follows_the_arraysize_set(patient):
    rows = patient.execute(FIVE)
    rows.arraysize = 3
    assert rows.fetchmany() == [(1,), (2,), (3,)]
    assert rows.fetchall() == [(4,), (5,)]


def test_closed_rows_hand_out_nothing_more(patient):
    rows = patient.execute(FIVE)
    assert rows.fetchone() == (1,)
    rows.close()
    assert rows.fetchone() is None
    assert rows.fetchmany(2) == [] and rows.fetchall() == [] and list(rows) == []


def test_rows_are_handed_out_one_by_one_in_order_then_none(patient):
    rows = patient.execute(FIVE)
    assert rows.fetchone() == (1,)
    assert rows.fetchone() == (2,)
    assert list(rows) == [(3,), (4,), (5,)]  # iterating goes on from there, to the last row
    assert rows.fetchone() is None
    assert list(patient.execute(FIVE)) == [(1,), (2,), (3,), (4,), (5,)]


def test_rows_keep_what_their_cursor_said(patient):
    rows = patient.execute(FIVE)
    assert rows.description == (("i", None, None, None, None, None, None),) and rows.rowcount == -1
    patient.execute("CREATE TABLE t (x)")
    patient.execute("INSERT INTO t VALUES (7)")
    written = patient.execute("INSERT INTO t VALUES (8)")
    assert written.rowcount == 1 and written.lastrowid == 2 and written.description is None
