"""Legal acts (store/acts.py) and the limitation dates they move; dates and amounts worked out by hand."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.domain.law import be_consumer_grace_end
from relance_tui.errors import NotFound
from relance_tui.store.acts import near_limitations, record_act
from relance_tui.store.cards import debtor_card, record_payment
from relance_tui.store.figures import OfficeTerms, set_office_terms
from relance_tui.store.queries import load_rates

D = dt.date
TODAY = D(2026, 11, 23)


def add_debtor(store, name: str, *, segment: str = "b2b", country: str = "FR") -> int:
    at = store.now()
    return store.write(lambda db: db.execute(
        "INSERT INTO debtors (name, kind, segment, country, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        [name, "person" if segment == "b2c" else "company", segment, country, at, at]).lastrowid)


def add_invoice(store, debtor: int, number: str, issue: D, due: D, cents: int, *, delivery: D | None = None) -> int:
    at = store.now()
    return store.write(lambda db: db.execute(
        "INSERT INTO invoices (number, debtor_id, issue_date, due_date, amount_cents, delivery_date, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [number, debtor, issue.isoformat(), due.isoformat(), cents, delivery.isoformat() if delivery else None, at,
         at]).lastrowid)


def card_invoice(store, debtor: int, number: str, as_of: D = TODAY):
    card = debtor_card(store, debtor, as_of=as_of, rates=load_rates(store))
    return next(i for i in card.invoices if i.number == number)


# -- limitation dates ----------------------------------------------------------------------------------
def test_limitation_runs_from_delivery_else_from_the_issue_date(store):
    d = add_debtor(store, "Garage Dupont")
    # delivered 01/03/2022, invoiced 10/03/2022, due 09/04/2022: 5 years between traders (C. com. L110-4)
    add_invoice(store, d, "FA-1", D(2022, 3, 10), D(2022, 4, 9), 100_000, delivery=D(2022, 3, 1))
    add_invoice(store, d, "FA-2", D(2022, 3, 10), D(2022, 4, 9), 100_000)
    fa1, fa2 = card_invoice(store, d, "FA-1"), card_invoice(store, d, "FA-2")
    assert fa1.limitation == D(2027, 3, 1)
    assert fa1.limitation_reason == "5 ans depuis la livraison du 01/03/2022"
    assert fa2.limitation == D(2027, 3, 10)  # the issue date, never the due date (which would give 09/04/2027)
    assert fa2.limitation_reason == "5 ans depuis la facture du 10/03/2022"


def test_a_part_payment_restarts_the_period_a_settling_one_or_a_late_one_does_not(store):
    d = add_debtor(store, "Julie Martin", segment="b2c")  # 2 years against a consumer (C. conso L218-2)
    add_invoice(store, d, "FA-1", D(2024, 6, 15), D(2024, 7, 15), 100_000)
    assert card_invoice(store, d, "FA-1").limitation == D(2026, 6, 15)
    # 300 € paid on 20/05/2025, 700 € still owed: an acknowledgement (C. civ. 2240), 2 years from it
    record_payment(store, d, day=D(2025, 5, 20), amount_cents=30_000, today=TODAY)
    fa1 = card_invoice(store, d, "FA-1")
    assert fa1.limitation == D(2027, 5, 20)
    assert fa1.limitation_reason == "2 ans depuis paiement partiel du 20/05/2025 (interruption)"
    # an invoice time-barred on 10/01/2026 (issued 10/01/2024): a part-payment after that revives nothing
    add_invoice(store, d, "FA-2", D(2024, 1, 10), D(2024, 2, 9), 50_000)
    record_payment(store, d, day=D(2026, 3, 1), amount_cents=10_000, today=TODAY)  # on FA-2, due first
    fa2 = card_invoice(store, d, "FA-2")
    assert fa2.balance_cents == 40_000
    assert (fa2.limitation, fa2.limitation_reason) == (D(2026, 1, 10), "2 ans depuis la facture du 10/01/2024")


def test_a_written_promise_recorded_as_an_act_restarts_the_period(store):
    d = add_debtor(store, "Garage Dupont")
    fa = add_invoice(store, d, "FA-9", D(2021, 12, 1), D(2021, 12, 31), 250_000)
    assert card_invoice(store, d, "FA-9").limitation == D(2026, 12, 1)  # 8 days left on 23/11/2026
    act = record_act(store, d, "acknowledgement", D(2026, 11, 20), "letter", detail="courrier signé du gérant",
                     form="written_promise", today=TODAY)
    assert act.numbers == ("FA-9",) and act.warnings == ()
    fa9 = card_invoice(store, d, "FA-9")
    assert fa9.limitation == D(2031, 11, 20)
    assert fa9.limitation_reason == "5 ans depuis promesse écrite du 20/11/2026 (interruption)"
    # one transaction: the event on the timeline, its invoice, the act's row pointing at it
    event = store.db.execute("SELECT id, kind, direction, outcome, agent, notes FROM events WHERE id = ?",
                             [act.event_id]).fetchone()
    assert event[1:] == ("note", "in", "acknowledgement", "marie",
                         "Reconnaissance de dette (promesse écrite, courrier simple) du 20/11/2026 : FA-9 — "
                         "courrier signé du gérant")
    assert store.db.execute("SELECT invoice_id FROM event_invoices WHERE event_id = ?", [act.event_id]).fetchall() \
        == [(fa,)]
    acts = store.db.execute("SELECT invoice_id, kind, day, channel, detail, event_id, agent FROM legal_acts")
    assert acts.fetchall() == [(fa, "acknowledgement", "2026-11-20", "letter", "courrier signé du gérant",
                                act.event_id, "marie")]


def test_a_payment_plan_after_the_period_ran_out_revives_nothing_and_says_so(store):
    d = add_debtor(store, "Garage Dupont")
    add_invoice(store, d, "FA-3", D(2021, 6, 1), D(2021, 7, 1), 80_000)  # time-barred after 01/06/2026
    act = record_act(store, d, "acknowledgement", D(2026, 11, 20), form="payment_plan", today=TODAY)
    assert act.warnings == ("FA-3 était prescrite depuis le 02/06/2026 : cette reconnaissance n'interrompt plus "
                            "la prescription",)
    fa3 = card_invoice(store, d, "FA-3")
    assert (fa3.limitation, fa3.limitation_reason) == (D(2026, 6, 1), "5 ans depuis la facture du 01/06/2021")


# -- what record_act refuses ---------------------------------------------------------------------------
def test_record_act_refuses_with_french_reasons_and_writes_nothing(store):
    fr_consumer = add_debtor(store, "Julie Martin", segment="b2c")
    add_invoice(store, fr_consumer, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 100_000)
    later = add_invoice(store, fr_consumer, "FA-2", D(2026, 11, 1), D(2026, 12, 1), 50_000)
    other = add_invoice(store, add_debtor(store, "Autre"), "FA-3", D(2026, 9, 1), D(2026, 10, 1), 100_000)
    cases = [
        (dict(kind="formal_notice", day=D(2026, 11, 24), channel="registered"), "date dans le futur"),
        (dict(kind="formal_notice", day=TODAY, channel=""), "indiquez le canal (lettre recommandée AR, courrier "
                                                             "simple, remise en main propre)"),
        (dict(kind="formal_notice", day=TODAY, channel="email"), "« email » n'est pas un canal possible"),
        (dict(kind="first_reminder", day=TODAY, channel="email"), "réservé aux consommateurs belges"),
        (dict(kind="acknowledgement", day=TODAY), "choisissez sa forme (promesse écrite ou plan de paiement)"),
        (dict(kind="formal_notice", day=TODAY, channel="registered", invoice_ids=[later]),
         "FA-2 n'est échue que le 01/12/2026"),
        (dict(kind="formal_notice", day=D(2026, 9, 30), channel="registered"),
         "aucune facture ouverte échue à cette date"),
        (dict(kind="seizure", day=TODAY), "acte inconnu"),
    ]
    for kw, message in cases:
        with pytest.raises(ValueError, match=re.escape(message)):
            record_act(store, fr_consumer, today=TODAY, **kw)
    with pytest.raises(NotFound, match="n'appartient pas à ce débiteur"):
        record_act(store, fr_consumer, "formal_notice", TODAY, "registered", [other], today=TODAY)
    assert store.db.execute("SELECT COUNT(*) FROM legal_acts").fetchone()[0] == 0
    assert store.db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 0
    # by default a formal notice covers the invoices already due on its day: FA-1, not FA-2
    act = record_act(store, fr_consumer, "formal_notice", TODAY, "registered", today=TODAY)
    assert act.numbers == ("FA-1",)
    assert store.db.execute("SELECT kind, outcome, direction FROM events").fetchall() == [
        ("letter", "formal_notice", "out")]


# -- the penalty figures the acts open -----------------------------------------------------------------
def test_french_consumer_owes_legal_interest_from_the_formal_notice_recorded(store):
    d = add_debtor(store, "Julie Martin", segment="b2c")
    add_invoice(store, d, "FA-1", D(2026, 1, 1), D(2026, 1, 31), 100_000)
    as_of = D(2026, 6, 30)
    assert card_invoice(store, d, "FA-1", as_of).penalty_cents == 0  # no L441-10 penalty, no 40 €, no notice yet
    record_act(store, d, "formal_notice", D(2026, 3, 2), "registered", today=as_of)
    # legal interest, "autres cas" rate of H1 2026: 2.62 %, from 03/03 to 30/06/2026: 29 + 30 + 31 + 30 = 120
    # days; 100000 x 262 x 120 / (10000 x 365) = 3144000000 / 3650000 = 861.37 -> 861; no indemnity
    assert card_invoice(store, d, "FA-1", as_of).penalty_cents == 861


def test_a_notice_older_than_the_invoice_does_not_hide_a_later_one(store):
    """record_act refuses a notice on an invoice not yet due; a row that predates that rule (or was written
    by hand) must not hide the valid notice that came after it."""
    d = add_debtor(store, "Julie Martin", segment="b2c")
    inv = add_invoice(store, d, "FA-1", D(2026, 1, 1), D(2026, 1, 31), 100_000)
    store.db.execute("INSERT INTO legal_acts (debtor_id, invoice_id, kind, day, channel, agent, at) "
                     "VALUES (?, ?, 'formal_notice', '2026-01-10', 'registered', 'x', 'x')", [d, inv])
    as_of = D(2026, 6, 30)
    assert card_invoice(store, d, "FA-1", as_of).penalty_cents == 0  # premature: puts nobody in default
    record_act(store, d, "formal_notice", D(2026, 3, 2), "registered", today=as_of)
    assert card_invoice(store, d, "FA-1", as_of).penalty_cents == 861  # the same 120 days as above


def test_belgian_consumer_owes_nothing_until_14_days_after_the_free_reminder(store):
    set_office_terms(store, OfficeTerms(be_consumer_damage_clause=True))  # the terms of sale hold one
    d = add_debtor(store, "Luc Peeters", segment="b2c", country="BE")
    add_invoice(store, d, "F-1", D(2026, 1, 1), D(2026, 1, 31), 100_000)
    assert card_invoice(store, d, "F-1", D(2026, 6, 30)).penalty_cents == 0  # no reminder: nothing
    act = record_act(store, d, "first_reminder", D(2026, 2, 10), "email", today=D(2026, 2, 10))
    assert store.db.execute("SELECT kind FROM events WHERE id = ?", [act.event_id]).fetchone() == ("email",)
    # by email on 10/02: the 14 days run from 11/02 to 24/02 (CDE XIX.2 §1)
    grace_end = be_consumer_grace_end(D(2026, 2, 10), "email", OfficeCalendar("BE"))
    assert grace_end == D(2026, 2, 24)
    assert card_invoice(store, d, "F-1", grace_end).penalty_cents == 0
    # the day after: one day at the Belgian legal rate 4.5 % (100000 x 450 / 3650000 = 12.33 -> 12) and the
    # damage clause's most on 1,000 €: 65 € + 5 % of 500 € = 90 €
    assert card_invoice(store, d, "F-1", D(2026, 2, 25)).penalty_cents == 12 + 9_000
    # 30/06: 4 + 31 + 30 + 31 + 30 = 126 days: 100000 x 450 x 126 / 3650000 = 1553.42 -> 1553
    assert card_invoice(store, d, "F-1", D(2026, 6, 30)).penalty_cents == 1_553 + 9_000
    with pytest.raises(ValueError, match="aucune facture ouverte échue à cette date sans premier rappel"):
        record_act(store, d, "first_reminder", D(2026, 3, 1), "letter", today=D(2026, 3, 1))
    # without a damage clause in the terms of sale: the interest alone
    set_office_terms(store, OfficeTerms())
    assert card_invoice(store, d, "F-1", D(2026, 6, 30)).penalty_cents == 1_553


def test_a_damage_clause_is_charged_once_on_the_debt_the_free_reminder_named(store):
    """Ten invoices of 30 EUR named in one reminder are one balance of 300 EUR: 30 + 10 % x 150 = 45 EUR,
    not ten times 20 EUR (CDE XIX.4 §1: "le solde restant dû")."""
    set_office_terms(store, OfficeTerms(be_consumer_damage_clause=True))
    d = add_debtor(store, "Luc Peeters", segment="b2c", country="BE")
    for n in range(10):
        add_invoice(store, d, f"F-{n}", D(2026, 1, 1), D(2026, 1, 31 - n), 3_000)
    record_act(store, d, "first_reminder", D(2026, 2, 10), "email", today=D(2026, 2, 10))
    card = debtor_card(store, d, as_of=D(2026, 2, 25), rates=load_rates(store))
    # one day (25/02) of interest at 4.5 % on each: 3000 x 450 / 3650000 = 0.37 -> 0 cent each
    assert sum(i.penalty_cents for i in card.invoices) == 4_500
    assert [i.penalty_cents for i in card.invoices if i.penalty_cents] == [4_500]  # on the oldest
    assert next(i for i in card.invoices if i.penalty_cents).number == "F-9"
    # a later, separate reminder names another debt: its own scale
    add_invoice(store, d, "G-1", D(2026, 2, 1), D(2026, 2, 20), 20_000)
    record_act(store, d, "first_reminder", D(2026, 2, 23), "email", today=D(2026, 2, 23),
               invoice_ids=[store.db.execute("SELECT id FROM invoices WHERE number = 'G-1'").fetchone()[0]])
    card = debtor_card(store, d, as_of=D(2026, 3, 20), rates=load_rates(store))
    g1 = next(i for i in card.invoices if i.number == "G-1")
    # 200 EUR: 30 + 10 % x 50 = 35 EUR; interest 20000 x 450 x 11 / 3650000 = 27.12 -> 27 (10/03..20/03)
    assert g1.penalty_cents == 3_500 + 27


# -- the queue's look-up -------------------------------------------------------------------------------
def test_near_limitations_keeps_the_90_days_before_not_after(store):
    near = add_debtor(store, "Proche")
    add_invoice(store, near, "FA-1", D(2021, 12, 1), D(2021, 12, 31), 10_000)  # 01/12/2026: in 8 days
    add_invoice(store, near, "FA-2", D(2022, 2, 1), D(2022, 3, 3), 10_000)  # 01/02/2027: in 70 days
    edge = add_debtor(store, "Limite")
    add_invoice(store, edge, "FA-3", D(2022, 2, 21), D(2022, 3, 23), 10_000)  # 21/02/2027: in 90 days
    far = add_debtor(store, "Loin")
    add_invoice(store, far, "FA-4", D(2022, 2, 22), D(2022, 3, 24), 10_000)  # 22/02/2027: in 91 days
    barred = add_debtor(store, "Prescrit")
    add_invoice(store, barred, "FA-5", D(2021, 11, 1), D(2021, 12, 1), 10_000)  # 01/11/2026: past
    consumer = add_debtor(store, "Julie Martin", segment="b2c")
    add_invoice(store, consumer, "FA-6", D(2025, 1, 10), D(2025, 2, 9), 10_000)  # 10/01/2027: 2 years, in 48 days
    assert near_limitations(store, TODAY) == {near: (D(2026, 12, 1), "FA-1"), edge: (D(2027, 2, 21), "FA-3"),
                                              consumer: (D(2027, 1, 10), "FA-6")}
    # a written promise pushes FA-6 two years on: the consumer leaves the list
    record_act(store, consumer, "acknowledgement", D(2026, 11, 2), form="written_promise", today=TODAY)
    assert consumer not in near_limitations(store, TODAY)


# -- warnings: the overdue list's rows, the queue's order ----------------------------------------------
def test_list_rows_carry_the_nearest_limitation_date_of_their_invoices(store):
    from relance_tui.store.overdue import OverdueQuery, fetch_rows, matching_ids

    d = add_debtor(store, "Garage Dupont")
    add_invoice(store, d, "FA-1", D(2022, 2, 1), D(2022, 3, 3), 10_000)  # 01/02/2027: in 70 days
    add_invoice(store, d, "FA-2", D(2021, 12, 20), D(2022, 1, 19), 10_000)  # 20/12/2026: in 27 days
    add_invoice(store, d, "FA-3", D(2023, 1, 5), D(2023, 2, 4), 10_000)  # 05/01/2028: far
    rates = load_rates(store)
    q = OverdueQuery(TODAY)
    rows = {r.number: r for r in fetch_rows(store, q, list(matching_ids(store, q)), rates)}
    assert {n: r.limitation for n, r in rows.items()} == {
        "FA-1": D(2027, 2, 1), "FA-2": D(2026, 12, 20), "FA-3": D(2028, 1, 5)}
    per_debtor = OverdueQuery(TODAY, per_debtor=True)
    [row] = fetch_rows(store, per_debtor, list(matching_ids(store, per_debtor)), rates)
    assert row.limitation == D(2026, 12, 20)


def test_the_queue_calls_a_debtor_near_limitation_before_bigger_ones(store):
    from relance_tui.store.queue import work_queue

    big = add_debtor(store, "Gros client")
    add_invoice(store, big, "FA-1", D(2025, 9, 1), D(2025, 10, 1), 5_000_000)  # 50,000 €, far from limitation
    small = add_debtor(store, "Petit client")
    add_invoice(store, small, "FA-2", D(2021, 12, 20), D(2022, 1, 19), 10_000)  # 100 €, time-barred in 27 days
    later = add_debtor(store, "Client moyen")
    add_invoice(store, later, "FA-3", D(2022, 2, 1), D(2022, 3, 3), 10_000)  # 100 €, in 70 days
    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone.utc)
    items = work_queue(store, now=now, today=TODAY)
    assert [(i.debtor_id, i.reason, i.limitation) for i in items] == [
        (small, "limitation", D(2026, 12, 20)), (later, "limitation", D(2027, 2, 1)), (big, "priority", None)]
    # an acknowledgement pushes the date five years on: back among the others, by score
    record_act(store, small, "acknowledgement", D(2026, 11, 2), form="payment_plan", today=TODAY)
    items = work_queue(store, now=now, today=TODAY)
    assert [(i.debtor_id, i.reason) for i in items] == [(later, "limitation"), (big, "priority"), (small, "priority")]


def test_a_debtor_of_unknown_country_follows_the_office_for_its_limitation_period(store):
    d = add_debtor(store, "Sans pays", country="")
    add_invoice(store, d, "FA-1", D(2021, 12, 20), D(2022, 1, 19), 10_000)
    assert near_limitations(store, TODAY, country="FR") == {d: (D(2026, 12, 20), "FA-1")}  # 5 years: in 27 days
    assert near_limitations(store, TODAY, country="BE") == {}  # 10 years between Belgian enterprises: 2031
    card = debtor_card(store, d, as_of=TODAY, rates=load_rates(store), country="BE")
    assert card.invoices[0].limitation_reason == "10 ans depuis la facture du 20/12/2021"
