"""The aged balance day by day (store/history.py): each day as it closed, kept the next morning or rebuilt later
from the invoices, the same figures.

A scripted office, each of three days closed (its balance read from the invoices as they stood at the end of
the day, and kept the next morning) while it changes, then thrown away and rebuilt:

    debtor (manager, segment, country)   invoice  issued      due         amount    what happens
    Garage Dupont (marie, b2b, FR)        A1      01/08/2026  31/08/2026  10 000,00  4 000,00 paid 20/10
                                          A2      15/09/2026  15/10/2026   5 000,00  paid in full 05/11
                                          A3      18/10/2026  17/11/2026   1 200,00  issued after day 1;
                                                                                     200,00 of a credit note 01/11
    Mme Evrard (no manager, b2c, BE)      B1      01/06/2026  01/07/2026     800,00  disputed since 20/10
    Left out every day: a paid invoice, a written-off one, the credit note itself.
"""

from __future__ import annotations

import datetime as dt

import pytest

from relance_tui.domain.dates import Bucket
from relance_tui.store.cards import record_payment
from relance_tui.store.conditions import OUTSTANDING_SQL
from relance_tui.store.history import (
    aging_on,
    fill_missing,
    keep_yesterday,
    missing_days,
    rebuild,
    rebuilt_days,
)

D = dt.date
DAY1, DAY2, DAY3 = D(2026, 10, 1), D(2026, 10, 20), D(2026, 11, 5)
MARIE = ("marie", "b2b", "FR")
NOBODY = ("", "b2c", "BE")


def add(store, sql: str, params: list) -> int:
    return store.write(lambda db: db.execute(sql, params).lastrowid)


def debtor(store, name: str, manager: str | None, segment: str, country: str) -> int:
    at = store.now()
    return add(store, "INSERT INTO debtors (name, account_manager, segment, kind, country, created_at, updated_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)",
               [name, manager, segment, "person" if segment == "b2c" else "company", country, at, at])


def invoice(store, debtor_id: int, number: str, issue: D, due: D, cents: int, status: str = "open",
            paid: int = 0) -> int:
    at = store.now()
    return add(store, "INSERT INTO invoices (number, debtor_id, issue_date, due_date, amount_cents, paid_cents, status, "
                      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               [number, debtor_id, issue.isoformat(), due.isoformat(), cents, paid, status, at, at])


def live_day(store, day: D) -> dict:
    """The aged balance per group as the invoices stand now, counted in days late on ``day``: an SQL reading of
    the test's own, against which the pass of store/history.rebuilt_days is checked."""
    case = ("CASE WHEN due_date >= :d0 THEN 'not_due' WHEN due_date >= :d30 THEN '1-30' WHEN due_date >= :d60 "
            "THEN '31-60' WHEN due_date >= :d90 THEN '61-90' ELSE '90+' END")
    params = {f"d{n}": (day - dt.timedelta(days=n)).isoformat() for n in (0, 30, 60, 90)} | {"day": day.isoformat()}
    out: dict = {}
    for agent, segment, country, bucket, due in store.conn.execute(
            f"SELECT COALESCE(d.account_manager, ''), d.segment, d.country, i.bucket, SUM(i.due) FROM "
            f"(SELECT {case} AS bucket, debtor_id, amount_cents - paid_cents AS due FROM invoices "
            f"WHERE {OUTSTANDING_SQL} AND issue_date <= :day) i JOIN debtors d ON d.id = i.debtor_id "
            "GROUP BY 1, 2, 3, 4", params):
        out.setdefault((agent, segment, country), {})[Bucket(bucket)] = due
    return out


def history_rows(store) -> list[tuple]:
    return store.conn.execute("SELECT * FROM aging_history ORDER BY day, agent, segment, country").fetchall()


@pytest.fixture
def office(store):
    a = debtor(store, "Garage Dupont", "marie", "b2b", "FR")
    b = debtor(store, "Mme Evrard", None, "b2c", "BE")
    ids = {"a": a, "b": b,
           "A1": invoice(store, a, "A1", D(2026, 8, 1), D(2026, 8, 31), 1_000_000),
           "A2": invoice(store, a, "A2", D(2026, 9, 15), D(2026, 10, 15), 500_000),
           "B1": invoice(store, b, "B1", D(2026, 6, 1), D(2026, 7, 1), 80_000)}
    invoice(store, a, "PAID", D(2026, 5, 1), D(2026, 5, 31), 70_000, status="paid", paid=70_000)
    invoice(store, b, "LOST", D(2026, 5, 1), D(2026, 5, 31), 30_000, status="written_off")
    return ids


