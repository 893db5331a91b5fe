"""Drive the installed ``relance`` command in tmux, as a person would."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
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


class TmuxSession:
    def __init__(self, command: list[str], env: dict[str, str], *, width: int = 100, height: int = 30):
        self.tmux = require_tmux()
        self.name = f"relance-e2e-{uuid.uuid4().hex[:8]}"
        self.socket = f"relance-e2e-{os.getpid()}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        shell = f"env {exports} TERM=xterm-256color {shlex.join(command)}; echo EXITED=$?; sleep 600"
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
            raise AssertionError(f"the tmux pane closed; last screen seen:\n{getattr(self, 'last_screen', '')}") \
                from None
        return self.last_screen

    def send(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.name, *keys)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear within {timeout}s; screen:\n{screen}")

    def wait_for_any(self, *texts: str, timeout: float = 20.0) -> tuple[str, str]:
        """The first of ``texts`` to appear, and the screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            for text in texts:
                if text in screen:
                    return text, screen
            time.sleep(0.1)
        raise AssertionError(f"none of {texts!r} appeared within {timeout}s; screen:\n{screen}")

    def wait_without(self, text: str, timeout: float = 20.0) -> str:
        """Until ``text`` is gone from the screen (e.g. a key hint the footer drops)."""
        deadline = time.monotonic() + timeout
        screen = self.screen()
        while time.monotonic() < deadline and text in screen:
            time.sleep(0.05)
            screen = self.screen()
        if text in screen:
            raise AssertionError(f"{text!r} still on screen after {timeout}s:\n{screen}")
        return screen

    def close(self) -> None:
        subprocess.run([self.tmux, "-L", self.socket, "kill-server"], capture_output=True)
