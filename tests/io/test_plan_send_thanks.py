"""The thank-you email of a chased balance paid off (io/plan_send): to whom, in which language, what each
outcome says, and what stays proposed (issue 15's agenda; issue 14's survivors)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

from relance_tui.config import OfficeSettings, SmtpSettings
from relance_tui.io.plan_send import Mailer, Sent, send_plan_emails, thanks_context
from relance_tui.io.templates import Templates
from relance_tui.store.agenda import THANKS, claim_thanks, thanks_due
from tests.conftest import TODAY
from tests.store.test_acts import add_invoice
from tests.store.test_agenda import chased_and_paid

OFFICE = OfficeSettings(name="Cabinet Dupuis", iban="FR7630006000011234567890189", country="FR")
BELGIAN_OFFICE = OfficeSettings(name="Bureau Peeters", iban="BE68539007547034", country="BE")


def contact(store, debtor: int, name: str, mail: str = "", *, releases: bool = False) -> None:
    store.write(lambda db: db.execute(
        "INSERT INTO contacts (debtor_id, name, email, can_release_payment, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, '', '')", [debtor, name, mail, int(releases)]))


def send(store, rows, tmp_path, office=OFFICE) -> list[Sent]:
    outbox = Mailer(SmtpSettings(), "relances@cabinet.fr", tmp_path / "outbox")
    return send_plan_emails(store, rows, mailer=outbox, templates=Templates(None), agent="Marie Lefort",
                            office=office, today=TODAY)


def outbox_message(tmp_path):
    [path] = sorted((tmp_path / "outbox").rglob("*.eml"))
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return path, msg, msg.get_body(("plain",)).get_content().replace("\xa0", " ")


def test_the_thank_you_goes_to_the_first_contact_with_an_address_signed_by_the_agent(store, tmp_path):
    d, _ = chased_and_paid(store)
    contact(store, d, "Jean Dupont, gérant", releases=True)  # the one a call would ask for, but no address
    contact(store, d, "Service comptable", "compta@dupont.fr")
    contact(store, d, "Autre adresse", "autre@dupont.fr")
    [row] = thanks_due(store.conn, TODAY)
    [sent] = send(store, [row], tmp_path)
    assert (sent.debtor_id, sent.name, sent.step, sent.status) == (d, "Garage Dupont", THANKS, "outbox")
    path, msg, body = outbox_message(tmp_path)
    assert sent.message == f"déposé dans la boîte d'envoi ({path})"
    assert msg["To"] == "compta@dupont.fr" and msg["Subject"] == "Merci pour votre règlement — Garage Dupont"
    assert body.startswith("Bonjour Service comptable,\n")
    assert "votre règlement de 1 000,00 € du 20/11/2026, qui solde votre compte" in body
    assert body.rstrip().endswith("Cordialement,\nMarie Lefort\nCabinet Dupuis")
    assert sent.message_id == msg["Message-ID"]
    assert thanks_due(store.conn, TODAY) == []  # done: not proposed again


def test_thanks_context_states_the_payment_that_settled_and_the_address(store):
    d, _ = chased_and_paid(store)
    contact(store, d, "Service comptable", "compta@dupont.fr")
    [row] = thanks_due(store.conn, TODAY)
    context, to = thanks_context(store, row, agent="Marie Lefort", office=OFFICE, today=TODAY)
    assert to == "compta@dupont.fr"
    assert context["payment"] == {"day": dt.date(2026, 11, 20), "amount_cents": 100_000}  # chased_and_paid's
    assert context["agent"] == "Marie Lefort" and context["contact"]["name"] == "Service comptable"


def test_a_flemish_debtor_of_a_belgian_office_is_thanked_in_dutch(store, tmp_path):
    d, _ = chased_and_paid(store, "Bakkerij Peeters")
    # no country column: the debtor lives where the office is, Belgium; 9000 Gent is in Flanders
    store.write(lambda db: db.execute("UPDATE debtors SET country = '', postcode = '9000', city = 'Gent' "
                                      "WHERE id = ?", [d]))
    contact(store, d, "Boekhouding", "boekhouding@peeters.be")
    [row] = thanks_due(store.conn, TODAY)
    [sent] = send(store, [row], tmp_path, office=BELGIAN_OFFICE)
    assert sent.status == "outbox"
    _, msg, body = outbox_message(tmp_path)
    assert msg["Subject"] == "Bedankt voor uw betaling — Bakkerij Peeters"
    assert body.startswith("Geachte Boekhouding,\n")


def test_no_address_fails_with_what_to_do_and_leaves_the_thank_you_proposed(store, tmp_path):
    d, _ = chased_and_paid(store)
    contact(store, d, "Jean Dupont", releases=True)
    [row] = thanks_due(store.conn, TODAY)
    [failed] = send(store, [row], tmp_path)
    assert (failed.debtor_id, failed.step, failed.status) == (d, THANKS, "failed")
    assert failed.message == "aucune adresse email pour ce débiteur : ajoutez-en une sur sa fiche"
    assert [(r.debtor_id, r.claimed_by) for r in thanks_due(store.conn, TODAY)] == [(d, "")]  # claim let go
    assert not (tmp_path / "outbox").exists() or not list((tmp_path / "outbox").rglob("*.eml"))


def test_a_thank_you_claimed_elsewhere_is_skipped_with_why(store, tmp_path):
    d, _ = chased_and_paid(store)
    contact(store, d, "Service comptable", "compta@dupont.fr")
    [row] = thanks_due(store.conn, TODAY)
    assert claim_thanks(store, row)  # another post is sending it right now
    [skipped] = send(store, [row], tmp_path)
    assert (skipped.debtor_id, skipped.name, skipped.step, skipped.status) == (d, "Garage Dupont", THANKS, "skipped")
    assert skipped.message == "déjà envoyé ou en cours d'envoi par un autre poste"
    assert not (tmp_path / "outbox").exists() or not list((tmp_path / "outbox").rglob("*.eml"))


def test_a_thank_you_sent_is_not_sent_again_from_a_screen_read_before(store, tmp_path):
    d, _ = chased_and_paid(store)
    contact(store, d, "Service comptable", "compta@dupont.fr")
    [row] = thanks_due(store.conn, TODAY)
    [first] = send(store, [row], tmp_path)
    [again] = send(store, [row], tmp_path)  # the same row from a screen read before the first sent it
    assert (first.status, again.status) == ("outbox", "skipped")
    assert len(list((tmp_path / "outbox").rglob("*.eml"))) == 1


def test_a_debtor_who_owes_again_gets_no_thank_you(store, tmp_path):
    d, _ = chased_and_paid(store)
    contact(store, d, "Service comptable", "compta@dupont.fr")
    [row] = thanks_due(store.conn, TODAY)
    add_invoice(store, d, "FA-2", TODAY, TODAY, 5_000)  # imported since the agenda was read
    [skipped] = send(store, [row], tmp_path)
    assert (skipped.debtor_id, skipped.name, skipped.step, skipped.status) == (d, "Garage Dupont", THANKS, "skipped")
    assert skipped.message == "Garage Dupont : doit de nouveau quelque chose, pas de remerciement « compte soldé »"
    assert not (tmp_path / "outbox").exists() or not list((tmp_path / "outbox").rglob("*.eml"))
