"""Issue 11 review, item 1: the private copy a read-only agent reads (a WAL base nobody has open, in a
folder it cannot write) is made only when the temporary folder has room for it, and it does not
outlive its process: SIGHUP (an SSH connection lost) and SIGTERM end relance normally, which removes
it, and a copy left by a process killed outright is removed by the next one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from collections import namedtuple
from pathlib import Path

import pytest

from relance_tui.errors import DiskFull
from relance_tui.store import snapshot
from relance_tui.store.connection import Store
from tests.helpers import NOBODY_UID

ROOT = Path(__file__).resolve().parents[2]
Usage = namedtuple("Usage", "total used free")


@pytest.fixture
def temp(tmp_path, monkeypatch):
    """A temporary folder of the test's own, as TMPDIR would give."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def reader(store: Store) -> Store:
    return Store(store.path, agent="karim", journal=store.journal, readonly=True)


def dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_a_copy_the_temporary_folder_has_no_room_for_is_refused_saying_which_disk(store, temp, monkeypatch):
    real = snapshot.shutil.disk_usage
    monkeypatch.setattr(snapshot.shutil, "disk_usage",
                        lambda path: Usage(10**9, 10**9 - 4096, 4096) if str(path) == str(temp) else real(path))
    with pytest.raises(DiskFull) as refused:
        reader(store)._take_snapshot()
    assert str(temp) in str(refused.value) and "disque plein" in str(refused.value)
    assert list(temp.iterdir()) == []  # nothing copied, no folder left


def test_the_copy_is_private_and_goes_with_its_store(store, temp):
    r = reader(store)
    r._take_snapshot()
    folder = r.snapshot.parent
    assert folder.parent == temp and folder.name.startswith("relance-lecture-")
    assert oct(folder.stat().st_mode & 0o777) == oct(0o700) and oct(r.snapshot.stat().st_mode & 0o777) == oct(0o600)
    del r
    assert not folder.exists()


def test_copies_left_by_dead_processes_of_this_user_are_removed(store, temp):
    stale = temp / "relance-lecture-stale"
    stale.mkdir(mode=0o700)
    (stale / "pid").write_text(f"{dead_pid()}\n")
    (stale / "demo.db").write_bytes(b"x" * 1000)
    alive = temp / "relance-lecture-alive"
    alive.mkdir(mode=0o700)
    (alive / "pid").write_text(f"{os.getppid()}\n")
    others = temp / "relance-lecture-others"
    others.mkdir(mode=0o700)
    (others / "pid").write_text(f"{dead_pid()}\n")
    if os.geteuid() == 0:
        os.chown(others, NOBODY_UID, NOBODY_UID)
    unrelated = temp / "autre-dossier"
    unrelated.mkdir()
    r = reader(store)
    r._take_snapshot()
    assert not stale.exists()
    assert alive.exists() and unrelated.exists() and r.snapshot.exists()
    assert others.exists() or os.geteuid() != 0


CHILD = """
import sys, time
from relance_tui import cli
from relance_tui.store.connection import Store, open_store

def main():
    store = open_store(sys.argv[1], agent="marie")
    r = Store(store.path, agent="karim", journal=store.journal, readonly=True)
    r._take_snapshot()
    print(r.snapshot.parent, flush=True)
    time.sleep(60)
    return 0

cli.main = main
cli.run()
"""


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_sighup_and_sigterm_end_relance_normally_and_the_copy_goes(store, tmp_path, signum):
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(ROOT / "src")}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(store.path)], stdout=subprocess.PIPE, text=True,
                             env=env)
    try:
        folder = Path(child.stdout.readline().strip())
        assert folder.parent == temp and folder.exists()
        child.send_signal(signum)
        assert child.wait(timeout=30) == 128 + signum
    finally:
        if child.poll() is None:
            child.kill()
    assert not folder.exists()
