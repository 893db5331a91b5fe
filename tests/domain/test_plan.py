"""The dunning plan engine (domain/plan.py): a table of debtors, histories and days, each with the next step
and its date worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.domain.plan import (
    BUILTIN_PLANS,
    FORMAL_NOTICE,
    Plan,
    PlanError,
    PlanStep,
    Situation,
    StepDone,
    check_plan,
    merge_plans,
    plan_state,
)

D = dt.date
DUE = D(2026, 3, 2)  # a Monday
FR = OfficeCalendar("FR")
BE = OfficeCalendar("BE")


def state(key: str, today: dt.date, *, oldest: dt.date | None = DUE, balance: int = 1000_00, done=(),
          promise=None, contested=False):
    situation = Situation(oldest, balance, contested=contested, promise_due=promise, done=tuple(done),
                          belgian_consumer=key == "be_b2c")
    return plan_state(BUILTIN_PLANS[key], situation, today, BE if key.startswith("be") else FR)


def day(n: int) -> dt.date:
    return DUE + dt.timedelta(days=n)


@pytest.mark.parametrize(("key", "today", "done", "expected_step", "expected_due", "skipped"), [
    # before the due date: the courtesy email, due 8 days before
    ("fr_b2b", day(-5), (), "courtesy", day(-8), ()),
    # the courtesy email lapses at the due date: next is the reminder at J+3
    ("fr_b2b", day(1), (), "reminder", day(3), ("courtesy",)),
    ("fr_b2b", day(3), (), "reminder", day(3), ("courtesy",)),
    # reminder sent at J+3: the call at J+8
    ("fr_b2b", day(5), (StepDone("reminder", day(3)),), "call", day(8), ()),
    # imported 60 days late, nothing done: the furthest step due, the formal notice; the optional ones skipped
    ("fr_b2b", day(60), (), "formal_notice", day(30), ("courtesy", "reminder", "call", "letter")),
    # never the court file without the formal notice, however late
    ("fr_b2b", day(400), (StepDone("letter", day(15)),), "formal_notice", day(30), ()),
    # formal notice done at J+31: the court file 15 days after it, not from the due date
    ("fr_b2b", day(40), (StepDone("formal_notice", day(31)),), "court", day(46), ()),
    ("fr_b2c", day(46), (StepDone("formal_notice", day(31)),), "court", day(46), ()),
    # Belgian consumer, 60 days late, nothing done: the free first reminder, required before any cost
    ("be_b2c", day(60), (), "first_reminder", day(3), ("courtesy",)),
    # Belgian business: as in France
    ("be_b2b", day(60), (), "formal_notice", day(30), ("courtesy", "reminder", "call", "letter")),
])
def test_the_next_step_and_its_date(key, today, done, expected_step, expected_due, skipped) -> None:
    s = state(key, today, done=done)
    assert (s.next.key, s.due) == (expected_step, expected_due)
    assert tuple(x.key for x in s.skipped) == skipped
    assert s.late_days == (today - expected_due).days
    assert s.is_due == (expected_due <= today)


def test_a_belgian_consumer_is_charged_nothing_before_the_free_reminder_and_its_14_days() -> None:
    # first reminder by email on J+27 (Sunday 29 March): the 14 days run 30 March - 12 April (CDE XIX.2 §1)
    reminded = StepDone("first_reminder", day(27), channel="email")
    letter = StepDone("letter", day(35))
    before = state("be_b2c", D(2026, 4, 12), done=(reminded, letter))
    assert before.next.key == "formal_notice" and before.due == D(2026, 4, 13) and not before.is_due
    assert "rien ne peut être facturé avant le 13/04/2026" in before.waiting
    assert state("be_b2c", D(2026, 4, 13), done=(reminded, letter)).is_due
    # the same reminder posted: its 14 days start on the third Belgian business day after posting
    # (Monday 30 March + 3 business days = Thursday 2 April, Easter Monday 6 April not in the way) -> 15 April
    posted = StepDone("first_reminder", day(28), channel="letter")
    s = state("be_b2c", D(2026, 4, 15), done=(posted, letter))
    assert s.due == D(2026, 4, 16) and not s.is_due


def test_a_french_debtor_waits_for_no_grace() -> None:
    s = state("fr_b2c", day(30), done=(StepDone("letter", day(15)),))
    assert (s.next.key, s.due, s.waiting) == ("formal_notice", day(30), "")


def test_a_promise_within_its_grace_stops_the_plan_and_a_broken_one_resumes_it() -> None:
    kept_waiting = state("fr_b2b", day(20), promise=day(22))
    assert kept_waiting.stopped == "Promesse au 24/03/2026 : plan suspendu jusqu'au 27/03/2026"
    assert not kept_waiting.is_due
    broken = state("fr_b2b", day(26), promise=day(22))  # the promise fell due on J+22, 3 days of grace: J+25
    assert not broken.stopped and broken.next.key == "letter" and broken.is_due


def test_disputes_payments_and_credits_stop_the_plan() -> None:
    assert state("fr_b2b", day(60), oldest=None, contested=True).stopped == "Litige à traiter"
    assert state("fr_b2b", day(60), oldest=None, balance=0).stopped == "Soldé"
    assert state("fr_b2b", day(60), oldest=None, balance=-50_00).stopped == "Solde créditeur : rien à relancer"
    # one invoice contested, another not: the plan runs on the one not contested
    assert state("fr_b2b", day(60), contested=True).next.key == "formal_notice"


def test_a_payment_of_the_oldest_invoice_replans_from_the_next_one() -> None:
    done = (StepDone("reminder", day(3)),)
    assert state("fr_b2b", day(40), done=done).next.key == "formal_notice"
    # the oldest invoice paid: the next oldest fell due 20 days later, so 20 days late: the letter
    after = state("fr_b2b", day(40), oldest=day(20), done=done)
    assert (after.next.key, after.due) == ("letter", day(35))


def test_the_last_step_done_ends_the_plan() -> None:
    done = (StepDone("formal_notice", day(31)), StepDone("court", day(50)))
    s = state("fr_b2b", day(90), done=done)
    assert s.next is None and s.summary() == "Plan terminé"


def test_summaries() -> None:
    assert state("fr_b2b", day(60)).summary() == "Mise en demeure (recommandé) (en retard de 30 j)"
    assert state("fr_b2b", day(3)).summary() == "1re relance par email (aujourd'hui)"
    assert state("fr_b2b", day(1)).summary() == "1re relance par email le 05/03/2026"


def test_a_chosen_plan_wins_over_the_regime_and_a_vanished_one_falls_back() -> None:
    gentle = Plan("doux", "Doux", (PlanStep("reminder", "Relance", "email", 20, template="reminder"),), builtin=False)
    book = merge_plans([gentle], {"good": "doux"})
    assert book.for_debtor("fr_b2b", "doux") is gentle
    assert book.for_debtor("fr_b2b", "disparu") is BUILTIN_PLANS["fr_b2b"]
    assert book.for_debtor("be_b2c").key == "be_b2c"
    # a good payer gets its profile's plan, unless a plan was chosen for it by hand
    assert book.for_debtor("fr_b2b", None, "good") is gentle
    assert book.for_debtor("fr_b2b", "fr_b2c", "good").key == "fr_b2c"
    assert book.for_debtor("fr_b2b", None, "bad").key == "fr_b2b"


@pytest.mark.parametrize(("steps", "message"), [
    ((), "aucune étape"),
    ((PlanStep("a", "A", "fax", 3),), "champ channel : 'fax' inconnu"),
    ((PlanStep("a", "A", "email", 3),), "champ template : un email ou un courrier a besoin d'un modèle"),
    ((PlanStep("a", "A", "phone", 3), PlanStep("a", "B", "phone", 4)), "clé 'a' en double"),
    ((PlanStep("c", "C", "court", 30),), "un dossier contentieux suppose une mise en demeure obligatoire"),
    ((FORMAL_NOTICE, PlanStep("x", "X", "phone", 2), PlanStep("c", "C", "court", 60)),
     "le dossier contentieux compte depuis la mise en demeure"),
    ((PlanStep("a", "A", "phone", 3, anchor="previous"),), "la première étape ne peut pas compter"),
    ((PlanStep("a", "A", "phone", -5, required=True),), "avant l'échéance ne peut être ni obligatoire"),
    ((PlanStep("a", "A", "phone", 3, stops=frozenset({"météo"})),), "champ stops : météo inconnu"),
])
def test_a_plan_that_breaks_a_rule_is_refused_with_where(steps, message) -> None:
    with pytest.raises(PlanError, match=message):
        check_plan(Plan("cabinet", "Cabinet", steps, builtin=False))


def test_a_required_step_is_never_jumped_by_a_step_done_early() -> None:
    """A call logged the day after the due date marks the call step done: the Belgian consumer's free first
    reminder, required, still comes first (a stranger's review found the plan moved past it)."""
    s = state("be_b2c", day(20), done=(StepDone("call", day(1), channel="phone"),))
    assert s.next.key == "first_reminder"
    office = Plan("cabinet", "Cabinet", (
        PlanStep("reminder", "Relance", "email", 3, template="reminder"), PlanStep("call", "Appel", "phone", 8),
        FORMAL_NOTICE, PlanStep("call2", "Rappel", "phone", 40),
        PlanStep("court", "Tribunal", "court", 15, anchor="previous", required=True, costs=True)), builtin=False)
    with pytest.raises(PlanError, match="juste après elle"):  # refused from plans.toml anyway
        check_plan(office)
    # and were it run: two calls early, nothing else: the formal notice, never the court file
    done = (StepDone("call", day(2)), StepDone("call2", day(5)))
    later = plan_state(office, Situation(DUE, 1000_00, done=done), day(90), FR)
    assert later.next.key == "formal_notice"


def test_a_belgian_consumer_never_gets_a_plan_without_the_free_reminder() -> None:
    no_reminder = Plan("ferme", "Ferme", (PlanStep("call", "Appel", "phone", 3), FORMAL_NOTICE,
                                          PlanStep("court", "Tribunal", "court", 15, anchor="previous",
                                                   required=True, costs=True)), builtin=False)
    book = merge_plans([no_reminder], {"bad": "ferme"})
    assert book.for_debtor("be_b2c", "ferme").key == "be_b2c"
    assert book.for_debtor("be_b2c", None, "bad").key == "be_b2c"
    assert book.for_debtor("fr_b2c", "ferme") is no_reminder


@pytest.mark.parametrize(("court", "message"), [
    (PlanStep("court", "Tribunal", "court", 30, required=True, costs=True), "compte depuis la mise en demeure"),
    (PlanStep("court", "Tribunal", "court", 0, anchor="previous", required=True, costs=True),
     "au moins 8, le délai qu'elle laisse"),
    (PlanStep("court", "Tribunal", "court", 15, anchor="previous"), "obligatoire et payant"),
])
def test_the_court_file_counts_from_the_notice_and_gives_it_time(court, message) -> None:
    with pytest.raises(PlanError, match=message):
        check_plan(Plan("cabinet", "Cabinet", (FORMAL_NOTICE, court), builtin=False))
    free_notice = PlanStep("formal_notice", "MED", "registered", 30, template="formal_notice", required=True,
                           act="formal_notice")  # costs left false: for a Belgian consumer it would be early
    with pytest.raises(PlanError, match="obligatoire et payant"):
        check_plan(Plan("cabinet", "Cabinet", (free_notice,), builtin=False))
