"""The shared collection session's rules, one by one (store/sessions.py), on a hand-made office of four debtors:
what opening, joining, taking the next debtor, skipping, the supervisor's moves and closing write (rows,
events and their French words), the items' and sessions' lists, the per-agent board, and the word each
refused write gives. tests/store/test_sessions.py plays whole scenarios on the demo; this file pins each rule.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from relance_tui.domain.dates import Bucket
from relance_tui.errors import NotFound, ReadOnlyDatabase
from relance_tui.store import open_store
from relance_tui.store.claims import Holder
from relance_tui.store.queries import append_event
from relance_tui.store.queue import QueueFilters, QueueItem
from relance_tui.store.sessions import (
    AgentBoard,
    Board,
    SessionClosed,
    SessionInfo,
    SessionItem,
    assign_item,
    board,
    close_session,
    create_session,
    join_session,
    list_sessions,
    move_item,
    next_debtor,
    remove_item,
    session_created_at,
    session_items,
    skip_item,
)
from tests.helpers import FakeClock

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
AT = "2026-11-23T09:30:00Z"


@pytest.fixture
def clock(store):
    c = FakeClock(NOW)
    store.clock = c
    return c


@pytest.fixture
def debtors(store, clock) -> list[int]:
    """Four debtors: A owes 100,00 + 50,00 (and an invoice paid, another disputed, not counted), B 200,00 of
    250,00, C and D nothing open."""
    def write(db):
        ids = [db.execute("INSERT INTO debtors (name, created_at, updated_at) VALUES (?, ?, ?)",
                          [name, AT, AT]).lastrowid for name in ("Garage A", "Boulangerie B", "Café C", "Dépôt D")]
        for number, debtor, amount, paid, status in (("A1", ids[0], 100_00, 0, "open"), ("A2", ids[0], 50_00, 0, "open"),
                                                     ("A3", ids[0], 70_00, 70_00, "open"),
                                                     ("A4", ids[0], 80_00, 0, "disputed"),
                                                     ("B1", ids[1], 250_00, 50_00, "open")):
            db.execute("INSERT INTO invoices (number, debtor_id, issue_date, due_date, amount_cents, paid_cents, "
                       "status, created_at, updated_at) VALUES (?, ?, '2026-09-01', '2026-10-01', ?, ?, ?, ?, ?)",
                       [number, debtor, amount, paid, status, AT, AT])
        return ids
    return store.write(write)


@pytest.fixture
def karim(store, clock):
    other = open_store(store.path, agent="karim", clock=clock)
    yield other
    other.close()


def item(debtor: int, reason: str = "priority") -> QueueItem:
    return QueueItem(debtor_id=debtor, name="", due_cents=0, days_late=0, reason=reason, score=0.0)


def items_of(debtors) -> list[QueueItem]:
    return [item(d) for d in debtors]


def session_events(store, sid: int) -> list[tuple]:
    return [(at, agent, outcome, notes, json.loads(data)) for at, agent, outcome, notes, data in store.db.execute(
        "SELECT at, agent, outcome, notes, data FROM events WHERE kind = 'session' "
        "AND json_extract(data, '$.session_id') = ? ORDER BY id", [sid])]


def queued(store, sid: int) -> list[tuple[int, int]]:
    return store.db.execute("SELECT debtor_id, position FROM session_items WHERE session_id = ? AND "
                            "status = 'queued' ORDER BY position", [sid]).fetchall()


def claims(store) -> list[tuple]:
    return store.db.execute("SELECT debtor_id, agent, session_id, claimed_at, expires_at FROM claims "
                            "ORDER BY debtor_id").fetchall()


def done(store, sid: int, debtor: int, agent: str = "marie", outcome: str = "promise") -> None:
    store.write(lambda db: db.execute("UPDATE session_items SET status = 'done', done_by = ?, outcome = ? "
                                      "WHERE session_id = ? AND debtor_id = ?", [agent, outcome, sid, debtor]))


# -- opening ---------------------------------------------------------------------------------------------
def test_opening_a_session_writes_it_its_queue_in_order_its_creator_and_an_event(store, clock, debtors):
    a, b, c, _ = debtors
    sid = create_session(store, "  Mardi matin  ", [item(b, "callback"), item(a), item(c, "broken_promise")],
                         QueueFilters(bucket=Bucket.OVER_90, min_cents=100_00, account_manager="karim"))
    assert store.db.execute("SELECT id, name, status, filters, created_by, created_at, closed_by, closed_at "
                            "FROM sessions").fetchall() == [
        (sid, "Mardi matin", "open", json.dumps({"bucket": "90+", "min_cents": 100_00, "account_manager": "karim",
                                                 "profile": None}), "marie", AT, None, None)]
    assert store.db.execute("SELECT debtor_id, position, status, reason, assigned_to FROM session_items "
                            "WHERE session_id = ? ORDER BY position", [sid]).fetchall() == [
        (b, 1, "queued", "callback", None), (a, 2, "queued", "priority", None),
        (c, 3, "queued", "broken_promise", None)]
    assert store.db.execute("SELECT session_id, agent, joined_at FROM session_members").fetchall() == [
        (sid, "marie", AT)]
    assert session_events(store, sid) == [
        (AT, "marie", "opened", "Session « Mardi matin » ouverte : 3 débiteurs à appeler",
         {"session_id": sid, "items": 3})]
    assert session_created_at(store, sid) == AT


def test_a_session_of_one_debtor_without_filters(store, clock, debtors):
    sid = create_session(store, "Seul", [item(debtors[3])])
    assert store.db.execute("SELECT filters FROM sessions WHERE id = ?", [sid]).fetchone() == ("{}",)
    assert session_events(store, sid)[0][3] == "Session « Seul » ouverte : 1 débiteur à appeler"
    assert create_session(store, "Deux", [item(debtors[0])]) == sid + 1


def test_a_session_needs_a_name_and_a_queue(store, clock, debtors):
    with pytest.raises(ValueError) as refused:
        create_session(store, " \t ", items_of(debtors))
    assert str(refused.value) == "donnez un nom à la session (ex. « Mardi matin »)"
    with pytest.raises(ValueError) as refused:
        create_session(store, "Vide", [])
    assert str(refused.value) == "la file d'appels est vide : rien à appeler avec ces filtres"
    assert store.db.execute("SELECT COUNT(*) FROM sessions").fetchone() == (0,)


def test_no_session_of_that_number(store, clock, debtors):
    assert session_created_at(store, 99) is None
    for action in (lambda: join_session(store, 99), lambda: next_debtor(store, 99),
                   lambda: remove_item(store, 99, debtors[0]), lambda: close_session(store, 99),
                   lambda: board(store, 99)):
        with pytest.raises(NotFound) as refused:
            action()
        assert str(refused.value) == "session n°99 introuvable"


# -- joining ---------------------------------------------------------------------------------------------
def test_joining_adds_the_agent_once_with_one_event(store, clock, debtors, karim):
    sid = create_session(store, "Test", items_of(debtors))
    clock.advance(60)
    join_session(karim, sid)
    join_session(karim, sid)  # already in: nothing more
    join_session(store, sid)  # the creator is in from the start
    assert store.db.execute("SELECT agent, joined_at FROM session_members ORDER BY agent").fetchall() == [
        ("karim", "2026-11-23T09:31:00Z"), ("marie", AT)]
    assert session_events(store, sid)[1:] == [
        ("2026-11-23T09:31:00Z", "karim", "joined", "A rejoint la session", {"session_id": sid})]


def test_a_closed_session_cannot_be_joined_taken_from_nor_changed(store, clock, debtors, karim):
    sid = create_session(store, "Test", items_of(debtors))
    close_session(store, sid)
    for action in (lambda: join_session(karim, sid), lambda: next_debtor(karim, sid),
                   lambda: move_item(store, sid, debtors[0], 1), lambda: remove_item(store, sid, debtors[0]),
                   lambda: assign_item(store, sid, debtors[0], "karim")):
        with pytest.raises(SessionClosed) as refused:
            action()
        assert str(refused.value) == "cette session est close"
    with pytest.raises(SessionClosed) as refused:
        close_session(store, sid)
    assert str(refused.value) == "cette session est déjà close"
    assert [e[2] for e in session_events(store, sid)] == ["opened", "closed"]


# -- the sessions' list ----------------------------------------------------------------------------------
def test_the_list_gives_open_sessions_first_newest_first_with_their_counts_and_members(store, clock, debtors,
                                                                                        karim):
    a, b, c, d = debtors
    first = create_session(store, "Premier", items_of(debtors))
    closed = create_session(store, "Fermée", [item(a)])
    last = create_session(karim, "Dernier", [item(b), item(c)])
    done(store, first, a)
    done(store, first, b)
    remove_item(store, first, c)  # neither queued nor done
    join_session(karim, first)
    close_session(store, closed)
    assert list_sessions(store) == [
        SessionInfo(last, "Dernier", "open", "karim", AT, None, 2, 0, ("karim",)),
        SessionInfo(first, "Premier", "open", "marie", AT, None, 1, 2, ("karim", "marie"))]
    assert [s.id for s in list_sessions(store, include_closed=True)] == [last, first, closed]
    assert list_sessions(store, include_closed=True)[2] == SessionInfo(closed, "Fermée", "closed", "marie", AT, AT, 1,
                                                                       0, ("marie",))
    assert [s.id for s in list_sessions(store, include_closed=True, limit=2)] == [last, first]
    store.write(lambda db: db.execute("DELETE FROM session_members WHERE session_id = ?", [last]))
    assert list_sessions(store)[0].members == ()


def test_the_list_gives_fifty_sessions_unless_told(store, clock, debtors):
    for n in range(51):
        create_session(store, f"S{n}", [item(debtors[0])])
    assert len(list_sessions(store)) == 50 and len(list_sessions(store, limit=51)) == 51


# -- taking the next debtor ------------------------------------------------------------------------------
def test_next_claims_the_first_queued_debtor_for_the_lease(store, clock, debtors):
    a, b, c, _ = debtors
    sid = create_session(store, "Test", [item(b), item(a), item(c)])
    assert next_debtor(store, sid) == b
    assert claims(store) == [(b, "marie", sid, AT, "2026-11-23T09:35:00Z")]  # 300 s
    assert next_debtor(store, sid) == b  # the one I hold: the same again
    assert next_debtor(store, sid, lease_s=60) == b  # renewed for 60 s
    assert claims(store) == [(b, "marie", sid, AT, "2026-11-23T09:31:00Z")]


def test_next_skips_what_others_hold_or_are_reserved_and_what_is_done(store, clock, debtors, karim):
    a, b, c, d = debtors
    sid = create_session(store, "Test", items_of(debtors))
    join_session(karim, sid)
    assign_item(store, sid, a, "karim")
    done(store, sid, b)
    assert next_debtor(store, sid) == c  # a: karim's; b: done
    assert next_debtor(karim, sid) == a  # his reserved one first
    assert next_debtor(karim, sid) == a
    assign_item(store, sid, d, "karim")
    assign_item(store, sid, a, None)
    assert next_debtor(karim, sid) == d  # reserved for him before the others, then...
    store.write(lambda db: db.execute("DELETE FROM claims WHERE debtor_id = ?", [d]))
    store.write(lambda db: db.execute("UPDATE session_items SET status = 'done' WHERE debtor_id = ?", [d]))
    assert next_debtor(karim, sid) == a  # ... by position: a (his own claim), c is marie's
    assert next_debtor(store, sid) == c
    store.write(lambda db: db.execute("UPDATE session_items SET status = 'done' WHERE debtor_id IN (?, ?)", [a, c]))
    assert next_debtor(store, sid) is None and next_debtor(karim, sid) is None


def test_a_claim_frees_the_debtor_on_the_second_it_expires(store, clock, debtors, karim):
    a, b, _, _ = debtors
    sid = create_session(store, "Test", [item(a), item(b)])
    assert next_debtor(karim, sid, lease_s=300) == a
    clock.advance(299)
    assert next_debtor(store, sid) == b
    store.write(lambda db: db.execute("DELETE FROM claims WHERE debtor_id = ?", [b]))
    store.write(lambda db: db.execute("UPDATE session_items SET status = 'done' WHERE debtor_id = ?", [b]))
    assert next_debtor(store, sid) is None  # karim's lease has one second left
    clock.advance(1)
    assert next_debtor(store, sid) == a  # expired on the second: marie's now
    assert claims(store) == [(a, "marie", sid, "2026-11-23T09:35:00Z", "2026-11-23T09:40:00Z")]


def test_next_does_not_take_a_debtor_held_outside_the_session(store, clock, debtors, karim):
    a, b, _, _ = debtors
    sid = create_session(store, "Test", [item(a), item(b)])
    karim.write(lambda db: db.execute("INSERT INTO claims (debtor_id, agent, session_id, claimed_at, expires_at) "
                                      "VALUES (?, 'karim', NULL, ?, '2026-11-23T09:35:00Z')", [a, AT]))
    assert next_debtor(store, sid) == b
    assert claims(store)[0] == (a, "karim", None, AT, "2026-11-23T09:35:00Z")


# -- skipping --------------------------------------------------------------------------------------------
def test_skipping_gives_the_debtor_back_and_sends_it_after_the_last_position(store, clock, debtors, karim):
    a, b, c, d = debtors
    sid = create_session(store, "Test", items_of(debtors))
    other = create_session(store, "Autre", [item(a), item(b)])
    remove_item(store, sid, d)  # position 4, not queued: still counts for the end of the queue
    assert next_debtor(store, sid) == a
    assert next_debtor(karim, sid) == b
    skip_item(store, sid, a)
    assert queued(store, sid) == [(b, 2), (c, 3), (a, 5)]
    assert claims(store) == [(b, "karim", sid, AT, "2026-11-23T09:35:00Z")]  # mine given back, not karim's
    skip_item(store, sid, b)  # karim's claim is not marie's to give back
    assert claims(store) == [(b, "karim", sid, AT, "2026-11-23T09:35:00Z")]
    assert queued(store, sid) == [(c, 3), (a, 5), (b, 6)]
    assert queued(store, other) == [(a, 1), (b, 2)]  # another session's queue is its own
    done(store, sid, c)
    skip_item(store, sid, c)  # done: stays where it was
    assert store.db.execute("SELECT position FROM session_items WHERE session_id = ? AND debtor_id = ?",
                            [sid, c]).fetchone() == (3,)


# -- the items' list -------------------------------------------------------------------------------------
def test_the_items_list_queued_by_position_then_done_with_what_each_owes_and_who_holds_it(store, clock, debtors,
                                                                                          karim):
    a, b, c, d = debtors
    sid = create_session(store, "Test", [item(a, "callback"), item(b), item(c), item(d)])
    join_session(karim, sid)
    assert next_debtor(store, sid) == a
    assert next_debtor(karim, sid, lease_s=60) == b
    done(store, sid, a, "marie", "promise")
    assign_item(store, sid, d, "karim")
    remove_item(store, sid, c)
    move_item(store, sid, d, -5)
    listed = session_items(store, sid, NOW)
    assert listed == [
        SessionItem(d, "Dépôt D", 1, "queued", "priority", "karim", None, None, 0, None),
        SessionItem(b, "Boulangerie B", 2, "queued", "priority", None, None, None, 200_00,
                    Holder(b, "karim", AT, "2026-11-23T09:31:00Z", sid)),
        SessionItem(a, "Garage A", 1, "done", "callback", None, "marie", "promise", 150_00,
                    Holder(a, "marie", AT, "2026-11-23T09:35:00Z", sid))]
    # karim's lease ends at 09:31: from then on nobody holds b
    assert session_items(store, sid, NOW + dt.timedelta(seconds=60))[1].holder is None
    assert session_items(store, sid, NOW + dt.timedelta(seconds=59))[1].holder.agent == "karim"


# -- the board -------------------------------------------------------------------------------------------
def test_the_board_counts_each_agent_s_calls_of_the_session_since_it_opened(store, clock, debtors, karim):
    a, b, c, d = debtors
    clock.advance(-60)
    other = create_session(store, "Autre", [item(a)])
    clock.advance(60)
    sid = create_session(store, "Test", items_of(debtors))
    join_session(karim, sid)
    paul = open_store(store.path, agent="paul", clock=clock)
    join_session(paul, sid)
    paul.close()

    def call(agent, debtor, outcome, seconds, session, at=AT, kind="call", promises=()):
        def write(db):
            event = append_event(db, at=at, agent=agent, kind=kind, debtor_id=debtor, direction="out",
                                 outcome=outcome, duration_s=seconds,
                                 data={"session_id": session} if session else None)
            for cents in promises:
                db.execute("INSERT INTO promises (debtor_id, event_id, amount_cents, due_date, agent, created_at, "
                           "updated_at) VALUES (?, ?, ?, '2026-12-01', ?, ?, ?)", [debtor, event, cents, agent, at, at])
        store.write(write)

    call("marie", a, "promise", 120, sid, promises=(100_00, 50_00))  # one call, a promise in two instalments
    call("marie", b, "voicemail", None, sid, at="2026-11-23T09:40:00Z")  # no length: 0 s
    call("karim", c, "dispute", 60, sid)
    call("karim", c, "voicemail", 15, sid, at="2026-11-23T09:45:00Z")  # after his dispute: still one
    call("zoe", d, "refused", 30, sid)  # not a member: counted all the same
    call("karim", d, "refused", 45, other)  # another session's
    call("karim", d, "refused", 45, None)  # no session
    call("karim", d, "refused", 45, sid, at="2026-11-23T09:29:59Z")  # before it opened
    call("karim", d, "note", 45, sid, kind="note")  # not a call
    got = board(store, sid)
    assert list(got.agents) == ["karim", "marie", "paul", "zoe"]  # the members by name, then the others
    assert got.agents == {
        "karim": AgentBoard("karim", calls=2, reached=1, promises=0, promised_cents=0, disputes=1, seconds=75),
        "marie": AgentBoard("marie", calls=2, reached=1, promises=2, promised_cents=150_00, disputes=0, seconds=120),
        "paul": AgentBoard("paul"),
        "zoe": AgentBoard("zoe", calls=1, reached=1, seconds=30)}
    assert got.total == AgentBoard("Σ", calls=5, reached=3, promises=2, promised_cents=150_00, disputes=1,
                                   seconds=225)
    assert got.total.reached_rate == 0.6 and got.agents["marie"].reached_rate == 0.5
    assert got.agents["paul"].reached_rate == 0.0 and Board().total == AgentBoard("Σ")


# -- the supervisor's moves ------------------------------------------------------------------------------
def test_moving_a_debtor_renumbers_the_queue_from_one_and_stops_at_its_ends(store, clock, debtors):
    a, b, c, d = debtors
    sid = create_session(store, "Test", items_of(debtors))
    remove_item(store, sid, a)
    move_item(store, sid, d, -1)
    assert queued(store, sid) == [(b, 1), (d, 2), (c, 3)]
    move_item(store, sid, b, 10)  # past the end: last
    assert queued(store, sid) == [(d, 1), (c, 2), (b, 3)]
    move_item(store, sid, b, -10)  # past the top: first
    assert queued(store, sid) == [(b, 1), (d, 2), (c, 3)]
    move_item(store, sid, d, 1)
    assert queued(store, sid) == [(b, 1), (c, 2), (d, 3)]
    move_item(store, sid, c, 0)
    assert queued(store, sid) == [(b, 1), (c, 2), (d, 3)]
    with pytest.raises(NotFound) as refused:
        move_item(store, sid, a, 1)  # removed: no longer queued
    assert str(refused.value) == "ce débiteur n'est plus dans la file"
    assert session_events(store, sid)[2] == (AT, "marie", "reordered", f"Débiteur n°{d} déplacé dans la file",
                                             {"session_id": sid, "debtor_id": d, "steps": -1})


def test_removing_and_reserving_touch_only_a_queued_item_of_that_session(store, clock, debtors):
    a, b, c, _ = debtors
    sid = create_session(store, "Test", [item(a), item(b), item(c)])
    other = create_session(store, "Autre", [item(a), item(b)])
    done(store, sid, c)
    remove_item(store, sid, a)
    remove_item(store, sid, c)  # done: stays done
    assign_item(store, sid, b, "karim")
    assign_item(store, sid, c, "karim")  # done: not reserved
    rows = store.db.execute("SELECT session_id, debtor_id, status, assigned_to FROM session_items "
                            "ORDER BY session_id, debtor_id").fetchall()
    assert rows == [(sid, a, "removed", None), (sid, b, "queued", "karim"), (sid, c, "done", None),
                    (other, a, "queued", None), (other, b, "queued", None)]
    assign_item(store, sid, b, None)
    assert store.db.execute("SELECT assigned_to FROM session_items WHERE session_id = ? AND debtor_id = ?",
                            [sid, b]).fetchone() == (None,)
    assert session_events(store, sid)[1:] == [
        (AT, "marie", "removed", f"Débiteur n°{a} retiré de la file", {"session_id": sid, "debtor_id": a}),
        (AT, "marie", "removed", f"Débiteur n°{c} retiré de la file", {"session_id": sid, "debtor_id": c}),
        (AT, "marie", "assigned", f"Débiteur n°{b} réservé à karim",
         {"session_id": sid, "debtor_id": b, "agent": "karim"}),
        (AT, "marie", "assigned", f"Débiteur n°{c} réservé à karim",
         {"session_id": sid, "debtor_id": c, "agent": "karim"}),
        (AT, "marie", "assigned", f"Débiteur n°{b} remis à tous", {"session_id": sid, "debtor_id": b, "agent": None})]


# -- closing ---------------------------------------------------------------------------------------------
def test_closing_stamps_the_session_frees_its_debtors_and_counts_what_was_done(store, clock, debtors, karim):
    a, b, c, d = debtors
    sid = create_session(store, "Mardi", [item(a), item(b), item(c)])
    other = create_session(store, "Autre", [item(d)])
    assert next_debtor(store, sid) == a and next_debtor(karim, sid) == b and next_debtor(karim, other) == d
    done(store, sid, c)
    done(store, sid, a)
    clock.advance(3600)
    close_session(karim, sid)
    assert store.db.execute("SELECT status, closed_by, closed_at FROM sessions WHERE id = ?", [sid]).fetchone() == (
        "closed", "karim", "2026-11-23T10:30:00Z")
    assert [r[0] for r in claims(store)] == [d]  # the other session's claim stays
    assert session_events(store, sid)[-1] == ("2026-11-23T10:30:00Z", "karim", "closed",
                                              "Session « Mardi » close : 2 débiteurs traités",
                                              {"session_id": sid, "done": 2})
    close_session(store, other)
    assert session_events(store, other)[-1][3:] == ("Session « Autre » close : 0 débiteur traité",
                                                    {"session_id": other, "done": 0})


# -- a read-only copy ------------------------------------------------------------------------------------
def test_each_write_refused_read_only_says_what_it_was(store, clock, debtors, db_path):
    sid = create_session(store, "Test", items_of(debtors))
    reader = open_store(db_path, agent="karim", readonly=True)
    try:
        for action, what in ((lambda: create_session(reader, "X", items_of(debtors)), "ouverture de la session"),
                             (lambda: join_session(reader, sid), "entrée dans la session"),
                             (lambda: next_debtor(reader, sid), "prise du débiteur suivant"),
                             (lambda: skip_item(reader, sid, debtors[0]), "débiteur passé"),
                             (lambda: move_item(reader, sid, debtors[0], 1), "modification de la session"),
                             (lambda: remove_item(reader, sid, debtors[0]), "modification de la session"),
                             (lambda: assign_item(reader, sid, debtors[0], None), "modification de la session"),
                             (lambda: close_session(reader, sid), "clôture de la session")):
            with pytest.raises(ReadOnlyDatabase) as refused:
                action()
            assert str(refused.value).startswith(f"{what} impossible : "), what
    finally:
        reader.close()
