"""The call brief (tui/brief.py) under the law (review of issue 13, item 7): a consumer's debt is named to the
debtor alone, whoever the card's contact is; a time-barred invoice is said to be one, not claimed."""

from __future__ import annotations

import datetime as dt

from relance_tui.domain.calls import CallingRules, parse_hours
from relance_tui.domain.law import regime_for
from relance_tui.store.cards import CardInvoice, Contact, DebtorCard
from relance_tui.tui.brief import call_brief

TODAY = dt.date(2026, 11, 23)
RULES = CallingRules(parse_hours(["09:00-12:00"]), frozenset(range(1, 6)), True, 4)
SOPHIE = Contact(1, "Sophie Martin (épouse)", "", "06 12 34 56 78", "", "", True, "", 1)
JEAN = Contact(2, "M. Jean Martin", "Particulier", "06 98 76 54 32", "", "", True, "", 1)
NOT_THE_DEBTOR = ("Le contact n'est pas le débiteur : ne parlez de la dette qu'au débiteur lui-même ou à une "
                  "personne qu'il a mandatée.")


def invoice(n: int, limitation: dt.date = dt.date(2028, 9, 1)) -> CardInvoice:
    day = dt.date(2026, 9, n)
    return CardInvoice(n, f"FA-{n}", day, day + dt.timedelta(days=30), 10_000, 0, "open", 30, 0, limitation)


def brief(contact: Contact | None, *invoices: CardInvoice, segment: str = "b2c") -> list[str]:
    card = DebtorCard(7, "C7", "Jean Martin", "person", segment, None, None, "", "", "", None, "normal", None,
                      "phone", "", 1, [c for c in (contact,) if c], list(invoices) or [invoice(1)], [], [])
    out = call_brief(card, contact, regime=regime_for("FR", segment), rules=RULES, calls_30d=0, debtor_calls_30d=0,
                     today=TODAY, tz="Europe/Paris", names=str, goal="")
    return [item if isinstance(item, str) else "".join(p if isinstance(p, str) else p[0] for p in item)
            for item in out]


def test_a_consumers_brief_asks_for_the_debtor_when_the_contact_is_a_relative():
    out = brief(SOPHIE)
    assert out[1] == "Jean Martin en personne : ne parlez de la dette qu'à elle (ou à qui elle a chargé de la " \
                     "représenter)."
    assert out[2] == NOT_THE_DEBTOR
    assert "Sophie Martin (épouse) en personne" not in "\n".join(out)


def test_a_consumers_brief_does_not_warn_when_the_contact_is_the_debtor_or_there_is_none():
    for contact in (JEAN, None):
        out = brief(contact)
        assert out[1].startswith("Jean Martin en personne")
        assert NOT_THE_DEBTOR not in out


def test_a_business_brief_names_the_contact_and_gives_no_such_warning():
    out = brief(SOPHIE, segment="b2b")
    assert out[1] == "Sophie Martin (épouse) — débloque le paiement"
    assert NOT_THE_DEBTOR not in out


def test_the_brief_says_which_invoices_are_time_barred_and_not_to_claim_them():
    out = brief(JEAN, invoice(1, dt.date(2026, 11, 22)), invoice(2, TODAY), invoice(3, dt.date(2025, 3, 1)))
    # the limitation date is the last day to act: 22/11 is past on 23/11, today's is not
    assert "Prescrites, hors du montant demandé : FA-1, FA-3. Ne les réclamez pas, aucune menace ; le client " \
           "peut encore les régler de lui-même." in out
    assert not any(line.startswith("Prescrite(s)") for line in brief(JEAN, invoice(2, TODAY)))
