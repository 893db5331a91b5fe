"""One thread per process renews the host leases the process holds (store/lease.py)."""

from __future__ import annotations

import atexit
import contextlib
import threading
import time
import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from relance_tui.store.lease import HostLease


class _Keeper:
    """One thread per process renews every lease the process holds; at exit, each is released.

    Leases are held weakly: a ``Store`` dropped without being shut down (a test, a command that ends)
    stops being renewed, and its lease goes stale after the timeout like a crashed machine's.
    """

    def __init__(self) -> None:
        self._leases: weakref.WeakSet[HostLease] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        atexit.register(self.release_all)

    def add(self, lease: HostLease) -> None:
        with self._lock:
            self._leases.add(lease)
            lease._next_beat = time.monotonic() + lease.heartbeat
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="relance-lease", daemon=True)
                self._thread.start()
        self._wake.set()

    def discard(self, lease: HostLease) -> None:
        with self._lock:
            self._leases.discard(lease)

    def _run(self) -> None:
        while True:
            with self._lock:
                leases = list(self._leases)
            now = time.monotonic()
            for lease in leases:
                if now >= lease._next_beat:
                    lease._next_beat = now + lease.heartbeat
                    try:
                        lease.check()
                    except Exception:  # noqa: BLE001 - the share did not answer, or worse: next beat; a write
                        pass  # checks again before it starts and before it commits
            with self._lock:
                due = min((lease._next_beat for lease in self._leases), default=now + 1.0)
            del leases
            self._wake.wait(max(0.01, min(due - time.monotonic(), 1.0)))
            self._wake.clear()

    def release_all(self) -> None:
        with self._lock:
            leases = list(self._leases)
        for lease in leases:
            with contextlib.suppress(Exception):
                lease.release()


KEEPER = _Keeper()
