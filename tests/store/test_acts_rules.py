"""Rules of the legal acts pinned one by one (store/acts.py): each refusal's exact French words, the invoices
an act covers on its very day, invoices found by number (issue 14)."""

from __future__ import annotations

import datetime as dt

import pytest

from relance_tui.errors import NotFound, ReadOnlyDatabase
from relance_tui.store import open_store
from relance_tui.store.acts import check_act, invoice_ids_by_number, record_act
from relance_tui.store.cards import record_payment
from tests.store.test_acts import add_debtor, add_invoice

D = dt.date
TODAY = D(2026, 11, 23)


def refusal(fn, *args, **kwargs) -> str:
    with pytest.raises((ValueError, NotFound)) as caught:
        fn(*args, **kwargs)
    return str(caught.value)


# -- check_act -----------------------------------------------------------------------------------------
def test_an_unknown_act_names_the_ones_known() -> None:
    assert refusal(check_act, "seizure", TODAY, "", today=TODAY) == (
        "acte inconnu : 'seizure' (attendu : formal_notice, first_reminder, acknowledgement)")


def test_an_act_dated_tomorrow_is_refused_one_dated_today_is_not() -> None:
    assert refusal(check_act, "formal_notice", D(2026, 11, 24), "registered", today=TODAY) == (
        "mise en demeure datée du 24/11/2026 : une date dans le futur n'est pas un acte accompli")
    assert check_act("formal_notice", TODAY, "registered", today=TODAY) is None


def test_a_channel_missing_or_not_allowed_lists_the_act_s_channels_in_words() -> None:
    assert refusal(check_act, "formal_notice", TODAY, "", today=TODAY) == (
        "mise en demeure : indiquez le canal (lettre recommandée AR, courrier simple, remise en main propre)")
    assert refusal(check_act, "first_reminder", TODAY, "hand", today=TODAY) == (
        "premier rappel gratuit : « hand » n'est pas un canal possible ; indiquez le canal (email, courrier simple, "
        "lettre recommandée AR)")
    # an acknowledgement may come with no channel: the choice "none" is not listed as a word
    assert refusal(check_act, "acknowledgement", TODAY, "fax", today=TODAY, form="payment_plan") == (
        "reconnaissance de dette : « fax » n'est pas un canal possible ; indiquez le canal (email, courrier simple, "
        "lettre recommandée AR, remise en main propre)")


def test_an_acknowledgement_needs_its_form() -> None:
    assert refusal(check_act, "acknowledgement", TODAY, "", today=TODAY) == (
        "reconnaissance de dette : choisissez sa forme (promesse écrite ou plan de paiement)")
    assert check_act("acknowledgement", TODAY, "", today=TODAY, form="written_promise") is None


# -- the invoices an act covers ------------------------------------------------------------------------
def test_an_invoice_chosen_is_refused_with_its_number_and_the_day_written_in_full(store) -> None:
    d = add_debtor(store, "Julie Martin", segment="b2c")
    paid = add_invoice(store, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 10_000)
    record_payment(store, d, day=D(2026, 11, 2), amount_cents=10_000, today=TODAY)
    not_due = add_invoice(store, d, "FA-2", D(2026, 11, 1), D(2026, 12, 1), 50_000)
    not_issued = add_invoice(store, d, "FA-3", D(2026, 10, 15), D(2026, 11, 14), 50_000)
    credit = add_invoice(store, d, "AV-1", D(2026, 10, 1), D(2026, 10, 1), -5_000)

    def act(ids, day=TODAY):
        return refusal(record_act, store, d, "formal_notice", day, "registered", ids, today=TODAY)

    assert act([not_due]) == "mise en demeure du 23/11/2026 : FA-2 n'est échue que le 01/12/2026"
    assert act([not_issued], D(2026, 10, 1)) == "mise en demeure du 01/10/2026 : FA-3 n'est émise que le 15/10/2026"
    assert act([paid]) == "mise en demeure : FA-1 est soldée"
    assert act([credit]) == "mise en demeure : AV-1 est un avoir"
    assert act([]) == "mise en demeure : cochez au moins une facture"


