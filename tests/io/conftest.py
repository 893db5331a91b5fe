import datetime as dt
import hashlib
from pathlib import Path

import pytest

from relance_tui.io.importer import import_file

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = dt.date(2026, 11, 23)


@pytest.fixture
def imp(store):
    def run(path, **kw):
        path = path if isinstance(path, Path) else FIXTURES / path
        kw.setdefault("as_of", AS_OF)
        return import_file(store, path, **kw)
    return run


@pytest.fixture
def write(tmp_path):
    """Write a test file: text in an encoding, or raw bytes."""
    def make(name, content, encoding="utf-8"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path
    return make


def db_state(store) -> str:
    """A digest of every shared table, to prove a refused import changed nothing."""
    digest = hashlib.sha256()
    for table in ("debtors", "contacts", "invoices", "payments", "events", "event_invoices", "promises"):
        for row in store.db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def invoices(store):
    return {r[0]: r[1:] for r in store.db.execute(
        "SELECT number, amount_cents, paid_cents, status, issue_date, due_date FROM invoices").fetchall()}
