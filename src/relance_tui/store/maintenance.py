"""What ``relance doctor`` and ``relance backup`` ask of the database file itself: its journal mode, its
integrity, a consistent copy taken while agents keep working."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from relance_tui.store.connection import Store


def journal_mode(store: Store) -> str:
    """The journal mode the file is in now (what SQLite reports: 'wal', 'delete', ...)."""
    return store.conn.execute("PRAGMA journal_mode").fetchone()[0]


def quick_check(store: Store) -> list[str]:
    """SQLite's ``quick_check``: ``['ok']`` for a sound file, else the problems it found, one a line."""
    return [row[0] for row in store.conn.execute("PRAGMA quick_check").fetchall()]


def backup_to(store: Store, copy: Path) -> str:
    """Copy the database into the new file ``copy`` with SQLite's online backup (a consistent snapshot
    while agents keep working), leave the copy in the rollback journal mode (one file, nothing beside it)
    and return the first line of its ``quick_check`` ('ok' for a sound copy)."""
    target = sqlite3.connect(copy)
    try:
        store.conn.backup(target, pages=1024, sleep=0.01)
        check = target.execute("PRAGMA quick_check").fetchone()[0]
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()
    return check
