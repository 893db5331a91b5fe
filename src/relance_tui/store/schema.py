"""Numbered schema migrations (sqlite-utils ``Migrations``).

Rules: a migration is never edited once released; a change is a new
migration appended here. ``Store`` applies pending ones inside one
``BEGIN IMMEDIATE`` transaction, so that several agents starting at once
serialise on the write lock and exactly one of them migrates.
"""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from relance_tui.store.published_rates import SEED_RATES, SEED_RATES_0009
from relance_tui.store.versions import MIGRATION_NAMES, MIGRATION_SET, MIGRATIONS_TABLE

migrations = Migrations(MIGRATION_SET)

APPEND_ONLY_TABLES = ("events", "event_invoices")


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    for statement in _INITIAL_SCHEMA.split(";\n"):
        if statement.strip():
            db.execute(statement)
    for table in APPEND_ONLY_TABLES:
        for op in ("UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: "
                f"record a correcting event instead'); END"
            )


_INITIAL_SCHEMA = """
CREATE TABLE agents (
    login TEXT PRIMARY KEY,
    display_name TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE TABLE debtors (
    id INTEGER PRIMARY KEY,
    code TEXT UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'company' CHECK (kind IN ('company', 'person')),
    segment TEXT NOT NULL DEFAULT 'b2b' CHECK (segment IN ('b2b', 'b2c')),
    siren TEXT,
    siret TEXT,
    vat_number TEXT,
    address TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT 'FR',
    payment_terms_days INTEGER CHECK (payment_terms_days IS NULL OR payment_terms_days BETWEEN 0 AND 365),
    profile TEXT NOT NULL DEFAULT 'normal' CHECK (profile IN ('good', 'normal', 'bad')),
    account_manager TEXT,
    preferred_channel TEXT NOT NULL DEFAULT 'phone'
        CHECK (preferred_channel IN ('phone', 'email', 'letter')),
    contract_rate_bp INTEGER,
    formal_notice_date TEXT,
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX debtors_siren ON debtors (siren);
CREATE INDEX debtors_name ON debtors (name COLLATE NOCASE);
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    debtor_id INTEGER NOT NULL REFERENCES debtors (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    phone2 TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    can_release_payment INTEGER NOT NULL DEFAULT 0 CHECK (can_release_payment IN (0, 1)),
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX contacts_debtor ON contacts (debtor_id);
CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    issuer TEXT NOT NULL DEFAULT '',
    number TEXT NOT NULL,
    debtor_id INTEGER NOT NULL REFERENCES debtors (id),
    issue_date TEXT NOT NULL,
    due_date TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    currency TEXT NOT NULL DEFAULT 'EUR',
    paid_cents INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'paid', 'disputed', 'written_off', 'litigation')),
    paid_date TEXT,
    attachment_path TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (issuer, number),
    CHECK (due_date >= issue_date)
);
CREATE INDEX invoices_debtor ON invoices (debtor_id);
CREATE INDEX invoices_status_due ON invoices (status, due_date);
CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    debtor_id INTEGER NOT NULL REFERENCES debtors (id),
    invoice_id INTEGER REFERENCES invoices (id),
    day TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents <> 0),
    reference TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT 'manual',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX payments_invoice ON payments (invoice_id, day);
CREATE INDEX payments_debtor ON payments (debtor_id, day);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    debtor_id INTEGER REFERENCES debtors (id),
    kind TEXT NOT NULL CHECK (kind IN ('call', 'email', 'letter', 'sms', 'note', 'promise',
        'payment', 'dispute', 'status', 'import', 'edit', 'session', 'system')),
    direction TEXT CHECK (direction IS NULL OR direction IN ('out', 'in')),
    outcome TEXT,
    agent TEXT NOT NULL,
    duration_s INTEGER CHECK (duration_s IS NULL OR duration_s >= 0),
    notes TEXT NOT NULL DEFAULT '',
    data TEXT
);
CREATE INDEX events_debtor ON events (debtor_id, id);
CREATE INDEX events_at ON events (at);
CREATE TABLE event_invoices (
    event_id INTEGER NOT NULL REFERENCES events (id),
    invoice_id INTEGER NOT NULL REFERENCES invoices (id),
    PRIMARY KEY (event_id, invoice_id)
) WITHOUT ROWID;
CREATE INDEX event_invoices_invoice ON event_invoices (invoice_id);
CREATE TABLE promises (
    id INTEGER PRIMARY KEY,
    debtor_id INTEGER NOT NULL REFERENCES debtors (id),
    event_id INTEGER REFERENCES events (id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    due_date TEXT NOT NULL,
    instalments TEXT,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'kept', 'partly_kept', 'broken', 'cancelled')),
    agent TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    evaluated_at TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX promises_debtor ON promises (debtor_id);
CREATE INDEX promises_due ON promises (status, due_date);
CREATE INDEX promises_created ON promises (created_at);
CREATE TABLE promise_invoices (
    promise_id INTEGER NOT NULL REFERENCES promises (id),
    invoice_id INTEGER NOT NULL REFERENCES invoices (id),
    PRIMARY KEY (promise_id, invoice_id)
) WITHOUT ROWID;
CREATE TABLE rates (
    kind TEXT NOT NULL CHECK (kind IN ('ecb', 'legal_pro', 'legal_private')),
    valid_from TEXT NOT NULL,
    basis_points INTEGER NOT NULL CHECK (basis_points BETWEEN -1000 AND 10000),
    source TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (kind, valid_from)
) WITHOUT ROWID;
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE hosts (
    hostname TEXT PRIMARY KEY,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    last_agent TEXT NOT NULL,
    last_pid INTEGER NOT NULL
)
"""


