"""Rules of the plan over the base pinned one by one (store/plan.py): a plan chosen by hand, the summaries the
lists show with the court step named by the debtor's regime, the office's plan book (issue 14)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from relance_tui.domain.plan import DEFAULT_BOOK, Plan, PlanStep, merge_plans
from relance_tui.errors import NotFound, ReadOnlyDatabase
from relance_tui.store import open_store
from relance_tui.store.plan import debtor_plans, plan_book_of, plan_summaries, set_debtor_plan, set_plan_book
from relance_tui.store.plan_steps import record_step
from relance_tui.store.queries import append_event
from tests.store.test_acts import add_debtor, add_invoice

D = dt.date
TODAY = D(2026, 11, 23)


def test_a_plan_chosen_by_hand_is_kept_and_said_on_the_timeline_and_given_back_to_the_profile(store) -> None:
    d = add_debtor(store, "Garage Dupont")
    add_invoice(store, d, "FA-1", D(2026, 8, 1), D(2026, 9, 1), 100_000)
    set_debtor_plan(store, d, "fr_b2c", DEFAULT_BOOK)
    assert store.conn.execute("SELECT plan FROM debtors WHERE id = ?", [d]).fetchone() == ("fr_b2c",)
    assert debtor_plans(store.conn, TODAY)[0].plan.key == "fr_b2c"
    set_debtor_plan(store, d, None, DEFAULT_BOOK)
    assert store.conn.execute("SELECT plan FROM debtors WHERE id = ?", [d]).fetchone() == (None,)
    events = store.conn.execute("SELECT kind, debtor_id, agent, notes, data FROM events ORDER BY id").fetchall()
    assert [(k, dd, a, n, json.loads(x)) for k, dd, a, n, x in events] == [
        ("edit", d, "marie", "Plan de relance : Particulier (France)", {"plan": "fr_b2c"}),
        ("edit", d, "marie", "Plan de relance : selon son profil et son type", {"plan": None})]


def test_an_unknown_plan_or_debtor_is_refused_by_name_and_nothing_written(store) -> None:
    d = add_debtor(store, "Garage Dupont")
    with pytest.raises(NotFound) as caught:
        set_debtor_plan(store, d, "lent", DEFAULT_BOOK)
    assert str(caught.value) == "plan 'lent' inconnu (plans : be_b2b, be_b2c, fr_b2b, fr_b2c)"
    with pytest.raises(NotFound) as caught:
        set_debtor_plan(store, 999, "fr_b2b", DEFAULT_BOOK)
    assert str(caught.value) == "débiteur n°999 introuvable"
    assert store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 0


def test_a_read_only_post_is_told_it_cannot_choose_a_plan(store, db_path) -> None:
    d = add_debtor(store, "Garage Dupont")
    reader = open_store(db_path, agent="karim", readonly=True)
    try:
        with pytest.raises(ReadOnlyDatabase, match=r"^choix du plan de relance impossible"):
            set_debtor_plan(reader, d, "fr_b2b", DEFAULT_BOOK)
    finally:
        reader.close()


def test_the_summary_of_a_court_step_names_the_regime_s_procedure(store) -> None:
    fr = add_debtor(store, "Garage Dupont")
    add_invoice(store, fr, "FA-1", D(2026, 8, 1), D(2026, 9, 1), 100_000)
    record_step(store, fr, "formal_notice", today=D(2026, 10, 5))  # the court file 15 days after: 20/10, 34 days late
    other = add_debtor(store, "Boulangerie Martin")
    add_invoice(store, other, "FB-1", D(2026, 11, 1), D(2026, 11, 20), 10_000)  # J+3: the email reminder, today
    assert plan_summaries(store, TODAY, None) == {
        fr: "Dossier contentieux : Injonction de payer (en retard de 34 j)",
        other: "1re relance par email (aujourd'hui)"}
    # for a Belgian office, a French business is pursued abroad: the European order for payment
    assert plan_summaries(store, TODAY, [fr], office_country="BE") == {
        fr: "Dossier contentieux : Injonction de payer européenne (règl. CE 1896/2006) (en retard de 34 j)"}


def test_the_summaries_follow_the_office_s_plan_book_once_set_and_say_a_plan_finished(store) -> None:
    d = add_debtor(store, "Garage Dupont")  # the profile "normal" (the column's default)
    add_invoice(store, d, "FA-1", D(2026, 11, 1), D(2026, 11, 20), 10_000)
    assert plan_book_of(store) is DEFAULT_BOOK
    assert plan_summaries(store, TODAY, [d]) == {d: "1re relance par email (aujourd'hui)"}
    call_first = Plan("appel", "Appel d'abord", (PlanStep("call", "Appel du gérant", "phone", 1),), builtin=False)
    book = merge_plans([call_first], {"normal": "appel"})
    set_plan_book(store, book)
    assert plan_book_of(store) is book
    assert plan_summaries(store, TODAY, [d]) == {d: "Appel du gérant (en retard de 2 j)"}  # due 21/11
    store.write(lambda db: append_event(db, at="2026-11-22T09:00:00Z", agent="marie", kind="call", debtor_id=d,
                                        outcome="no_answer"))
    assert plan_summaries(store, TODAY, [d]) == {d: "Plan terminé"}  # its one step done: no next step
