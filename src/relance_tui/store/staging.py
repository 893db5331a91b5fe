"""An import's staging tables, on the database side: the rows a file gives, before they are merged.

Rows parsed from a file go into TEMP tables first (private to this connection, no lock on the shared
file): ``imp_invoices`` and ``imp_payments`` here, a FEC's lines in store/fec.py. They are written in
one deferred transaction (``staging_transaction``), checked and cleaned here, then store/imports.py
merges them into the shared tables in one ``BEGIN IMMEDIATE`` transaction.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from relance_tui.errors import DiskFull
from relance_tui.store.conditions import in_chunks
from relance_tui.store.connection import is_disk_full, transaction

STAGING_INVOICES = """
CREATE TEMP TABLE IF NOT EXISTS imp_invoices (
    line INTEGER NOT NULL,
    number TEXT NOT NULL,
    debtor_code TEXT NOT NULL DEFAULT '',
    debtor_name TEXT NOT NULL DEFAULT '',
    name_key TEXT NOT NULL DEFAULT '',
    siren TEXT NOT NULL DEFAULT '',
    siret TEXT NOT NULL DEFAULT '',
    issue TEXT NOT NULL,
    due TEXT,
    amount INTEGER NOT NULL,
    paid INTEGER,
    paid_date TEXT,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL DEFAULT 'EUR',
    fingerprint TEXT NOT NULL,
    raw TEXT NOT NULL,
    debtor_key TEXT NOT NULL,
    debtor_id INTEGER,
    invoice_id INTEGER,
    is_new INTEGER NOT NULL DEFAULT 0,
    origin TEXT NOT NULL DEFAULT '',  -- a credit note: the number of the invoice it names, if any
    country TEXT NOT NULL DEFAULT '',  -- ISO code the file gives, '' when it says nothing
    enterprise_number TEXT NOT NULL DEFAULT '',  -- Belgian BCE/KBO number, ten digits, checked
    delivery TEXT,  -- delivery or performance date, where the export has one
    language TEXT NOT NULL DEFAULT ''  -- fr, nl or en as the file gives it (domain/language.py), '' when silent
)
"""
STAGING_PAYMENTS = """
CREATE TEMP TABLE IF NOT EXISTS imp_payments (
    line INTEGER NOT NULL,
    number TEXT NOT NULL DEFAULT '',
    debtor_code TEXT NOT NULL DEFAULT '',
    name_key TEXT NOT NULL DEFAULT '',
    day TEXT NOT NULL,
    amount INTEGER NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    rule TEXT NOT NULL DEFAULT '',
    raw TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'payment'  -- 'payment' (money received) or 'credit' (a credit note applied)
)
"""
INVOICE_COLUMNS = ("line", "number", "debtor_code", "debtor_name", "name_key", "siren", "siret", "issue", "due",
                   "amount", "paid", "paid_date", "email", "phone", "contact", "address", "postcode", "city",
                   "currency", "fingerprint", "raw", "debtor_key", "origin", "country", "enterprise_number",
                   "delivery", "language")
PAYMENT_COLUMNS = ("line", "number", "debtor_code", "name_key", "day", "amount", "reference", "rule", "raw", "kind")


def reset_staging(conn: sqlite3.Connection) -> None:
    conn.execute(STAGING_INVOICES)
    conn.execute(STAGING_PAYMENTS)
    conn.execute("DELETE FROM temp.imp_invoices")
    conn.execute("DELETE FROM temp.imp_payments")


def drop_staging(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TABLE IF EXISTS temp.imp_invoices")
    conn.execute("DROP TABLE IF EXISTS temp.imp_payments")
    conn.execute("DROP TABLE IF EXISTS temp.imp_changes")


def stage_invoices(conn: sqlite3.Connection, rows: Iterable[Sequence]) -> None:
    conn.executemany(
        f"INSERT INTO temp.imp_invoices ({', '.join(INVOICE_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in INVOICE_COLUMNS)})", rows)


def stage_payments(conn: sqlite3.Connection, rows: Iterable[Sequence]) -> None:
    conn.executemany(
        f"INSERT INTO temp.imp_payments ({', '.join(PAYMENT_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in PAYMENT_COLUMNS)})", rows)


def index_staging(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE INDEX IF NOT EXISTS temp.imp_invoices_number ON imp_invoices (number)")
    conn.execute("CREATE INDEX IF NOT EXISTS temp.imp_payments_number ON imp_payments (number)")


def staged_duplicates(conn: sqlite3.Connection) -> list[tuple[str, list[int]]]:
    """Invoice numbers present more than once with different data: (number, lines)."""
    return [
        (number, [int(x) for x in lines.split(",")])
        for number, lines in conn.execute(
            "SELECT number, group_concat(line) FROM (SELECT number, line FROM temp.imp_invoices "
            "WHERE number IN (SELECT number FROM temp.imp_invoices GROUP BY number "
            "HAVING COUNT(DISTINCT fingerprint) > 1) ORDER BY number, line) GROUP BY number ORDER BY MIN(line)"
        ).fetchall()
    ]


def drop_exact_duplicates(conn: sqlite3.Connection) -> int:
    """Keep the first of identical repeated rows; returns how many were dropped."""
    cur = conn.execute(
        "DELETE FROM temp.imp_invoices WHERE rowid NOT IN (SELECT MIN(rowid) FROM temp.imp_invoices "
        "GROUP BY number, fingerprint)")
    return cur.rowcount


def drop_staged_lines(conn: sqlite3.Connection, reasons: dict[int, str]) -> list[tuple[int, str, str]]:
    """Remove these lines from staging; returns (line, raw, reason) for the rejects file."""
    out = []
    for line, reason in sorted(reasons.items()):
        for table in ("imp_invoices", "imp_payments"):
            for (raw,) in conn.execute(f"SELECT raw FROM temp.{table} WHERE line = ?", [line]).fetchall():
                out.append((line, raw, reason))
            conn.execute(f"DELETE FROM temp.{table} WHERE line = ?", [line])
    return out


def drop_staged_numbers(conn: sqlite3.Connection, numbers: Iterable[str]) -> list[tuple[int, str]]:
    """Remove these numbers from staging; returns their (line, raw) for the rejects file."""
    out: list[tuple[int, str]] = []
    for part, marks in in_chunks(numbers, 500):
        out += conn.execute(f"SELECT line, raw FROM temp.imp_invoices WHERE number IN ({marks})", part).fetchall()
        conn.execute(f"DELETE FROM temp.imp_invoices WHERE number IN ({marks})", part)
    return out


def settle_staged_payments(conn: sqlite3.Connection) -> list[tuple[int, str, int, int | None, int]]:
    """An export with one row per payment of an invoice (CSV): each staged invoice with dated payments from
    the same file gets, as paid, the sum of those payments and, as paid date, the last one's day once they
    cover its amount. Returns, per such invoice, (first line, number, amount, the paid figure the file
    itself states (its largest, or None), sum of its payments), for the importer to check."""
    sums = ("(SELECT number, SUM(amount) AS total, MAX(day) AS last FROM temp.imp_payments "
            "WHERE kind = 'payment' GROUP BY number)")
    rows = conn.execute(
        f"SELECT MIN(s.line), s.number, MAX(s.amount), MAX(s.paid), p.total FROM temp.imp_invoices s "
        f"JOIN {sums} p ON p.number = s.number GROUP BY s.number ORDER BY MIN(s.line)").fetchall()
    conn.execute(
        f"UPDATE temp.imp_invoices SET paid = p.total, paid_date = CASE WHEN p.total >= imp_invoices.amount "
        f"THEN p.last END FROM {sums} AS p WHERE p.number = imp_invoices.number")
    return rows


def sqlite_temp_dir() -> str:
    """Where SQLite writes its temporary files on Unix (its own search order): the staging tables live there."""
    for candidate in (os.environ.get("SQLITE_TMPDIR"), os.environ.get("TMPDIR"), "/var/tmp", "/usr/tmp", "/tmp"):
        if candidate and os.path.isdir(candidate):
            return candidate
    return "."


@contextmanager
def staging_transaction(conn: sqlite3.Connection, what: str) -> Iterator[sqlite3.Connection]:
    """One deferred transaction on the staging tables (TEMP only: no lock on the shared file), committed
    at the end of the block and rolled back if anything escapes it. A full disk under SQLite's temporary
    folder becomes ``DiskFull`` naming ``what`` (``"import de factures.csv"``)."""
    try:
        with transaction(conn, immediate=False):
            yield conn
    except sqlite3.DatabaseError as exc:
        folder = sqlite_temp_dir()
        if not is_disk_full(exc, folder):
            raise
        raise DiskFull(f"{what} impossible : disque plein pendant la lecture du fichier (fichiers temporaires de "
                       f"SQLite, dans {folder}). Rien n'a été importé ; libérez de la place (ou demandez-le à "
                       "l'administrateur), puis recommencez.") from exc