def next_morning(day: D) -> D:
    return day + dt.timedelta(days=1)


def live_script(store, ids) -> dict[D, dict]:
    """The office's three days; at the end of each, its aged balance as the invoices stand then (``live_day``,
    an SQL reading of its own); the next morning, the day kept. Returns the balances read at the close."""
    closes = {DAY1: live_day(store, DAY1)}
    assert keep_yesterday(store, next_morning(DAY1))
    record_payment(store, ids["a"], day=DAY2, amount_cents=400_000, today=DAY2)  # A1, the oldest, takes it
    ids["A3"] = invoice(store, ids["a"], "A3", D(2026, 10, 18), D(2026, 11, 17), 120_000)
    store.write(lambda db: db.execute("UPDATE invoices SET status = 'disputed' WHERE id = ?", [ids["B1"]]))
    closes[DAY2] = live_day(store, DAY2)
    assert keep_yesterday(store, next_morning(DAY2))
    # a credit note of 200,00 applied to A3 on 01/11 (as store/credits.py records one), and A2 paid on 05/11
    note = invoice(store, ids["a"], "AV1", D(2026, 11, 1), D(2026, 11, 1), -20_000, paid=-20_000)
    at = store.now()
    store.write(lambda db: db.execute(
        "INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, source, created_at, created_by, kind, "
        "credit_note_id) VALUES (?, ?, '2026-11-01', 20000, 'allocation', ?, 'relance', 'credit', ?)",
        [ids["a"], ids["A3"], at, note]))
    store.write(lambda db: db.execute("UPDATE invoices SET paid_cents = 20000 WHERE id = ?", [ids["A3"]]))
    store.write(lambda db: db.execute("UPDATE invoices SET status = 'paid', paid_cents = 500000, paid_date = ? "
                                      "WHERE id = ?", [DAY3.isoformat(), ids["A2"]]))
    store.write(lambda db: db.execute(
        "INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, source, created_at, created_by) "
        "VALUES (?, ?, ?, 500000, 'manual', ?, 'marie')", [ids["a"], ids["A2"], DAY3.isoformat(), at]))
    closes[DAY3] = live_day(store, DAY3)
    assert keep_yesterday(store, next_morning(DAY3))
    return closes


def test_a_live_snapshot_is_the_aged_balance_of_the_day_by_group_and_bucket(store, office):
    live_script(store, office)
    rows = {(r[0], r[1], r[2], r[3]): r[4:] for r in history_rows(store)}
    # 01/10: A1 31 days late, A2 not due; B1 92 days late
    assert rows[("2026-10-01", *MARIE)] == (500_000, 0, 1_000_000, 0, 0)
    assert rows[("2026-10-01", *NOBODY)] == (0, 0, 0, 0, 80_000)
    # 20/10: A1 6 000,00 left 50 days late, A2 5 days late, A3 not due; B1 disputed, still owed
    assert rows[("2026-10-20", *MARIE)] == (120_000, 500_000, 600_000, 0, 0)
    assert rows[("2026-10-20", *NOBODY)] == (0, 0, 0, 0, 80_000)
    # 05/11: A1 66 days late, A2 paid, A3 1 000,00 not due
    assert rows[("2026-11-05", *MARIE)] == (100_000, 0, 0, 600_000, 0)
    assert aging_on(store, [DAY3])[DAY3] == {Bucket.NOT_DUE: 100_000, Bucket.D1_30: 0, Bucket.D31_60: 0,
                                             Bucket.D61_90: 600_000, Bucket.OVER_90: 80_000}
    assert aging_on(store, [DAY3], agent="marie")[DAY3][Bucket.OVER_90] == 0


def test_each_day_kept_is_the_balance_read_from_the_invoices_at_its_close(store, office):
    closes = live_script(store, office)
    kept = {}
    for day, group, segment, country, *cents in history_rows(store):
        kept.setdefault(D.fromisoformat(day), {})[(group, segment, country)] = {
            b: c for b, c in zip(Bucket, cents, strict=True) if c}
    assert kept == closes


def test_snapshots_rebuilt_from_the_invoices_equal_those_kept_live(store, office):
    live_script(store, office)
    taken = history_rows(store)
    store.write(lambda db: (db.execute("DELETE FROM aging_history"), db.execute("DELETE FROM aging_days")))
    done = rebuild(store, DAY1, DAY3)
    assert done.days == (DAY3 - DAY1).days + 1 and done.kept == 0
    rebuilt = [r for r in history_rows(store) if r[0] in {d.isoformat() for d in (DAY1, DAY2, DAY3)}]
    # the disputed B1 and the account managers are today's on every day (the module says so): unchanged here
    assert rebuilt == taken


