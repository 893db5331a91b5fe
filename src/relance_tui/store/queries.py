"""Reads and small writes shared by every part of the app.

Functions taking ``db`` run inside a caller's transaction (``Store.write``);
functions taking ``store`` open their own.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from relance_tui.domain.law import COUNTRIES, FRENCH_OVERSEAS
from relance_tui.domain.penalties import RATE_KINDS, Rates, needed_rate_kinds
from relance_tui.errors import NotFound, StaleEdit
from relance_tui.store.conditions import OUTSTANDING_STATUS_SQL
from relance_tui.store.connection import Store
from relance_tui.store.models import Counts, RateRow

if TYPE_CHECKING:
    from sqlite_utils import Database

EVENT_COLUMNS = "id, at, debtor_id, kind, direction, outcome, agent, duration_s, notes, data"
VERSIONED_TABLES = ("debtors", "contacts", "invoices", "promises")


# -- events (append-only) -----------------------------------------------------
def append_event(
    db: Database,
    *,
    at: str,
    agent: str,
    kind: str,
    debtor_id: int | None = None,
    direction: str | None = None,
    outcome: str | None = None,
    duration_s: int | None = None,
    notes: str = "",
    data: Mapping[str, Any] | None = None,
    invoice_ids: Iterable[int] = (),
) -> int:
    cur = db.execute(
        "INSERT INTO events (at, debtor_id, kind, direction, outcome, agent, duration_s, notes, data) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [at, debtor_id, kind, direction, outcome, agent, duration_s, notes,
         json.dumps(data, ensure_ascii=False, sort_keys=True) if data else None],
    )
    event_id = cur.lastrowid
    db.conn.executemany(
        "INSERT INTO event_invoices (event_id, invoice_id) VALUES (?, ?)",
        [(event_id, inv) for inv in sorted(set(invoice_ids))],
    )
    return event_id


# -- optimistic concurrency ---------------------------------------------------
def update_versioned(
    db: Database,
    table: str,
    row_id: int,
    expected_version: int,
    changes: Mapping[str, Any],
    *,
    agent: str,
    at: str,
) -> int:
    """Apply ``changes`` if the row is still at ``expected_version``.

    Returns the new version. A row changed meanwhile by someone else raises
    ``StaleEdit`` saying who and when; nothing is overwritten.
    """
    if table not in VERSIONED_TABLES:
        raise ValueError(f"{table} has no version column")
    forbidden = {"id", "version", "updated_at", "updated_by"} & set(changes)
    if forbidden:
        raise ValueError(f"cannot set {sorted(forbidden)} directly")
    assignments = ", ".join(f"[{col}] = ?" for col in changes)
    sets = f"{assignments}, " if assignments else ""
    cur = db.execute(
        f"UPDATE [{table}] SET {sets}version = version + 1, updated_at = ?, updated_by = ? "
        "WHERE id = ? AND version = ?",
        [*changes.values(), at, agent, row_id, expected_version],
    )
    if cur.rowcount == 1:
        return expected_version + 1
    row = db.execute(f"SELECT version, updated_by, updated_at FROM [{table}] WHERE id = ?", [row_id]).fetchone()
    if row is None:
        raise NotFound(f"{TABLE_LABELS.get(table, table)} n°{row_id} n'existe plus.")
    version, who, when = row
    raise StaleEdit(
        f"{TABLE_LABELS.get(table, table).capitalize()} modifié entre-temps par {who or 'un autre agent'} "
        f"({when}) : votre modification n'a pas été enregistrée. Rechargez la fiche, puis refaites-la "
        f"(version lue {expected_version}, version actuelle {version})."
    )


TABLE_LABELS = {"debtors": "débiteur", "contacts": "contact", "invoices": "facture", "promises": "promesse"}


# -- rates -------------------------------------------------------------------
def list_rates(store: Store, kind: str | None = None) -> list[RateRow]:
    sql = "SELECT kind, valid_from, basis_points, source, created_at, created_by FROM rates"
    params: list[Any] = []
    if kind:
        sql += " WHERE kind = ?"
        params.append(kind)
    sql += " ORDER BY kind, valid_from"
    return [RateRow(*row) for row in store.conn.execute(sql, params).fetchall()]


def load_rates(store: Store) -> Rates:
    return Rates.from_rows(
        (r.kind, dt.date.fromisoformat(r.valid_from), r.basis_points) for r in list_rates(store)
    )


def has_be_consumers(store: Store, office_country: str) -> bool:
    """Whether a debtor is a Belgian consumer (domain/law.regime_for), whose interest reads the Belgian legal
    rate: segment b2c and country BE, or a country placed in neither France (its overseas departments
    included) nor Belgium while the office is in Belgium. One EXISTS query, stopping at the first."""
    country = "UPPER(TRIM(country))"
    where = f"{country} = 'BE'"
    params: list[Any] = []
    if office_country == "BE":  # an unknown or other country follows the office's
        placed = [*COUNTRIES, *FRENCH_OVERSEAS]
        where += f" OR {country} NOT IN ({', '.join('?' for _ in placed)})"
        params += placed
    sql = f"SELECT EXISTS (SELECT 1 FROM debtors WHERE segment = 'b2c' AND ({where}))"
    return bool(store.conn.execute(sql, params).fetchone()[0])


def needed_rates(store: Store, office_country: str) -> tuple[str, ...]:
    """The rate tables this office's figures read (domain/penalties.needed_rate_kinds): doctor fails on a
    missing one and the title bar asks for it."""
    return needed_rate_kinds(has_be_consumers(store, office_country))


def set_rate(store: Store, kind: str, valid_from: dt.date, basis_points: int, *, source: str = "") -> bool:
    """Add (or correct) the rate in force from ``valid_from``. True if it replaced one."""
    if kind not in RATE_KINDS:
        raise ValueError(f"type de taux {kind!r} inconnu (attendu : {', '.join(RATE_KINDS)})")
    at = store.now()

    def write(db: Database) -> bool:
        old = db.execute("SELECT basis_points FROM rates WHERE kind = ? AND valid_from = ?",
                         [kind, valid_from.isoformat()]).fetchone()
        db.execute(
            "INSERT INTO rates (kind, valid_from, basis_points, source, created_at, created_by) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, valid_from) DO UPDATE SET "
            "basis_points = excluded.basis_points, source = excluded.source, "
            "created_at = excluded.created_at, created_by = excluded.created_by",
            [kind, valid_from.isoformat(), basis_points, source or f"saisi par {store.agent}", at, store.agent],
        )
        append_event(db, at=at, agent=store.agent, kind="system", outcome="rate_set",
                     notes=f"Taux {kind} au {valid_from.isoformat()} : {basis_points} pb",
                     data={"kind": kind, "valid_from": valid_from.isoformat(), "basis_points": basis_points,
                           "previous": old[0] if old else None})
        return old is not None

    return store.write(write, what="enregistrement du taux")


# -- settings stored in the database -----------------------------------------
def get_setting(store: Store, key: str, default: Any = None) -> Any:
    row = store.conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return json.loads(row[0]) if row else default


def put_setting(db: Database, key: str, value: Any, *, at: str) -> None:
    db.execute(
        "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        [key, json.dumps(value, ensure_ascii=False), at],
    )


def counts(store: Store) -> Counts:
    q = store.conn.execute
    one = lambda sql: q(sql).fetchone()[0]  # noqa: E731
    return Counts(
        debtors=one("SELECT COUNT(*) FROM debtors"),
        contacts=one("SELECT COUNT(*) FROM contacts"),
        invoices=one("SELECT COUNT(*) FROM invoices"),
        open_invoices=one(f"SELECT COUNT(*) FROM invoices WHERE {OUTSTANDING_STATUS_SQL}"),
        payments=one("SELECT COUNT(*) FROM payments"),
        events=one("SELECT COUNT(*) FROM events"),
        promises=one("SELECT COUNT(*) FROM promises"),
    )


def has_business_data(store: Store) -> bool:
    return store.conn.execute(
        "SELECT EXISTS (SELECT 1 FROM debtors) OR EXISTS (SELECT 1 FROM invoices) OR EXISTS (SELECT 1 FROM events "
        "WHERE kind <> 'system')"
    ).fetchone()[0] == 1
