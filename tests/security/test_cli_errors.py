"""Issue 11, findings 7, 8 and 9: the right message and exit code for what goes wrong (a full disk, a
hostile CSV, an account outside the office group, a closed pipe, an empty --db); commands that only
read never write (not even the hosts row) and work for a read-only agent on a WAL database in a folder
it cannot write; and cli.main leaves the process's umask as it found it."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tracemalloc
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from relance_tui import cli
from relance_tui.store import Store
from tests.helpers import remove_tree, run_as_other_user, world_readable_dir

HEADER = "N° facture;Client;Date facture;Montant TTC\n"


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def invoice_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM invoices").fetchone()[0]


def invoices_csv(path: Path, rows: int) -> Path:
    path.write_text(HEADER + "".join(f"FA-{n};Client {n % 50};15/01/2026;{n},00\n" for n in range(1, rows + 1)),
                    encoding="utf-8")
    return path


def limit_pages(monkeypatch, *, main: int | None = None, temp: int | None = None) -> None:
    """Every new connection may not grow the database (or SQLite's temporary tables) past a size:
    SQLite then fails exactly as on a full disk (SQLITE_FULL)."""
    original = Store.connect

    def connect(self, **kw):
        conn = original(self, **kw)
        if main is not None:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {max(pages, 1) + main}")
        if temp is not None:
            conn.execute(f"PRAGMA temp.max_page_count = {temp}")
        return conn

    monkeypatch.setattr(Store, "connect", connect)


# -- a full disk ------------------------------------------------------------------------------------
def test_disk_full_while_merging_an_import_says_so_and_writes_nothing(demo_store, tmp_path, capsys, monkeypatch):
    db = demo_store.path
    demo_store.close()
    before = invoice_count(db)
    limit_pages(monkeypatch, main=0)
    code, _, err = run(capsys, "--db", str(db), "import", str(invoices_csv(tmp_path / "f.csv", 3000)))
    assert code == 13, err
    assert "disque plein" in err and "inattendue" not in err
    assert invoice_count(db) == before


def test_disk_full_while_reading_an_import_says_so(demo_store, tmp_path, capsys, monkeypatch):
    db = demo_store.path
    demo_store.close()
    before = invoice_count(db)
    limit_pages(monkeypatch, temp=3)
    code, _, err = run(capsys, "--db", str(db), "import", str(invoices_csv(tmp_path / "f.csv", 3000)))
    assert code == 13, err
    assert "disque plein" in err and "inattendue" not in err
    assert invoice_count(db) == before


def test_disk_full_when_creating_the_database_says_so(tmp_path, capsys, monkeypatch):
    limit_pages(monkeypatch, main=0)
    code, _, err = run(capsys, "--db", str(tmp_path / "office" / "relance.db"), "init")
    assert code == 13, err
    assert "disque plein" in err and "pas une base SQLite" not in err


# -- hostile CSV files -----------------------------------------------------------------------------
def test_a_five_megabyte_header_line_is_refused_as_an_import_problem(demo_store, tmp_path, capsys):
    f = tmp_path / "long.csv"
    f.write_text("N° facture;" + "x" * 5_000_000 + "\nFA-1;1\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", str(demo_store.path), "import", str(f))
    assert code == 11, err
    assert "ligne 1" in err and "inattendue" not in err


def test_a_million_columns_are_refused_as_an_import_problem(demo_store, tmp_path, capsys):
    f = tmp_path / "wide.csv"
    f.write_text(";".join(f"c{n}" for n in range(1_000_000)) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", str(demo_store.path), "import", str(f))
    assert code == 11, err
    assert "inattendue" not in err


def test_a_long_line_is_refused_without_being_held_in_memory(demo_store, tmp_path, capsys):
    f = tmp_path / "huge.csv"
    with open(f, "w", encoding="utf-8") as fh:
        fh.write(HEADER + "FA-1;Garage;15/01/2026;1,00\nFA-2;")
        for _ in range(40):
            fh.write("y" * 1_000_000)  # a 40 MB field on line 3
        fh.write(";15/01/2026;2,00\n")
    run(capsys, "--db", str(demo_store.path), "import", str(invoices_csv(tmp_path / "warm.csv", 5)))  # imports done
    tracemalloc.start()
    try:
        code, _, err = run(capsys, "--db", str(demo_store.path), "import", str(f))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 11, err
    assert "ligne 3" in err
    assert peak < 10_000_000, f"{peak / 1e6:.0f} MB held for a file refused for one long line"


def test_nul_bytes_after_the_head_of_the_file_are_refused(demo_store, tmp_path, capsys):
    f = tmp_path / "nul.csv"
    rows = "".join(f"FA-{n};Client {n};15/01/2026;{n},00\n" for n in range(1, 20_001))  # > 256 KiB
    assert len(rows) > 300_000
    f.write_text(HEADER + rows + "FA-X;Nul\x00Client;15/01/2026;1,00\n", encoding="utf-8")
    before = invoice_count(demo_store.path)
    code, _, err = run(capsys, "--db", str(demo_store.path), "import", str(f))
    assert code == 11, err
    assert "octet nul" in err
    assert invoice_count(demo_store.path) == before


# -- accounts and rights ---------------------------------------------------------------------------
def other_user_env(base: Path) -> None:
    """In the forked child: the other user's own files somewhere it can write."""
    home = base / "home-nobody"
    os.environ["HOME"] = str(home)
    os.environ["RELANCE_CONFIG"] = str(home / "config.toml")
    os.environ["RELANCE_LOG_DIR"] = str(home / "log")
    os.environ["RELANCE_DATA_DIR"] = str(home / "data")


def cli_as_other_user(base: Path, *argv: str) -> tuple[int, str, str]:
    def child():
        other_user_env(base)
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = cli.main(list(argv))
        return code, out.getvalue(), err.getvalue()

    return run_as_other_user(child)


def test_an_account_outside_the_office_group_gets_exit_3_and_which_group_to_join(demo_db_template):
    base = world_readable_dir()
    try:
        (base / "home-nobody").mkdir()
        (base / "home-nobody").chmod(0o777)  # chmod, not mkdir's mode: the umask would apply
        office = base / "office"
        office.mkdir()
        shutil.copy(demo_db_template, office / "relance.db")
        (office / "relance.toml").write_text("[office]\n", encoding="utf-8")
        os.chown(office, 0, 0)
        office.chmod(0o2770)  # the office's group only: "nobody" is not in it
        for argv in (("export", "invoices"), ("rates",), ()):
            code, _, err = cli_as_other_user(base, "--db", str(office / "relance.db"), *argv)
            assert code == 3, (argv, err)
            assert str(office) in err and "groupe root" in err and "inattendue" not in err
    finally:
        remove_tree(base)


def test_a_read_only_agent_reads_a_wal_database_in_a_folder_it_cannot_write(demo_db_template):
    base = world_readable_dir()
    try:
        (base / "home-nobody").mkdir()
        (base / "home-nobody").chmod(0o777)  # chmod, not mkdir's mode: the umask would apply
        office = base / "office"
        office.mkdir()
        office.chmod(0o755)  # readable, not writable, by the other account
        db = office / "relance.db"
        shutil.copy(demo_db_template, db)
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        conn.close()
        db.chmod(0o644)
        assert not Path(f"{db}-wal").exists() and not Path(f"{db}-shm").exists()  # nobody has it open
        code, out, err = cli_as_other_user(base, "--db", str(db), "export", "invoices", "--as-of", "2026-11-23")
        assert code == 0, err
        assert out.startswith("Code client") and len(out.splitlines()) > 100
        assert "Lecture seule" in err

        def open_it():
            other_user_env(base)
            from relance_tui.store import open_store

            store = open_store(db, agent="bob", record_host=False)
            return store.readonly, store.conn.execute("SELECT COUNT(*) FROM debtors").fetchone()[0]

        readonly, debtors = run_as_other_user(open_it)
        assert readonly is True and debtors == 40
        assert sorted(p.name for p in office.iterdir()) == ["relance.db"]
    finally:
        remove_tree(base)


# -- commands that only read -----------------------------------------------------------------------
@pytest.mark.parametrize("argv", [("export", "invoices"), ("export", "promises"), ("rates",), ("doctor",)])
def test_an_empty_file_given_as_db_is_refused_by_read_commands_and_left_empty(tmp_path, capsys, argv):
    empty = tmp_path / "vide.db"
    empty.touch()
    code, _, err = run(capsys, "--db", str(empty), *argv)
    assert code == 4, err
    assert "vide" in err
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("vide")) == ["vide.db"]


