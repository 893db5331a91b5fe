"""The supervisor's figures for a period (store/dashboard.py), from a scripted month of calls and payments.

November 2026, as of Friday 20/11 (the month's slices: 01/11, 02-08, 09-15, 16-20). Two agents:

    when (Paris)      who    debtor  what                                   length
    03/11 10:00       marie  A       promise 3 000,00 for 10/11             300 s
    04/11 11:00       paul   A       voicemail                              (no length: 0)
    05/11 09:00       paul   B       dispute on B1                          120 s
    12/11 15:00       marie  B       refused                                 60 s
    31/10 23:30 UTC   paul   C       wrong number (01/11 00:30 in Paris: in the period), no length
    payments: A 3 000,00 on 10/11 (after both agents' calls: each counts it), B 500,00 on 06/11 (after paul's
    call only: marie first called B on 12/11), C 100,00 on 02/11 (after paul's call).
    promises due in November: A's, kept; one of C's for 18/11, broken; one cancelled (not counted).
    disputes: paul's of 05/11, resolved on 16/11.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.domain.dates import Bucket
from relance_tui.domain.kpi import period_of
from relance_tui.store import open_store
from relance_tui.store.calls import CallReport, Instalment, save_call
from relance_tui.store.dashboard import dashboard
from relance_tui.store.history import keep_yesterday
from tests.helpers import FakeClock

D = dt.date
PARIS = ZoneInfo("Europe/Paris")
AS_OF = D(2026, 11, 20)
FR = OfficeCalendar("FR")


def add(store, sql: str, params: list) -> int:
    return store.write(lambda db: db.execute(sql, params).lastrowid)


def debtor(store, name: str) -> int:
    at = store.now()
    return add(store, "INSERT INTO debtors (name, created_at, updated_at) VALUES (?, ?, ?)", [name, at, at])


def invoice(store, debtor_id: int, number: str, issue: D, due: D, cents: int) -> int:
    at = store.now()
    return add(store, "INSERT INTO invoices (number, debtor_id, issue_date, due_date, amount_cents, created_at, "
                      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
               [number, debtor_id, issue.isoformat(), due.isoformat(), cents, at, at])


def payment(store, debtor_id: int, invoice_id: int, day: D, cents: int) -> None:
    at = store.now()
    add(store, "INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, created_at, created_by) "
               "VALUES (?, ?, ?, ?, ?, 'marie')", [debtor_id, invoice_id, day.isoformat(), cents, at])


def call(store, debtor_id: int, when: dt.datetime, outcome: str, seconds: int, **kw) -> None:
    store.clock = FakeClock(when.astimezone(dt.UTC))
    save_call(store, CallReport(debtor_id=debtor_id, outcome=outcome, started_at=when, duration_s=seconds, **kw),
              today=when.date(), calendar=FR)


@pytest.fixture
def month(db_path):
    marie = open_store(db_path, agent="marie", create=True)
    paul = open_store(db_path, agent="paul")
    a, b, c = debtor(marie, "A"), debtor(marie, "B"), debtor(marie, "C")
    inv = {"A1": invoice(marie, a, "A1", D(2026, 9, 1), D(2026, 10, 1), 500_000),
           "B1": invoice(marie, b, "B1", D(2026, 6, 1), D(2026, 7, 1), 200_000),
           "C1": invoice(marie, c, "C1", D(2026, 11, 2), D(2026, 12, 2), 100_000)}
    at = lambda d, h, m=0: dt.datetime(2026, 11, d, h, m, tzinfo=PARIS)  # noqa: E731
    call(marie, a, at(3, 10), "promise", 300, instalments=(Instalment(D(2026, 11, 10), 300_000),),
         invoice_ids=(inv["A1"],))
    call(paul, a, at(4, 11), "voicemail", 0)
    call(paul, b, at(5, 9), "dispute", 120, dispute_category="price", invoice_ids=(inv["B1"],))
    call(marie, b, at(12, 15), "refused", 60)
    call(paul, c, dt.datetime(2026, 10, 31, 23, 30, tzinfo=dt.UTC), "wrong_number", 0)
    payment(marie, a, inv["A1"], D(2026, 11, 10), 300_000)
    payment(marie, b, inv["B1"], D(2026, 11, 6), 50_000)
    payment(marie, c, inv["C1"], D(2026, 11, 2), 10_000)
    now = "2026-11-20T08:00:00Z"
    marie.write(lambda db: (
        db.execute("UPDATE promises SET status = 'kept', kept_cents = amount_cents"),
        db.execute("INSERT INTO promises (debtor_id, amount_cents, due_date, status, agent, created_at, updated_at) "
                   "VALUES (?, 40000, '2026-11-18', 'broken', 'paul', '2026-10-20T09:00:00Z', ?)", [c, now]),
        db.execute("INSERT INTO promises (debtor_id, amount_cents, due_date, status, agent, created_at, updated_at) "
                   "VALUES (?, 70000, '2026-11-19', 'cancelled', 'paul', '2026-11-02T09:00:00Z', ?)", [c, now]),
        db.execute("UPDATE disputes SET status = 'resolved', resolved_at = '2026-11-16T10:00:00Z'"),
        db.execute("UPDATE invoices SET paid_cents = paid_cents + ? WHERE id = ?", [300_000, inv["A1"]]),
        db.execute("UPDATE invoices SET paid_cents = paid_cents + ? WHERE id = ?", [50_000, inv["B1"]]),
        db.execute("UPDATE invoices SET paid_cents = paid_cents + ? WHERE id = ?", [10_000, inv["C1"]])))
    yield marie
    paul.close()
    marie.close()


def test_per_agent_figures_from_a_month_of_calls_and_payments(month):
    board = dashboard(month, period_of("month", AS_OF), today=AS_OF, tz="Europe/Paris")
    by = {a.agent: a for a in board.agents}
    marie, paul = by["marie"], by["paul"]
    assert (marie.calls, marie.reached, marie.timed, marie.seconds) == (2, 2, 2, 360)
    assert marie.reached_rate == 1.0 and marie.average_call_s == 180
    assert (marie.promises, marie.promised_cents) == (1, 300_000)
    assert marie.collected_cents == 300_000  # A paid after her call; B paid before she called it
    # paul: the call at 23:30 UTC on 31/10 is on 01/11 in Paris; voicemail and wrong number not reached, and
    # without a length: left out of the average (the timeline says "no length" for 0 too)
    assert (paul.calls, paul.reached, paul.timed, paul.seconds) == (3, 1, 1, 120)
    assert paul.average_call_s == 120
    assert (paul.promises, paul.promised_cents) == (0, 0)  # the broken one was made in October
    assert paul.collected_cents == 300_000 + 50_000 + 10_000
    assert [a.agent for a in board.agents] == ["paul", "marie"]  # most calls first


def test_promises_disputes_and_cash_of_the_period_by_slice(month):
    board = dashboard(month, period_of("month", AS_OF), today=AS_OF, tz="Europe/Paris")
    assert board.promises_due == {"kept": 1, "partly_kept": 0, "broken": 1, "pending": 0}
    assert board.keeping_rate == 0.5
    assert (board.disputes_opened, board.disputes_resolved) == (1, 1)
    assert [s.slice.label for s in board.slices] == ["dim. 01/11", "sem. 02/11", "sem. 09/11", "sem. 16/11"]
    assert [s.collected_cents for s in board.slices] == [0, 60_000, 300_000, 0]
    assert board.slices[2].promised == {"kept": 300_000, "partly_kept": 0, "broken": 0, "pending": 0}
    assert board.slices[3].promised["broken"] == 40_000
    assert (board.collected_cents, board.promised_cents) == (360_000, 340_000)


def test_the_balance_figures_are_the_day_s_aged_balance_and_dso_counts_it_back(month):
    # owed on 20/11: A1 2 000,00 (50 days late), B1 1 500,00 (142 days late), C1 900,00 not due
    board = dashboard(month, period_of("week", AS_OF), today=AS_OF, tz="Europe/Paris")
    assert (board.owed_cents, board.overdue_cents, board.over_90_cents) == (440_000, 350_000, 150_000)
    assert board.over_90_share == 150_000 / 350_000
    # sales: November 1 000,00 (20 days so far), October none, September 5 000,00:
    # 4 400 - 1 000 = 3 400 left after 20 days, October adds 31, September 30 x 3 400 / 5 000 = 20.4
    assert float(board.dso.days) == pytest.approx(20 + 31 + 20.4) and board.dso.complete
    # nothing kept yet: the past days computed from the invoices and payments, today as they stand
    assert board.slices[0].aging[Bucket.OVER_90] == 150_000 and board.computed_days == 4


def test_today_follows_a_payment_made_after_the_day_was_first_read(month):
    keep_yesterday(month, AS_OF)
    before = dashboard(month, period_of("month", AS_OF), today=AS_OF, tz="Europe/Paris")
    c1 = month.conn.execute("SELECT id, debtor_id FROM invoices WHERE number = 'C1'").fetchone()
    month.write(lambda db: db.execute("UPDATE invoices SET paid_cents = paid_cents + 40000 WHERE id = ?", [c1[0]]))
    payment(month, c1[1], c1[0], AS_OF, 40_000)
    after = dashboard(month, period_of("month", AS_OF), today=AS_OF, tz="Europe/Paris")
    assert after.owed_cents == before.owed_cents - 40_000
    assert after.slices[-1].aging[Bucket.NOT_DUE] == before.slices[-1].aging[Bucket.NOT_DUE] - 40_000
    assert after.collected_cents == before.collected_cents + 40_000


def test_a_day_kept_is_what_its_slice_reads_and_a_past_day_is_computed_as_it_closed(month):
    keep_yesterday(month, D(2026, 11, 16))  # 15/11 kept as it closed
    month.write(lambda db: db.execute("UPDATE aging_history SET late_over_90 = 1"))  # a mark: read, not computed
    board = dashboard(month, period_of("month", AS_OF), today=AS_OF, tz="Europe/Paris")
    assert board.slices[2].slice.end == D(2026, 11, 15) and board.slices[2].aging[Bucket.OVER_90] == 1
    assert board.computed_days == 2  # 01/11 and 08/11
    # a past week: its last day (08/11, a Sunday) computed as it closed: the payments of 02/11 and 06/11 in,
    # A's of 10/11 not
    past = dashboard(month, period_of("week", D(2026, 11, 8)), today=AS_OF, tz="Europe/Paris")
    assert past.slices[-1].aging == {Bucket.NOT_DUE: 90_000, Bucket.D1_30: 0, Bucket.D31_60: 500_000,
                                     Bucket.D61_90: 0, Bucket.OVER_90: 150_000}
    assert past.owed_cents == 740_000


def test_an_empty_office_has_no_rates_and_no_dso(store):
    board = dashboard(store, period_of("year", AS_OF), today=AS_OF, tz="Europe/Paris")
    assert board.owed_cents == 0 and board.dso.days == 0 and board.keeping_rate is None
    assert board.agents == [] and board.over_90_share is None


def test_dso_nets_the_credit_notes_of_a_month_and_cash_leaves_out_undated_amounts(month):
    a = month.conn.execute("SELECT id FROM debtors WHERE name = 'A'").fetchone()[0]
    invoice(month, a, "AV-1", D(2026, 9, 15), D(2026, 9, 15), -100_000)  # September: 5 000 - 1 000 = 4 000 sold
    board = dashboard(month, period_of("week", AS_OF), today=AS_OF, tz="Europe/Paris")
    # 4 400 owed: 20 days of November (1 000), October (none, 31 days), then 30 x 3 400 / 4 000 = 25.5
    assert float(board.dso.days) == pytest.approx(20 + 31 + 25.5) and board.dso.text() == "76,5 j"
    at = month.now()
    c1 = month.conn.execute("SELECT id, debtor_id FROM invoices WHERE number = 'C1'").fetchone()
    before = dashboard(month, period_of("month", AS_OF), today=AS_OF, tz="Europe/Paris").collected_cents
    month.write(lambda db: db.execute(  # what a full export showed paid, without a date: not money of that day
        "INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, created_at, created_by, undated) "
        "VALUES (?, ?, '2026-11-19', 25000, ?, 'import', 1)", [c1[1], c1[0], at]))
    month.write(lambda db: db.execute(  # a cheque returned: taken off
        "INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, created_at, created_by) "
        "VALUES (?, ?, '2026-11-19', -10000, ?, 'marie')", [c1[1], c1[0], at]))
    after = dashboard(month, period_of("month", AS_OF), today=AS_OF, tz="Europe/Paris")
    assert after.collected_cents == before - 10_000
    assert {a.agent: a.collected_cents for a in after.agents}["paul"] == 360_000 - 10_000
