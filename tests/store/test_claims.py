"""Who is on a debtor (store/claims.py): leases, renewals, and what a steal leaves on the timeline."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from relance_tui.store import open_store
from relance_tui.store.claims import claim, current_holder, holders, release_claim
from tests.helpers import FakeClock

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.fixture
def clock(store):
    c = FakeClock(NOW)
    store.clock = c
    return c


@pytest.fixture
def debtor(store):
    at = store.now()
    return store.write(lambda db: db.execute(
        "INSERT INTO debtors (name, created_at, updated_at) VALUES ('Garage Dupont', ?, ?)", [at, at]).lastrowid)


@pytest.fixture
def karim(store, clock):
    other = open_store(store.path, agent="karim", clock=clock)
    yield other
    other.close()


def steals(store, debtor) -> list[tuple[str, str]]:
    return store.db.execute("SELECT agent, notes FROM events WHERE kind = 'session' AND outcome = 'steal' "
                            "AND debtor_id = ? ORDER BY id", [debtor]).fetchall()


def test_a_claim_holds_for_its_lease(store, clock, debtor):
    got = claim(store, debtor, lease_s=300, session_id=None)
    assert got.ok
    assert (got.holder.agent, got.holder.claimed_at, got.holder.expires_at) == (
        "marie", "2026-11-23T09:30:00Z", "2026-11-23T09:35:00Z")
    assert current_holder(store.conn, debtor, NOW + dt.timedelta(seconds=299)).agent == "marie"
    assert current_holder(store.conn, debtor, NOW + dt.timedelta(seconds=300)) is None  # expired on the second


def test_stealing_a_free_debtor_is_a_plain_claim_and_logs_no_steal(store, clock, debtor):
    got = claim(store, debtor, steal=True)
    assert got.ok and got.holder.agent == "marie"
    assert steals(store, debtor) == []


def test_stealing_ones_own_claim_logs_no_steal(store, clock, debtor):
    assert claim(store, debtor).ok
    assert claim(store, debtor, steal=True).ok
    assert steals(store, debtor) == []


def test_stealing_an_expired_claim_logs_no_steal(store, clock, karim, debtor):
    assert claim(karim, debtor, lease_s=60).ok
    clock.advance(61)
    assert claim(store, debtor, steal=True).ok
    assert steals(store, debtor) == []


def test_a_steal_from_another_agent_is_logged_with_whom_and_since_when(store, clock, karim, debtor):
    assert claim(karim, debtor).ok
    clock.advance(120)
    refused = claim(store, debtor)
    assert refused.ok is False and refused.holder.agent == "karim"
    stolen = claim(store, debtor, steal=True)
    assert stolen.ok and stolen.holder.agent == "marie"
    assert stolen.holder.claimed_at == "2026-11-23T09:32:00Z"  # a new claim, not karim's renewed
    assert steals(store, debtor) == [
        ("marie", "Dossier repris à karim (sur le dossier depuis 2026-11-23T09:30:00Z)")]
    data, = store.db.execute("SELECT data FROM events WHERE outcome = 'steal' AND debtor_id = ?", [debtor]).fetchone()
    assert json.loads(data) == {"from": "karim", "claimed_at": "2026-11-23T09:30:00Z"}


def test_a_claim_made_in_a_session_names_it(store, clock, debtor):
    got = claim(store, debtor, session_id=7)
    assert got.holder.session_id == 7
    assert holders(store, [debtor], NOW)[debtor].session_id == 7
    assert current_holder(store.conn, debtor, NOW).session_id == 7


def test_releasing_frees_only_ones_own_claim(store, clock, karim, debtor):
    assert claim(karim, debtor).ok
    release_claim(store, debtor)  # not marie's to release
    assert holders(store, [debtor], NOW)[debtor].agent == "karim"
    release_claim(karim, debtor)
    assert holders(store, [debtor], NOW) == {}
    assert claim(store, debtor).ok


def test_holders_lists_only_live_claims(store, clock, karim, debtor):
    other = store.write(lambda db: db.execute(
        "INSERT INTO debtors (name, created_at, updated_at) VALUES ('Café du Port', 'x', 'x')").lastrowid)
    assert claim(karim, debtor, lease_s=60).ok and claim(store, other, lease_s=600, session_id=None).ok
    assert {d: h.agent for d, h in holders(store, [debtor, other, other], NOW).items()} == {debtor: "karim",
                                                                                            other: "marie"}
    assert set(holders(store, [debtor, other], NOW + dt.timedelta(seconds=60))) == {other}
    assert holders(store, [], NOW) == {}
