"""The aged balance day by day (tables ``aging_history`` and ``aging_days``, migration 0013).

The supervisor's charts draw the past, and the invoices alone say only the present. So the aged balance is
kept one day at a time, each day as it closed: what was owed at the end of it, per bucket of days late on
that day (domain/dates.BUCKET_BOUNDS), per debtor's account manager, segment and country, as store/ledger.py
states an invoice on a day: issued by then, less what was received or applied by then (payments dated that
day included), an invoice paid later open again. Today is never kept (its figures are the invoices as they
stand: store/dashboard.py reads the overdue list's own aging bar):
- **live**: ``keep_yesterday``, at the first start of each day (the app, in a worker) and at ``relance plan
  run --send``, keeps the day before, with the account managers, segments and statuses as they stand that
  morning. A live day is never taken again nor replaced: it is what the office saw.
- **rebuilt**: ``rebuild`` computes the days without a live row (a new install's past, a weekend nobody
  worked) the same way, later: what the database no longer knows is taken as it is then (each debtor's
  account manager and segment; an invoice written off or disputed since counts as such on every day).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

from relance_tui.domain.dates import BUCKET_BOUNDS, Bucket
from relance_tui.domain.vocabulary import OUTSTANDING_STATUSES
from relance_tui.store.conditions import codes_sql
from relance_tui.store.connection import Store

Group = tuple[str, str, str]  # agent ('' none), segment, country ('' the office's)
Day = dict[Group, dict[Bucket, int]]  # what the group owed that day, per bucket (buckets with nothing: absent)
# The column of each bucket in aging_history (migration 0013)
COLUMNS = {Bucket.NOT_DUE: "not_due", Bucket.D1_30: "late_1_30", Bucket.D31_60: "late_31_60",
           Bucket.D61_90: "late_61_90", Bucket.OVER_90: "late_over_90"}


def rebuilt_days(store: Store, start: dt.date, end: dt.date) -> dict[dt.date, Day]:
    """The aged balance of each day from ``start`` to ``end``, recomputed from the invoices and their
    payments (this module's docstring). One pass: each invoice contributes a constant amount to one bucket
    between its change days (issue, a payment undone before it, a bucket's first day); days are counted as
    day numbers (SQLite's julianday, whole), so the pass does no date arithmetic of its own."""
    db = store.conn
    s, e = start.isoformat(), end.isoformat()
    first_n, last_n = _day_number(db, s), _day_number(db, e)
    later: dict[int, list[tuple[int, int]]] = defaultdict(list)  # payments after start, per invoice, by day
    for invoice_id, day, cents in db.execute(
            "SELECT invoice_id, CAST(julianday(day) AS INTEGER), SUM(amount_cents) FROM payments "
            "WHERE invoice_id IS NOT NULL AND day > ? GROUP BY invoice_id, day", [s]):
        later[invoice_id].append((day, cents))
    deltas: dict[int, dict[tuple[Group, int], list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    stops = [high for _b, _low, high in BUCKET_BOUNDS if high is not None]  # 0, 30, 60, 90: a bucket's last day
    # what can be owed on a day of the range: an invoice still outstanding, or one paid since the range began
    rows = db.execute(
        "SELECT i.id, CAST(julianday(i.issue_date) AS INTEGER), CAST(julianday(i.due_date) AS INTEGER), i.status, "
        "i.amount_cents - i.paid_cents, COALESCE(d.account_manager, ''), d.segment, d.country FROM invoices i "
        "JOIN debtors d ON d.id = i.debtor_id "
        f"WHERE i.amount_cents > 0 AND i.issue_date <= ? AND (i.status IN {codes_sql(OUTSTANDING_STATUSES)} OR "
        "(i.status = 'paid' AND i.id IN (SELECT invoice_id FROM payments WHERE day > ? AND invoice_id IS NOT NULL)))",
        [e, s])
    for inv_id, issue, due, status, owed_now, agent, segment, country in rows:
        group = (agent, segment, country)
        first = max(first_n, issue)
        pays = later.get(inv_id)
        changes = [c for c in (due + h + 1 for h in stops) if first < c <= last_n]  # a bucket's first day
        if pays:
            changes = sorted({*changes, *(d for d, _ in pays if first < d <= last_n)})
        elif owed_now <= 0 or status == "paid":
            continue  # never owed in the range
        points = [first, *changes]
        for n, day in enumerate(points):
            undone = sum(c for d, c in pays if d > day) if pays else 0  # received or applied after the day
            balance = owed_now + undone
            if balance <= 0 or (status == "paid" and not undone):
                continue
            key = (group, bisect_left(stops, day - due))  # the bucket's index in BUCKET_BOUNDS
            until = points[n + 1] if n + 1 < len(points) else last_n + 1
            into, out = deltas[day][key], deltas[until][key]
            into[0] += balance
            into[1] += 1
            out[0] -= balance
            out[1] -= 1
    buckets = [b for b, _low, _high in BUCKET_BOUNDS]
    out_days: dict[dt.date, Day] = {}
    running: dict[tuple[Group, int], list[int]] = defaultdict(lambda: [0, 0])  # cents, invoices
    for offset in range(last_n - first_n + 1):
        for key, (cents, n) in deltas.get(first_n + offset, {}).items():
            running[key][0] += cents
            running[key][1] += n
        owed: Day = {}
        for (group, bucket), (cents, n) in running.items():
            if n:  # an invoice still in the bucket (its balance may not be 0)
                owed.setdefault(group, {})[buckets[bucket]] = cents
        out_days[start + dt.timedelta(days=offset)] = owed
    return out_days


def _day_number(db, day: str) -> int:  # noqa: ANN001 - a Database
    return db.execute("SELECT CAST(julianday(?) AS INTEGER)", [day]).fetchone()[0]


def _write_day(db, day: dt.date, rows: Day, source: str, at: str) -> None:  # noqa: ANN001 - a Database
    db.execute("DELETE FROM aging_history WHERE day = ?", [day.isoformat()])
    db.conn.executemany(
        f"INSERT INTO aging_history (day, agent, segment, country, {', '.join(COLUMNS.values())}) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(day.isoformat(), *group, *(owed.get(b, 0) for b in COLUMNS)) for group, owed in sorted(rows.items())])
    db.execute("INSERT OR REPLACE INTO aging_days (day, source, taken_at) VALUES (?, ?, ?)",
               [day.isoformat(), source, at])


def keep_yesterday(store: Store, today: dt.date) -> bool:
    """Keep the day before ``today`` as it closed, unless it was kept live already (by this agent or
    another): True when it was kept now (a rebuilt row of that day is replaced)."""
    day = today - dt.timedelta(days=1)
    if store.conn.execute("SELECT 1 FROM aging_days WHERE day = ? AND source = 'live'",
                          [day.isoformat()]).fetchone():
        return False
    rows = rebuilt_days(store, day, day)[day]

    def write(db) -> bool:  # noqa: ANN001 - a Database
        if db.execute("SELECT 1 FROM aging_days WHERE day = ? AND source = 'live'", [day.isoformat()]).fetchone():
            return False  # another agent's first start of the day, meanwhile
        _write_day(db, day, rows, "live", store.now())
        return True

    return store.write(write, what="balance âgée de la veille")


@dataclass(frozen=True)
class Rebuilt:
    days: int  # days (re)computed
    kept: int  # days left as they were taken live


def rebuild(store: Store, start: dt.date, end: dt.date, *, only_missing: bool = False) -> Rebuilt:
    """Recompute the days from ``start`` to ``end`` that were not taken live (those are kept); with
    ``only_missing``, only the days that have no snapshot at all (earlier rebuilt ones kept too)."""
    if end < start:
        raise ValueError(f"période vide : du {start:%d/%m/%Y} au {end:%d/%m/%Y}")
    days = rebuilt_days(store, start, end)

    def write(db) -> Rebuilt:  # noqa: ANN001 - a Database
        kept = {r[0] for r in db.execute(
            "SELECT day FROM aging_days WHERE day BETWEEN ? AND ?" + ("" if only_missing else " AND source = 'live'"),
            [start.isoformat(), end.isoformat()])}
        at = store.now()
        done = 0
        for day, rows in days.items():
            if day.isoformat() not in kept:
                _write_day(db, day, rows, "rebuilt", at)
                done += 1
        return Rebuilt(done, len(kept))

    return store.write(write, what="reconstitution de l'historique")


# The history kept complete behind the day: the twelve months the charts draw and the month before the first
HISTORY_DAYS = 400


def fill_missing(store: Store, today: dt.date, days: int = HISTORY_DAYS) -> int:
    """Rebuild the days of the last ``days`` before today that have no snapshot (a new install's past, the
    days nobody started the app: a weekend), in one pass; returns how many. Today is never kept."""
    missing = missing_days(store, today - dt.timedelta(days=days - 1), today - dt.timedelta(days=1))
    if not missing:
        return 0
    return rebuild(store, missing[0], missing[-1], only_missing=True).days


def missing_days(store: Store, start: dt.date, end: dt.date) -> list[dt.date]:
    """The days from ``start`` to ``end`` that have no snapshot, live or rebuilt."""
    have = {r[0] for r in store.conn.execute("SELECT day FROM aging_days WHERE day BETWEEN ? AND ?",
                                             [start.isoformat(), end.isoformat()])}
    out, day = [], start
    while day <= end:
        if day.isoformat() not in have:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def aging_on(store: Store, days: list[dt.date], *, agent: str | None = None) -> dict[dt.date, dict[Bucket, int]]:
    """The amount due per bucket at the end of each of ``days`` that was kept (of one account manager's
    debtors when ``agent`` is given); a day without a snapshot is left out (``totals`` computes it)."""
    if not days:
        return {}
    marks = ", ".join("?" for _ in days)
    have = {r[0] for r in store.conn.execute(f"SELECT day FROM aging_days WHERE day IN ({marks})",
                                             [d.isoformat() for d in days])}
    out = {dt.date.fromisoformat(d): dict.fromkeys(Bucket, 0) for d in have}
    sums = ", ".join(f"SUM({c})" for c in COLUMNS.values())
    sql = (f"SELECT day, {sums} FROM aging_history WHERE day IN ({marks})"
           + (" AND agent = ?" if agent is not None else "") + " GROUP BY day")
    for day, *cents in store.conn.execute(sql, [d.isoformat() for d in days] + ([agent] if agent is not None else [])):
        out[dt.date.fromisoformat(day)] = dict(zip(COLUMNS, cents, strict=True))
    return out


def totals(day: Day) -> dict[Bucket, int]:
    """A day's aged balance summed over every group of debtors, every bucket present."""
    out = dict.fromkeys(Bucket, 0)
    for owed in day.values():
        for bucket, cents in owed.items():
            out[bucket] += cents
    return out
