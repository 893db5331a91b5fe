"""What the debtor card shows, without a Pilot: tui/card_lines.py's functions of a hand-made DebtorCard."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from relance_tui.store.cards import CardDispute, CardInvoice, CardPromise, Contact, DebtorCard
from relance_tui.tui.card_lines import contact_values, identity_lines, invoice_values, said_lines

AS_OF = dt.date(2026, 11, 23)
SETTINGS = SimpleNamespace(office=SimpleNamespace(country="FR", timezone="Europe/Paris", payment_terms_days=45),
                           display_name=lambda agent: f"Agent {agent}")


def invoice(number: str, *, amount: int = 1000_00, paid: int = 0, status: str = "open", late: int = 12,
            penalty: int | None = 52_00, **kw) -> CardInvoice:
    due = AS_OF - dt.timedelta(days=late)
    return CardInvoice(len(number), number, due - dt.timedelta(days=30), due, amount, paid, status, late, penalty,
                       dt.date(2031, 1, 1), **kw)


def card(invoices=(), *, disputes=(), promises=(), contacts=(), **kw) -> DebtorCard:
    fields = dict(id=1, code="C-7", name="Dupont SARL", kind="company", segment="b2b", siren="732829320", siret=None,
                  address="3 rue Haute\nBât. B", postcode="75002", city="Paris", payment_terms_days=None,
                  profile="normal", account_manager=None, preferred_channel="phone", notes="", version=1,
                  contacts=list(contacts), invoices=list(invoices), promises=list(promises), recent=[],
                  disputes=list(disputes), country="FR")
    return DebtorCard(**{**fields, **kw})


def test_identity_names_the_identifiers_and_falls_back_to_the_office_terms():
    lines = [str(x) for x in identity_lines(card(), SETTINGS)]
    assert lines[0].startswith("Dupont SARL")
    assert lines[1] == "code C-7 · SIREN 732 829 320"
    assert lines[2] == "3 rue Haute, Bât. B 75002 Paris"  # the address on one line
    assert "délai de paiement : 45 jours (défaut du cabinet)" in lines[3] and "suivi par : —" in lines[3]
    own = [str(x) for x in identity_lines(card(payment_terms_days=30, account_manager="marie", notes="VIP"),
                                          SETTINGS)]
    assert "délai de paiement : 30 jours ·" in own[3] and "suivi par : Agent marie" in own[3]
    assert own[-1] == "Notes : VIP"


def test_contact_row_says_who_can_release_the_payment():
    who = Contact(3, "Mme Roy", "comptable", "01 02 03 04 05", "", "roy@example.fr", True, "", 1)
    assert contact_values(who) == ("Mme Roy", "comptable", "01 02 03 04 05", "", "roy@example.fr", "oui")
    assert contact_values(Contact(4, "M. Roy", "", "", "", "", False, "", 1))[-1] == ""


def test_invoice_row_shows_days_late_and_penalties_only_while_owed():
    open_row = invoice_values(invoice("FA-1"), AS_OF)
    assert open_row[:3] == ("FA-1", "12/10/2026", "11/11/2026")
    assert open_row[6] == "12" and open_row[7] != "" and open_row[9] == "01/01/2031"
    paid = invoice_values(invoice("FA-2", paid=1000_00, status="paid"), AS_OF)
    assert paid[6] == "" and paid[7] == ""  # paid on time: neither late nor penalised
    not_yet = invoice_values(invoice("FA-3", late=-5, penalty=0), AS_OF)
    assert not_yet[6] == ""
    credit = invoice_values(invoice("AV-1", amount=-200_00, late=0, penalty=0), AS_OF)
    assert credit[7] == "" and credit[9] == ""  # a credit note is neither penalised nor time-barred


def test_said_lines_name_each_dispute_once():
    disputed = [invoice("FA-1", status="disputed"), invoice("FA-2", status="disputed", paid=400_00)]
    recorded = CardDispute(1, "quality", "open", "rayures", "marie", "2026-11-02T09:00:00Z", "FA-1")
    promise = CardPromise(1, 300_00, dt.date(2026, 12, 1), "pending", "marie", "2026-11-20T09:00:00Z")
    said = said_lines(card(disputed, disputes=[recorded], promises=[promise]), SETTINGS)
    assert len(said) == 3
    assert said[0].startswith("Promesse de ") and said[0].endswith("pour le 01/12/2026 : En attente (Agent marie)")
    assert said[1].startswith("Litige ouvert (") and "sur FA-1 depuis le 02/11/2026 : rayures" in said[1]
    # FA-2 is contested without a dispute recorded: named once, with what is left on it
    assert said[2].startswith("Litige : facture FA-2 (") and said[2].endswith("), en litige")
    assert "600,00" in said[2]
    assert said_lines(card(), SETTINGS) == []
