"""Who is left out of the work queue (store/queue.py), on a small office where the debtor left out comes first.

Three debtors, entered in this order, as of Monday 23/11/2026 09:30 UTC (10:30 in Paris):
    A  Garage Dupont       500,00 overdue since 01/10 (53 days)  manager karim, a bad payer
    B  Boulangerie Martin  2 000,00 since 01/09 (83 days)        manager marie
    C  Café du Port        300,00 since 01/11 (22 days)          manager marie
The queue reads its candidates in debtor order, so a rule that stopped the walk at the first debtor it
leaves out (``break`` for ``continue``) would empty the queue: every case below leaves A out and keeps the others.
"""

from __future__ import annotations

import datetime as dt

import pytest

from relance_tui.domain.calls import NextStep
from relance_tui.domain.dates import Bucket
from relance_tui.store.calls import set_next_action
from relance_tui.store.queries import append_event
from relance_tui.store.queue import QueueFilters, work_queue
from tests.helpers import FakeClock

UTC = dt.timezone.utc
TODAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def office(store):
    store.clock = FakeClock(NOW)
    ids = {}
    for key, name, manager, profile, due, cents in (
            ("A", "Garage Dupont", "karim", "bad", "2026-10-01", 500_00),
            ("B", "Boulangerie Martin", "marie", "normal", "2026-09-01", 2_000_00),
            ("C", "Café du Port", "marie", "normal", "2026-11-01", 300_00)):
        def write(db, name=name, manager=manager, profile=profile, due=due, cents=cents):
            at = store.now()
            debtor = db.execute(
                "INSERT INTO debtors (name, account_manager, profile, country, created_at, updated_at) "
                "VALUES (?, ?, ?, 'FR', ?, ?)", [name, manager, profile, at, at]).lastrowid
            db.execute("INSERT INTO invoices (number, debtor_id, issue_date, due_date, amount_cents, created_at, "
                       "updated_at) VALUES (?, ?, '2026-08-01', ?, ?, ?, ?)", [f"F-{debtor}", debtor, due, cents, at, at])
            return debtor
        ids[key] = store.write(write)
    assert ids["A"] < ids["B"] < ids["C"]
    return ids


def queue(store, **kw):
    return work_queue(store, now=NOW, today=TODAY, **kw)


def names(store, office, **kw) -> set[str]:
    keys = {v: k for k, v in office.items()}
    return {keys[i.debtor_id] for i in queue(store, **kw)}


def test_everyone_overdue_is_in_the_queue_by_priority(store, office):
    items = queue(store)
    assert [i.debtor_id for i in items] == [office["B"], office["A"], office["C"]]
    assert [i.reason for i in items] == ["priority"] * 3
    assert [i.score for i in items] == sorted((i.score for i in items), reverse=True)
    assert (items[0].due_cents, items[0].days_late, items[0].account_manager) == (2_000_00, 83, "marie")


def called_today(store, debtor):
    store.write(lambda db: append_event(db, at=iso(NOW - dt.timedelta(hours=1)), agent="marie", kind="call",
                                        debtor_id=debtor, direction="out", outcome="voicemail"))


def next_step_tomorrow(store, debtor):
    store.write(lambda db: set_next_action(db, debtor, NextStep("retry", "2026-11-24", "Rappeler"), event_id=None,
                                           agent="marie", at=store.now()))


def callback_this_afternoon(store, debtor):
    store.write(lambda db: set_next_action(db, debtor, NextStep("callback", "2026-11-23T15:00:00Z", "Rappel"),
                                           event_id=None, agent="marie", at=store.now()))


def promise_within_its_grace(store, debtor):
    # due on Saturday 21/11: checked until 24/11
    store.write(lambda db: db.execute(
        "INSERT INTO promises (debtor_id, amount_cents, due_date, agent, created_at, updated_at) "
        "VALUES (?, 50000, '2026-11-21', 'marie', ?, ?)", [debtor, store.now(), store.now()]))


def six_calls_in_thirty_days(store, debtor):
    for days in range(2, 8):  # the most a business may get in 30 days, none of them today
        store.write(lambda db, d=days: append_event(db, at=iso(NOW - dt.timedelta(days=d)), agent="marie",
                                                    kind="call", debtor_id=debtor, direction="out",
                                                    outcome="voicemail"))


def every_overdue_invoice_disputed(store, debtor):
    store.write(lambda db: db.execute("UPDATE invoices SET status = 'disputed' WHERE debtor_id = ?", [debtor]))


@pytest.mark.parametrize("leave_out", [called_today, next_step_tomorrow, callback_this_afternoon,
                                       promise_within_its_grace, six_calls_in_thirty_days,
                                       every_overdue_invoice_disputed])
def test_a_debtor_left_out_does_not_stop_the_ones_after_it(store, office, leave_out):
    leave_out(store, office["A"])
    assert names(store, office) == {"B", "C"}


@pytest.mark.parametrize(("filters", "kept"), [
    (QueueFilters(min_cents=400_00), {"A", "B"}),
    (QueueFilters(min_cents=1_000_00), {"B"}),
    (QueueFilters(account_manager="marie"), {"B", "C"}),
    (QueueFilters(profile="normal"), {"B", "C"}),
    (QueueFilters(bucket=Bucket.D61_90), {"B"}),
    (QueueFilters(bucket=Bucket.D1_30), {"C"}),
    (QueueFilters(bucket=Bucket.D31_60), {"A"}),
])
def test_each_filter_keeps_only_what_it_names(store, office, filters, kept):
    assert names(store, office, filters=filters) == kept


def test_a_callback_due_now_brings_back_a_debtor_called_today_and_goes_first(store, office):
    called_today(store, office["A"])
    store.write(lambda db: set_next_action(db, office["A"], NextStep("callback", "2026-11-23T09:00:00Z", "Rappel"),
                                           event_id=None, agent="marie", at=store.now()))
    items = queue(store)
    assert [(i.debtor_id, i.reason, i.callback_at) for i in items][0] == (
        office["A"], "callback", "2026-11-23T09:00:00Z")
    assert names(store, office) == {"A", "B", "C"}


def test_a_promise_broken_since_the_last_call_comes_before_the_priorities(store, office):
    def broken(db, evaluated):
        db.execute("INSERT INTO promises (debtor_id, amount_cents, due_date, status, agent, created_at, "
                   "evaluated_at, updated_at) VALUES (?, 50000, '2026-11-10', 'broken', 'marie', ?, ?, ?)",
                   [office["C"], "2026-11-01T10:00:00Z", evaluated, evaluated])

    store.write(lambda db: append_event(db, at="2026-11-05T10:00:00Z", agent="marie", kind="call",
                                        debtor_id=office["C"], direction="out", outcome="promise"))
    store.write(lambda db: broken(db, "2026-11-14T06:00:00Z"))
    items = queue(store)
    assert [(i.debtor_id, i.reason) for i in items] == [
        (office["C"], "broken_promise"), (office["B"], "priority"), (office["A"], "priority")]
    # called again after it was found broken: back among the others, by score
    store.write(lambda db: append_event(db, at="2026-11-16T10:00:00Z", agent="marie", kind="call",
                                        debtor_id=office["C"], direction="out", outcome="voicemail"))
    assert [i.reason for i in queue(store)] == ["priority"] * 3
