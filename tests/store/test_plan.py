"""The dunning plan over the base (store/plan.py): what counts as done, one step per debtor, each step done
once, a payment re-planning (issue 15)."""

from __future__ import annotations

import datetime as dt

import pytest

from relance_tui.errors import StaleEdit
from relance_tui.store.agenda import agenda
from relance_tui.store.cards import record_payment
from relance_tui.store.plan import debtor_plans
from relance_tui.store.plan_steps import claim_step, record_step, release_claim
from relance_tui.store.queries import append_event
from tests.store.test_acts import add_debtor, add_invoice

D = dt.date
TODAY = D(2026, 11, 23)


def plan_of(store, debtor: int, today: dt.date = TODAY):
    return next(p for p in debtor_plans(store.conn, today) if p.debtor_id == debtor)


def test_one_step_per_debtor_listing_all_its_overdue_invoices(store) -> None:
    d = add_debtor(store, "Garage Dupont")
    a = add_invoice(store, d, "FA-1", D(2026, 8, 1), D(2026, 9, 1), 100_000)
    b = add_invoice(store, d, "FA-2", D(2026, 9, 1), D(2026, 10, 1), 50_000)
    add_invoice(store, d, "FA-3", D(2026, 11, 1), D(2026, 12, 20), 20_000)  # not due yet: not listed
    items = [p for p in agenda(store, TODAY) if p.debtor_id == d]
    assert len(items) == 1
    item = items[0]
    # 83 days late on FA-1, nothing done: the formal notice (J+30), the optional steps skipped
    assert item.state.next.key == "formal_notice" and item.state.due == D(2026, 10, 1)
    assert item.invoice_ids == (a, b) and item.oldest_invoice_id == a
    assert item.balance_cents == 170_000 and item.group == "Courriers à imprimer"


def test_a_formal_notice_done_records_the_act_and_opens_the_court_step_after_its_deadline(store) -> None:
    d = add_debtor(store, "Garage Dupont")
    a = add_invoice(store, d, "FA-1", D(2026, 8, 1), D(2026, 9, 1), 100_000)
    done = record_step(store, d, "formal_notice", today=TODAY, tracking="1A 234 567 8901 2", note="envoyé")
    act = store.conn.execute("SELECT kind, channel, day, invoice_id FROM legal_acts").fetchall()
    assert act == [("formal_notice", "registered", "2026-11-23", a)]
    notes, data = store.conn.execute("SELECT notes, data FROM events WHERE id = ?", [done.event_id]).fetchone()
    assert "1A 234 567 8901 2" in notes and '"plan_step": "formal_notice"' in data
    after = plan_of(store, d)
    assert after.state.next.key == "court" and after.state.due == D(2026, 12, 8) and not after.state.is_due
    assert after.next_label == "Dossier contentieux : Injonction de payer"
    assert plan_of(store, d, D(2026, 12, 8)).state.is_due


def test_a_formal_notice_recorded_another_way_counts_for_the_plan(store) -> None:
    from relance_tui.store.acts import record_act

    d = add_debtor(store, "Garage Dupont")
    add_invoice(store, d, "FA-1", D(2026, 8, 1), D(2026, 9, 1), 100_000)
    record_act(store, d, "formal_notice", D(2026, 11, 2), "registered", today=TODAY)
    assert plan_of(store, d).state.next.key == "court"


def test_a_call_logged_since_the_due_date_is_the_call_step(store) -> None:
    d = add_debtor(store, "Garage Dupont")
    add_invoice(store, d, "FA-1", D(2026, 11, 1), D(2026, 11, 12), 100_000)
    assert plan_of(store, d).state.next.key == "call"  # J+11: the call (J+8) is the furthest step due
    store.write(lambda db: append_event(db, at="2026-11-20T09:00:00Z", agent="marie", kind="call", debtor_id=d,
                                        outcome="voicemail"))
    after = plan_of(store, d)
    assert [s.key for s, _ in after.state.done] == ["call"]
    assert after.state.next.key == "letter" and after.state.due == D(2026, 11, 27)


