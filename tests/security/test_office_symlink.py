"""Doctor on an office reached through a symbolic link (/etc/relance -> /srv/relance/config, a link
made by the administrator): the layout is correct and not flagged (a link's own mode is always 0777 and
means nothing); a link an agent owns, or one leading to a folder an agent can write, is flagged."""

from __future__ import annotations

import os

import pytest

from relance_tui import cli
from tests.helpers import NOBODY_UID, remove_tree, world_readable_dir
from tests.security.test_office_layout import GROUP, needs_root, office  # noqa: F401 - fixture


@pytest.fixture
def links():
    base = world_readable_dir()
    yield base
    remove_tree(base)


def doctor(db, settings, monkeypatch, capsys) -> str:
    import relance_tui.store.access as access

    monkeypatch.setenv("RELANCE_OFFICE_CONFIG", str(settings))
    # the settings' links only: this doctor runs inside pytest, from a Python under /root the agents cannot
    # run (what check_runnable says, tested in tests/test_install_check.py)
    monkeypatch.setattr(access, "check_runnable", lambda *args: [])
    capsys.readouterr()
    cli.main(["--db", str(db), "doctor"])
    return capsys.readouterr().out


@needs_root
def test_doctor_is_clean_when_the_office_folder_is_a_root_owned_link(office, links, monkeypatch, capsys):
    link = links / "office"
    link.symlink_to(office["settings"].parent)
    out = doctor(office["db"], link / office["settings"].name, monkeypatch, capsys)
    assert "PROBLÈME" not in out and "réglages et modèles : modifiables seulement par root" in out


@needs_root
def test_doctor_flags_a_link_an_agent_owns(office, links, monkeypatch, capsys):
    link = links / "office"
    link.symlink_to(office["settings"].parent)
    os.lchown(link, NOBODY_UID, NOBODY_UID)  # an agent could point it elsewhere
    out = doctor(office["db"], link / office["settings"].name, monkeypatch, capsys)
    assert "[PROBLÈME] réglages" in out and "son propriétaire nobody" in out


@needs_root
def test_doctor_flags_a_link_leading_to_a_folder_an_agent_can_write(office, links, monkeypatch, capsys):
    target = links / "shared"
    target.mkdir()
    os.chown(target, 0, NOBODY_UID)
    os.chmod(target, 0o2770)
    (target / "relance.toml").write_bytes(office["settings"].read_bytes())
    link = links / "office"
    link.symlink_to(target)
    out = doctor(office["db"], link / "relance.toml", monkeypatch, capsys)
    assert f"[PROBLÈME] réglages {link / 'relance.toml'} : le dossier {target} est modifiable par le groupe " \
           f"{GROUP}" in out
