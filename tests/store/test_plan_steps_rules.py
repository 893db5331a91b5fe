"""Rules of the plan's steps pinned one by one (store/plan_steps.py): an email sent whose step could not be
recorded (``mark_sent``), a debtor settled while its step was being sent (``_settled_meanwhile``) (issue 14)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from relance_tui.domain.law import regime_for
from relance_tui.domain.plan import BUILTIN_PLANS, PlanState, merge_plans
from relance_tui.errors import ReadOnlyDatabase
from relance_tui.store import open_store
from relance_tui.store.plan import DebtorPlan
from relance_tui.store.plan_steps import _settled_meanwhile, claim_step, mark_sent, release_claim
from tests.store.test_acts import add_debtor, add_invoice

D = dt.date
TODAY = D(2026, 11, 23)
TEXT = "Email envoyé à compta@dupont.fr : Facture échue (envoyé mais non enregistré)"
DATA = {"to": "compta@dupont.fr", "subject": "Facture échue", "step": "reminder"}


def claimed_reminder(store) -> tuple[int, int, str]:
    d = add_debtor(store, "Garage Dupont")
    inv = add_invoice(store, d, "FA-1", D(2026, 11, 1), D(2026, 11, 18), 100_000)
    _, token = claim_step(store, d, "reminder", today=TODAY)
    return d, inv, token


# -- mark_sent -----------------------------------------------------------------------------------------
def test_an_email_sent_but_not_recorded_is_a_plain_email_out_on_the_timeline(store) -> None:
    d, _, token = claimed_reminder(store)
    mark_sent(store, token, d, today=TODAY, text=TEXT, data=DATA, step="reminder", plan="fr_b2b", invoice_ids=[])
    kind, debtor_id, direction, outcome, notes, data = store.conn.execute(
        "SELECT kind, debtor_id, direction, outcome, notes, data FROM events WHERE kind = 'email'").fetchone()
    assert (kind, debtor_id, direction, outcome, notes) == ("email", d, "out", "plan_step", TEXT)
    assert json.loads(data) == DATA


def test_a_claim_still_held_is_made_done_on_the_invoices_it_claimed_none_added(store) -> None:
    d, inv, token = claimed_reminder(store)
    later = add_invoice(store, d, "FA-2", D(2026, 11, 2), D(2026, 11, 19), 5_000)  # not in the claim
    mark_sent(store, token, d, today=TODAY, text=TEXT, data=DATA, step="reminder", plan="fr_b2b",
              invoice_ids=[inv, later])
    event_id = store.conn.execute("SELECT id FROM events WHERE kind = 'email'").fetchone()[0]
    assert store.conn.execute("SELECT invoice_id, step, status, day, channel, event_id, claim FROM plan_steps").fetchall(
    ) == [(inv, "reminder", "done", "2026-11-23", "email", event_id, token)]


def test_a_claim_gone_meanwhile_is_written_again_done_for_each_invoice(store) -> None:
    d, inv, token = claimed_reminder(store)
    other = add_invoice(store, d, "FA-2", D(2026, 11, 2), D(2026, 11, 19), 5_000)
    release_claim(store, token)  # dropped as stale by another run while the email was leaving
    mark_sent(store, token, d, today=TODAY, text=TEXT, data=DATA, step="reminder", plan="fr_b2b",
              invoice_ids=[inv, other])
    event_id = store.conn.execute("SELECT id FROM events WHERE kind = 'email'").fetchone()[0]
    rows = store.conn.execute("SELECT debtor_id, invoice_id, step, plan, status, claim, agent, day, channel, event_id "
                              "FROM plan_steps ORDER BY invoice_id").fetchall()
    assert rows == [(d, inv, "reminder", "fr_b2b", "done", token, "marie", "2026-11-23", "email", event_id),
                    (d, other, "reminder", "fr_b2b", "done", token, "marie", "2026-11-23", "email", event_id)]


def test_a_read_only_post_is_told_it_cannot_note_the_email_sent(store, db_path) -> None:
    d, inv, token = claimed_reminder(store)
    reader = open_store(db_path, agent="karim", readonly=True)
    try:
        with pytest.raises(ReadOnlyDatabase, match=r"^enregistrement de l'email envoyé impossible"):
            mark_sent(reader, token, d, today=TODAY, text=TEXT, data=DATA, step="reminder", plan="fr_b2b",
                      invoice_ids=[inv])
    finally:
        reader.close()


# -- _settled_meanwhile --------------------------------------------------------------------------------
def set_debtor(store, debtor: int, **columns) -> None:
    sets = ", ".join(f"{k} = ?" for k in columns)
    store.write(lambda db: db.execute(f"UPDATE debtors SET {sets} WHERE id = ?", [*columns.values(), debtor]))


def test_a_debtor_settled_meanwhile_keeps_its_regime_and_the_plan_chosen_for_it_with_nothing_owed(store) -> None:
    # a French business for a Belgian office: Belgian law (the office's), the French calendar (its own)
    d = add_debtor(store, "Garage\x1b Dupont", country="FR")  # a control character from an import: removed
    set_debtor(store, d, plan="fr_b2c")  # chosen by hand
    regime = regime_for("FR", "b2b", "BE")
    assert (regime.key, regime.country) == ("be_b2b", "FR")
    plan = BUILTIN_PLANS["fr_b2c"]
    assert _settled_meanwhile(store.conn, d, "token", None, "BE") == DebtorPlan(
        d, "Garage Dupont", regime, plan, PlanState(plan), (), None, 0)


def test_a_debtor_settled_meanwhile_gets_its_payer_profile_s_plan_from_the_office_s_book(store) -> None:
    d = add_debtor(store, "Boulangerie Martin", country="FR")
    set_debtor(store, d, profile="bad")
    book = merge_plans([], {"bad": "fr_b2c"})
    current = _settled_meanwhile(store.conn, d, "token", book, "FR")
    assert current.plan.key == "fr_b2c" and current.regime.key == "fr_b2b"
    assert _settled_meanwhile(store.conn, d, "token", None, "FR").plan.key == "fr_b2b"  # the built-in book: none
