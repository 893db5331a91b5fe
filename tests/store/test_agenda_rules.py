"""Rules of the agenda's checks pinned one by one (store/agenda.py): a thank-you's claim and its record, the
office's country for the limitation dates near (issue 14)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from relance_tui.errors import ReadOnlyDatabase, StaleEdit
from relance_tui.store import open_store
from relance_tui.store.agenda import THANKS, claim_thanks, limitations_near, record_thanks, thanks_due
from tests.store.test_acts import add_debtor, add_invoice
from tests.store.test_agenda import chased_and_paid

D = dt.date
TODAY = D(2026, 11, 23)


def thank_you_row(store):
    d, inv = chased_and_paid(store)
    [row] = thanks_due(store.conn, TODAY)
    return d, inv, row


def test_a_thank_you_claimed_and_left_half_an_hour_is_dropped_and_claimable_again(store) -> None:
    d, inv, row = thank_you_row(store)
    first = claim_thanks(store, row)
    assert claim_thanks(store, row) is None  # fresh: held
    store.write(lambda db: db.execute("UPDATE plan_steps SET at = '2026-01-01T00:00:00Z' WHERE claim = ?", [first]))
    second = claim_thanks(store, row)  # the first agent's process died long ago: its claim is stale
    assert second is not None and second != first
    assert store.conn.execute("SELECT debtor_id, invoice_id, step, status, claim FROM plan_steps").fetchall() == [
        (d, inv, THANKS, "claimed", second)]


def test_a_thank_you_recorded_is_an_email_out_on_the_timeline_about_the_invoice_it_settled(store) -> None:
    d, inv, row = thank_you_row(store)
    token = claim_thanks(store, row)
    event_id = record_thanks(store, row, token, today=TODAY,
                             data={"to": "compta@dupont.fr", "subject": "Merci", "via": "smtp"})
    kind, debtor_id, direction, outcome, data = store.conn.execute(
        "SELECT kind, debtor_id, direction, outcome, data FROM events WHERE id = ?", [event_id]).fetchone()
    assert (kind, debtor_id, direction, outcome) == ("email", d, "out", THANKS)
    assert json.loads(data) == {"channel": "email", "to": "compta@dupont.fr", "subject": "Merci", "via": "smtp"}
    assert store.conn.execute("SELECT invoice_id FROM event_invoices WHERE event_id = ?",
                              [event_id]).fetchall() == [(inv,)]
    assert store.conn.execute("SELECT status, day, channel, event_id FROM plan_steps WHERE claim = ?",
                              [token]).fetchall() == [("done", "2026-11-23", "email", event_id)]


def test_a_thank_you_with_no_address_nor_subject_says_nothing_in_their_place(store) -> None:
    _, _, row = thank_you_row(store)
    event_id = record_thanks(store, row, claim_thanks(store, row), today=TODAY, data={})
    notes = store.conn.execute("SELECT notes FROM events WHERE id = ?", [event_id]).fetchone()[0]
    assert notes == "Remerciement à  : "


def test_a_thank_you_whose_claim_was_let_go_is_not_recorded(store) -> None:
    from relance_tui.store.plan_steps import release_claim

    d, _, row = thank_you_row(store)
    token = claim_thanks(store, row)
    release_claim(store, token)  # dropped by another post while the email was being written
    with pytest.raises(StaleEdit) as caught:
        record_thanks(store, row, token, today=TODAY, data={"to": "compta@dupont.fr", "subject": "Merci"})
    assert str(caught.value) == ("le remerciement réservé n'est plus à ce poste (réservation libérée) : rien n'a été "
                                 "enregistré")
    assert store.conn.execute("SELECT COUNT(*) FROM events WHERE kind = 'email'").fetchone()[0] == 0


def test_a_read_only_post_is_told_which_thank_you_write_it_cannot_make(store, db_path) -> None:
    _, _, row = thank_you_row(store)
    reader = open_store(db_path, agent="karim", readonly=True)
    try:
        with pytest.raises(ReadOnlyDatabase, match=r"^réservation du remerciement impossible"):
            claim_thanks(reader, row)
        with pytest.raises(ReadOnlyDatabase, match=r"^enregistrement du remerciement impossible"):
            record_thanks(reader, row, "0123456789abcdef", today=TODAY, data={})
    finally:
        reader.close()


def test_limitation_dates_near_follow_the_office_s_law_for_a_business_debtor(store) -> None:
    # a French business, invoiced 20 December 2021: five years under French law (time-barred after
    # 20 December 2026, 27 days away), ten under Belgian law (a Belgian office's: 2031, far)
    d = add_debtor(store, "Garage Dupont", country="FR")
    add_invoice(store, d, "FA-OLD", D(2021, 12, 20), D(2022, 1, 20), 50_000)
    [row] = limitations_near(store, TODAY, "FR")
    assert (row.debtor_id, row.due, row.late_days) == (d, D(2026, 12, 20), -27)
    assert limitations_near(store, TODAY, "BE") == []
