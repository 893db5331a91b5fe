"""Helpers shared by tests."""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

NOBODY_UID = 65534


def world_readable_dir() -> Path:
    """A directory another user can read (pytest's tmp_path is private to us)."""
    path = Path(tempfile.mkdtemp(prefix="relance-test-", dir="/tmp"))
    path.chmod(0o755)
    return path


def run_as_other_user(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` in a forked child as an unprivileged user; return its result or re-raise.

    Lets the suite check read-only behaviour even when it runs as root (as CI does).
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        try:
            if os.getuid() == 0:
                os.setgid(NOBODY_UID)
                os.setuid(NOBODY_UID)
            result: tuple[str, Any] = ("ok", fn())
        except BaseException as exc:  # noqa: BLE001 - shipped to the parent
            result = ("error", exc)
        try:
            payload = pickle.dumps(result)
        except Exception as exc:  # noqa: BLE001
            payload = pickle.dumps(("error", RuntimeError(repr(exc))))
        with os.fdopen(write_fd, "wb") as fh:
            fh.write(payload)
        os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    status, value = pickle.loads(data)
    if status == "error":
        raise value
    return value


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


class FakeClock:
    """An injectable clock (Store.clock) that tests move by hand."""

    def __init__(self, start):  # noqa: ANN001 - an aware datetime
        self.t = start

    def __call__(self):  # noqa: ANN204
        return self.t

    def advance(self, seconds: float) -> None:
        import datetime as dt

        self.t += dt.timedelta(seconds=seconds)
