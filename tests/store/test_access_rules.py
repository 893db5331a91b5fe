"""Who can reach what, rule by rule: the first place on a path the agents' group cannot pass (store/access.py's
``_closed_to``, behind doctor's "can the agents run relance"), and the other machines that opened the base."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from relance_tui.domain.instants import to_iso
from relance_tui.store import access, open_store
from relance_tui.store.access import Finding, _closed_to, check_runnable
from relance_tui.store.hosts import other_hosts
from tests.helpers import FakeClock, remove_tree, world_readable_dir


@pytest.fixture
def tree():
    """A folder every account can search (pytest's tmp_path is private: closed to any group but ours)."""
    path = world_readable_dir()
    yield path
    remove_tree(path)


def place(path: Path, mode: int, *, folder: bool = False) -> Path:
    if folder:
        path.mkdir()
    else:
        path.write_text("#!/bin/sh\n")
    path.chmod(mode)
    return path


# The group of the files this test makes, and one that is not theirs
def own_gid(path: Path) -> int:
    return path.stat().st_gid


def other_gid(path: Path) -> int:
    return own_gid(path) + 1


def test_a_path_open_to_everyone_is_closed_nowhere(tree):
    opt = place(tree / "opt", 0o755, folder=True)
    program = place(opt / "relance", 0o755)
    assert _closed_to(program, other_gid(program), 5) is None
    assert _closed_to(program, other_gid(program), 1) is None


def test_a_script_others_may_run_but_not_read_is_closed_to_another_group(tree):
    program = place(tree / "relance", 0o751)
    assert _closed_to(program, other_gid(program), 5) == program  # a script is read to be run: 5
    assert _closed_to(program, other_gid(program), 1) is None  # a binary only run: 1 is enough


def test_a_folder_needs_search_only_whatever_the_file_needs(tree):
    opt = place(tree / "opt", 0o711, folder=True)  # searchable, not listable
    program = place(opt / "relance", 0o755)
    assert _closed_to(program, other_gid(program), 5) is None


def test_a_folder_without_search_for_others_is_the_place_named(tree):
    opt = place(tree / "opt", 0o754, folder=True)  # others may list it, not pass through
    program = place(opt / "relance", 0o755)
    assert _closed_to(program, other_gid(program), 1) == opt


def test_the_group_s_own_bits_open_what_is_closed_to_others(tree):
    opt = place(tree / "opt", 0o750, folder=True)
    program = place(opt / "relance", 0o750)
    gid = own_gid(program)
    assert own_gid(opt) == gid
    assert _closed_to(program, gid, 5) is None  # a member of the group: r-x on both
    assert _closed_to(program, other_gid(program), 5) == opt  # anyone else stops at the folder


def test_the_group_s_bits_must_hold_what_is_needed(tree):
    opt = place(tree / "opt", 0o750, folder=True)
    program = place(opt / "relance", 0o710)  # the group may run it, not read it
    gid = own_gid(program)
    assert _closed_to(program, gid, 5) == program
    assert _closed_to(program, gid, 1) is None
    closed_folder = place(tree / "ferme", 0o740, folder=True)  # the group may list it, not pass
    inside = place(closed_folder / "relance", 0o755)
    assert _closed_to(inside, gid, 1) == closed_folder


def test_what_is_not_there_is_the_place_named(tree):
    assert _closed_to(tree / "absent" / "relance", other_gid(tree), 1) == tree / "absent"
    assert _closed_to(tree / "absent", other_gid(tree), 1) == tree / "absent"


# -- check_runnable: can the agents (the group of the base's folder) run relance as installed? ---------------------------
ADVICE = ("les agents verront « bad interpreter: Permission denied ». Installez relance pour tous avec le Python du "
          "système : sudo scripts/office-setup.sh --install")


@pytest.fixture
def agents(tree, monkeypatch):
    """The base's folder, of a group named "agents" that is not this process's own group."""
    data = place(tree / "donnees", 0o770, folder=True)
    gid = own_gid(data)
    monkeypatch.setattr(access.os, "getgid", lambda: gid + 1)

    def getgrgid(wanted: int) -> SimpleNamespace:
        if wanted != gid:
            raise KeyError(wanted)
        return SimpleNamespace(gr_name="agents")

    monkeypatch.setattr(access.grp, "getgrgid", getgrgid)
    return data / "relance.db"


def install(tree: Path, program_mode: int, python_mode: int, python_folder_mode: int = 0o755) -> tuple[Path, Path]:
    """relance in tree/bin, its Python a link in tree/bin to the real one in tree/python/bin."""
    bin_ = place(tree / "bin", 0o755, folder=True)
    program = place(bin_ / "relance", program_mode)
    real = place(place(tree / "python", python_folder_mode, folder=True) / "python3.11", python_mode)
    link = bin_ / "python3"
    link.symlink_to(real)
    return program, link


def test_an_install_the_group_can_run_through_its_own_bits_is_ok(tree, agents):
    program, python = install(tree, 0o750, 0o750)  # nothing for the other accounts
    assert check_runnable(agents, program, python) == [
        Finding("ok", f"relance ({program}) et son Python ({tree}/python/python3.11) : exécutables par le groupe "
                      "agents")]


def test_a_program_the_group_cannot_read_and_a_python_behind_a_closed_folder_are_both_said(tree, agents):
    program, python = install(tree, 0o710, 0o755, python_folder_mode=0o700)
    real = tree / "python" / "python3.11"
    assert check_runnable(agents, program, python) == [
        Finding("problem", f"le programme relance {program} n'est pas accessible au groupe agents ({program} lui "
                           f"est fermé) : {ADVICE}"),
        # the link itself opens (its folder is open, it leads to a file open to all); where it leads does not
        Finding("problem", f"son interpréteur Python {real} n'est pas accessible au groupe agents ({tree}/python lui "
                           f"est fermé) : {ADVICE}")]


def test_a_python_the_group_may_run_without_reading_it_is_enough(tree, agents):
    program, python = install(tree, 0o750, 0o710)
    assert [f.level for f in check_runnable(agents, program, python)] == ["ok"]


def test_a_python_the_group_may_not_run_is_said(tree, agents):
    program, python = install(tree, 0o750, 0o740)
    assert check_runnable(agents, program, python) == [  # the link (read through) is named first: one is enough
        Finding("problem", f"son interpréteur Python {python} n'est pas accessible au groupe agents ({python} lui "
                           f"est fermé) : {ADVICE}")]


def test_a_base_in_a_folder_of_one_s_own_group_is_not_checked(tree):
    program, python = install(tree, 0o700, 0o700)  # closed to every group: not asked
    data = place(tree / "donnees", 0o770, folder=True)
    assert own_gid(data) == os.getgid()
    assert check_runnable(data / "relance.db", program, python) == []


def test_a_base_whose_folder_is_not_there_is_not_checked(tree, agents):
    program, python = install(tree, 0o700, 0o700)
    assert check_runnable(tree / "absent" / "relance.db", program, python) == []


# -- hosts.other_hosts: the other machines seen lately -----------------------------------------------------------------
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone.utc)


def test_other_hosts_are_those_seen_within_the_days_asked(db_path):
    store = open_store(db_path, agent="marie", create=True, clock=FakeClock(NOW))
    try:
        for host, days_ago in (("poste-compta", 5), ("poste-accueil", 20)):
            seen = to_iso(NOW - dt.timedelta(days=days_ago))
            store.write(lambda db, host=host, seen=seen: db.execute(
                "INSERT INTO hosts (hostname, first_seen, last_seen, last_agent, last_pid) "
                "VALUES (?, ?, ?, 'karim', 1)", [host, seen, seen]))
        assert [h.hostname for h in other_hosts(store)] == ["poste-compta"]  # 14 days by default
        assert [h.hostname for h in other_hosts(store, 3)] == []
        assert [h.hostname for h in other_hosts(store, within_days=30)] == ["poste-compta", "poste-accueil"]
        assert store.hostname not in [h.hostname for h in other_hosts(store, 30)]  # this machine is not another
    finally:
        store.close()
