import datetime as dt
import multiprocessing
import os
import time

import pytest

from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.domain.dates import Bucket
from relance_tui.store import open_store
from relance_tui.store.calls import CallReport, Instalment, save_call, set_next_action
from relance_tui.store.calls import NextStep
from relance_tui.store.promises import evaluate_promises
from relance_tui.store.queries import append_event
from relance_tui.store.queue import QueueFilters, work_queue
from relance_tui.store.sessions import (
    SessionClosed,
    assign_item,
    board,
    close_session,
    create_session,
    join_session,
    list_sessions,
    move_item,
    next_debtor,
    remove_item,
    session_items,
    skip_item,
)
from tests.conftest import TODAY
from tests.helpers import FakeClock

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
FR = OfficeCalendar("FR")


@pytest.fixture
def clock(demo_store):
    c = FakeClock(NOW)
    demo_store.clock = c
    return c


def queue(store, **kw):
    return work_queue(store, now=store.clock(), today=TODAY, **kw)


def call(store, debtor, outcome="voicemail", session_id=None, **kw):
    now = store.clock()
    return save_call(store, CallReport(debtor_id=debtor, outcome=outcome, started_at=now, duration_s=120,
                                       session_id=session_id, **kw), today=TODAY, calendar=FR)


# -- the queue -----------------------------------------------------------------------------------------
def test_queue_order_callbacks_then_broken_promises_then_priority(demo_store, clock):
    items = queue(demo_store)
    assert items, "the demo has overdue debtors"
    plain = [i for i in items if i.reason == "priority"]
    assert [i.score for i in plain] == sorted((i.score for i in plain), reverse=True)
    # a callback due now goes first, at its time, even if the debtor was called today
    late, early = plain[-1].debtor_id, plain[-2].debtor_id
    for debtor, minutes in ((late, 10), (early, 5)):
        demo_store.write(lambda db, d=debtor, m=minutes: set_next_action(
            db, d, NextStep("callback", (NOW - dt.timedelta(minutes=m)).strftime("%Y-%m-%dT%H:%M:%SZ"), "Rappel"),
            event_id=None, agent="marie", at=demo_store.now()))
    items = queue(demo_store)
    assert [i.debtor_id for i in items[:2]] == [late, early]
    assert items[0].reason == "callback"
    # a callback set for later today keeps the debtor out until its time
    later = plain[0].debtor_id
    demo_store.write(lambda db: set_next_action(db, later, NextStep("callback", "2026-11-23T15:00:00Z", "Rappel"),
                                                event_id=None, agent="marie", at=demo_store.now()))
    assert later not in {i.debtor_id for i in queue(demo_store)}
    clock.t = dt.datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    assert later in {i.debtor_id for i in queue(demo_store) if i.reason == "callback"}
    # a promise broken since the debtor was last called: after the callbacks, before everyone else
    broke = plain[1].debtor_id  # second by score
    clock.t = dt.datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
    call(demo_store, broke, "promise", instalments=(Instalment(dt.date(2026, 11, 12), 1_000_000_00),))
    clock.t = dt.datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    evaluate_promises(demo_store, TODAY, calendar=FR)  # its grace ended on 15/11
    items = queue(demo_store)
    reasons = [i.reason for i in items]
    assert reasons.index("broken_promise") == reasons.count("callback") > 0
    assert {i.debtor_id: i.reason for i in items}[broke] == "broken_promise"
    assert reasons == sorted(reasons, key=["callback", "broken_promise", "limitation", "priority"].index)


def test_queue_exclusions(demo_store, clock):
    items = {i.debtor_id: i for i in queue(demo_store)}
    first, second, third = list(items)[:3]
    call(demo_store, first)  # called today: out
    demo_store.write(lambda db: db.execute(  # every overdue invoice disputed: out
        "UPDATE invoices SET status = 'disputed' WHERE debtor_id = ? AND status = 'open'", [second]))
    call(demo_store, third, "promise", instalments=(Instalment(dt.date(2026, 12, 10), 100_00),))  # a promise
    clock.advance(86_400)  # the next day
    next_day = work_queue(demo_store, now=demo_store.clock(), today=TODAY + dt.timedelta(days=1))
    ids = {i.debtor_id for i in next_day}
    assert second not in ids and third not in ids  # disputed; promise still running
    assert first in ids  # the voicemail's retry is due the next business day
    today_ids = {i.debtor_id for i in queue(demo_store)}
    assert first not in today_ids


def segment_of(store, debtor):
    return store.db.execute("SELECT segment FROM debtors WHERE id = ?", [debtor]).fetchone()[0]


