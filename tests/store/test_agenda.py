"""The day's agenda beyond the plan's steps (store/agenda.py): promises to check, limitation dates
approaching, thank-you emails for a balance settled, each once (issue 15)."""

from __future__ import annotations

import datetime as dt

import pytest

from relance_tui.store.agenda import (
    THANKS,
    claim_thanks,
    day_agenda,
    limitations_near,
    promises_to_check,
    record_thanks,
    thanks_due,
)
from relance_tui.store.cards import record_payment
from relance_tui.store.plan_steps import record_step, release_claim
from relance_tui.store.queries import append_event
from tests.store.test_acts import add_debtor, add_invoice

D = dt.date
TODAY = D(2026, 11, 23)


def add_promise(store, debtor: int, due: dt.date, cents: int, status: str = "pending") -> int:
    at = store.now()
    return store.write(lambda db: db.execute(
        "INSERT INTO promises (debtor_id, amount_cents, due_date, status, agent, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, 'marie', ?, ?)", [debtor, cents, due.isoformat(), status, at, at]).lastrowid)


def log_call(store, debtor: int, day: dt.date) -> None:
    store.write(lambda db: append_event(db, at=f"{day.isoformat()}T09:00:00Z", agent="marie", kind="call",
                                        debtor_id=debtor, direction="out", outcome="no_answer"))


# -- promises to check ----------------------------------------------------------------------------------
def test_a_pending_promise_whose_day_has_passed_is_to_check_the_earliest_per_debtor(store) -> None:
    d = add_debtor(store, "Garage Dupont")
    add_invoice(store, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 100_000)
    late = add_promise(store, d, D(2026, 11, 20), 60_000)
    add_promise(store, d, D(2026, 11, 21), 40_000)  # the same debtor: one row, its earliest promise
    other = add_debtor(store, "Boulangerie Martin")
    add_promise(store, other, TODAY, 10_000)  # due today: the day has not passed, nothing to check yet
    add_promise(store, other, D(2026, 11, 2), 10_000, status="broken")  # settled either way: not to check
    add_promise(store, other, D(2026, 11, 3), 10_000, status="kept")
    [row] = promises_to_check(store.conn, TODAY)
    assert (row.kind, row.debtor_id, row.ref, row.due, row.late_days) == ("promise", d, late, D(2026, 11, 20), 3)
    assert row.label == "Promesse de 600,00\xa0€ du 20/11 : paiement à vérifier"
    assert row.balance_cents == 100_000 and row.group == "Promesses à vérifier" and row.channel == "promise"


# -- limitation dates approaching -----------------------------------------------------------------------
def test_an_invoice_time_barred_within_30_days_is_listed_not_one_in_31_nor_one_past(store) -> None:
    # a French business debtor: five years from the issue (C. com. L110-4); the limitation day is the last one
    near = add_debtor(store, "Garage Dupont")
    add_invoice(store, near, "FA-OLD", D(2021, 12, 20), D(2022, 1, 20), 50_000)
    far = add_debtor(store, "Boulangerie Martin")
    add_invoice(store, far, "FA-LATER", D(2022, 1, 10), D(2022, 2, 10), 50_000)
    past = add_debtor(store, "Fromagerie Thomas")
    add_invoice(store, past, "FA-GONE", D(2021, 11, 1), D(2021, 12, 1), 50_000)
    rows = limitations_near(store, TODAY, "FR")
    assert [r.debtor_id for r in rows] == [near]
    row = rows[0]
    assert row.due - TODAY == dt.timedelta(days=-row.late_days) and 0 <= -row.late_days <= 30
    assert "FA-OLD" in row.label and row.label.startswith(f"Prescrite le {row.due:%d/%m/%Y}")
    assert row.balance_cents == 50_000 and row.group == "Prescriptions proches"


# -- thank-you emails -----------------------------------------------------------------------------------
def chased_and_paid(store, name: str = "Garage Dupont", *, paid_on: dt.date = D(2026, 11, 20)) -> tuple[int, int]:
    d = add_debtor(store, name)
    inv = add_invoice(store, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 100_000)
    log_call(store, d, D(2026, 10, 15))
    record_payment(store, d, day=paid_on, amount_cents=100_000, today=TODAY)
    return d, inv