@migrations(name="0002_seed_rates")
def m0002_seed_rates(db: Database) -> None:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    db.conn.executemany(
        "INSERT OR IGNORE INTO rates (kind, valid_from, basis_points, source, created_at, created_by) "
        "VALUES (?, ?, ?, 'relance (valeurs publiées)', ?, 'relance')",
        [(kind, day, bp, now) for kind, day, bp in SEED_RATES],
    )


@migrations(name="0003_debtor_name_key")
def m0003_debtor_name_key(db: Database) -> None:
    """A folded copy of the name (accents, case, punctuation, legal form ignored) to match imports on."""
    from relance_tui.domain.text import name_key

    db.execute("ALTER TABLE debtors ADD COLUMN name_key TEXT NOT NULL DEFAULT ''")
    rows = db.execute("SELECT id, name FROM debtors").fetchall()
    db.conn.executemany("UPDATE debtors SET name_key = ? WHERE id = ?", [(name_key(name), i) for i, name in rows])
    db.execute("CREATE INDEX debtors_name_key ON debtors (name_key)")


@migrations(name="0004_debtor_search")
def m0004_debtor_search(db: Database) -> None:
    """Folded text agents filter on: name, code, SIREN, contacts' names, phones (digits) and emails."""
    db.execute("ALTER TABLE debtors ADD COLUMN search TEXT NOT NULL DEFAULT ''")
    from relance_tui.store.search import refresh_search

    refresh_search(db)


@migrations(name="0005_outstanding_index")
def m0005_outstanding_index(db: Database) -> None:
    """The overdue list reads only outstanding invoices, in due-date order: a partial covering index.

    The WHERE below must stay word for word the one in store/conditions.py (OUTSTANDING_SQL) for
    SQLite to use it (tests/test_one_home.py checks it).
    """
    db.execute("CREATE INDEX invoices_outstanding ON invoices "
               "(due_date, id, debtor_id, number, amount_cents, paid_cents) "
               "WHERE status IN ('open', 'disputed', 'litigation') AND amount_cents > paid_cents")


@migrations(name="0006_calls")
def m0006_calls(db: Database) -> None:
    """What a call leaves behind besides its event: the next action, disputes, promise follow-up, claims.

    - ``next_actions``: one current next step per debtor (the history is in events); ``due_at`` is a
      date (``YYYY-MM-DD``) or, for a callback, a UTC instant, so text order is time order.
    - ``disputes``: a dispute opened on some invoices, with its category; chasing them pauses.
    - ``promises.kept_cents``: what payments covered when the promise was last evaluated.
    - ``claims``: who is on a debtor right now, as an expiring lease (one row per debtor).
    """
    for statement in _CALLS_SCHEMA.split(";\n"):
        if statement.strip():
            db.execute(statement)


