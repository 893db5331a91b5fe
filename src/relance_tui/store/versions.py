"""The names of the schema migrations, without the migrations themselves.

Opening the database only needs to know whether it is up to date; the
migrations (and sqlite-utils, which runs them) are imported only when one is
pending. ``schema.py`` refuses to import if this list and its migrations
ever disagree.
"""

MIGRATION_SET = "relance"
MIGRATIONS_TABLE = "_sqlite_migrations"  # sqlite-utils' Migrations keeps its records here
MIGRATION_NAMES: tuple[str, ...] = (
    "0001_initial",
    "0002_seed_rates",
    "0003_debtor_name_key",
    "0004_debtor_search",
    "0005_outstanding_index",
    "0006_calls",
    "0007_sessions",
    "0008_credits_and_waivers",
    "0009_law",
    "0010_write_receipts",
    "0011_plan",
    "0012_language",
    "0013_aging_history",
    "0014_limitation_start",
)
LATEST_VERSION = len(MIGRATION_NAMES)
