"""The Promesses tab's lists (store/promises): which promises each shows, in what order, with which contact."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from relance_tui.store.promises import promises_broken, promises_due, promises_made

TODAY = dt.date(2026, 11, 23)
NOW = "2026-11-01T09:00:00Z"


def _debtor(db, debtor_id: int, name: str) -> None:
    db.execute("INSERT INTO debtors (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
               [debtor_id, name, NOW, NOW])


def _contact(db, contact_id: int, debtor_id: int, name: str, *, releases: bool = False) -> None:
    db.execute("INSERT INTO contacts (id, debtor_id, name, can_release_payment, created_at, updated_at) "
               "VALUES (?, ?, ?, ?, ?, ?)", [contact_id, debtor_id, name, int(releases), NOW, NOW])


def _promise(db, pid: int, debtor_id: int, due: str, status: str = "pending", *, created: str = NOW,
             amount: int = 100_00, event_data: dict | None = None) -> None:
    event_id = None
    if event_data is not None:
        event_id = db.execute("INSERT INTO events (at, agent, kind, debtor_id, data) VALUES (?, 'marie', 'call', ?, ?)",
                              [created, debtor_id, json.dumps(event_data)]).lastrowid
    db.execute("INSERT INTO promises (id, debtor_id, event_id, amount_cents, due_date, status, agent, created_at, "
               "updated_at) VALUES (?, ?, ?, ?, ?, ?, 'marie', ?, ?)",
               [pid, debtor_id, event_id, amount, due, status, created, created])


@pytest.fixture
def office(store):
    def fill(db):
        _debtor(db, 1, "Boulangerie Martin")
        _debtor(db, 2, "Garage Petit")
        _contact(db, 10, 1, "Anne Martin")
        _contact(db, 11, 1, "Paul Martin, comptable", releases=True)
        _contact(db, 12, 1, "Zoé Martin", releases=True)
        _contact(db, 20, 2, "Luc Petit")
    store.write(fill)
    return store


def test_promises_due_are_those_due_that_day_and_not_cancelled_in_the_order_they_were_made(office):
    def fill(db):
        _promise(db, 1, 1, "2026-11-23", created="2026-11-10T10:00:00Z")
        _promise(db, 2, 2, "2026-11-23", "kept", created="2026-11-09T10:00:00Z")
        _promise(db, 3, 1, "2026-11-23", "cancelled")
        _promise(db, 4, 2, "2026-11-24")
        _promise(db, 5, 2, "2026-11-22", "broken")
        _promise(db, 6, 1, "2026-11-23", created="2026-11-09T10:00:00Z")  # same instant as 2: the id decides
    office.write(fill)
    lines = promises_due(office, TODAY)
    assert [line.id for line in lines] == [2, 6, 1]
    assert [line.status for line in lines] == ["kept", "pending", "pending"]
    assert all(line.due_date == TODAY for line in lines)


def test_promises_broken_are_broken_or_partly_kept_within_the_days_and_the_grace(office):
    # 30 days and the 3 days of grace: due on 21 October 2026 or later
    def fill(db):
        _promise(db, 1, 1, "2026-10-21", "broken")
        _promise(db, 2, 1, "2026-10-20", "broken")  # a day too old
        _promise(db, 3, 2, "2026-11-15", "partly_kept")
        _promise(db, 4, 2, "2026-11-15", "kept")
        _promise(db, 5, 2, "2026-11-15", "pending")
        _promise(db, 6, 2, "2026-11-15", "cancelled")
    office.write(fill)
    assert [line.id for line in promises_broken(office, TODAY)] == [1, 3]
    assert [line.id for line in promises_broken(office, TODAY, days=7)] == [3]  # due on 13 November or later
    assert [line.id for line in promises_broken(office, TODAY, days=31)] == [1, 2, 3]


def test_a_line_names_the_contact_of_the_call_else_the_one_who_releases_payments(office):
    def fill(db):
        _promise(db, 1, 1, "2026-11-23", event_data={"contact_id": 10})
        _promise(db, 2, 1, "2026-11-23", event_data={})
        _promise(db, 3, 1, "2026-11-23")
        _promise(db, 4, 2, "2026-11-23")
        db.execute("DELETE FROM contacts WHERE debtor_id = 2")
        _debtor(db, 3, "Sans Contact")
        _promise(db, 5, 3, "2026-11-23")
    office.write(fill)
    contacts = {line.id: (line.debtor, line.contact) for line in promises_due(office, TODAY)}
    assert contacts == {1: ("Boulangerie Martin", "Anne Martin"),
                        2: ("Boulangerie Martin", "Paul Martin, comptable"),  # the first who can release a payment
                        3: ("Boulangerie Martin", "Paul Martin, comptable"),
                        4: ("Garage Petit", ""), 5: ("Sans Contact", "")}


def test_a_line_lists_its_invoices_by_number(office):
    def fill(db):
        for iid, number in ((1, "F-2026-010"), (2, "F-2026-002"), (3, "F-2026-007")):
            db.execute("INSERT INTO invoices (id, number, debtor_id, issue_date, due_date, amount_cents, created_at, "
                       "updated_at) VALUES (?, ?, 1, '2026-09-01', '2026-10-01', 100, ?, ?)", [iid, number, NOW, NOW])
        _promise(db, 1, 1, "2026-11-23", amount=12_345)
        _promise(db, 2, 1, "2026-11-23")
        db.execute("INSERT INTO promise_invoices (promise_id, invoice_id) VALUES (1, 1), (1, 2), (1, 3)")
    office.write(fill)
    first, second = promises_due(office, TODAY)
    assert first.invoices == "F-2026-002, F-2026-007, F-2026-010"
    assert first.amount_cents == 12_345 and first.agent == "marie" and first.debtor_id == 1
    assert second.invoices == ""


def test_the_day_s_promises_are_those_made_that_office_day(office):
    # Paris is UTC+1 in November: the office's 23rd runs from 22nd 23:00 UTC to 23rd 23:00 UTC
    def fill(db):
        _promise(db, 1, 1, "2026-12-01", created="2026-11-22T22:59:59Z")
        _promise(db, 2, 1, "2026-12-01", created="2026-11-22T23:00:00Z")
        _promise(db, 3, 2, "2026-12-01", created="2026-11-23T22:59:59Z")
        _promise(db, 4, 2, "2026-12-01", created="2026-11-23T23:00:00Z")
        _promise(db, 5, 2, "2026-12-01", "cancelled", created="2026-11-23T10:00:00Z")
        db.execute("UPDATE promises SET agent = 'karim' WHERE id = 3")
    office.write(fill)
    assert [line.id for line in promises_made(office, TODAY, tz="Europe/Paris")] == [2, 3]
    assert [line.id for line in promises_made(office, TODAY, tz="Europe/Paris", agent="karim")] == [3]
    assert [line.id for line in promises_made(office, TODAY, tz="UTC")] == [3, 4]
