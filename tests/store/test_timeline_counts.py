"""The timeline's reads without a screen: which events, newest first, and the office-wide feed's total."""

from __future__ import annotations

import pytest

from relance_tui.store import timeline
from relance_tui.store.timeline import timeline_ids, timeline_total

NOW = "2026-11-01T09:00:00Z"


@pytest.fixture
def events(store):
    def fill(db):
        for debtor_id in (1, 2):
            db.execute("INSERT INTO debtors (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                       [debtor_id, f"Débiteur {debtor_id}", NOW, NOW])
        kinds = [(1, "call"), (2, "call"), (1, "email"), (None, "system"), (1, "call"), (2, "note")]
        for debtor_id, kind in kinds:
            db.execute("INSERT INTO events (at, debtor_id, kind, agent) VALUES (?, ?, ?, 'marie')",
                       [NOW, debtor_id, kind])
    store.write(fill)
    return store


def test_the_office_feed_s_total_counts_every_event_or_those_of_one_kind(events):
    assert timeline_total(events) == 6
    assert timeline_total(events, kind="call") == 3
    assert timeline_total(events, kind="email") == 1
    assert timeline_total(events, kind="letter") == 0


def test_the_ids_are_newest_first_for_one_debtor_or_everyone_and_of_one_kind(events):
    assert list(timeline_ids(events, debtor_id=None)) == [6, 5, 4, 3, 2, 1]
    assert list(timeline_ids(events, debtor_id=1)) == [5, 3, 1]
    assert list(timeline_ids(events, debtor_id=1, kind="call")) == [5, 1]
    assert list(timeline_ids(events, debtor_id=None, kind="call")) == [5, 2, 1]


def test_the_office_feed_stops_at_its_limit_but_one_debtor_s_does_not(events, monkeypatch):
    monkeypatch.setattr(timeline, "EVERYONE_LIMIT", 2)
    assert list(timeline_ids(events, debtor_id=None)) == [6, 5]
    assert list(timeline_ids(events, debtor_id=1)) == [5, 3, 1]
    assert timeline_total(events) == 6  # what the feed says it holds in all
