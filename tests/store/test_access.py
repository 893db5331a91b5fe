import os
import sqlite3

from relance_tui import cli
from relance_tui.store.access import check_access


def make(tmp_path, dir_mode, db_mode):
    folder = tmp_path / "office"
    folder.mkdir()
    db = folder / "relance.db"
    sqlite3.connect(db).close()
    os.chmod(db, db_mode)
    os.chmod(folder, dir_mode)
    return db


def levels(findings):
    return [(f.level, f.message) for f in findings if f.level != "ok"]


def test_the_recommended_set_up_is_clean(tmp_path):
    assert levels(check_access(make(tmp_path, 0o2770, 0o660))) == []


def test_a_database_readable_by_everyone_is_a_problem(tmp_path):
    found = levels(check_access(make(tmp_path, 0o2770, 0o664)))
    assert found == [("problem", found[0][1])] and "lisible par tous" in found[0][1] and "chmod 0660" in found[0][1]


def test_an_open_folder_without_setgid_and_a_private_file_are_warned(tmp_path):
    found = levels(check_access(make(tmp_path, 0o755, 0o600)))
    text = " ".join(m for _, m in found)
    assert "ouvert aux autres comptes" in text and "setgid" in text and "pas modifiable par son groupe" in text


def test_a_companion_file_others_cannot_write(tmp_path):
    db = make(tmp_path, 0o2770, 0o660)
    wal = db.parent / "relance.db-wal"
    wal.write_bytes(b"")
    os.chmod(wal, 0o644)
    found = levels(check_access(db))
    assert any(level == "problem" and "relance.db-wal" in m and "chmod 0660" in m for level, m in found)


def test_doctor_prints_the_access_findings(tmp_path, capsys):
    db = make(tmp_path, 0o2770, 0o664)
    cli.main(["--db", str(db), "init"])
    capsys.readouterr()
    cli.main(["--db", str(db), "doctor"])
    out = capsys.readouterr().out
    assert "Droits d'accès :" in out and "[PROBLÈME] la base est lisible par tous" in out