def test_each_step_is_claimed_once_and_a_failed_send_goes_back_to_the_agenda(store) -> None:
    d = add_debtor(store, "Garage Dupont")
    add_invoice(store, d, "FA-1", D(2026, 11, 1), D(2026, 11, 18), 100_000)  # J+5: the reminder email
    first = claim_step(store, d, "reminder", today=TODAY)
    assert first is not None
    assert claim_step(store, d, "reminder", today=TODAY) is None  # another agent, another run: refused
    assert plan_of(store, d).claimed_by == "marie"
    release_claim(store, first[1])
    again = claim_step(store, d, "reminder", today=TODAY)
    assert again is not None
    record_step(store, d, "reminder", today=TODAY, claim=again[1], data={"message_id": "<x@y>"})
    assert plan_of(store, d).state.next.key == "call"
    with pytest.raises(StaleEdit, match="n'est pas la prochaine"):
        record_step(store, d, "reminder", today=TODAY)  # done already: never twice


def test_a_payment_of_the_oldest_invoice_replans_from_the_next_one(store) -> None:
    d = add_debtor(store, "Garage Dupont")
    add_invoice(store, d, "FA-1", D(2026, 8, 1), D(2026, 9, 1), 100_000)
    record_step(store, d, "formal_notice", today=D(2026, 10, 5))
    add_invoice(store, d, "FA-2", D(2026, 10, 1), D(2026, 11, 10), 30_000)  # due after the notice: not listed
    assert plan_of(store, d).state.next.key == "court"
    record_payment(store, d, day=D(2026, 11, 20), amount_cents=100_000, today=TODAY)  # FA-1 paid
    after = plan_of(store, d)
    # FA-2 is 13 days late and was never in a notice: the call (J+8), the reminder skipped
    assert after.state.next.key == "call" and after.state.due == D(2026, 11, 18)


def test_a_belgian_consumer_first_reminder_through_the_plan_is_the_legal_act(store) -> None:
    d = add_debtor(store, "Jan Peeters", segment="b2c", country="BE")
    add_invoice(store, d, "FA-1", D(2026, 10, 1), D(2026, 10, 31), 40_000)
    assert plan_of(store, d).state.next.key == "first_reminder"
    record_step(store, d, "first_reminder", today=TODAY, channel="email")
    assert store.conn.execute("SELECT kind, channel FROM legal_acts").fetchall() == [("first_reminder", "email")]
    after = plan_of(store, d)
    # email on 23/11: the 14 days run 24/11 - 07/12; the letter (J+15) is due, free
    assert after.state.next.key == "letter"
    record_step(store, d, "letter", today=TODAY)
    notice = plan_of(store, d).state
    assert notice.next.key == "formal_notice" and notice.due == D(2026, 12, 8)


def test_a_court_file_names_only_the_invoices_the_formal_notice_covered(store) -> None:
    d = add_debtor(store, "Garage Dupont")
    a = add_invoice(store, d, "FA-1", D(2026, 8, 1), D(2026, 9, 1), 100_000)
    record_step(store, d, "formal_notice", today=D(2026, 10, 5))
    add_invoice(store, d, "FA-2", D(2026, 10, 1), D(2026, 10, 20), 30_000)  # fell due after the notice
    court = plan_of(store, d)
    assert court.state.next.key == "court" and court.invoice_ids == (a,)


def test_a_belgian_consumer_notice_names_only_invoices_past_their_free_reminder(store) -> None:
    d = add_debtor(store, "Jan Peeters", segment="b2c", country="BE")
    a = add_invoice(store, d, "FA-1", D(2026, 9, 1), D(2026, 9, 30), 40_000)
    record_step(store, d, "first_reminder", today=D(2026, 10, 2), channel="email")
    record_step(store, d, "letter", today=D(2026, 10, 20))
    add_invoice(store, d, "FA-2", D(2026, 10, 1), D(2026, 10, 31), 10_000)  # due later: never reminded for free
    notice = plan_of(store, d)
    assert notice.state.next.key == "formal_notice" and notice.state.is_due
    assert notice.invoice_ids == (a,)
    record_step(store, d, "formal_notice", today=TODAY)
    assert store.conn.execute("SELECT invoice_id FROM legal_acts WHERE kind = 'formal_notice'").fetchall() == [(a,)]