def test_a_late_payment_settling_a_chased_balance_proposes_one_thank_you(store) -> None:
    d, inv = chased_and_paid(store)
    [row] = thanks_due(store.conn, TODAY)
    assert (row.kind, row.debtor_id, row.ref, row.invoice_ids, row.due) == (THANKS, d, inv, (inv,), D(2026, 11, 20))
    assert row.group == "Emails à envoyer" and row.channel == "email" and row.label.endswith("le 20/11")
    assert [r.key for r in day_agenda(store, TODAY) if r.debtor_id == d] == [(THANKS, d, inv)]


def test_no_thank_you_while_anything_is_owed_nor_for_a_debtor_never_chased_nor_paid_on_time(store) -> None:
    part = add_debtor(store, "Garage Dupont")  # a part payment: still owes
    add_invoice(store, part, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 100_000)
    log_call(store, part, D(2026, 10, 15))
    record_payment(store, part, day=D(2026, 11, 20), amount_cents=40_000, today=TODAY)
    quiet = add_debtor(store, "Boulangerie Martin")  # paid late, but nobody had chased it
    add_invoice(store, quiet, "FA-2", D(2026, 9, 1), D(2026, 10, 1), 100_000)
    record_payment(store, quiet, day=D(2026, 11, 20), amount_cents=100_000, today=TODAY)
    on_time = add_debtor(store, "Fromagerie Thomas")  # a courtesy call, then paid by the due date
    add_invoice(store, on_time, "FA-3", D(2026, 10, 1), D(2026, 11, 20), 100_000)
    log_call(store, on_time, D(2026, 11, 12))
    record_payment(store, on_time, day=D(2026, 11, 20), amount_cents=100_000, today=TODAY)
    assert thanks_due(store.conn, TODAY) == []


def test_a_payment_older_than_14_days_or_a_call_older_than_120_is_not_thanked(store) -> None:
    chased_and_paid(store, paid_on=D(2026, 11, 8))  # 15 days ago
    assert thanks_due(store.conn, TODAY) == []
    assert [r.debtor_id for r in thanks_due(store.conn, D(2026, 11, 22))]  # 14 days: still
    old = add_debtor(store, "Boulangerie Martin")
    add_invoice(store, old, "FA-9", D(2026, 5, 1), D(2026, 6, 1), 10_000)
    log_call(store, old, D(2026, 7, 22))  # 121 days before the payment
    record_payment(store, old, day=D(2026, 11, 20), amount_cents=10_000, today=TODAY)
    assert old not in {r.debtor_id for r in thanks_due(store.conn, TODAY)}


def test_a_plan_step_done_counts_as_chasing(store) -> None:
    d = add_debtor(store, "Garage Dupont")
    add_invoice(store, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 100_000)
    record_step(store, d, "formal_notice", today=D(2026, 11, 2), tracking="1A")
    record_payment(store, d, day=D(2026, 11, 20), amount_cents=100_000, today=TODAY)
    assert [r.debtor_id for r in thanks_due(store.conn, TODAY)] == [d]


def test_a_thank_you_is_claimed_once_and_gone_from_the_agenda_once_sent(store) -> None:
    d, inv = chased_and_paid(store)
    [row] = thanks_due(store.conn, TODAY)
    token = claim_thanks(store, row)
    assert token and claim_thanks(store, row) is None  # a second agent pressing send: refused
    [under_way] = thanks_due(store.conn, TODAY)
    assert under_way.claimed_by == "marie"
    release_claim(store, token)  # the send failed: proposed again, claimable again
    token = claim_thanks(store, row)
    event_id = record_thanks(store, row, token, today=TODAY, data={"to": "compta@dupont.fr", "subject": "Merci"})
    assert thanks_due(store.conn, TODAY) == []
    kind, outcome, notes = store.conn.execute("SELECT kind, outcome, notes FROM events WHERE id = ?",
                                              [event_id]).fetchone()
    assert (kind, outcome, notes) == ("email", THANKS, "Remerciement à compta@dupont.fr : Merci")
    # a new invoice, paid late after a new chase: thanked again, for that one
    inv2 = add_invoice(store, d, "FA-2", D(2026, 10, 1), D(2026, 11, 1), 5_000)
    log_call(store, d, D(2026, 11, 21))
    record_payment(store, d, day=D(2026, 11, 22), amount_cents=5_000, today=TODAY)
    assert [r.ref for r in thanks_due(store.conn, TODAY)] == [inv2] and inv2 != inv


