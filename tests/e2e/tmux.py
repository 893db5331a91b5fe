"""Drive the installed ``relance`` command in tmux, as a person would."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest


def relance_command() -> str:
    exe = Path(sys.executable).parent / "relance"
    if not exe.exists():
        found = shutil.which("relance")
        if not found:
            pytest.fail("the relance command is not installed (pip install -e .)")
        exe = Path(found)
    return str(exe)


def require_tmux() -> str:
    tmux = shutil.which("tmux")
    if not tmux:
        pytest.skip("tmux is not installed (.ci/run installs it with apt-get)")
    return tmux


# Waits are on conditions (what the screen must show), polled; their bound is generous, since a loaded
# machine is slow, not wrong: the first start compiles bytecode and reads a cold database, and two busy
# cores made a 20 s bound fail once. A wait without a timeout of its own lasts until the session's
# deadline; the first screen gets as long.
SESSION_DEADLINE_S = 300.0
POLL_S = 0.1


class TmuxSession:
    def __init__(self, command: list[str], env: dict[str, str], *, width: int = 100, height: int = 30,
                 deadline: float = SESSION_DEADLINE_S):
        self.tmux = require_tmux()
        self.name = f"relance-e2e-{uuid.uuid4().hex[:8]}"
        self.socket = f"relance-e2e-{os.getpid()}"
        self.started = time.monotonic()
        self.deadline = self.started + deadline
        self.last_screen = ""
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # the app starts once the pane has the size the test reads (a detached session is made at tmux's default
        # size and resized below), and reads that size from the terminal: COLUMNS and LINES, which the tmux
        # server inherits from pytest (80 and 24 there), would win over it (every app ran at 80x24 until this)
        wait = f'for i in $(seq 100); do [ "$(stty size)" = "{height} {width}" ] && break; sleep 0.05; done; '
        shell = (f"{wait}env -u COLUMNS -u LINES {exports} TERM=xterm-256color {shlex.join(command)}; "
                 "echo EXITED=$?; sleep 600")
        self._tmux("new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), shell)
        # detached sessions may follow another size; pin the one the test reads
        self._tmux("set-option", "-t", self.name, "window-size", "manual")
        self._tmux("resize-window", "-t", self.name, "-x", str(width), "-y", str(height))

    def _tmux(self, *args: str) -> str:
        return subprocess.run([self.tmux, "-L", self.socket, *args], check=True, capture_output=True,
                              text=True).stdout

    def screen(self) -> str:
        try:
            self.last_screen = self._tmux("capture-pane", "-p", "-t", self.name)
        except subprocess.CalledProcessError:
            raise AssertionError(f"the tmux pane closed; last screen seen:\n{self.last_screen}") from None
        return self.last_screen

    def send(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.name, *keys)

    def _poll(self, found: Callable[[str], str | None], timeout: float | None, what: str) -> tuple[str, str]:
        """Capture the pane until ``found(screen)`` names what it saw; at most ``timeout`` seconds, or
        until the session's deadline."""
        deadline = self.deadline if timeout is None else time.monotonic() + timeout
        waited_from = time.monotonic()
        while True:
            screen = self.screen()
            seen = found(screen)
            if seen is not None:
                return seen, screen
            if time.monotonic() >= deadline:
                raise AssertionError(f"{what} after {time.monotonic() - waited_from:.0f}s (session "
                                     f"started {time.monotonic() - self.started:.0f}s ago); screen:\n{screen}")
            time.sleep(POLL_S)

    def wait_for(self, text: str, timeout: float | None = None) -> str:
        return self._poll(lambda screen: text if text in screen else None, timeout, f"{text!r} did not appear")[1]

    def wait_for_any(self, *texts: str, timeout: float | None = None) -> tuple[str, str]:
        """The first of ``texts`` to appear, and the screen."""
        return self._poll(lambda screen: next((t for t in texts if t in screen), None), timeout,
                          f"none of {texts!r} appeared")

    def wait_without(self, text: str, timeout: float | None = None) -> str:
        """Until ``text`` is gone from the screen (e.g. a key hint the footer drops)."""
        return self._poll(lambda screen: "" if text not in screen else None, timeout,
                          f"{text!r} still on screen")[1]

    def type(self, text: str) -> str:
        """Type ``text`` into the focused field and wait until it shows: the next key (Enter) must not
        overtake it."""
        self.send("-l", text)
        return self.wait_for(text)

    def close(self) -> None:
        subprocess.run([self.tmux, "-L", self.socket, "kill-server"], capture_output=True)
