"""Seeing other agents' changes: PRAGMA data_version, then the new events only."""

from __future__ import annotations

from dataclasses import dataclass

from relance_tui.store.connection import Store


@dataclass(frozen=True)
class Change:
    event_ids: tuple[int, ...]
    kinds: frozenset[str]
    debtor_ids: frozenset[int]


class ChangeWatcher:
    """Polled from one worker at a time; owns its connection (data_version is per connection)."""

    def __init__(self, store: Store):
        self.conn = store.connect(check_same_thread=False)
        self.version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        self.last_event = self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]

    def poll(self) -> Change | None:
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        if version == self.version:
            return None
        self.version = version
        rows = self.conn.execute("SELECT id, kind, debtor_id FROM events WHERE id > ? ORDER BY id",
                                 [self.last_event]).fetchall()
        if rows:
            self.last_event = rows[-1][0]
        return Change(tuple(r[0] for r in rows), frozenset(r[1] for r in rows),
                      frozenset(r[2] for r in rows if r[2] is not None))

    def close(self) -> None:
        self.conn.close()