def test_queue_respects_the_call_frequency_guard_per_debtor(demo_store, clock):
    """Calls to a debtor in 30 days, all its contacts together: 6 for a business, 3 for a consumer."""
    items = queue(demo_store)
    business = next(i.debtor_id for i in items if segment_of(demo_store, i.debtor_id) == "b2b")
    consumer = next(i.debtor_id for i in items if segment_of(demo_store, i.debtor_id) == "b2c")

    def calls_until(debtor, total):
        made = demo_store.db.execute("SELECT COUNT(*) FROM events WHERE debtor_id = ? AND kind = 'call' AND "
                                     "direction = 'out' AND at >= '2026-10-24T09:30:00Z'", [debtor]).fetchone()[0]
        for hour in range(total - made):
            clock.t = NOW - dt.timedelta(days=10, hours=hour)
            call(demo_store, debtor)
        clock.t = NOW
        demo_store.write(lambda db: db.execute("DELETE FROM next_actions WHERE debtor_id = ?", [debtor]))

    calls_until(business, 5)
    calls_until(consumer, 2)
    ids = {i.debtor_id for i in queue(demo_store)}
    assert business in ids and consumer in ids  # below both caps
    calls_until(consumer, 3)  # a consumer's third call in 30 days: out
    calls_until(business, 5)
    ids = {i.debtor_id for i in queue(demo_store)}
    assert consumer not in ids and business in ids  # five calls keep a business in
    calls_until(business, 6)
    ids = {i.debtor_id for i in queue(demo_store)}
    assert business not in ids
    # the office's caps ([calling] max_calls_30d_debtor_b2b / _b2c)
    ids = {i.debtor_id for i in queue(demo_store, debtor_caps={"b2b": 10, "b2c": 4})}
    assert business in ids and consumer in ids
    # an incoming call (the debtor calling back) is not a call to the debtor
    demo_store.write(lambda db: append_event(db, at="2026-11-20T10:00:00Z", agent="marie", kind="call",
                                             debtor_id=consumer, direction="in", outcome="callback"))
    assert consumer in {i.debtor_id for i in queue(demo_store, debtor_caps={"b2b": 10, "b2c": 4})}


def test_queue_filters(demo_store, clock):
    everyone = queue(demo_store)
    big = queue(demo_store, filters=QueueFilters(min_cents=2_000_00))
    assert big and all(i.due_cents >= 2_000_00 for i in big) and len(big) < len(everyone)
    old = queue(demo_store, filters=QueueFilters(bucket=Bucket.OVER_90))
    assert old and all(i.days_late > 90 for i in old)
    karim = queue(demo_store, filters=QueueFilters(account_manager="karim"))
    assert karim and all(i.account_manager == "karim" for i in karim)
    bad = queue(demo_store, filters=QueueFilters(profile="bad"))
    assert bad and all(i.profile == "bad" for i in bad)


# -- sessions --------------------------------------------------------------------------------------------
def test_next_gives_each_agent_a_different_debtor_and_the_outcome_closes_the_item(demo_store, clock):
    items = queue(demo_store)[:5]
    sid = create_session(demo_store, "Mardi matin", items)
    karim = open_store(demo_store.path, agent="karim", clock=clock)
    join_session(karim, sid)
    mine, his = next_debtor(demo_store, sid), next_debtor(karim, sid)
    assert (mine, his) == (items[0].debtor_id, items[1].debtor_id)
    call(demo_store, mine, "promise", session_id=sid, instalments=(Instalment(dt.date(2026, 12, 1), 50_00),))
    state = {i.debtor_id: i for i in session_items(demo_store, sid, clock())}
    assert state[mine].status == "done" and state[mine].done_by == "marie" and state[mine].holder is None
    assert state[his].holder.agent == "karim"
    assert next_debtor(demo_store, sid) == items[2].debtor_id
    b = board(demo_store, sid)
    assert (b.agents["marie"].calls, b.agents["marie"].promises, b.agents["marie"].promised_cents) == (1, 1, 50_00)
    assert b.agents["karim"].calls == 0 and b.total.reached_rate == 1.0
    assert {s.id: s.members for s in list_sessions(demo_store)}[sid] == ("karim", "marie")
    karim.close()


def test_a_crashed_agents_claim_expires_and_the_debtor_returns(demo_store, clock):
    items = queue(demo_store)[:3]
    sid = create_session(demo_store, "Test", items)
    karim = open_store(demo_store.path, agent="karim", clock=clock)
    assert next_debtor(karim, sid, lease_s=300) == items[0].debtor_id  # then karim's process dies
    assert next_debtor(demo_store, sid) == items[1].debtor_id
    clock.advance(301)
    assert next_debtor(demo_store, sid) == items[0].debtor_id  # the lease ran out: back in the queue
    karim.close()


def test_skip_sends_the_debtor_to_the_end(demo_store, clock):
    items = queue(demo_store)[:3]
    sid = create_session(demo_store, "Test", items)
    first = next_debtor(demo_store, sid)
    skip_item(demo_store, sid, first)
    order = [i.debtor_id for i in session_items(demo_store, sid, clock()) if i.status == "queued"]
    assert order == [items[1].debtor_id, items[2].debtor_id, first]
    assert all(i.holder is None for i in session_items(demo_store, sid, clock()))


