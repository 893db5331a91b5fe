"""Queries behind the overdue list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from relance_tui.domain.dates import BUCKET_BOUNDS, Bucket
from relance_tui.store.connection import Store

# Invoices still chased or still owed: disputed and litigation stay in the balance.
OUTSTANDING_STATUSES = ("open", "disputed", "litigation")


def bucket_case_sql(days_expr: str) -> str:
    """A SQL CASE giving the bucket code of ``days_expr`` (days late), from BUCKET_BOUNDS."""
    parts = []
    for bucket, low, high in BUCKET_BOUNDS:
        conds = []
        if low is not None:
            conds.append(f"{days_expr} >= {low}")
        if high is not None:
            conds.append(f"{days_expr} <= {high}")
        parts.append(f"WHEN {' AND '.join(conds)} THEN '{bucket.value}'")
    return "CASE " + " ".join(parts) + " END"


@dataclass(frozen=True)
class BucketTotal:
    bucket: Bucket
    count: int
    due_cents: int


def aging_summary(store: Store, as_of: dt.date) -> list[BucketTotal]:
    """Count and amount still due of outstanding invoices, per aging bucket."""
    days = f"(julianday('{as_of.isoformat()}') - julianday(due_date))"
    placeholders = ", ".join("?" for _ in OUTSTANDING_STATUSES)
    rows = dict(
        (code, (count, total))
        for code, count, total in store.db.execute(
            f"SELECT {bucket_case_sql(days)} AS b, COUNT(*), COALESCE(SUM(amount_cents - paid_cents), 0) "
            f"FROM invoices WHERE status IN ({placeholders}) AND amount_cents > paid_cents GROUP BY b",
            OUTSTANDING_STATUSES,
        ).fetchall()
    )
    return [BucketTotal(b, *rows.get(b.value, (0, 0))) for b in Bucket]