def test_a_payment_made_after_a_day_is_not_in_that_day(store, office):
    record_payment(store, office["a"], day=DAY2, amount_cents=400_000, today=DAY2)
    assert live_day(store, DAY1)[MARIE][Bucket.D31_60] == 600_000  # the invoices as they stand now
    assert rebuilt_days(store, DAY1, DAY1)[DAY1][MARIE][Bucket.D31_60] == 1_000_000  # as DAY1 closed
    assert keep_yesterday(store, next_morning(DAY1))  # kept late (a machine off for weeks): as it closed still
    assert aging_on(store, [DAY1])[DAY1][Bucket.D31_60] == 1_000_000


def test_rebuilt_days_between_the_changes_follow_the_payments_and_the_buckets(store, office):
    live_script(store, office)
    days = rebuilt_days(store, D(2026, 10, 19), D(2026, 11, 1))
    assert days[D(2026, 10, 19)][MARIE] == {Bucket.NOT_DUE: 120_000, Bucket.D1_30: 500_000,
                                            Bucket.D31_60: 1_000_000}  # before the payment of 20/10
    assert days[D(2026, 10, 31)][MARIE][Bucket.D61_90] == 600_000  # A1 61 days late on 31/10
    assert days[D(2026, 10, 30)][MARIE][Bucket.D31_60] == 600_000
    assert days[D(2026, 11, 1)][MARIE][Bucket.NOT_DUE] == 100_000  # the credit note applied that day
    assert D(2026, 10, 17) not in days and days[D(2026, 10, 19)][NOBODY] == {Bucket.OVER_90: 80_000}


def test_a_live_day_is_never_replaced_nor_taken_twice(store, office):
    assert keep_yesterday(store, next_morning(DAY1))
    first = history_rows(store)
    invoice(store, office["a"], "LATE", D(2026, 9, 1), D(2026, 9, 2), 99_900)
    assert not keep_yesterday(store, next_morning(DAY1))
    assert rebuild(store, DAY1, DAY1).kept == 1
    assert history_rows(store) == first
    assert store.conn.execute("SELECT source FROM aging_days").fetchall() == [("live",)]


def test_a_rebuilt_day_gives_way_to_the_day_kept_live(store, office):
    rebuild(store, DAY1, DAY1)
    assert store.conn.execute("SELECT SUM(late_1_30) FROM aging_history").fetchone()[0] == 0
    invoice(store, office["a"], "LATE", D(2026, 9, 1), D(2026, 9, 2), 99_900)  # 29 days late on 01/10
    assert keep_yesterday(store, next_morning(DAY1))
    assert store.conn.execute("SELECT SUM(late_1_30) FROM aging_history").fetchone()[0] == 99_900
    assert store.conn.execute("SELECT source FROM aging_days").fetchall() == [("live",)]


def test_missing_days_are_the_days_without_any_snapshot(store, office):
    keep_yesterday(store, next_morning(DAY1))
    rebuild(store, D(2026, 10, 3), D(2026, 10, 4))
    assert missing_days(store, DAY1, D(2026, 10, 5)) == [D(2026, 10, 2), D(2026, 10, 5)]
    assert aging_on(store, [D(2026, 10, 2), DAY1]).keys() == {DAY1}


def test_an_empty_range_is_refused(store):
    with pytest.raises(ValueError, match="période vide"):
        rebuild(store, DAY2, DAY1)


def test_filling_the_missing_days_writes_those_only(store, office):
    keep_yesterday(store, D(2026, 10, 4))  # 03/10 kept live, in the middle
    rebuild(store, D(2026, 10, 1), D(2026, 10, 1))
    store.write(lambda db: db.execute("UPDATE aging_history SET not_due = 1 WHERE day = '2026-10-01'"))  # a mark
    assert fill_missing(store, D(2026, 10, 6), days=6) == 3  # 02/10, 04/10, 05/10; today (06/10) left
    assert missing_days(store, D(2026, 10, 1), D(2026, 10, 6)) == [D(2026, 10, 6)]
    assert store.conn.execute("SELECT MAX(not_due) FROM aging_history WHERE day = '2026-10-01'").fetchone()[0] == 1
    assert store.conn.execute("SELECT day, source FROM aging_days ORDER BY day").fetchall() == [
        ("2026-10-01", "rebuilt"), ("2026-10-02", "rebuilt"), ("2026-10-03", "live"), ("2026-10-04", "rebuilt"),
        ("2026-10-05", "rebuilt")]
    assert fill_missing(store, D(2026, 10, 6), days=6) == 0
