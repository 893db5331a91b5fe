import grp
import os
import pwd
import sqlite3

import pytest

from relance_tui import cli
from relance_tui.store.access import check_access, check_settings_access


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


# -- who can change the settings and templates (check_settings_access) ---------------------------

def office_layout(tmp_path, settings_mode=0o750, data_mode=0o2770):
    """The layout office-setup.sh makes: settings and templates above, the database in data/."""
    office = tmp_path / "srv"
    (office / "templates" / "call").mkdir(parents=True)
    (office / "relance.toml").write_text("")
    (office / "templates" / "call" / "prepare.txt.j2").write_text("x")
    (office / "data").mkdir()
    os.chmod(office / "data", data_mode)
    os.chmod(office, settings_mode)
    return office / "relance.toml", office / "templates", office / "data" / "relance.db"


def test_settings_and_templates_only_their_owner_can_change_are_clean(tmp_path):
    found = check_settings_access(*office_layout(tmp_path))
    assert [f.level for f in found] == ["ok"] and "modifiables seulement par" in found[0].message


def test_a_folder_others_can_write_lets_them_replace_the_settings(tmp_path):
    settings, templates, db = office_layout(tmp_path, settings_mode=0o777)
    found = levels(check_settings_access(settings, templates, db))
    assert [level for level, _ in found] == ["problem", "problem"]
    assert "sans bit sticky" in found[0][1] and "superviseur" in found[0][1] and str(templates) in found[1][1]


def test_the_sticky_bit_protects_files_that_exist_not_files_that_do_not(tmp_path):
    settings, templates, db = office_layout(tmp_path, settings_mode=0o1777)
    assert levels(check_settings_access(settings, templates, db)) == []
    (templates / "call" / "prepare.txt.j2").unlink()
    (templates / "call").rmdir()
    templates.rmdir()
    found = levels(check_settings_access(settings, templates, db))
    assert len(found) == 1 and "absent" in found[0][1] and "créer" in found[0][1]


def test_a_template_anyone_can_write_is_a_problem(tmp_path):
    settings, templates, db = office_layout(tmp_path)
    os.chmod(templates / "call" / "prepare.txt.j2", 0o666)
    found = levels(check_settings_access(settings, templates, db))
    assert len(found) == 1 and "prepare.txt.j2 : modifiable par tous" in found[0][1]


def test_a_folder_writable_by_a_group_of_one_is_not_a_problem(tmp_path):
    """A personal set-up where the user's own private group can write (umask 002)."""
    me = pwd.getpwuid(os.geteuid())
    if grp.getgrgid(me.pw_gid).gr_mem or sum(p.pw_gid == me.pw_gid for p in pwd.getpwall()) > 1:
        pytest.skip("this account's primary group has other members")
    settings, templates, db = office_layout(tmp_path, settings_mode=0o2775)
    assert levels(check_settings_access(settings, templates, db)) == []


def test_a_settings_file_beside_the_database_is_flagged_when_the_settings_live_elsewhere(tmp_path):
    settings, templates, db = office_layout(tmp_path)
    (db.parent / "relance.toml").write_text('[office]\nsupervisors = ["karim"]\n')
    found = levels(check_settings_access(settings, templates, db))
    assert len(found) == 1 and str(db.parent / "relance.toml") in found[0][1] and "RELANCE_OFFICE_CONFIG" in found[0][1]


def test_a_sticky_database_folder_is_warned(tmp_path):
    found = levels(check_access(make(tmp_path, 0o3770, 0o660)))
    assert len(found) == 1 and found[0][0] == "warning" and "bit sticky" in found[0][1]


@pytest.mark.skipif(os.geteuid() != 0, reason="gives files to another account")
def test_settings_owned_by_one_of_the_agents_are_warned(tmp_path, monkeypatch):
    from relance_tui.store import access

    settings, templates, db = office_layout(tmp_path)
    os.chown(settings, 65534, os.getegid())  # nobody's, one of two agents of the database's group
    monkeypatch.setattr(access, "_group_members", lambda gid: frozenset({65534, 65533}))
    found = levels(check_settings_access(settings, templates, db))
    assert found == [("warning", found[0][1])] and "appartiennent à nobody" in found[0][1]