_CALLS_SCHEMA = """
CREATE TABLE next_actions (
    debtor_id INTEGER PRIMARY KEY REFERENCES debtors (id),
    kind TEXT NOT NULL CHECK (kind IN ('callback', 'retry', 'promise_check', 'payment_check', 'dispute',
        'formal_notice', 'call')),
    due_at TEXT NOT NULL,
    label TEXT NOT NULL,
    event_id INTEGER REFERENCES events (id),
    agent TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX next_actions_due ON next_actions (due_at);
CREATE TABLE disputes (
    id INTEGER PRIMARY KEY,
    debtor_id INTEGER NOT NULL REFERENCES debtors (id),
    event_id INTEGER REFERENCES events (id),
    category TEXT NOT NULL CHECK (category IN ('not_received', 'not_delivered', 'quality', 'price', 'other')),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    notes TEXT NOT NULL DEFAULT '',
    agent TEXT NOT NULL,
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX disputes_debtor ON disputes (debtor_id, status);
CREATE TABLE dispute_invoices (
    dispute_id INTEGER NOT NULL REFERENCES disputes (id),
    invoice_id INTEGER NOT NULL REFERENCES invoices (id),
    PRIMARY KEY (dispute_id, invoice_id)
) WITHOUT ROWID;
ALTER TABLE promises ADD COLUMN kept_cents INTEGER NOT NULL DEFAULT 0;
CREATE TABLE claims (
    debtor_id INTEGER PRIMARY KEY REFERENCES debtors (id),
    agent TEXT NOT NULL,
    session_id INTEGER,
    claimed_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX claims_expires ON claims (expires_at)
"""


@migrations(name="0007_sessions")
def m0007_sessions(db: Database) -> None:
    """Shared collection sessions: a named queue of debtors, its members, and what became of each item.

    Who is on an item right now is a claim (``claims.session_id``); ``session_items.status`` says
    whether it is still to call, done or removed by a supervisor.
    """
    for statement in _SESSIONS_SCHEMA.split(";\n"):
        if statement.strip():
            db.execute(statement)


_SESSIONS_SCHEMA = """
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    filters TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    closed_by TEXT,
    closed_at TEXT
);
CREATE TABLE session_items (
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    debtor_id INTEGER NOT NULL REFERENCES debtors (id),
    position INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'done', 'removed')),
    reason TEXT NOT NULL DEFAULT 'priority',
    assigned_to TEXT,
    done_by TEXT,
    done_at TEXT,
    outcome TEXT,
    PRIMARY KEY (session_id, debtor_id)
) WITHOUT ROWID;
CREATE INDEX session_items_queue ON session_items (session_id, status, position);
CREATE TABLE session_members (
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    agent TEXT NOT NULL,
    joined_at TEXT NOT NULL,
    PRIMARY KEY (session_id, agent)
) WITHOUT ROWID;
CREATE INDEX claims_session ON claims (session_id);
CREATE INDEX promises_event ON promises (event_id)
"""


@migrations(name="0008_credits_and_waivers")
def m0008_credits_and_waivers(db: Database) -> None:
    """What reduces an invoice besides money received, and the penalties a supervisor lets go.

    - ``payments.kind``: 'payment' (money received) or 'credit' (a credit note applied to the invoice);
      ``payments.credit_note_id`` names the credit note. Rows with ``source = 'allocation'`` are the
      credit notes relance applied itself (the accounts had not lettered them): they are recomputed
      from the credit notes at every import or payment, see store/credits.py.
    - ``payments.undated``: the export gave a paid amount with no date (``day`` is then the date of the
      export that showed it); penalties are not computed on such an invoice until a dated payment comes.
    - ``invoices.credited_cents``: the part of ``paid_cents`` that relance's own allocations make up
      (negative on a credit note: the part of it relance applied). An export's paid figure compares
      with ``paid_cents - credited_cents``. ``invoices.credit_for``: on a credit note, the number of the
      invoice it names (from a FEC's lettering, a column or its label), if any.
    - ``penalty_waivers``: penalties and the indemnity of an invoice waived by a supervisor, with the
      reason; the event that records it is on the timeline.
    """
    for statement in _CREDITS_SCHEMA.split(";\n"):
        if statement.strip():
            db.execute(statement)


