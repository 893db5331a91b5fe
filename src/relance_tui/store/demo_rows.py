"""Writing the demo data (``relance demo``, built by demo.py) in bulk: one plain ``executemany`` per table,
inside the caller's ``BEGIN IMMEDIATE`` transaction (``Store.write``).

The column lists are the schema's (store/schema.py): they live here so that a migration that renames a
column finds every statement that names it in store/.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from relance_tui.store.queries import put_setting
from relance_tui.store.search import refresh_search

if TYPE_CHECKING:
    from sqlite_utils import Database

Rows = Iterable[tuple]

AGENTS_SQL = ("INSERT INTO agents (login, display_name, first_seen, last_seen) VALUES (?, ?, ?, ?) "
              "ON CONFLICT (login) DO UPDATE SET display_name = excluded.display_name")
DEBTORS_SQL = ("INSERT INTO debtors (id, code, name, kind, segment, siren, siret, address, postcode, city, country, "
               "payment_terms_days, profile, account_manager, preferred_channel, contract_rate_bp, formal_notice_date, "
               "notes, created_at, updated_at, updated_by, version, name_key) VALUES "
               "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
CONTACTS_SQL = ("INSERT INTO contacts (id, debtor_id, name, role, phone, phone2, email, can_release_payment, notes, "
                "created_at, updated_at, updated_by, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
INVOICES_SQL = ("INSERT INTO invoices (id, number, debtor_id, issue_date, due_date, amount_cents, paid_cents, status, "
                "paid_date, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'demo')")
PAYMENTS_SQL = ("INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, reference, source, created_at, "
                "created_by) VALUES (?, ?, ?, ?, ?, 'import', ?, 'compta')")
EVENTS_SQL = ("INSERT INTO events (id, at, debtor_id, kind, direction, outcome, agent, duration_s, notes, data) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
EVENT_INVOICES_SQL = "INSERT INTO event_invoices (event_id, invoice_id) VALUES (?, ?)"
PROMISES_SQL = ("INSERT INTO promises (id, debtor_id, event_id, amount_cents, due_date, instalments, status, agent, "
                "notes, created_at, evaluated_at, updated_at, updated_by, version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
PROMISE_INVOICES_SQL = "INSERT INTO promise_invoices (promise_id, invoice_id) VALUES (?, ?)"
ENTERPRISE_NUMBERS_SQL = "UPDATE debtors SET enterprise_number = ? WHERE id = ?"
LEGAL_ACTS_SQL = ("INSERT INTO legal_acts (debtor_id, invoice_id, kind, day, channel, event_id, agent, at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")


@dataclass
class DemoRows:
    """The demo's rows, table by table, each tuple in the order of its statement's columns above.

    Iterables, not lists: the ``large`` demo streams a million events into SQLite."""

    agents: Rows  # login, display name, first seen, last seen
    debtors: Rows
    contacts: Rows
    invoices: Rows  # updated_by is 'demo'
    payments: Rows  # source 'import', created by 'compta'
    events: Rows  # ids in time order
    event_invoices: Rows
    promises: Rows
    promise_invoices: Rows
    enterprise_numbers: Rows  # (number, debtor id) of the Belgian companies
    legal_acts: Rows


def write_demo_rows(db: Database, rows: DemoRows, *, setting: dict[str, Any], at: str) -> None:
    """Insert the demo's rows, record the ``demo`` setting (what ``relance demo --open`` recognises) and
    rebuild the search index."""
    conn = db.conn
    ex = conn.executemany
    # a large page cache keeps the index pages of a million events in memory while inserting
    conn.execute("PRAGMA cache_size = -262144")
    ex(AGENTS_SQL, rows.agents)
    ex(DEBTORS_SQL, rows.debtors)
    ex(CONTACTS_SQL, rows.contacts)
    ex(INVOICES_SQL, rows.invoices)
    ex(PAYMENTS_SQL, rows.payments)
    ex(EVENTS_SQL, rows.events)
    ex(EVENT_INVOICES_SQL, rows.event_invoices)
    ex(PROMISES_SQL, rows.promises)
    ex(PROMISE_INVOICES_SQL, rows.promise_invoices)
    ex(ENTERPRISE_NUMBERS_SQL, rows.enterprise_numbers)
    ex(LEGAL_ACTS_SQL, rows.legal_acts)
    put_setting(db, "demo", setting, at=at)
    refresh_search(db)
    conn.execute("PRAGMA cache_size = -2000")  # back to SQLite's default
