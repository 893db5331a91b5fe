"""Reading through a share another machine writes: a statement that meets a half-written page, a journal it may
not roll back or a file briefly gone is run again, whole (store/database.py opens such connections for a
read-only machine, the host lease's loser)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from relance_tui.errors import SharedReadFailed
from relance_tui.store.failures import is_read_glitch

# How long a reader through a share retries a page read half-written by the machine that writes
SHARED_READ_RETRY_S = 8.0


class _Rows:
    """A cursor's rows read at once: what a patient reader returns (a read retried whole, never half)."""

    def __init__(self, cursor: sqlite3.Cursor, rows: list) -> None:
        self.description = cursor.description
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid
        self.arraysize = 1
        self._rows = rows
        self._next = 0

    def fetchone(self):
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchmany(self, size: int | None = None) -> list:
        size = self.arraysize if size is None else size
        chunk = self._rows[self._next:self._next + size]
        self._next += len(chunk)
        return chunk

    def fetchall(self) -> list:
        rest = self._rows[self._next:]
        self._next = len(self._rows)
        return rest

    def __iter__(self) -> _Rows:
        return self

    def __next__(self):
        row = self.fetchone()
        if row is None and self._next >= len(self._rows):
            raise StopIteration
        return row

    def close(self) -> None:
        self._rows = []


class PatientConnection(sqlite3.Connection):
    """A read-only connection through a share another machine writes: a read that meets a half-written page,
    a journal it may not roll back or a file briefly gone is run again (it changes nothing), for up to
    ``SHARED_READ_RETRY_S``; then the agent is told why, never that the file is not a database."""

    why: Callable[[], str] = staticmethod(lambda: "une autre machine écrit dans la base")

    def execute(self, sql, parameters=(), /):
        deadline = time.monotonic() + SHARED_READ_RETRY_S
        delay = 0.05
        while True:
            try:
                cursor = super().execute(sql, parameters)
                return _Rows(cursor, cursor.fetchall())
            except sqlite3.DatabaseError as exc:
                if not is_read_glitch(exc) or self.in_transaction:
                    raise
                if time.monotonic() + delay > deadline:
                    raise SharedReadFailed(
                        f"lecture de la base impossible pour l'instant ({exc}) : {self.why()}, à travers un "
                        "partage réseau. Réessayez dans un moment ; pour travailler sans ces coupures, "
                        "ouvrez relance sur le serveur, par SSH.") from exc
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