_CREDITS_SCHEMA = """
ALTER TABLE payments ADD COLUMN kind TEXT NOT NULL DEFAULT 'payment' CHECK (kind IN ('payment', 'credit'));
ALTER TABLE payments ADD COLUMN credit_note_id INTEGER REFERENCES invoices (id);
ALTER TABLE payments ADD COLUMN undated INTEGER NOT NULL DEFAULT 0 CHECK (undated IN (0, 1));
ALTER TABLE invoices ADD COLUMN credited_cents INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN credit_for TEXT;
CREATE INDEX payments_credit_note ON payments (credit_note_id) WHERE credit_note_id IS NOT NULL;
CREATE TABLE penalty_waivers (
    invoice_id INTEGER PRIMARY KEY REFERENCES invoices (id),
    debtor_id INTEGER NOT NULL REFERENCES debtors (id),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    agent TEXT NOT NULL,
    at TEXT NOT NULL,
    event_id INTEGER REFERENCES events (id)
);
CREATE INDEX penalty_waivers_debtor ON penalty_waivers (debtor_id)
"""

@migrations(name="0009_law")
def m0009_law(db: Database) -> None:
    """What the law of each debtor needs (issue 13).

    - ``debtors.enterprise_number``: a Belgian enterprise number (BCE/KBO, ten digits), beside SIREN/SIRET.
    - ``debtors.country`` now chooses the debtor's law (domain/law.regime_for). Until this migration nothing
      ever wrote it: every 'FR' in it is the column's default, not a fact, and a Belgian office's debtors
      would suddenly follow French law. It becomes '' (unknown: the office's country applies) until an
      import gives it.
    - ``invoices.delivery_date``: delivery or performance, where the export gives it: the limitation
      period runs from it (else from the issue date, never from the due date).
    - ``legal_acts``: what the law attaches an effect to, one row per invoice it covers: a formal notice
      (a French consumer's legal interest runs from it), a Belgian consumer's free first reminder (its
      channel decides when the 14 days start), an acknowledgement of the debt (a written promise, a
      payment plan: C. civ. 2240 restarts the limitation period). Each has its event on the timeline.
    - ``rates`` accepts the Belgian legal interest rate (``legal_be``); the published values missing so
      far are added (ECB 0.05 % in force on 1 January 2016; French legal rates since 2019; the ECB rate
      confirmed for the half-years since its last change).
    - ``purges``: each anonymisation run (``relance purge``). The append-only trigger on events lets
      exactly one thing through: while a purge row is 'running' (inside the purge's own transaction, so
      no other connection ever sees it) an event's notes may be blanked and its data cut down to the
      figures it held (each key kept with its value, a number, true/false, null or a list of ids; every
      text gone); nothing else changes. ``purges`` itself is insert-only, but for its one update from
      'running' to 'done' (with the count); a 'running' row cannot be committed: its ``unfinished``
      column points at purge 0, which cannot exist, and the foreign key is checked at COMMIT.
    """
    for statement in _LAW_SCHEMA.split(";\n"):
        if statement.strip():
            db.execute(statement)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    db.conn.executemany(
        "INSERT OR IGNORE INTO rates (kind, valid_from, basis_points, source, created_at, created_by) "
        "VALUES (?, ?, ?, 'relance (valeurs publiées)', ?, 'relance')",
        [(kind, day, bp, now) for kind, day, bp in SEED_RATES_0009],
    )


