"""Rules of who is on a debtor pinned one by one (store/claims.py): a lease free on the very second it ends,
the writes named on a read-only post (issue 14)."""

from __future__ import annotations

import datetime as dt

import pytest

from relance_tui.errors import ReadOnlyDatabase
from relance_tui.store import open_store
from relance_tui.store.claims import claim, current_holder, release_claim
from tests.helpers import FakeClock

NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.timezone.utc)


def add_debtor(store) -> int:
    at = store.now()
    return store.write(lambda db: db.execute(
        "INSERT INTO debtors (name, created_at, updated_at) VALUES ('Garage Dupont', ?, ?)", [at, at]).lastrowid)


def test_another_agent_s_lease_is_free_on_the_second_it_ends_not_one_before(store) -> None:
    clock = FakeClock(NOW)
    store.clock = clock
    debtor = add_debtor(store)
    karim = open_store(store.path, agent="karim", clock=clock)
    try:
        assert claim(karim, debtor, lease_s=60).ok
        clock.advance(59)
        refused = claim(store, debtor)
        assert not refused.ok and refused.holder.agent == "karim"
        clock.advance(1)  # karim's lease ends at 09:31:00: free from that second
        got = claim(store, debtor, lease_s=120)
        assert got.ok
        assert (got.holder.agent, got.holder.claimed_at, got.holder.expires_at) == (
            "marie", "2026-11-23T09:31:00Z", "2026-11-23T09:33:00Z")
        assert current_holder(store.conn, debtor, NOW + dt.timedelta(seconds=61)).agent == "marie"
    finally:
        karim.close()


def test_a_read_only_post_is_told_it_can_neither_take_nor_give_back_a_debtor(store, db_path) -> None:
    debtor = add_debtor(store)
    reader = open_store(db_path, agent="karim", readonly=True)
    try:
        with pytest.raises(ReadOnlyDatabase, match=r"^prise du dossier impossible"):
            claim(reader, debtor)
        with pytest.raises(ReadOnlyDatabase, match=r"^libération du dossier impossible"):
            release_claim(reader, debtor)
    finally:
        reader.close()
