"""Rules of the debtor card and the edits made from it pinned one by one (store/cards.py): a note, a contact
edited, the language chosen, a payment entered by hand, penalties waived, what the card shows (issue 14)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from relance_tui.errors import NotFound, ReadOnlyDatabase, StaleEdit
from relance_tui.store import open_store
from relance_tui.store.cards import (
    add_note,
    debtor_card,
    invoice_attachments,
    record_payment,
    set_language,
    update_contact,
    waive_penalties,
)
from relance_tui.store.queries import load_rates
from tests.helpers import FakeClock

D = dt.date
TODAY = D(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.timezone.utc)
STAMP = "2026-11-23T09:30:00Z"


@pytest.fixture
def office(store):
    """The test store with its clock stopped at 23/11/2026 09:30 UTC."""
    store.clock = FakeClock(NOW)
    return store


def add_debtor(store, name: str = "Garage Dupont", *, country: str = "FR", postcode: str = "",
               language: str = "", segment: str = "b2b") -> int:
    at = store.now()
    return store.write(lambda db: db.execute(
        "INSERT INTO debtors (name, kind, segment, country, postcode, language, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [name, "person" if segment == "b2c" else "company", segment, country, postcode, language, at, at]).lastrowid)


def add_invoice(store, debtor: int, number: str, issue: D, due: D, cents: int, *, paid: int = 0,
                attachment: str | None = None) -> int:
    at = store.now()
    return store.write(lambda db: db.execute(
        "INSERT INTO invoices (number, debtor_id, issue_date, due_date, amount_cents, paid_cents, attachment_path, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [number, debtor, issue.isoformat(), due.isoformat(), cents, paid, attachment, at, at]).lastrowid)


def add_contact(store, debtor: int, name: str = "Jean Dupond", *, phone: str = "01 23 45 67 89",
                email: str = "jean@dupont.fr", releases: bool = False) -> int:
    at = store.now()
    return store.write(lambda db: db.execute(
        "INSERT INTO contacts (debtor_id, name, role, phone, email, can_release_payment, created_at, updated_at) "
        "VALUES (?, ?, 'comptable', ?, ?, ?, ?, ?)", [debtor, name, phone, email, int(releases), at, at]).lastrowid)


def events(store, debtor: int, kind: str) -> list[tuple]:
    return store.conn.execute("SELECT at, agent, outcome, notes, data FROM events WHERE debtor_id = ? AND kind = ? "
                              "ORDER BY id", [debtor, kind]).fetchall()


def refused(fn, *args, **kwargs) -> str:
    with pytest.raises((ValueError, NotFound)) as caught:
        fn(*args, **kwargs)
    return str(caught.value)


def read_only_refusal(db_path, fn, *args, **kwargs) -> str:
    reader = open_store(db_path, agent="karim", readonly=True)
    try:
        with pytest.raises(ReadOnlyDatabase) as caught:
            fn(reader, *args, **kwargs)
    finally:
        reader.close()
    return str(caught.value)


# -- a note --------------------------------------------------------------------------------------------
def test_a_note_is_written_on_the_debtor_s_timeline_trimmed_with_who_and_when(office) -> None:
    d = add_debtor(office)
    event_id = add_note(office, d, "  Rappeler après le 15, le gérant est en congés.\n")
    assert office.conn.execute("SELECT id, at, debtor_id, kind, agent, notes, data FROM events WHERE kind = 'note'"
                               ).fetchall() == [
        (event_id, STAMP, d, "note", "marie", "Rappeler après le 15, le gérant est en congés.", None)]


def test_an_empty_note_is_refused_and_nothing_is_written(office) -> None:
    d = add_debtor(office)
    assert refused(add_note, office, d, "   \n ") == "note vide"
    assert events(office, d, "note") == []


def test_a_read_only_post_is_told_it_cannot_add_the_note(office, db_path) -> None:
    d = add_debtor(office)
    assert read_only_refusal(db_path, add_note, d, "Rappeler demain").startswith("ajout de la note impossible")


# -- a contact -----------------------------------------------------------------------------------------
def test_a_contact_edited_is_saved_a_version_up_with_who_and_when(office) -> None:
    d = add_debtor(office)
    c = add_contact(office, d)
    office.clock.advance(60)
    assert update_contact(office, c, 1, {"phone": "06 11 22 33 44", "can_release_payment": 1}) == 2
    assert office.conn.execute("SELECT name, phone, can_release_payment, version, updated_at, updated_by "
                               "FROM contacts WHERE id = ?", [c]).fetchone() == (
        "Jean Dupond", "06 11 22 33 44", 1, 2, "2026-11-23T09:31:00Z", "marie")


def test_the_edit_event_names_the_contact_and_the_fields_changed_in_order_and_only_those(office) -> None:
    d = add_debtor(office)
    c = add_contact(office, d)
    office.clock.advance(60)
    update_contact(office, c, 1, {"role": "comptable", "phone": "06 11 22 33 44", "email": "j.dupond@dupont.fr"})
    ((at, agent, outcome, notes, data),) = events(office, d, "edit")
    assert (at, agent, outcome) == ("2026-11-23T09:31:00Z", "marie", "contact")
    assert notes == "Contact Jean Dupond modifié : email, phone"  # the role was already 'comptable'
    assert json.loads(data) == {"contact_id": c, "changes": {"email": ["jean@dupont.fr", "j.dupond@dupont.fr"],
                                                             "phone": ["01 23 45 67 89", "06 11 22 33 44"]}}


def test_a_renamed_contact_is_named_by_its_new_name(office) -> None:
    d = add_debtor(office)
    c = add_contact(office, d)
    update_contact(office, c, 1, {"name": "Jeanne Dupond"})
    assert [e[3] for e in events(office, d, "edit")] == ["Contact Jeanne Dupond modifié : name"]


def test_a_contact_saved_unchanged_writes_no_event_but_takes_a_version(office) -> None:
    d = add_debtor(office)
    c = add_contact(office, d)
    assert update_contact(office, c, 1, {"name": "Jean Dupond", "phone": "01 23 45 67 89"}) == 2
    assert events(office, d, "edit") == []


def test_a_debtor_is_found_by_its_contact_s_new_phone_and_email(office) -> None:
    d = add_debtor(office)
    other = add_debtor(office, "Boulangerie Martin")
    c = add_contact(office, d)
    add_contact(office, other, "Paul Martin", phone="", email="")
    update_contact(office, c, 1, {"phone": "06 11 22 33 44", "email": "J.Dupond@Dupont.fr"})
    search = office.conn.execute("SELECT search FROM debtors WHERE id = ?", [d]).fetchone()[0]
    assert search == "garage dupont | jean dupond 0611223344 j.dupond@dupont.fr"


def test_a_contact_changed_meanwhile_is_not_overwritten(office) -> None:
    d = add_debtor(office)
    c = add_contact(office, d)
    update_contact(office, c, 1, {"phone": "06 11 22 33 44"})
    with pytest.raises(StaleEdit, match=r"version lue 1, version actuelle 2"):
        update_contact(office, c, 1, {"phone": "07 00 00 00 00"})
    assert office.conn.execute("SELECT phone FROM contacts WHERE id = ?", [c]).fetchone() == ("06 11 22 33 44",)


def test_a_contact_s_unknown_fields_are_refused_by_name(office) -> None:
    d = add_debtor(office)
    c = add_contact(office, d)
    assert refused(update_contact, office, c, 1, {"mobile": "06", "fax": "01", "phone": "02"}) == (
        "champs inconnus : ['fax', 'mobile']")


@pytest.mark.parametrize("name", ["", "   "])
def test_a_contact_s_name_cannot_be_emptied(office, name) -> None:
    d = add_debtor(office)
    c = add_contact(office, d)
    assert refused(update_contact, office, c, 1, {"name": name}) == "le nom du contact ne peut pas être vide"
    assert office.conn.execute("SELECT name, version FROM contacts WHERE id = ?", [c]).fetchone() == (
        "Jean Dupond", 1)


def test_an_unknown_contact_is_said_by_its_number(office) -> None:
    assert refused(update_contact, office, 999, 1, {"phone": "06"}) == "contact n°999 introuvable"


def test_a_read_only_post_is_told_it_cannot_save_the_contact(office, db_path) -> None:
    d = add_debtor(office)
    c = add_contact(office, d)
    assert read_only_refusal(db_path, update_contact, c, 1, {"phone": "06"}).startswith(
        "enregistrement du contact impossible")


# -- the invoices' attachments -------------------------------------------------------------------------
def test_the_invoices_attachments_come_by_number_with_the_path_as_recorded(office) -> None:
    d = add_debtor(office)
    b = add_invoice(office, d, "FA-2", D(2026, 9, 1), D(2026, 10, 1), 100_00, attachment="factures/FA-2.pdf")
    a = add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 100_00)
    add_invoice(office, d, "FA-3", D(2026, 9, 1), D(2026, 10, 1), 100_00, attachment="factures/FA-3.pdf")
    assert invoice_attachments(office, [b, a]) == [(a, "FA-1", None), (b, "FA-2", "factures/FA-2.pdf")]
    assert invoice_attachments(office, []) == []


# -- the language ----------------------------------------------------------------------------------------
def test_a_language_chosen_is_written_a_version_up_with_its_event(office) -> None:
    d = add_debtor(office, language="en")
    office.clock.advance(60)
    assert set_language(office, d, "nl") is True
    assert office.conn.execute("SELECT language, version, updated_at, updated_by FROM debtors WHERE id = ?",
                               [d]).fetchone() == ("nl", 2, "2026-11-23T09:31:00Z", "marie")
    ((at, agent, outcome, notes, data),) = events(office, d, "edit")
    assert (at, agent, outcome) == ("2026-11-23T09:31:00Z", "marie", "language")
    assert notes == "Langue des courriers : anglais → néerlandais"
    assert json.loads(data) == {"changes": {"language": ["en", "nl"]}}


def test_a_flemish_debtor_with_no_language_was_written_to_in_dutch_before_french_is_chosen(office) -> None:
    d = add_debtor(office, "Brouwerij De Smet", country="BE", postcode="9000")
    assert set_language(office, d, "fr") is True
    ((_, _, _, notes, data),) = events(office, d, "edit")
    assert notes == "Langue des courriers : néerlandais → français"
    assert json.loads(data) == {"changes": {"language": ["", "fr"]}}


def test_a_brussels_debtor_with_no_language_was_written_to_in_french(office) -> None:
    d = add_debtor(office, "Brasserie Dupuis", country="BE", postcode="1000")
    assert set_language(office, d, "fr") is True
    assert [e[3] for e in events(office, d, "edit")] == ["Langue des courriers : français, choisie sur la fiche"]


def test_the_language_already_chosen_writes_nothing(office) -> None:
    d = add_debtor(office, language="nl")
    assert set_language(office, d, "nl") is False
    assert events(office, d, "edit") == []
    assert office.conn.execute("SELECT version FROM debtors WHERE id = ?", [d]).fetchone() == (1,)


def test_an_unknown_language_or_debtor_is_refused(office) -> None:
    assert refused(set_language, office, add_debtor(office), "de") == "langue inconnue : 'de' (fr, nl ou en)"
    assert refused(set_language, office, 999, "fr") == "débiteur n°999 introuvable"


def test_a_read_only_post_is_told_it_cannot_choose_the_language(office, db_path) -> None:
    d = add_debtor(office)
    assert read_only_refusal(db_path, set_language, d, "en").startswith("choix de la langue impossible")


# -- the card: the debtor, its contacts, promises, disputes, timeline --------------------------------------
def card_of(store, debtor: int, **kw):
    return debtor_card(store, debtor, as_of=TODAY, rates=load_rates(store), **kw)


def test_the_card_shows_the_debtor_as_recorded(office) -> None:
    d = add_debtor(office, "Brouwerij De Smet", country="BE", postcode="9000", language="nl")
    office.write(lambda db: db.execute(
        "UPDATE debtors SET code = 'C042', siren = '732829320', siret = '73282932000074', address = 'Veldstraat 1', "
        "city = 'Gent', payment_terms_days = 45, profile = 'bad', account_manager = 'paul', "
        "preferred_channel = 'email', notes = 'Payeur lent', contract_rate_bp = 1200, "
        "formal_notice_date = '2026-10-21', enterprise_number = '0403170701', version = 4 WHERE id = ?", [d]))
    c = card_of(office, d)
    assert (c.id, c.code, c.name, c.kind, c.segment, c.siren, c.siret, c.address, c.postcode, c.city) == (
        d, "C042", "Brouwerij De Smet", "company", "b2b", "732829320", "73282932000074", "Veldstraat 1", "9000",
        "Gent")
    assert (c.payment_terms_days, c.profile, c.account_manager, c.preferred_channel, c.notes, c.version) == (
        45, "bad", "paul", "email", "Payeur lent", 4)
    assert (c.contract_rate_bp, c.formal_notice_date, c.country, c.enterprise_number, c.language) == (
        1200, "2026-10-21", "BE", "0403170701", "nl")
    assert (c.invoices, c.contacts, c.promises, c.recent, c.disputes, c.allocations) == ([], [], [], [], [], [])


def test_an_unknown_debtor_has_no_card(office) -> None:
    with pytest.raises(NotFound, match=r"^débiteur n°999 introuvable$"):
        card_of(office, 999)


def test_the_contacts_who_can_release_a_payment_come_first_then_in_the_order_entered(office) -> None:
    d = add_debtor(office)
    first = add_contact(office, d, "Jean Dupond")
    boss = add_contact(office, d, "Anne Dupont", phone="06 00 00 00 01", email="anne@dupont.fr", releases=True)
    last = add_contact(office, d, "Luc Petit", phone="", email="")
    office.write(lambda db: db.execute("UPDATE contacts SET phone2 = '01 99 99 99 99', notes = 'le matin', "
                                       "version = 3 WHERE id = ?", [last]))
    other = add_debtor(office, "Boulangerie Martin")
    add_contact(office, other, "Paul Martin")
    assert [(x.id, x.name, x.role, x.phone, x.phone2, x.email, x.can_release_payment, x.notes, x.version)
            for x in card_of(office, d).contacts] == [
        (boss, "Anne Dupont", "comptable", "06 00 00 00 01", "", "anne@dupont.fr", True, "", 1),
        (first, "Jean Dupond", "comptable", "01 23 45 67 89", "", "jean@dupont.fr", False, "", 1),
        (last, "Luc Petit", "comptable", "", "01 99 99 99 99", "", False, "le matin", 3)]


def test_the_promises_come_latest_due_first(office) -> None:
    d = add_debtor(office)

    def promise(cents: int, due: str, status: str, at: str) -> int:
        return office.write(lambda db: db.execute(
            "INSERT INTO promises (debtor_id, amount_cents, due_date, status, agent, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, 'paul', ?, ?)", [d, cents, due, status, at, at]).lastrowid)

    a = promise(50_00, "2026-10-15", "broken", "2026-10-01T10:00:00Z")
    b = promise(30_00, "2026-12-01", "pending", "2026-11-20T10:00:00Z")
    c = promise(20_00, "2026-12-01", "pending", "2026-11-21T10:00:00Z")
    assert [(p.id, p.amount_cents, p.due_date, p.status, p.agent, p.created_at)
            for p in card_of(office, d).promises] == [
        (c, 20_00, D(2026, 12, 1), "pending", "paul", "2026-11-21T10:00:00Z"),
        (b, 30_00, D(2026, 12, 1), "pending", "paul", "2026-11-20T10:00:00Z"),
        (a, 50_00, D(2026, 10, 15), "broken", "paul", "2026-10-01T10:00:00Z")]


def test_the_card_shows_the_ten_latest_events_newest_first_or_as_many_as_asked(office) -> None:
    d = add_debtor(office)
    add_note(office, add_debtor(office, "Boulangerie Martin"), "une autre fiche")
    for n in range(1, 13):
        add_note(office, d, f"note {n}")
    assert [e.notes for e in card_of(office, d).recent] == [f"note {n}" for n in range(12, 2, -1)]
    assert [e.notes for e in card_of(office, d, recent=2).recent] == ["note 12", "note 11"]
    (latest,) = card_of(office, d, recent=1).recent
    assert (latest.at, latest.debtor_id, latest.kind, latest.agent) == (STAMP, d, "note", "marie")


def test_open_disputes_come_first_newest_first_with_their_invoices_by_number(office) -> None:
    d = add_debtor(office)
    fa2 = add_invoice(office, d, "FA-2", D(2026, 9, 1), D(2026, 10, 1), 100_00)
    fa1 = add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 100_00)

    def dispute(category: str, status: str, invoices: list[int]) -> int:
        def write(db):
            i = db.execute("INSERT INTO disputes (debtor_id, category, status, notes, agent, created_at, updated_at) "
                           "VALUES (?, ?, ?, 'livraison incomplète', 'paul', ?, ?)",
                           [d, category, status, STAMP, STAMP]).lastrowid
            db.conn.executemany("INSERT INTO dispute_invoices (dispute_id, invoice_id) VALUES (?, ?)",
                                [(i, inv) for inv in invoices])
            return i
        return office.write(write)

    old_open = dispute("quality", "open", [fa2, fa1])
    resolved = dispute("price", "resolved", [fa1])
    new_open = dispute("other", "open", [])
    assert [(x.id, x.category, x.status, x.notes, x.agent, x.created_at, x.invoices)
            for x in card_of(office, d).disputes] == [
        (new_open, "other", "open", "livraison incomplète", "paul", STAMP, ""),
        (old_open, "quality", "open", "livraison incomplète", "paul", STAMP, "FA-1, FA-2"),
        (resolved, "price", "resolved", "livraison incomplète", "paul", STAMP, "FA-1")]


# -- the card: its invoices ------------------------------------------------------------------------------
ECB_H2_MISSING = "Taux de refinancement BCE du 2e semestre 2026 non saisi (relance rates set ecb 2026-07-01 TAUX)"


def test_an_open_invoice_shows_its_days_late_penalty_and_limitation(office) -> None:
    d = add_debtor(office)
    fa1 = add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 1_000_00)
    (inv,) = card_of(office, d).invoices
    assert (inv.id, inv.number, inv.issue_date, inv.due_date, inv.amount_cents, inv.paid_cents, inv.status) == (
        fa1, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 1_000_00, 0, "open")
    # 53 days late on 23/11/2026; ECB 2.15 % + 10 = 12.15 % (H2 2026 carried over from H1, to confirm):
    # 100000 * 1215 * 53 / 3650000 = 1764.25 -> 17,64 € of interest, and the 40 € indemnity
    assert (inv.days_late, inv.penalty_cents, inv.indemnity_cents) == (53, 1764 + 4000, 4000)
    assert inv.penalty_unconfirmed == (ECB_H2_MISSING,)
    assert (inv.penalty_unknown, inv.waived, inv.paid_late, inv.credited_cents, inv.credit_for) == (
        None, False, False, 0, None)
    assert (inv.limitation, inv.limitation_reason) == (D(2031, 9, 1), "5 ans depuis la facture du 01/09/2026")
    assert (inv.formal_notice, inv.first_reminder, inv.grace_end) == (None, None, None)


def test_invoices_come_by_due_date_then_as_entered(office) -> None:
    d = add_debtor(office)
    add_invoice(office, d, "FA-3", D(2026, 9, 1), D(2026, 10, 2), 100_00)
    add_invoice(office, d, "FA-2", D(2026, 9, 1), D(2026, 10, 1), 100_00)
    add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 100_00)
    add_invoice(office, add_debtor(office, "Boulangerie Martin"), "FB-1", D(2026, 9, 1), D(2026, 9, 2), 100_00)
    assert [i.number for i in card_of(office, d).invoices] == ["FA-2", "FA-1", "FA-3"]


def test_a_cent_due_yesterday_is_a_day_late_a_credit_note_or_an_invoice_of_nothing_never_is(office) -> None:
    d = add_debtor(office)
    add_invoice(office, d, "FA-1", D(2026, 11, 1), D(2026, 11, 22), 1)
    add_invoice(office, d, "AV-1", D(2026, 10, 1), D(2026, 10, 1), -50_00)
    add_invoice(office, d, "FA-0", D(2026, 10, 1), D(2026, 10, 1), 0)
    assert {i.number: i.days_late for i in card_of(office, d).invoices} == {"AV-1": 0, "FA-0": 0, "FA-1": 1}


def test_a_written_off_invoice_carries_no_penalty(office) -> None:
    d = add_debtor(office)
    fa1 = add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 1_000_00)
    office.write(lambda db: db.execute("UPDATE invoices SET status = 'written_off' WHERE id = ?", [fa1]))
    (inv,) = card_of(office, d).invoices
    assert (inv.status, inv.days_late, inv.penalty_cents, inv.indemnity_cents) == ("written_off", 53, 0, 0)


def test_limitation_runs_from_the_delivery_when_there_is_one(office) -> None:
    d = add_debtor(office)
    fa1 = add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 1_000_00)
    office.write(lambda db: db.execute("UPDATE invoices SET delivery_date = '2026-08-20' WHERE id = ?", [fa1]))
    (inv,) = card_of(office, d).invoices
    assert (inv.limitation, inv.limitation_reason) == (D(2031, 8, 20), "5 ans depuis la livraison du 20/08/2026")


def test_a_part_payment_reduces_the_interest_and_restarts_the_limitation(office) -> None:
    d = add_debtor(office)
    add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 1_000_00)
    record_payment(office, d, day=D(2026, 10, 2), amount_cents=200_00, today=TODAY)
    (inv,) = card_of(office, d).invoices
    assert (inv.paid_cents, inv.status, inv.paid_late) == (200_00, "open", False)
    # 1,000 € for 1 day, then 800 € for 52 days at 12.15 %:
    # (100000 * 1215 * 1 + 80000 * 1215 * 52) / 3650000 = 5175900000 / 3650000 = 1418.05
    assert inv.penalty_cents == 1418 + 4000
    assert (inv.limitation, inv.limitation_reason) == (
        D(2031, 10, 2), "5 ans depuis paiement partiel du 02/10/2026 (interruption)")


def test_an_invoice_paid_a_day_late_still_owes_its_penalties_one_paid_on_time_none(office) -> None:
    d = add_debtor(office)
    add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 500_00)
    add_invoice(office, d, "FA-2", D(2026, 9, 1), D(2026, 10, 1), 500_00)
    record_payment(office, d, day=D(2026, 10, 1), amount_cents=500_00, today=TODAY)
    record_payment(office, d, day=D(2026, 10, 2), amount_cents=500_00, today=TODAY)
    on_time, late = card_of(office, d).invoices
    assert (on_time.number, on_time.status, on_time.paid_late, on_time.penalty_cents) == ("FA-1", "paid", False, 0)
    # one day on 500 € at 12.15 %: 50000 * 1215 / 3650000 = 16.64 -> 0,17 €, and the 40 € indemnity
    assert (late.number, late.status, late.paid_late, late.penalty_cents) == ("FA-2", "paid", True, 17 + 4000)


def test_a_contract_rate_replaces_the_legal_rate(office) -> None:
    d = add_debtor(office)
    office.write(lambda db: db.execute("UPDATE debtors SET contract_rate_bp = 1500 WHERE id = ?", [d]))
    add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 1_000_00)
    (inv,) = card_of(office, d).invoices
    # 15 % for 53 days: 100000 * 1500 * 53 / 3650000 = 2178.08
    assert inv.penalty_cents == 2178 + 4000


def test_a_french_consumer_owes_interest_from_the_formal_notice_and_no_indemnity(office) -> None:
    d = add_debtor(office, "Julie Martin", segment="b2c")
    office.write(lambda db: db.execute("UPDATE debtors SET formal_notice_date = '2026-10-21' WHERE id = ?", [d]))
    add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 1_000_00)
    (inv,) = card_of(office, d).invoices
    # the legal rate, 2.62 %, from the notice of 21/10 for 33 days: 100000 * 262 * 33 / 3650000 = 236.88
    assert (inv.formal_notice, inv.penalty_cents, inv.indemnity_cents) == (D(2026, 10, 21), 237, 0)
    assert (inv.limitation, inv.limitation_reason) == (D(2028, 9, 1), "2 ans depuis la facture du 01/09/2026")


def test_a_belgian_consumer_s_first_reminder_and_its_14_days_show_on_the_invoice(office) -> None:
    from relance_tui.store.acts import record_act

    d = add_debtor(office, "Jan Peeters", country="BE", segment="b2c")
    add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 1_000_00)
    record_act(office, d, "first_reminder", D(2026, 10, 5), "email", today=TODAY)
    (inv,) = card_of(office, d).invoices
    assert (inv.first_reminder, inv.grace_end) == (D(2026, 10, 5), D(2026, 10, 19))
    # Belgian legal rate 4.5 % from the 20/10, 35 days: 100000 * 450 * 35 / 3650000 = 431.51
    assert (inv.penalty_cents, inv.indemnity_cents) == (432, 0)
    assert inv.limitation_reason == "1 an depuis la facture du 01/09/2026"


def test_a_debtor_with_no_country_follows_the_office_s_law(office) -> None:
    d = add_debtor(office, "Nulle Part", country="")
    add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 1_000_00)
    card = card_of(office, d)
    assert card.office_country == "FR"
    (fr,) = card.invoices
    assert (fr.penalty_cents, fr.limitation_reason) == (1764 + 4000, "5 ans depuis la facture du 01/09/2026")
    card = card_of(office, d, country="BE")
    assert card.office_country == "BE"
    (be,) = card.invoices
    # Belgian B2B: ECB + 8 = 10.15 %, rounded up to the next half point, 10.5 %:
    # 100000 * 1050 * 53 / 3650000 = 1524.66, and the 40 € indemnity
    assert (be.penalty_cents, be.limitation_reason) == (1525 + 4000, "10 ans depuis la facture du 01/09/2026")


def test_a_credit_note_shows_the_invoice_it_names_and_where_it_was_applied(office) -> None:
    d = add_debtor(office)
    add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 300_00)
    add_invoice(office, d, "FA-2", D(2026, 9, 1), D(2026, 10, 1), 500_00)
    av = add_invoice(office, d, "AV-1", D(2026, 10, 15), D(2026, 10, 15), -200_00)
    office.write(lambda db: db.execute("UPDATE invoices SET credit_for = 'FA-2' WHERE id = ?", [av]))
    record_payment(office, d, day=D(2026, 10, 20), amount_cents=100_00, today=TODAY)  # the credit note applied
    card = card_of(office, d)
    invs = {i.number: i for i in card.invoices}
    assert (invs["FA-2"].paid_cents, invs["FA-2"].credited_cents, invs["FA-2"].credit_for) == (200_00, 200_00, None)
    assert (invs["AV-1"].credited_cents, invs["AV-1"].credit_for, invs["AV-1"].penalty_cents) == (
        -200_00, "FA-2", 0)
    assert [(a.credit_number, a.invoice_number, a.day, a.cents) for a in card.allocations] == [
        ("AV-1", "FA-2", "2026-10-15", 200_00)]


def test_waived_penalties_show_as_waived_and_count_nothing(office) -> None:
    d = add_debtor(office)
    fa1 = add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 1_000_00)
    waive_penalties(office, d, [fa1], reason="geste commercial")
    (inv,) = card_of(office, d).invoices
    assert (inv.waived, inv.penalty_cents) == (True, 0)


# -- a payment entered by hand -----------------------------------------------------------------------------
def test_a_payment_entered_by_hand_pays_the_oldest_due_first_and_says_so(office) -> None:
    d = add_debtor(office)
    fa2 = add_invoice(office, d, "FA-2", D(2026, 9, 1), D(2026, 10, 15), 500_00)
    fa1 = add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 300_00, paid=100_00)
    add_invoice(office, d, "FA-3", D(2026, 9, 1), D(2026, 11, 1), 100_00)
    office.clock.advance(60)
    # 200 € finish FA-1 (300 - 100 paid), the other 300 € go on FA-2; FA-3 is not reached
    assert record_payment(office, d, day=D(2026, 11, 2), amount_cents=500_00, reference="  VIR 42 ",
                          today=TODAY) == 2
    assert office.conn.execute("SELECT invoice_id, day, amount_cents, reference, source, kind, undated, created_at, "
                               "created_by FROM payments ORDER BY id").fetchall() == [
        (fa1, "2026-11-02", 200_00, "VIR 42", "manual", "payment", 0, "2026-11-23T09:31:00Z", "marie"),
        (fa2, "2026-11-02", 300_00, "VIR 42", "manual", "payment", 0, "2026-11-23T09:31:00Z", "marie")]
    assert office.conn.execute("SELECT number, paid_cents, status, paid_date FROM invoices ORDER BY number"
                               ).fetchall() == [("FA-1", 300_00, "paid", "2026-11-02"),
                                                ("FA-2", 300_00, "open", None), ("FA-3", 0, "open", None)]
    assert [(e[0], e[1], e[2], e[3]) for e in events(office, d, "payment")] == [
        ("2026-11-23T09:31:00Z", "marie", "paid",
         "Paiement de 200,00\u00a0€ (VIR 42) du 02/11/2026 sur la facture FA-1, saisi par marie"),
        ("2026-11-23T09:31:00Z", "marie", "partial",
         "Paiement de 300,00\u00a0€ (VIR 42) du 02/11/2026 sur la facture FA-2, saisi par marie")]


def test_a_payment_of_exactly_what_is_owed_settles_every_invoice(office) -> None:
    d = add_debtor(office)
    add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 300_00, paid=100_00)
    add_invoice(office, d, "FA-2", D(2026, 9, 1), D(2026, 10, 2), 1)
    assert record_payment(office, d, day=TODAY, amount_cents=200_01, today=TODAY) == 2
    assert office.conn.execute("SELECT number, paid_cents, status FROM invoices ORDER BY number").fetchall() == [
        ("FA-1", 300_00, "paid"), ("FA-2", 1, "paid")]


def test_a_payment_over_what_is_owed_is_refused_with_both_amounts(office) -> None:
    d = add_debtor(office)
    add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 1_000_00, paid=200_00)
    assert refused(record_payment, office, d, day=TODAY, amount_cents=800_01, today=TODAY) == (
        "paiement de 800,01\u00a0€ supérieur au reste dû (800,00\u00a0€)")
    assert office.conn.execute("SELECT COUNT(*) FROM payments").fetchone() == (0,)


@pytest.mark.parametrize("cents", [0, -100_00])
def test_a_payment_must_be_positive(office, cents) -> None:
    d = add_debtor(office)
    add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 1_000_00)
    assert refused(record_payment, office, d, day=TODAY, amount_cents=cents, today=TODAY) == (
        "le montant doit être positif")


def test_a_payment_of_one_cent_is_taken(office) -> None:
    d = add_debtor(office)
    add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 1_000_00)
    assert record_payment(office, d, day=TODAY, amount_cents=1, today=TODAY) == 1
    assert office.conn.execute("SELECT paid_cents FROM invoices").fetchone() == (1,)


def test_a_payment_dated_tomorrow_is_refused_one_dated_today_is_not(office) -> None:
    d = add_debtor(office)
    add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 1_000_00)
    assert refused(record_payment, office, d, day=D(2026, 11, 24), amount_cents=100_00, today=TODAY) == (
        "date du paiement dans le futur (24/11/2026)")
    assert record_payment(office, d, day=TODAY, amount_cents=100_00, today=TODAY) == 1
    # with no today given, the date is not checked
    assert record_payment(office, d, day=D(2026, 11, 24), amount_cents=100_00) == 1


def test_a_read_only_post_is_told_it_cannot_record_the_payment(office, db_path) -> None:
    d = add_debtor(office)
    add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 1_000_00)
    assert read_only_refusal(db_path, record_payment, d, day=TODAY, amount_cents=100_00, today=TODAY).startswith(
        "enregistrement du paiement impossible")


def test_money_paid_goes_before_the_credit_notes_which_are_set_again_on_what_is_left(office) -> None:
    d = add_debtor(office)
    add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 300_00)
    add_invoice(office, d, "FA-2", D(2026, 9, 1), D(2026, 10, 2), 300_00)
    add_invoice(office, d, "AV-1", D(2026, 10, 15), D(2026, 10, 15), -200_00)
    record_payment(office, d, day=D(2026, 10, 20), amount_cents=100_00, today=TODAY)
    # AV-1 went on the oldest, FA-1; the payment of 300 € now pays FA-1 in money, and AV-1 moves to FA-2
    assert [(a.invoice_number, a.cents) for a in card_of(office, d).allocations] == [("FA-1", 200_00)]
    office.clock.advance(60)
    record_payment(office, d, day=D(2026, 11, 2), amount_cents=200_00, today=TODAY)
    card = card_of(office, d)
    assert [(a.invoice_number, a.cents) for a in card.allocations] == [("FA-2", 200_00)]
    assert [(i.number, i.paid_cents, i.status) for i in card.invoices] == [
        ("FA-1", 300_00, "paid"), ("FA-2", 200_00, "open"), ("AV-1", -200_00, "paid")]
    assert office.conn.execute("SELECT created_by, created_at FROM payments WHERE source = 'allocation'"
                               ).fetchall() == [("marie", "2026-11-23T09:31:00Z")]
    # the timeline says the credit note moved: taken off FA-1, set on FA-2
    assert [(e[0], e[2], e[3]) for e in events(office, d, "payment") if e[0] == "2026-11-23T09:31:00Z"
            and e[2] != "paid"] == [
        ("2026-11-23T09:31:00Z", "credit", "Avoir AV-1 imputé sur FA-2 : 200,00\u00a0€ au 15/10/2026 "
                                           "(plus ancienne facture ouverte)"),
        ("2026-11-23T09:31:00Z", "credit_released", "Imputation de l'avoir AV-1 sur FA-1 (200,00\u00a0€) retirée : "
                                                    "la comptabilité l'a lettré, ou la facture est réglée autrement")]


def test_money_paying_what_a_credit_note_covered_leaves_the_credit_note_to_refund(office) -> None:
    d = add_debtor(office)
    add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 300_00)
    av = add_invoice(office, d, "AV-1", D(2026, 10, 15), D(2026, 10, 15), -100_00)
    record_payment(office, d, day=D(2026, 10, 20), amount_cents=50_00, today=TODAY)  # AV-1 set on FA-1
    office.clock.advance(60)
    record_payment(office, d, day=D(2026, 11, 2), amount_cents=250_00, today=TODAY)  # all of FA-1 in money
    card = card_of(office, d)
    assert (card.due_cents, card.credit_cents, card.in_credit, card.allocations) == (0, 100_00, True, [])
    assert office.conn.execute("SELECT paid_cents, credited_cents, status, updated_at, updated_by FROM invoices "
                               "WHERE id = ?", [av]).fetchone() == (0, 0, "open", "2026-11-23T09:31:00Z", "marie")


# -- penalties waived ------------------------------------------------------------------------------------
def test_waived_penalties_are_recorded_with_the_reason_and_named_on_the_timeline(office) -> None:
    d = add_debtor(office)
    fa2 = add_invoice(office, d, "FA-2", D(2026, 9, 1), D(2026, 10, 15), 500_00)
    fa1 = add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 300_00)
    office.clock.advance(60)
    assert waive_penalties(office, d, [fa2, fa1], reason="  geste\tcommercial ") == 2
    ((at, agent, outcome, notes, data),) = events(office, d, "status")
    assert (at, agent, outcome) == ("2026-11-23T09:31:00Z", "marie", "waiver")
    assert notes == "Pénalités et indemnité abandonnées sur FA-1, FA-2 : geste commercial"
    assert json.loads(data) == {"invoice_ids": [fa1, fa2], "reason": "geste commercial"}
    event = office.conn.execute("SELECT id FROM events WHERE outcome = 'waiver'").fetchone()[0]
    assert office.conn.execute("SELECT invoice_id FROM event_invoices WHERE event_id = ? ORDER BY invoice_id",
                               [event]).fetchall() == [(min(fa1, fa2),), (max(fa1, fa2),)]
    assert office.conn.execute("SELECT invoice_id, debtor_id, reason, agent, at, event_id FROM penalty_waivers "
                               "ORDER BY invoice_id").fetchall() == sorted([
        (fa1, d, "geste commercial", "marie", "2026-11-23T09:31:00Z", event),
        (fa2, d, "geste commercial", "marie", "2026-11-23T09:31:00Z", event)])


def test_only_the_debtor_s_invoices_not_yet_waived_are_waived_never_a_credit_note(office) -> None:
    d = add_debtor(office)
    fa1 = add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 300_00)
    fa2 = add_invoice(office, d, "FA-2", D(2026, 9, 1), D(2026, 10, 1), 300_00)
    av = add_invoice(office, d, "AV-1", D(2026, 10, 15), D(2026, 10, 15), -50_00)
    theirs = add_invoice(office, add_debtor(office, "Boulangerie Martin"), "FB-1", D(2026, 9, 1), D(2026, 10, 1),
                         300_00)
    assert waive_penalties(office, d, [fa1], reason="geste") == 1
    assert waive_penalties(office, d, [fa1, fa2, av, theirs], reason="accord") == 1
    assert waive_penalties(office, d, [fa1, fa2, av, theirs], reason="accord") == 0  # nothing left: nothing written
    assert [e[3] for e in events(office, d, "status")] == [
        "Pénalités et indemnité abandonnées sur FA-1 : geste", "Pénalités et indemnité abandonnées sur FA-2 : accord"]


def test_a_waiver_needs_a_reason_of_three_characters(office) -> None:
    d = add_debtor(office)
    fa1 = add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 300_00)
    assert refused(waive_penalties, office, d, [fa1], reason=" ok  ") == (
        "indiquez la raison de l'abandon des pénalités (3 caractères au moins)")
    assert waive_penalties(office, d, [fa1], reason=" oui ") == 1


def test_a_read_only_post_is_told_it_cannot_waive_penalties(office, db_path) -> None:
    d = add_debtor(office)
    fa1 = add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 300_00)
    assert read_only_refusal(db_path, waive_penalties, d, [fa1], reason="geste").startswith(
        "abandon des pénalités impossible")


def test_a_payment_without_a_reference_is_said_so(office) -> None:
    d = add_debtor(office)
    add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 1_000_00)
    record_payment(office, d, day=D(2026, 11, 2), amount_cents=100_00, today=TODAY)
    assert office.conn.execute("SELECT reference FROM payments").fetchall() == [("",)]
    assert [e[3] for e in events(office, d, "payment")] == [
        "Paiement de 100,00\u00a0€ (sans référence) du 02/11/2026 sur la facture FA-1, saisi par marie"]


def test_a_payment_leaves_the_other_debtors_credit_notes_where_they_were(office) -> None:
    other = add_debtor(office, "Boulangerie Martin")
    add_invoice(office, other, "FB-1", D(2026, 9, 1), D(2026, 10, 1), 300_00)
    add_invoice(office, other, "AB-1", D(2026, 10, 15), D(2026, 10, 15), -100_00)
    record_payment(office, other, day=D(2026, 10, 20), amount_cents=50_00, today=TODAY)
    before = office.conn.execute("SELECT * FROM payments WHERE debtor_id = ? ORDER BY id", [other]).fetchall()
    d = add_debtor(office)
    add_invoice(office, d, "FA-1", D(2026, 9, 1), D(2026, 10, 1), 1_000_00)
    office.clock.advance(60)
    record_payment(office, d, day=D(2026, 11, 2), amount_cents=100_00, today=TODAY)
    assert office.conn.execute("SELECT * FROM payments WHERE debtor_id = ? ORDER BY id", [other]).fetchall() == before
    assert len(before) == 2  # the money and the credit note set on FB-1
