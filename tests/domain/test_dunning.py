"""The dunning plan (domain/dunning.py): the next step of an overdue invoice, each boundary by hand.

Due 01/03/2026: courtesy notice on 21/02 (J-8), first reminder 02/03 (J+1), call 09/03 (J+8),
letter 16/03 (J+15), formal notice 31/03 (J+30), court 15/04 (J+45).
"""

import datetime as dt

import pytest

from relance_tui.domain.dunning import PLAN, PROMISE_GRACE_DAYS, NextAction, next_action

D = dt.date
DUE = D(2026, 3, 1)


@pytest.mark.parametrize(("as_of", "label", "due"), [
    (D(2026, 1, 15), "Prévenance", D(2026, 2, 21)),  # long before: the first step, still to come
    (D(2026, 2, 21), "Prévenance", D(2026, 2, 21)),  # J-8: the day of the courtesy notice
    (D(2026, 2, 22), "1re relance email", D(2026, 3, 2)),  # J-7: the notice is past, the reminder comes
    (DUE, "1re relance email", D(2026, 3, 2)),
    (D(2026, 3, 2), "1re relance email", D(2026, 3, 2)),  # J+1
    (D(2026, 3, 3), "Appel", D(2026, 3, 9)),  # J+2
    (D(2026, 3, 9), "Appel", D(2026, 3, 9)),  # J+8
    (D(2026, 3, 10), "Lettre de relance", D(2026, 3, 16)),  # J+9
    (D(2026, 3, 16), "Lettre de relance", D(2026, 3, 16)),  # J+15
    (D(2026, 3, 17), "Mise en demeure", D(2026, 3, 31)),  # J+16
    (D(2026, 3, 31), "Mise en demeure", D(2026, 3, 31)),  # J+30
    (D(2026, 4, 1), "Injonction de payer", D(2026, 4, 15)),  # J+31
    (D(2026, 4, 15), "Injonction de payer", D(2026, 4, 15)),  # J+45
])
def test_the_next_step_is_the_first_not_yet_past_with_its_day(as_of, label, due):
    assert next_action(DUE, as_of) == NextAction(label, due)


def test_past_every_step_the_court_is_due_now():
    assert next_action(DUE, D(2026, 4, 16)) == NextAction("Injonction de payer", None)  # J+46
    assert next_action(DUE, D(2027, 1, 1)) == NextAction("Injonction de payer", None)


def test_the_debtors_regime_names_the_court_step():
    summons = "Citation devant le juge de paix"
    assert next_action(DUE, D(2026, 4, 1), court_step=summons) == NextAction(summons, D(2026, 4, 15))
    assert next_action(DUE, D(2026, 5, 1), court_step=summons) == NextAction(summons, None)
    # only the last step: the steps before it keep their labels
    assert next_action(DUE, D(2026, 3, 20), court_step=summons) == NextAction("Mise en demeure", D(2026, 3, 31))


def test_a_dispute_comes_before_the_plan_and_a_promise():
    assert next_action(DUE, D(2026, 3, 20), disputed=True) == NextAction("Litige à traiter", None)
    assert next_action(DUE, D(2026, 3, 20), disputed=True, promise_due=D(2026, 3, 25)) == \
        NextAction("Litige à traiter", None)


def test_a_promise_is_checked_at_its_date_plus_the_grace_then_calls_for_a_call_back():
    promised = D(2026, 3, 25)  # checked on 28/03
    assert PROMISE_GRACE_DAYS == 3
    assert next_action(DUE, D(2026, 3, 20), promise_due=promised) == NextAction("Promesse au 25/03", D(2026, 3, 28))
    assert next_action(DUE, D(2026, 3, 28), promise_due=promised) == NextAction("Promesse au 25/03", D(2026, 3, 28))
    assert next_action(DUE, D(2026, 3, 29), promise_due=promised) == NextAction("Promesse non tenue : rappeler", None)


def test_the_plan_is_in_order_of_its_offsets():
    assert [s.offset for s in PLAN] == [-8, 1, 8, 15, 30, 45]
    assert [s.channel for s in PLAN] == ["email", "email", "phone", "letter", "registered", "court"]