def test_read_commands_do_not_write_the_hosts_row(demo_store, capsys):
    demo_store.write(lambda db: db.execute("DELETE FROM hosts"))
    demo_store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for argv in (("export", "invoices"), ("export", "promises"), ("rates",), ("backup", str(demo_store.path.parent))):
        code, _, err = run(capsys, "--db", str(demo_store.path), *argv)
        assert code == 0, (argv, err)
    with sqlite3.connect(demo_store.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM hosts").fetchone()[0] == 0


# -- a closed pipe ---------------------------------------------------------------------------------
@pytest.mark.parametrize("argv", [("export", "invoices"), ("export", "promises", "--format", "md")])
def test_a_closed_pipe_ends_the_export_quietly_with_141(demo_store, argv):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader (head) is already gone: the first write fails, every time
    try:
        proc = subprocess.run([sys.executable, "-m", "relance_tui", "--db", str(demo_store.path), *argv],
                              stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert proc.returncode == 141, proc.stderr
    assert proc.stderr == ""


# -- process-wide state ----------------------------------------------------------------------------
def test_cli_main_leaves_the_umask_as_it_found_it(tmp_path, capsys):
    old = os.umask(0o022)
    try:
        run(capsys, "--db", str(tmp_path / "r.db"), "init")
        run(capsys, "--db", str(tmp_path / "r.db"), "export", "invoices")
        now = os.umask(0o022)
    finally:
        os.umask(old)
    assert now == 0o022


def test_the_installed_command_still_keeps_its_files_from_other_accounts(tmp_path):
    relance = Path(sys.executable).with_name("relance")
    db = tmp_path / "office" / "relance.db"
    proc = subprocess.run([str(relance), "--db", str(db), "init"], capture_output=True, text=True, timeout=120,
                          preexec_fn=lambda: os.umask(0o022))
    assert proc.returncode == 0, proc.stderr
    for path in (db, db.parent / "relance.toml"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o007 == 0, path
