"""Issue 11, finding 5: an agent cannot make itself supervisor by replacing the office's settings.

scripts/office-setup.sh lays the office out, moving an office set up the old way (settings and
database together in a 2770 folder), and another account in the office's group then tries what
an agent with a shell could: rename a file of its own over relance.toml or a template, write
into them, add a template. It must still be able to write the database. Doctor flags the old
layout. The layout tests run as root (they create files for another account), as CI does.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from relance_tui import cli
from tests.helpers import NOBODY_UID, remove_tree, run_as_other_user, world_readable_dir

ROOT = Path(__file__).resolve().parents[2]
SETUP = ROOT / "scripts" / "office-setup.sh"
GROUP = "nogroup"  # nobody's own group: the account run_as_other_user becomes is a member

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="creates files for another account (CI runs as root)")


def profile(etc: Path) -> dict[str, str]:
    """RELANCE_DB and RELANCE_OFFICE_CONFIG as office-setup.sh wrote them for login shells."""
    out = {}
    for line in (etc / "profile.d" / "relance.sh").read_text().splitlines():
        if line.startswith("export "):
            key, _, value = line[len("export "):].partition("=")
            out[key] = value
    return out


@pytest.fixture
def office():
    """An office first set up the old way (one 2770 folder, a template an agent wrote), then by office-setup.sh."""
    base = world_readable_dir()
    srv, etc = base / "srv", base / "etc"
    relance = base / "relance"  # this checkout's relance, whichever source tree is on the path
    relance.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m relance_tui "$@"\n')
    relance.chmod(0o755)
    try:
        srv.mkdir()
        os.chown(srv, 0, NOBODY_UID)
        os.chmod(srv, 0o2770)
        subprocess.run([str(relance), "--db", str(srv / "relance.db"), "init"], check=True, capture_output=True)
        (srv / "templates" / "call").mkdir(parents=True)
        template = srv / "templates" / "call" / "prepare.txt.j2"
        template.write_text("Bonjour {{ contact.name }}\n", encoding="utf-8")
        os.chown(template, NOBODY_UID, NOBODY_UID)
        done = subprocess.run(["bash", str(SETUP), "--group", GROUP, "--dir", str(srv), "--relance", str(relance),
                               "--etc", str(etc)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        env = profile(etc)
        db = Path(env["RELANCE_DB"])
        settings = Path(env.get("RELANCE_OFFICE_CONFIG", db.parent / "relance.toml"))
        yield {"db": db, "settings": settings, "templates": settings.parent / "templates", "setup": done}
    finally:
        remove_tree(base)


def attempt(fn) -> str:
    try:
        fn()
    except PermissionError:
        return "refused"
    return "done"


@needs_root
def test_an_agent_cannot_replace_the_settings_or_a_template_but_writes_the_database(office):
    db, settings, templates = office["db"], office["settings"], office["templates"]
    settings_before = settings.read_bytes()
    template = templates / "call" / "prepare.txt.j2"
    template_before = template.read_bytes()

    def as_agent():
        os.umask(0o007)
        def mine() -> Path:  # a file of the agent's own, where it may write: the database folder
            path = db.parent / "mine.toml"
            path.write_text('[office]\nsupervisors = ["nobody"]\n', encoding="utf-8")
            return path

        tried = {
            "rename over relance.toml": attempt(lambda: os.rename(mine(), settings)),
            "write into relance.toml": attempt(lambda: settings.open("a").close()),
            "delete relance.toml": attempt(settings.unlink),
            "rename over a template": attempt(lambda: os.rename(mine(), template)),
            "write into a template": attempt(lambda: template.open("a").close()),
            "add a template": attempt(lambda: (templates / "call" / "listen.txt.j2").write_text("x")),
            "rename the templates folder": attempt(lambda: os.rename(templates, templates.with_name("t2"))),
            "rename the database folder": attempt(lambda: os.rename(db.parent, db.parent.with_name("d2"))),
        }
        conn = sqlite3.connect(db, timeout=10)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("CREATE TABLE agent_probe (x)")
        conn.commit()
        conn.close()
        return tried

    tried = run_as_other_user(as_agent)
    assert tried == dict.fromkeys(tried, "refused")
    assert settings.read_bytes() == settings_before and template.read_bytes() == template_before
    with sqlite3.connect(db) as conn:  # the agent did write the database
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'agent_probe'").fetchone()


@needs_root
def test_office_setup_moves_the_old_layout_and_says_who_wrote_the_templates(office):
    db, settings, templates = office["db"], office["settings"], office["templates"]
    assert db.parent != settings.parent and db.exists() and not (settings.parent / "relance.db").exists()
    assert (settings.parent.stat().st_mode & 0o7777) == 0o2750 and settings.parent.stat().st_uid == 0
    assert (db.parent.stat().st_mode & 0o7777) == 0o2770
    assert (settings.stat().st_mode & 0o777) == 0o640 and settings.stat().st_uid == 0
    assert all(p.stat().st_uid == 0 for p in [templates, *templates.rglob("*")])
    assert "written by agents (nobody)" in office["setup"].stderr


@needs_root
def test_doctor_is_clean_on_the_layout_office_setup_makes(office, monkeypatch, capsys):
    import relance_tui.store.access as access

    monkeypatch.setenv("RELANCE_OFFICE_CONFIG", str(office["settings"]))
    # the layout only: this doctor runs inside pytest, from a Python under /root that the agents indeed
    # cannot run (what check_runnable says, tested in tests/test_install_check.py)
    monkeypatch.setattr(access, "check_runnable", lambda *args: [])
    cli.main(["--db", str(office["db"]), "doctor"])
    out = capsys.readouterr().out
    assert "PROBLÈME" not in out and "réglages et modèles : modifiables seulement par root" in out


@needs_root
def test_doctor_flags_settings_an_agent_can_replace(tmp_path, capsys):
    folder = tmp_path / "office"
    folder.mkdir()
    os.chown(folder, 0, NOBODY_UID)
    os.chmod(folder, 0o2770)  # the layout office-setup.sh made before: the group writes the settings' folder
    cli.main(["--db", str(folder / "relance.db"), "init"])
    capsys.readouterr()
    cli.main(["--db", str(folder / "relance.db"), "doctor"])
    out = capsys.readouterr().out
    assert f"[PROBLÈME] réglages {folder / 'relance.toml'} : le dossier {folder} est modifiable par le groupe " \
           f"{GROUP}" in out and "renommage" in out
    assert f"[PROBLÈME] modèles {folder / 'templates'} : absent" in out


def test_doctor_flags_a_settings_file_or_template_anyone_can_write(tmp_path, capsys):
    db = tmp_path / "office" / "relance.db"
    cli.main(["--db", str(db), "init"])
    (db.parent / "relance.toml").chmod(0o666)
    (db.parent / "templates" / "email").mkdir(parents=True)
    (db.parent / "templates" / "email" / "recap.txt.j2").write_text("x\n")
    (db.parent / "templates" / "email" / "recap.txt.j2").chmod(0o646)
    capsys.readouterr()
    cli.main(["--db", str(db), "doctor"])
    out = capsys.readouterr().out
    assert "[PROBLÈME] réglages" in out and "modifiable par tous les comptes de la machine (mode 0666)" in out
    assert f"[PROBLÈME] modèles {db.parent / 'templates' / 'email' / 'recap.txt.j2'} : modifiable par tous" in out