def test_supervisor_reorders_removes_reassigns_and_closes(demo_store, clock):
    items = queue(demo_store)[:4]
    ids = [i.debtor_id for i in items]
    sid = create_session(demo_store, "Test", items)
    move_item(demo_store, sid, ids[3], -3)
    remove_item(demo_store, sid, ids[0])
    assign_item(demo_store, sid, ids[2], "karim")
    order = [i.debtor_id for i in session_items(demo_store, sid, clock()) if i.status == "queued"]
    assert order == [ids[3], ids[1], ids[2]]
    karim = open_store(demo_store.path, agent="karim", clock=clock)
    assert next_debtor(karim, sid) == ids[2]  # reserved for karim: his first
    assert next_debtor(demo_store, sid) == ids[3]
    assert next_debtor(demo_store, sid) == ids[3]  # marie already holds it: the same one again
    close_session(demo_store, sid)
    with pytest.raises(SessionClosed):
        next_debtor(karim, sid)
    assert demo_store.db.execute("SELECT COUNT(*) FROM claims WHERE session_id = ?", [sid]).fetchone()[0] == 0
    notes = [r[0] for r in demo_store.db.execute(
        "SELECT outcome FROM events WHERE kind = 'session' AND json_extract(data, '$.session_id') = ? ORDER BY id",
        [sid])]
    assert notes == ["opened", "reordered", "removed", "assigned", "closed"]
    assert list_sessions(demo_store) == [] and list_sessions(demo_store, include_closed=True)[0].status == "closed"
    karim.close()


def test_empty_queue_or_name_refused(demo_store, clock):
    with pytest.raises(ValueError, match="nom"):
        create_session(demo_store, "  ", queue(demo_store)[:1])
    with pytest.raises(ValueError, match="vide"):
        create_session(demo_store, "x", [])


def _presser(path, agent, sid, barrier, results):
    s = open_store(path, agent=agent)
    barrier.wait()
    got = []
    while True:
        debtor = next_debtor(s, sid)
        if debtor is None:
            break
        got.append(debtor)
        time.sleep(0.005)  # "on the phone": the others press n meanwhile
        s.write(lambda db, d=debtor: db.execute(
            "UPDATE session_items SET status = 'done', done_by = ? WHERE session_id = ? AND debtor_id = ?",
            [agent, sid, d]))
    results.put((agent, got))
    s.close()


@pytest.mark.slow
def test_six_processes_pressing_next_never_share_a_debtor(demo_store, clock):
    items = queue(demo_store)[:40]
    sid = create_session(demo_store, "Course", items)
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(6), ctx.Queue()
    procs = [ctx.Process(target=_presser, args=(str(demo_store.path), f"a{n}", sid, barrier, results))
             for n in range(6)]
    for p in procs:
        p.start()
    got = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    taken = [d for _, ds in got for d in ds]
    assert sorted(taken) == sorted(i.debtor_id for i in items)  # every debtor once, none twice
    assert sum(1 for _, ds in got if ds) >= 2  # the work was shared


def test_a_closed_sessions_promises_export_from_the_cli(demo_store, clock, capsys, tmp_path):
    import csv
    import io

    from relance_tui import cli

    items = queue(demo_store)[:3]
    sid = create_session(demo_store, "Vendredi", items)
    debtor = next_debtor(demo_store, sid)
    call(demo_store, debtor, "promise", session_id=sid, instalments=(Instalment(dt.date(2026, 12, 4), 77_00),))
    call(demo_store, items[2].debtor_id, "promise", instalments=(Instalment(dt.date(2026, 12, 4), 11_00),))  # no session
    close_session(demo_store, sid)
    code = cli.main(["--db", str(demo_store.path), "export", "promises", "--session", str(sid), "--format", "csv"])
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert code == 0 and [r[3] for r in rows[1:]] == ["77.00", "77.00"]  # the promise, then the total
    code = cli.main(["--db", str(demo_store.path), "export", "promises", "--session", "999"])
    assert code != 0 and "aucune session de ce numéro" in capsys.readouterr().err


def _claim_then_hang(path, sid, ready):
    s = open_store(path, agent="crashing")
    ready.put(next_debtor(s, sid, lease_s=1))
    time.sleep(60)  # "on the phone" until SIGKILL


@pytest.mark.slow
def test_a_debtor_held_by_a_killed_process_returns_after_the_lease(demo_store):
    import signal

    items = queue(demo_store)[:3]
    sid = create_session(demo_store, "Crash", items)
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Queue()
    child = ctx.Process(target=_claim_then_hang, args=(str(demo_store.path), sid, ready))
    child.start()
    held = ready.get(timeout=30)
    os.kill(child.pid, signal.SIGKILL)
    child.join(timeout=10)
    assert held == items[0].debtor_id
    assert next_debtor(demo_store, sid) == items[1].debtor_id  # still held: the next one
    time.sleep(1.1)
    assert next_debtor(demo_store, sid) == items[0].debtor_id  # the lease ran out: it is back