def test_the_day_agenda_orders_groups_then_late_first(store) -> None:
    a = add_debtor(store, "Garage Dupont")
    add_invoice(store, a, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 100_000)
    add_promise(store, a, D(2026, 11, 20), 60_000)
    b = add_debtor(store, "Boulangerie Martin")
    add_invoice(store, b, "FA-2", D(2026, 10, 1), D(2026, 11, 10), 100_000)
    add_promise(store, b, D(2026, 11, 10), 60_000)
    rows = day_agenda(store, TODAY)
    # a's promise, 3 days old, is within its grace: its plan waits (the promise is what to check); b's, 13 days
    # old, is not: its plan runs again, and the promise is checked first (the later one)
    assert [(r.kind, r.debtor_id) for r in rows] == [("plan", b), ("promise", b), ("promise", a)]
    assert rows[0].group == "Appels à passer" and [r.late_days for r in rows[1:]] == [13, 3]


def test_only_money_the_debtor_sent_is_thanked_for_and_never_once_it_owes_again(store) -> None:
    from relance_tui.errors import StaleEdit

    by_credit = add_debtor(store, "Garage Dupont")  # settled by a credit note: no payment to thank for
    inv = add_invoice(store, by_credit, "AV-FA-1", D(2026, 9, 1), D(2026, 10, 1), 100_000)
    log_call(store, by_credit, D(2026, 10, 15))
    store.write(lambda db: (db.execute("UPDATE invoices SET paid_cents = amount_cents, status = 'paid' WHERE id = ?",
                                       [inv]),
                            db.execute("INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, source, kind, "
                                       "created_at, created_by) VALUES (?, ?, '2026-11-20', 100000, 'allocation', "
                                       "'credit', '', 'marie')", [by_credit, inv])))
    undated = add_debtor(store, "Boulangerie Martin")  # an export said "paid", with no date
    inv2 = add_invoice(store, undated, "FA-2", D(2026, 9, 1), D(2026, 10, 1), 50_000)
    log_call(store, undated, D(2026, 10, 15))
    store.write(lambda db: (db.execute("UPDATE invoices SET paid_cents = amount_cents, status = 'paid' WHERE id = ?",
                                       [inv2]),
                            db.execute("INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, source, undated, "
                                       "created_at, created_by) VALUES (?, ?, '2026-11-20', 50000, 'import x', 1, '', "
                                       "'marie')", [undated, inv2])))
    assert thanks_due(store.conn, TODAY) == []
    d, _ = chased_and_paid(store, "Fromagerie Thomas")
    [row] = thanks_due(store.conn, TODAY)
    add_invoice(store, d, "FA-9", D(2026, 11, 21), D(2026, 12, 21), 7_000)  # imported after the agenda was read
    with pytest.raises(StaleEdit, match="doit de nouveau quelque chose"):
        claim_thanks(store, row)


def test_a_limitation_counted_from_the_delivery_is_seen_before_the_invoice_s_anniversary(store) -> None:
    # a Belgian consumer: one year from the delivery (1 October 2025), invoiced on 15 December
    d = add_debtor(store, "Luc Peeters", segment="b2c", country="BE")
    add_invoice(store, d, "FA-1", D(2025, 12, 15), D(2026, 1, 15), 20_000, delivery=D(2025, 10, 1))
    [row] = limitations_near(store, D(2026, 9, 15), "BE")
    assert row.debtor_id == d and row.due == D(2026, 10, 1)
