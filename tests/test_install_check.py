"""Installing for every agent (issue 17, item 7): relance doctor says when the agents' group cannot run the
relance it is (a venv made from a Python under /root fails for them with "bad interpreter")."""

from __future__ import annotations

import os

import pytest

from relance_tui.store.access import check_runnable

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give files to another group")
GROUP = 54321  # the agents' group: not the tester's


def office(tmp_path):
    for folder in (tmp_path, *tmp_path.parents):  # pytest makes its folders for the tester alone (0700)
        if folder == folder.parent or folder == tmp_path.parents[-2]:
            break
        folder.chmod(folder.stat().st_mode | 0o055)
    data = tmp_path / "data"
    data.mkdir()
    os.chown(data, 0, GROUP)
    return data / "relance.db"


def install(tmp_path, python_mode: int, *, place: str = "opt"):
    """A venv-like tree: bin/relance (a script) and bin/python, a link to a Python under ``place``."""
    base = tmp_path / place
    (base / "python" / "bin").mkdir(parents=True)
    real = base / "python" / "bin" / "python3.11"
    real.write_bytes(b"\x7fELF")
    real.chmod(0o755)
    base.chmod(python_mode)
    venv = tmp_path / "venv" / "bin"
    venv.mkdir(parents=True)
    (tmp_path / "venv").chmod(0o755)
    (venv / "python").symlink_to(real)
    (venv / "relance").write_text(f"#!{venv / 'python'}\n", encoding="utf-8")
    (venv / "relance").chmod(0o755)
    tmp_path.chmod(0o755)
    return venv / "relance", venv / "python"


def test_a_python_only_root_can_reach_is_a_problem_with_what_to_do(tmp_path) -> None:
    db = office(tmp_path)
    program, python = install(tmp_path, 0o700, place="root-pyenv")  # like /root/.pyenv
    found = check_runnable(db, program, python)
    assert [f.level for f in found] == ["problem"]
    assert str(tmp_path / "root-pyenv") in found[0].message and "bad interpreter" in found[0].message
    assert "sudo scripts/office-setup.sh --install" in found[0].message


def test_an_install_every_agent_can_run_is_ok(tmp_path) -> None:
    db = office(tmp_path)
    program, python = install(tmp_path, 0o755)
    found = check_runnable(db, program, python)
    assert [f.level for f in found] == ["ok"] and "exécutables par le groupe" in found[0].message


def test_a_folder_open_to_the_agents_group_only_is_enough(tmp_path) -> None:
    db = office(tmp_path)
    program, python = install(tmp_path, 0o750)
    os.chown(tmp_path / "opt", 0, GROUP)
    assert [f.level for f in check_runnable(db, program, python)] == ["ok"]
    os.chown(tmp_path / "opt", 0, 0)  # the same folder, another group: closed to the agents
    assert [f.level for f in check_runnable(db, program, python)] == ["problem"]


def test_a_script_the_agents_cannot_read_is_a_problem(tmp_path) -> None:
    db = office(tmp_path)
    program, python = install(tmp_path, 0o755)
    program.chmod(0o711)  # runnable but unreadable: the kernel hands it to Python, which cannot read it
    found = check_runnable(db, program, python)
    assert [f.level for f in found] == ["problem"] and str(program) in found[0].message


def test_a_folder_of_one_s_own_is_not_checked(tmp_path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    os.chown(data, 0, os.getgid())
    program, python = install(tmp_path, 0o700)
    assert check_runnable(data / "relance.db", program, python) == []