def test_an_act_covers_an_invoice_issued_and_due_on_its_very_day(store) -> None:
    d = add_debtor(store, "Garage Dupont")
    add_invoice(store, d, "FA-1", D(2026, 11, 20), D(2026, 11, 20), 10_000)
    add_invoice(store, d, "FA-2", D(2026, 11, 20), D(2026, 11, 21), 10_000)  # due the day after: not yet
    act = record_act(store, d, "formal_notice", D(2026, 11, 20), "registered", today=TODAY)
    assert act.numbers == ("FA-1",)


def test_a_first_reminder_is_once_per_invoice_and_said_with_the_day_of_the_first(store) -> None:
    d = add_debtor(store, "Luc Peeters", segment="b2c", country="BE")
    inv = add_invoice(store, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 10_000)
    record_act(store, d, "first_reminder", D(2026, 11, 2), "email", today=TODAY, office_country="BE")
    assert refusal(record_act, store, d, "first_reminder", TODAY, "email", [inv], today=TODAY, office_country="BE") \
        == "premier rappel gratuit : FA-1 a déjà eu le sien le 02/11/2026"
    assert refusal(record_act, store, d, "first_reminder", TODAY, "email", today=TODAY, office_country="BE") == (
        "premier rappel gratuit du 23/11/2026 : aucune facture ouverte échue à cette date sans premier rappel pour ce "
        "débiteur")


def test_an_act_with_nothing_open_says_so_without_a_due_date_for_an_acknowledgement(store) -> None:
    d = add_debtor(store, "Garage Dupont")
    assert refusal(record_act, store, d, "acknowledgement", TODAY, "", today=TODAY, form="payment_plan") == (
        "reconnaissance de dette du 23/11/2026 : aucune facture ouverte pour ce débiteur")


def test_a_first_reminder_for_a_french_consumer_names_its_regime(store) -> None:
    d = add_debtor(store, "Julie Martin", segment="b2c")
    add_invoice(store, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 10_000)
    assert refusal(record_act, store, d, "first_reminder", TODAY, "email", today=TODAY) == (
        "premier rappel gratuit : réservé aux consommateurs belges (livre XIX du Code de droit économique) ; ce "
        "débiteur relève du régime particulier (France). Vérifiez son pays et son type, ou notez un rappel ordinaire.")
    assert refusal(record_act, store, 999, "formal_notice", TODAY, "registered", today=TODAY) == (
        "débiteur n°999 introuvable")


def test_a_read_only_post_is_told_which_act_it_cannot_record(store, db_path) -> None:
    d = add_debtor(store, "Garage Dupont")
    add_invoice(store, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 10_000)
    reader = open_store(db_path, agent="karim", readonly=True)
    try:
        with pytest.raises(ReadOnlyDatabase, match=r"^enregistrement : mise en demeure impossible"):
            record_act(reader, d, "formal_notice", TODAY, "registered", today=TODAY)
    finally:
        reader.close()


# -- invoices by number --------------------------------------------------------------------------------
def test_invoices_are_found_by_number_in_the_order_asked_and_only_the_debtor_s(store) -> None:
    d = add_debtor(store, "Garage Dupont")
    first = add_invoice(store, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 10_000)
    second = add_invoice(store, d, "FA-2", D(2026, 9, 1), D(2026, 10, 1), 10_000)
    other = add_debtor(store, "Boulangerie Martin")
    add_invoice(store, other, "FA-3", D(2026, 9, 1), D(2026, 10, 1), 10_000)
    assert invoice_ids_by_number(store.conn, d, ["FA-2", "FA-1", "FA-2"]) == [second, first]
    assert refusal(invoice_ids_by_number, store.conn, d, ["FA-1", "FA-3"]) == "facture 'FA-3' introuvable pour ce débiteur"