_LAW_SCHEMA = """
ALTER TABLE debtors ADD COLUMN enterprise_number TEXT;
UPDATE debtors SET country = '';
CREATE INDEX debtors_enterprise_number ON debtors (enterprise_number) WHERE enterprise_number IS NOT NULL;
ALTER TABLE invoices ADD COLUMN delivery_date TEXT;
CREATE TABLE legal_acts (
    id INTEGER PRIMARY KEY,
    debtor_id INTEGER NOT NULL REFERENCES debtors (id),
    invoice_id INTEGER NOT NULL REFERENCES invoices (id),
    kind TEXT NOT NULL CHECK (kind IN ('formal_notice', 'first_reminder', 'acknowledgement')),
    day TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT '' CHECK (channel IN ('', 'email', 'letter', 'registered', 'hand')),
    detail TEXT NOT NULL DEFAULT '',
    event_id INTEGER REFERENCES events (id),
    agent TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX legal_acts_invoice ON legal_acts (invoice_id, kind, day);
CREATE INDEX legal_acts_debtor ON legal_acts (debtor_id);
CREATE TABLE rates_0009 (
    kind TEXT NOT NULL CHECK (kind IN ('ecb', 'legal_pro', 'legal_private', 'legal_be')),
    valid_from TEXT NOT NULL,
    basis_points INTEGER NOT NULL CHECK (basis_points BETWEEN -1000 AND 10000),
    source TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (kind, valid_from)
) WITHOUT ROWID;
INSERT INTO rates_0009 SELECT kind, valid_from, basis_points, source, created_at, created_by FROM rates;
DROP TABLE rates;
ALTER TABLE rates_0009 RENAME TO rates;
CREATE TABLE purges (
    id INTEGER PRIMARY KEY CHECK (id > 0),
    at TEXT NOT NULL,
    agent TEXT NOT NULL,
    years INTEGER NOT NULL,
    debtors INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done')),
    unfinished INTEGER DEFAULT 0 REFERENCES purges (id) DEFERRABLE INITIALLY DEFERRED,
    CHECK ((status = 'running' AND unfinished IS 0) OR (status = 'done' AND unfinished IS NULL))
);
CREATE TRIGGER purges_no_delete BEFORE DELETE ON purges
BEGIN SELECT RAISE(ABORT, 'purges is append-only'); END;
CREATE TRIGGER purges_no_update BEFORE UPDATE ON purges
WHEN NOT (OLD.status = 'running' AND NEW.status = 'done' AND NEW.unfinished IS NULL)
    OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.agent IS NOT OLD.agent OR NEW.years IS NOT OLD.years
BEGIN SELECT RAISE(ABORT, 'purges is append-only: a run only goes from running to done'); END;
DROP TRIGGER events_no_update;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
WHEN NOT EXISTS (SELECT 1 FROM purges WHERE status = 'running')
    OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.debtor_id IS NOT OLD.debtor_id
    OR NEW.kind IS NOT OLD.kind OR NEW.direction IS NOT OLD.direction OR NEW.outcome IS NOT OLD.outcome
    OR NEW.agent IS NOT OLD.agent OR NEW.duration_s IS NOT OLD.duration_s
    OR NEW.notes IS NOT ''
    OR (NEW.data IS NOT NULL AND (
        CASE WHEN json_valid(NEW.data) AND json_valid(OLD.data) AND json_type(NEW.data) = 'object'
             THEN EXISTS (SELECT 1 FROM json_each(NEW.data) n
                          WHERE n.type NOT IN ('integer', 'real', 'true', 'false', 'null', 'array')
                             OR (n.type = 'array' AND EXISTS (SELECT 1 FROM json_each(n.value) x
                                                              WHERE x.type <> 'integer'))
                             OR NOT EXISTS (SELECT 1 FROM json_each(OLD.data) o
                                            WHERE o.key = n.key AND o.type = n.type AND o.value IS n.value))
             ELSE 1 END))
BEGIN SELECT RAISE(ABORT, 'events is append-only: record a correcting event instead'); END
"""



# 0010 and on live in schema_later.py (this file would pass 500 lines); importing it registers them, in order
from relance_tui.store import schema_later  # noqa: E402, F401

if (tuple(m.name for m in migrations._migrations) != MIGRATION_NAMES
        or migrations.migrations_table != MIGRATIONS_TABLE):
    raise ImportError("store/versions.py must list the migrations of store/schema.py, in order, and their table")
LATEST_VERSION = len(MIGRATION_NAMES)
