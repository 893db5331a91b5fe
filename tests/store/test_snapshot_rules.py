"""When a read-only agent reads a private copy of the base, and what it is told, rule by rule (store/snapshot.py)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from collections import namedtuple
from pathlib import Path

import pytest

from relance_tui.errors import DiskFull
from relance_tui.store import snapshot
from relance_tui.store.database import Store
from relance_tui.store.fs import choose_journal
from relance_tui.store.snapshot import SNAPSHOT_MARGIN_BYTES, check_room, needs_snapshot, no_room, snapshot_notice

Usage = namedtuple("Usage", "total used free")
HEADER = b"SQLite format 3\x00" + b"\x10\x00"  # the first 18 bytes; bytes 18 and 19: write and read versions


def make_base(path: Path, mode: str) -> Path:
    """A real SQLite base in journal ``mode``, closed: a WAL base's -wal and -shm go with its last connection."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {mode}")
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()
    return path


def no_write_right_on(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This account may not create files in ``folder`` (root may, so os.access says it)."""
    real = os.access

    def access(path, mode, *args, **kwargs):  # noqa: ANN001, ANN202
        if Path(path) == folder and mode & os.W_OK:
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(snapshot.os, "access", access)


# -- needs_snapshot: WAL, its -wal/-shm missing, and no right to create them ------------------------------------------
def test_a_wal_base_nobody_has_open_in_a_folder_one_cannot_write_needs_a_copy(tmp_path, monkeypatch):
    db = make_base(tmp_path / "cabinet" / "relance.db", "WAL")
    no_write_right_on(db.parent, monkeypatch)
    assert needs_snapshot(db) is True


def test_a_folder_one_can_write_needs_no_copy(tmp_path):
    db = make_base(tmp_path / "cabinet" / "relance.db", "WAL")
    assert needs_snapshot(db) is False  # SQLite creates the -wal and -shm itself


def test_a_base_someone_has_open_needs_no_copy(tmp_path, monkeypatch):
    db = make_base(tmp_path / "cabinet" / "relance.db", "WAL")
    no_write_right_on(db.parent, monkeypatch)
    Path(f"{db}-wal").touch()
    Path(f"{db}-shm").touch()
    assert needs_snapshot(db) is False


@pytest.mark.parametrize("companion", ["-wal", "-shm"])
def test_one_companion_alone_is_not_enough_to_read_without_a_copy(tmp_path, monkeypatch, companion):
    db = make_base(tmp_path / "cabinet" / "relance.db", "WAL")
    no_write_right_on(db.parent, monkeypatch)
    Path(f"{db}{companion}").touch()
    assert needs_snapshot(db) is True


def test_a_rollback_journal_base_needs_no_copy(tmp_path, monkeypatch):
    db = make_base(tmp_path / "cabinet" / "relance.db", "DELETE")
    no_write_right_on(db.parent, monkeypatch)
    assert needs_snapshot(db) is False


@pytest.mark.parametrize(("versions", "wal"), [
    (b"\x02\x02", True),
    (b"\x01\x02", False),  # both versions must say WAL
    (b"\x02\x01", False),
    (b"\x01\x01", False),
    (b"\x03\x02", False),
])
def test_wal_is_read_from_bytes_18_and_19_of_the_header(tmp_path, monkeypatch, versions, wal):
    db = tmp_path / "relance.db"
    db.write_bytes(HEADER + versions + b"\x00" * 80)
    no_write_right_on(tmp_path, monkeypatch)
    assert needs_snapshot(db) is wal


@pytest.mark.parametrize("size", [0, 10, 19])
def test_a_file_shorter_than_a_header_needs_no_copy(tmp_path, monkeypatch, size):
    db = tmp_path / "relance.db"
    db.write_bytes((HEADER + b"\x02\x02")[:size])
    no_write_right_on(tmp_path, monkeypatch)
    assert needs_snapshot(db) is False


def test_a_file_that_cannot_be_read_needs_no_copy(tmp_path, monkeypatch):
    no_write_right_on(tmp_path, monkeypatch)
    assert needs_snapshot(tmp_path / "absent.db") is False


def test_the_store_asks_about_its_own_file(tmp_path, monkeypatch):
    db = make_base(tmp_path / "cabinet" / "relance.db", "WAL")
    store = Store(db, agent="karim", journal=choose_journal(db), readonly=True)
    try:
        assert store._needs_snapshot() is False
        no_write_right_on(db.parent, monkeypatch)
        assert store._needs_snapshot() is True
    finally:
        store.close()


# -- no_room and check_room: a copy the temporary folder has no room for ---------------------------------------------
DB = Path("/srv/cabinet/relance.db")
AFTER = (". Personne n'a la base ouverte et vous ne pouvez pas écrire dans /srv/cabinet : relance en lit une copie "
         "privée dans ce dossier. Libérez-y de la place, ou indiquez un autre dossier avec la variable TMPDIR, puis "
         "recommencez.")


def test_no_room_gives_the_megabytes_to_copy_rounded_up_and_those_free_rounded_down():
    refused = no_room(DB, "/var/tmp", size=3_000_001, free=7_000_005)
    assert isinstance(refused, DiskFull)
    assert str(refused) == ("lecture de /srv/cabinet/relance.db impossible : disque plein dans le dossier temporaire "
                            "/var/tmp (4 Mo à copier, 7 Mo libres)" + AFTER)
    assert "(3 Mo à copier, 2 Mo libres)" in str(no_room(DB, "/var/tmp", size=3_000_000, free=2_999_999))


def test_no_room_without_both_figures_gives_none():
    bare = "lecture de /srv/cabinet/relance.db impossible : disque plein dans le dossier temporaire /var/tmp" + AFTER
    assert str(no_room(DB, "/var/tmp")) == bare  # the disk filled during the copy: no figures known
    assert str(no_room(DB, "/var/tmp", size=3_000_000)) == bare
    assert str(no_room(DB, "/var/tmp", free=7_000_000)) == bare


def a_base_of_1000_bytes_to_copy(folder: Path) -> Path:
    db = folder / "relance.db"
    db.write_bytes(b"\x00" * 600)
    Path(f"{db}-wal").write_bytes(b"\x00" * 400)  # the -wal is copied too
    Path(f"{db}-shm").write_bytes(b"\x00" * 32768)  # the -shm is not
    return db


def free_space(free: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot.shutil, "disk_usage", lambda folder: Usage(10**12, 10**12 - free, free))


def test_a_copy_that_leaves_exactly_the_margin_free_is_made(tmp_path, monkeypatch):
    db = a_base_of_1000_bytes_to_copy(tmp_path)
    free_space(1000 + SNAPSHOT_MARGIN_BYTES, monkeypatch)
    check_room(db, str(tmp_path))  # no refusal


def test_a_copy_that_would_eat_into_the_margin_is_refused_with_its_figures(tmp_path, monkeypatch):
    db = a_base_of_1000_bytes_to_copy(tmp_path)
    free_space(1000 + SNAPSHOT_MARGIN_BYTES - 1, monkeypatch)  # 16 778 215 bytes
    with pytest.raises(DiskFull) as refused:
        check_room(db, "/var/tmp")
    assert str(refused.value) == (
        f"lecture de {db} impossible : disque plein dans le dossier temporaire /var/tmp (1 Mo à copier, 16 Mo "
        f"libres). Personne n'a la base ouverte et vous ne pouvez pas écrire dans {tmp_path} : relance en lit une "
        "copie privée dans ce dossier. Libérez-y de la place, ou indiquez un autre dossier avec la variable TMPDIR, "
        "puis recommencez.")


# -- snapshot_notice: what the person sees is the copy, as of when it was made ---------------------------------------
@pytest.fixture
def paris():
    """Local time: central European (UTC+1 in winter, +2 in summer), whatever the machine's zone."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "CET-1CEST,M3.5.0,M10.5.0/3"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_the_notice_says_the_copy_s_local_date_and_time(paris):
    assert snapshot_notice(DB, "2026-11-23T08:05:00Z") == (
        "Lecture seule : personne n'a la base ouverte et vous ne pouvez pas écrire dans /srv/cabinet ; vous voyez "
        "la base telle qu'elle était le 23/11/2026 09:05.")
    assert snapshot_notice(DB, "2026-07-04T22:30:00+00:00").endswith("le 05/07/2026 00:30.")


def test_a_store_reading_its_copy_says_so(store, tmp_path, monkeypatch, paris):
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(snapshot.tempfile, "tempdir", str(temp))
    reader = Store(store.path, agent="karim", journal=store.journal, readonly=True,
                   clock=lambda: dt.datetime(2026, 11, 23, 8, 5, tzinfo=dt.timezone.utc))
    try:
        assert reader.notice() is None  # the live base: nothing to say
        reader._take_snapshot()
        assert reader.notice() == (
            f"Lecture seule : personne n'a la base ouverte et vous ne pouvez pas écrire dans {store.path.parent} ; "
            "vous voyez la base telle qu'elle était le 23/11/2026 09:05.")
    finally:
        reader.shutdown()
