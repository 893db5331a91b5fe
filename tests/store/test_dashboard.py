"""The supervisor's figures for a period (store/dashboard.py), from a scripted month of calls and payments.

November 2026, as of Friday 20/11 (the month's slices: 01/11, 02-08, 09-15, 16-20). Two agents:

    when (Paris)      who    debtor  what                                   length
    03/11 10:00       marie  A       promise 3 000,00 for 10/11             300 s
    04/11 11:00       paul   A       voicemail                              (not timed)
    05/11 09:00       paul   B       dispute on B1                          120 s
    12/11 15:00       marie  B       refused                                 60 s
    31/10 23:30 UTC   paul   C       wrong number (01/11 00:30 in Paris: in the period)
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
from relance_tui.store.history import take_today
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


def call(store, debtor_id: int, when: dt.datetime, outcome: str, seconds: int | None, **kw) -> None:
    store.clock = FakeClock(when.astimezone(dt.UTC))
    saved = save_call(store, CallReport(debtor_id=debtor_id, outcome=outcome, started_at=when,
                                        duration_s=seconds or 0, **kw), today=when.date(), calendar=FR)
    if seconds is None:  # a call logged without its length (an older version, a manual entry)
        store.db.execute("DROP TRIGGER IF EXISTS events_no_update")
        store.db.execute("UPDATE events SET duration_s = NULL WHERE id = ?", [saved.event_id])
        store.db.conn.commit()


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
    call(paul, a, at(4, 11), "voicemail", None)
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
    # paul: the call at 23:30 UTC on 31/10 is on 01/11 in Paris; voicemail and wrong number not reached;
    # the untimed voicemail left out of the average ((120 + 0) / 2)
    assert (paul.calls, paul.reached, paul.timed, paul.seconds) == (3, 1, 2, 120)
    assert paul.average_call_s == 60
    assert (paul.promises, paul.promised_cents) == (0, 0)  # the broken one was made in October
    assert paul.collected_cents == 300_000 + 50_000 + 10_000
    assert [a.agent for a in board.agents] == ["paul", "marie"]  # most calls first


def test_promises_disputes_and_cash_of_the_period_by_slice(month):
    board = dashboard(month, period_of("month", AS_OF), today=AS_OF, tz="Europe/Paris")
    assert board.promises_due == {"kept": 1, "partly_kept": 0, "broken": 1, "pending": 0}
    assert board.keeping_rate == 0.5
    assert (board.disputes_opened, board.disputes_resolved) == (1, 1)
    assert [s.slice.label for s in board.slices] == ["sem. 01/11", "sem. 02/11", "sem. 09/11", "sem. 16/11"]
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
    # the last slice without a snapshot uses the invoices as they stand; the days before have none yet
    assert board.slices[-1].aging[Bucket.OVER_90] == 150_000
    assert board.history_missing == len(board.slices) - 1


def test_a_snapshot_taken_is_what_the_slices_read(month):
    take_today(month, D(2026, 11, 16))
    board = dashboard(month, period_of("month", AS_OF), today=AS_OF, tz="Europe/Paris")
    # a week's bar is its last day's: 15/11 has no snapshot, 20/11 is today
    assert board.slices[2].aging is None and board.slices[3].aging is not None
    past = dashboard(month, period_of("week", D(2026, 11, 16)), today=AS_OF, tz="Europe/Paris")
    assert past.slices[-1].aging == {Bucket.NOT_DUE: 90_000, Bucket.D1_30: 0, Bucket.D31_60: 200_000,
                                     Bucket.D61_90: 0, Bucket.OVER_90: 150_000}
    assert past.owed_cents == 440_000


def test_an_empty_office_has_no_rates_and_no_dso(store):
    board = dashboard(store, period_of("year", AS_OF), today=AS_OF, tz="Europe/Paris")
    assert board.owed_cents == 0 and board.dso.days == 0 and board.keeping_rate is None
    assert board.agents == [] and board.over_90_share is None
