"""The call brief as a pure function of the card (tui/brief.py): who to ask for, the calls counted against
their caps, what is owed, what was promised and said; no screen, no Pilot."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from relance_tui.domain.calls import CallingRules, parse_hours
from relance_tui.domain.law import regime_for
from relance_tui.store.cards import CardDispute, CardInvoice, CardPromise, Contact, DebtorCard
from relance_tui.store.models import Event
from relance_tui.tui.brief import call_brief

TODAY = dt.date(2026, 11, 23)
RULES = CallingRules(parse_hours(["09:00-12:00"]), frozenset(range(1, 6)), True, 4, max_calls_30d_contact_b2c=3,
                     max_calls_30d_debtor_b2b=6, max_calls_30d_debtor_b2c=2)
ANNE = Contact(1, "Anne Morel", "comptable", "01 02 03 04 05", "", "anne@example.fr", True, "", 1)
LUC = Contact(2, "Luc Petit", "", "", "", "", False, "", 1)


def invoice(n: int, *, status: str = "open", paid: int = 0, penalty: int | None = 0, days_late: int = 30,
            limitation: dt.date = dt.date(2031, 1, 1), **kw) -> CardInvoice:
    day = dt.date(2026, 9, n)
    return CardInvoice(n, f"FA-{n}", day, day + dt.timedelta(days=30), 10_000, paid, status, days_late, penalty,
                       limitation, **kw)


def card(*invoices: CardInvoice, contacts=(ANNE, LUC), segment="b2b", **kw) -> DebtorCard:
    return DebtorCard(7, "GD", "Garage Dupont", "company", segment, None, None, "", "", "", None, "normal", None,
                      "phone", "", 1, list(contacts), list(invoices), [], [], **kw)


def brief(c: DebtorCard, contact: Contact | None = ANNE, *, calls: int = 1, debtor_calls: int = 2,
          goal: str = "une date de paiement") -> list:
    return call_brief(c, contact, regime=regime_for("FR", c.segment), rules=RULES, calls_30d=calls,
                      debtor_calls_30d=debtor_calls, today=TODAY, tz="Europe/Paris", names=str.upper, goal=goal)


def text(item) -> str:  # noqa: ANN001 - a brief line: its text, styles left out, plain spaces
    joined = item if isinstance(item, str) else "".join(p if isinstance(p, str) else p[0] for p in item)
    return joined.replace("\xa0", " ").replace("\u202f", " ")


def test_a_business_brief_says_who_to_ask_for_and_the_calls_against_their_caps():
    out = brief(card(invoice(1)), calls=3, debtor_calls=5)
    assert out[0] == (("Qui demander", "bold"),)
    assert out[1:6] == [
        "Anne Morel (comptable) — débloque le paiement",
        "Tél. 01 02 03 04 05 · anne@example.fr",
        "Autres contacts (c) : Luc Petit",
        "Appels en 30 jours : 3 à ce contact (limite 4), 5 au débiteur (limite 6)",
        f"Régime : {regime_for('FR', 'b2b').label} — heures d'appel et jours fériés de ce pays"]
    luc = brief(card(invoice(1)), LUC)
    assert luc[1:4] == ["Luc Petit — peut-il/elle débloquer le paiement ? sinon, qui ?", "Tél. pas de numéro",
                        "Autres contacts (c) : Anne Morel"]
    nobody = brief(card(invoice(1), contacts=()), None)
    assert nobody[1] == "Aucun contact connu : demandez qui peut débloquer le paiement."
    assert nobody[2].startswith("Appels en 30 jours : ")
    assert out[-1] == (("Objectif", "bold"), " : une date de paiement")


def test_a_consumer_is_spoken_to_in_person_with_the_consumer_caps():
    out = brief(card(invoice(1), contacts=(ANNE,), segment="b2c"), calls=2, debtor_calls=2)
    # the debtor is asked for, not the contact; Anne Morel is not Garage Dupont (tests/tui/test_brief_law.py)
    assert out[1] == ("Garage Dupont en personne : ne parlez de la dette qu'à elle (ou à qui elle a chargé de la "
                      "représenter).")
    assert text(out[2]).startswith("Le contact n'est pas le débiteur : ")
    assert out[3] == "Tél. 01 02 03 04 05 · anne@example.fr"  # no "débloque le paiement" for one person
    assert out[4] == "Appels en 30 jours : 2 à ce contact (limite 3), 2 au débiteur (limite 2)"
    nobody = brief(card(invoice(1), contacts=(), segment="b2c"), None)
    assert nobody[1].startswith("Garage Dupont en personne : ")


def test_the_invoices_owed_the_first_eight_with_their_flags_and_the_total():
    invoices = [invoice(n, penalty=1_000 if n == 2 else 0, paid=2_500 if n == 3 else 0,
                        status="disputed" if n == 4 else "open", days_late=0 if n == 5 else 30) for n in range(1, 11)]
    out = [text(x) for x in brief(card(*invoices))]
    start = out.index("Factures ouvertes (10 dont 1 à échoir)")
    assert out[start - 1] == ""
    assert out[start + 1] == "FA-1 du 01/09/26, éch. 01/10/26 (30 j) : 100,00 €"
    assert out[start + 2] == "FA-2 du 02/09/26, éch. 02/10/26 (30 j) : 100,00 € +10,00 €"
    assert out[start + 3] == "FA-3 du 03/09/26, éch. 03/10/26 (30 j) : 75,00 €"
    assert out[start + 4] == "FA-4 du 04/09/26, éch. 04/10/26 (30 j) : 100,00 € litige"
    assert out[start + 5] == "FA-5 du 05/09/26, éch. 05/10/26 (à échoir) : 100,00 €"
    assert out[start + 8] == "FA-8 du 08/09/26, éch. 08/10/26 (30 j) : 100,00 €"
    assert out[start + 9] == "… et 2 autres"
    assert out[start + 10] == "Total dû 975,00 € + pénalités 10,00 € = 985,00 €"
    lines = brief(card(*invoices))
    disputed = lines[lines.index((("Factures ouvertes (10 dont 1 à échoir)", "bold"),)) + 4]
    assert disputed[1:] == (" ", ("litige", "italic"))  # the flag is a style, not text spliced in markup


def test_the_total_says_when_penalties_cannot_be_counted_or_wait_for_a_rate():
    out = [text(x) for x in brief(card(invoice(1, penalty=None)))]
    assert "Total dû 100,00 € + pénalités ? = ?" in out
    out = [text(x) for x in brief(card(invoice(1, penalty=500, penalty_unconfirmed=("BCE 2026-S2",))))]
    assert "Total dû 100,00 € + pénalités 5,00 € à confirmer = 105,00 €" in out


def test_late_payments_are_claimed_from_a_business_only():
    paid_late = invoice(9, status="paid", paid=10_000, penalty=4_500, paid_late=True)
    out = [text(x) for x in brief(card(invoice(1), paid_late))]
    assert out[out.index("Total dû 100,00 € + pénalités 0,00 € = 100,00 €") + 1] == \
        "Pénalités et indemnités sur factures réglées en retard : 45,00 € (1 facture)"
    consumer = [text(x) for x in brief(card(invoice(1), paid_late, segment="b2c"))]
    assert not any(x.startswith("Pénalités et indemnités") for x in consumer)
    waived = [text(x) for x in brief(card(invoice(1), replace(paid_late, waived=True)))]
    assert not any(x.startswith("Pénalités et indemnités") for x in waived)


def test_a_near_limitation_date_is_said_in_bold_before_the_invoices():
    out = brief(card(invoice(1, limitation=dt.date(2027, 1, 2))))
    notice = (("Prescription : FA-1 le 02/01/2027 (dans 40 j)", "bold"),)
    assert out.index(notice) == out.index((("Factures ouvertes (1)", "bold"),)) - 2
    assert not any(text(x).startswith("Prescription") for x in brief(card(invoice(1))))


def test_promises_open_disputes_and_the_last_five_contacts():
    promises = [CardPromise(n, 5_000, dt.date(2026, 10, n), "broken", "karim", "") for n in range(1, 7)]
    disputes = [CardDispute(1, "quality", "open", "pièce manquante", "karim", "", "FA-1"),
                CardDispute(2, "price", "closed", "", "karim", "", "FA-2")]
    recent = [Event(n, f"2026-11-{n:02d}T09:00:00+00:00", 7, "call", "out", "voicemail", "karim", 30, f"n{n}", None)
              for n in range(1, 8)]
    c = replace(card(invoice(1)), promises=promises, disputes=disputes, recent=recent)
    out = [text(x) for x in brief(c)]
    first = out.index("Promesses passées")
    assert out[first - 1] == "" and len(out[first + 1:out.index("Litiges ouverts") - 1]) == 4
    assert out[first + 1].startswith("50,00 € pour le 01/10/2026 : ")
    assert out[out.index("Litiges ouverts") + 1:out.index("Litiges ouverts") + 3] == \
        ["Qualité sur FA-1 : pièce manquante", ""]
    contacts = out[out.index("Derniers contacts") + 1:-2]
    assert len(contacts) == 5 and "(KARIM)" in contacts[0] and contacts[0].endswith("n1")
    assert out[-2:] == ["", "Objectif : une date de paiement"]
