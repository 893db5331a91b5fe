"""Migrations 0010 and on, registered on schema.py's ``migrations`` (imported by it, before its check that the
names agree with versions.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relance_tui.store.schema import migrations

if TYPE_CHECKING:
    from sqlite_utils import Database


@migrations(name="0010_write_receipts")
def m0010_write_receipts(db: Database) -> None:
    """A receipt per committed write (a random key the writer chose), so that a write whose COMMIT failed
    with an I/O error can be checked before the agent is told it failed (store/database.py)."""
    db.execute("CREATE TABLE write_receipts (token TEXT PRIMARY KEY, at TEXT NOT NULL) WITHOUT ROWID")



@migrations(name="0011_plan")
def m0011_plan(db: Database) -> None:
    """The dunning plan (domain/plan.py): a plan chosen by hand for a debtor, and the plan steps claimed or
    done, one row per invoice the step was for (a step counts for the debtor's oldest overdue invoice when it
    listed it: a payment of that invoice re-plans from the next one). The primary key is what keeps two agents,
    or two runs of ``relance plan run --send``, from sending one step twice."""
    db.execute("ALTER TABLE debtors ADD COLUMN plan TEXT")
    db.executescript(PLAN_STEPS_0011)


PLAN_STEPS_0011 = """
CREATE TABLE plan_steps (
    debtor_id INTEGER NOT NULL REFERENCES debtors (id),
    invoice_id INTEGER NOT NULL REFERENCES invoices (id),
    step TEXT NOT NULL,
    plan TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('claimed', 'done')),
    claim TEXT NOT NULL,
    agent TEXT NOT NULL,
    at TEXT NOT NULL,
    day TEXT,
    channel TEXT NOT NULL DEFAULT '',
    event_id INTEGER REFERENCES events (id),
    PRIMARY KEY (debtor_id, step, invoice_id)
) WITHOUT ROWID;
CREATE INDEX plan_steps_invoice ON plan_steps (invoice_id);
CREATE INDEX plan_steps_claim ON plan_steps (claim);
-- a debtor's calls since a day, for the plan's phone steps: a seek per debtor instead of all its events
CREATE INDEX events_calls ON events (debtor_id, at) WHERE kind = 'call';
"""


@migrations(name="0012_language")
def m0012_language(db: Database) -> None:
    """The language a debtor is written to (domain/language.py): 'fr', 'nl', 'en', or '' (the office's
    language, French). Emails and documents follow it; imports fill it in, an agent may change it."""
    db.execute("ALTER TABLE debtors ADD COLUMN language TEXT NOT NULL DEFAULT '' "
               "CHECK (language IN ('', 'fr', 'nl', 'en'))")


@migrations(name="0013_aging_history")
def m0013_aging_history(db: Database) -> None:
    """The supervisor's figures (issue 18). The aged balance day by day, for the charts (store/history.py): what
    was owed on each day per group of debtors (account manager, '' for none; segment; country, '' for the office's), one column
    per aging bucket of domain/dates.py. One row per group and day, amounts only: about 300 KB a year for
    an office of 600 debtors and four agents. ``aging_days`` says which days were taken and how: 'live'
    (that day, from the invoices as they stood) or 'rebuilt' (later, from invoices, payments and credit
    notes); a live day is never replaced."""
    db.execute("CREATE TABLE aging_history (day TEXT NOT NULL, agent TEXT NOT NULL, segment TEXT NOT NULL, "
               "country TEXT NOT NULL, not_due INTEGER NOT NULL, late_1_30 INTEGER NOT NULL, "
               "late_31_60 INTEGER NOT NULL, late_61_90 INTEGER NOT NULL, late_over_90 INTEGER NOT NULL, "
               "PRIMARY KEY (day, agent, segment, country)) WITHOUT ROWID")
    db.execute("CREATE TABLE aging_days (day TEXT PRIMARY KEY, source TEXT NOT NULL "
               "CHECK (source IN ('live', 'rebuilt')), taken_at TEXT NOT NULL) WITHOUT ROWID")
    # the dashboard's reads (store/dashboard.py): a period's calls by time, with what the figures need (a year
    # of 290,000 calls read from the index alone), and the sales by issue date that DSO counts back through
    db.execute("CREATE INDEX events_call_times ON events (at, agent, debtor_id, outcome, duration_s) "
               "WHERE kind = 'call'")
    db.execute("CREATE INDEX invoices_issued ON invoices (issue_date, amount_cents)")


@migrations(name="0014_limitation_start")
def m0014_limitation_start(db: Database) -> None:
    """The outstanding invoices by the day their limitation period starts (delivery, else issue): the work queue
    and the agenda look for those near their limitation date (store/acts.near_limitations), a few hundred
    among the 67,000 outstanding of the large demo, without reading every one. The WHERE is OUTSTANDING_SQL
    word for word (store/conditions.py), as for ``invoices_outstanding``."""
    db.execute("CREATE INDEX invoices_limitation_start ON invoices (COALESCE(delivery_date, issue_date)) "
               "WHERE status IN ('open', 'disputed', 'litigation') AND amount_cents > paid_cents")
