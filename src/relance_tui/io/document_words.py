"""What a document says that is made in Python rather than in its template (io/document_data.py), in each
language a debtor is written to (domain/language.py): titles, the way a rate is stated, the legal acts and
how they were sent, the account's lines. The templates' own wording is in ``templates/documents/<lang>/``.

A litigation file is read by a court, whose language is French or Dutch, never English: the court's region's
(domain/law.court_language), whatever language the debtor is written to.
"""

from __future__ import annotations

from relance_tui.domain.language import language_of
from relance_tui.domain.law import court_language

TITLES = {
    "fr": {"reminder_letter": "Lettre de relance", "formal_notice": "Mise en demeure", "statement": "Relevé de compte",
           "payment_plan": "Échéancier de paiement", "litigation": "Dossier contentieux"},
    "nl": {"reminder_letter": "Herinneringsbrief", "formal_notice": "Ingebrekestelling",
           "statement": "Rekeningoverzicht", "payment_plan": "Afbetalingsplan", "litigation": "Geschillendossier"},
    "en": {"reminder_letter": "Reminder letter", "formal_notice": "Formal notice", "statement": "Statement of account",
           "payment_plan": "Payment plan", "litigation": "Litigation file"},
}

# How each business regime's statutory rate is said, as the formal notice's sentence needs it ("au taux de
# ...", "tegen de rentevoet ...", "at the rate ..."): C. com. L441-10; Belgian law of 2 August 2002, art. 5.
RATE_LABELS = {
    "fr": {"fr_b2b": "la Banque centrale européenne majoré de 10 points",
           "be_b2b": "la Banque centrale européenne majoré de 8 points, arrondi au demi-point supérieur",
           "contract": "le taux fixé par nos conditions", "missing": "(taux à saisir)"},
    "nl": {"fr_b2b": "van de Europese Centrale Bank, verhoogd met 10 procentpunten",
           "be_b2b": "van de Europese Centrale Bank, verhoogd met 8 procentpunten en afgerond tot het hogere halve "
                     "procentpunt",
           "contract": "bepaald in onze voorwaarden", "missing": "(rentevoet in te voeren)"},
    "en": {"fr_b2b": "of the European Central Bank plus 10 percentage points",
           "be_b2b": "of the European Central Bank plus 8 percentage points, rounded up to the next half point",
           "contract": "set in our terms and conditions", "missing": "(rate to be entered)"},
}

WORDS = {
    "fr": {"to_compute": "à calculer", "to_confirm": "à confirmer",
           "unconfirmed": "{amount} à confirmer (taux de la période en cours non encore saisi)",
           "acknowledgement_FR": "C. civ. art. 2240", "acknowledgement_BE": "art. 2248 de l'ancien Code civil",
           "invoice": "Facture {0}", "credit_note": "Avoir {0}", "payment": "Règlement {0}",
           "reversal": "Rejet de règlement {0}",
           "grounds": "Factures impayées {0}", "grounds_notice": " ; mise en demeure du {day} ({channel}{tracking}) "
                                                               "restée sans effet", "tracking": ", n° {0}",
           "without_penalties": "{0} hors pénalités (à calculer)", "exhibit_invoice": "Facture {number} du {issue}",
           "exhibit_notice": "Mise en demeure du {0} et preuve d'envoi",
           "exhibit_chronology": "Chronologie des relances amiables (ci-après)",
           # from when interest runs, by regime (domain/penalties.compute_penalty)
           "interest_from_fr_b2b": "du lendemain de l'échéance de chaque facture (C. com. art. L441-10)",
           "interest_from_be_b2b": "du lendemain de l'échéance de chaque facture (loi du 2 août 2002, art. 5)",
           "interest_from_fr_b2c": "de la mise en demeure (C. civ. art. 1344-1)",
           "interest_from_be_b2c": "de la fin des 14 jours suivant le premier rappel gratuit (CDE art. XIX.2)"},
    "nl": {"to_compute": "te berekenen", "to_confirm": "onder voorbehoud",
           "unconfirmed": "{amount} onder voorbehoud (rentevoet van de lopende periode nog niet ingevoerd)",
           "acknowledgement_FR": "art. 2240 van het Franse Burgerlijk Wetboek",
           "acknowledgement_BE": "art. 2248 van het oud Burgerlijk Wetboek",
           "invoice": "Factuur {0}", "credit_note": "Creditnota {0}", "payment": "Betaling {0}",
           "reversal": "Teruggeboekte betaling {0}",
           "grounds": "Onbetaalde facturen {0}", "grounds_notice": "; ingebrekestelling van {day} ({channel}{tracking}) "
                                                                 "zonder gevolg gebleven", "tracking": ", nr. {0}",
           "without_penalties": "{0} zonder interesten (te berekenen)",
           "exhibit_invoice": "Factuur {number} van {issue}",
           "exhibit_notice": "Ingebrekestelling van {0} en bewijs van verzending",
           "exhibit_chronology": "Chronologie van de minnelijke invorderingspogingen (hierna)",
           "interest_from_fr_b2b": "vanaf de dag na de vervaldag van elke factuur (Frans Wetboek van Koophandel, "
                                   "art. L441-10)",
           "interest_from_be_b2b": "vanaf de dag na de vervaldag van elke factuur (wet van 2 augustus 2002, art. 5)",
           "interest_from_fr_b2c": "vanaf de ingebrekestelling (Frans Burgerlijk Wetboek, art. 1344-1)",
           "interest_from_be_b2c": "vanaf het einde van de 14 dagen na de eerste kosteloze herinnering (WER art. "
                                   "XIX.2)"},
    "en": {"to_compute": "to be calculated", "to_confirm": "to be confirmed",
           "unconfirmed": "{amount} to be confirmed (the current period's rate not yet entered)",
           "acknowledgement_FR": "French Civil Code, art. 2240",
           "acknowledgement_BE": "former Belgian Civil Code, art. 2248",
           "invoice": "Invoice {0}", "credit_note": "Credit note {0}", "payment": "Payment {0}",
           "reversal": "Payment returned {0}"},
}

ACT_LABELS = {
    "fr": {"formal_notice": "Mise en demeure", "first_reminder": "Premier rappel gratuit",
           "acknowledgement": "Reconnaissance de dette"},
    "nl": {"formal_notice": "Ingebrekestelling", "first_reminder": "Eerste kosteloze herinnering",
           "acknowledgement": "Schuldbekentenis"},
}
CHANNEL_LABELS = {
    "fr": {"registered": "lettre recommandée AR", "letter": "lettre simple", "email": "email",
           "hand": "remise en main propre", "": "—"},
    "nl": {"registered": "aangetekende brief met ontvangstbewijs", "letter": "gewone brief", "email": "e-mail",
           "hand": "persoonlijk overhandigd", "": "—"},
}
# The timeline's kinds of contact, as the Dutch litigation file's chronology lists them (French: the app's own
# words, domain/vocabulary.EVENT_KINDS)
EVENT_KINDS_NL = {"call": "Telefoon", "email": "E-mail", "letter": "Brief", "sms": "Sms", "note": "Notitie",
                  "promise": "Belofte", "payment": "Betaling", "dispute": "Betwisting", "status": "Status"}


def document_language(kind: str, lang: str | None, *, country: str, postcode: str) -> str:
    """The language a document of ``kind`` is written in for a debtor written to in ``lang`` (``country``: its
    regime's; ``postcode``: its address's, which names a Belgian court's region)."""
    if kind == "litigation":
        return court_language(country, postcode, language_of(lang))
    return language_of(lang)


def words(lang: str) -> dict[str, str]:
    return WORDS[language_of(lang)]


def line_label(kind: str, reference: str, lang: str) -> str:
    """A statement's line: 'Facture F-1', 'Creditnota A-2', 'Payment VIR 123' (a payment may have no reference)."""
    return words(lang)[kind].format(reference).strip()


# What relance itself wrote on the timeline, said again in a litigation file's language from the event's data
# (io/document_data.contact_note): the notes agents typed stay as they were typed.
CONTACT_NOTES = {
    "nl": {"document": "Document opgemaakt: {title}", "registered": " (aangetekend)",
           "promise": "Betalingsbelofte van {amount} tegen {due}", "instalment": " (termijn {n})",
           "promise_end": "Betalingsbelofte van {amount} tegen {due}: {status} ({received} ontvangen)",
           "dispute": "Betwisting ({category}) over {invoices}: invordering opgeschort",
           "sent": "E-mail verzonden aan {to}: {subject}",
           "outbox": "E-mail klaargezet voor {to}, nog niet verzonden: {subject}",
           "payment": "Betaling van {amount} op factuur {number}", "payment_any": "Betaling van {amount}", "on": " op {day}", "reference": " (ref. {ref})",
           "full": "Factuur {number} staat niet meer in de volledige boekhoudexport: als betaald beschouwd",
           "credit": "Creditnota {credit} verrekend met factuur {number}: {amount}",
           "reversed": "Betaling of verrekening op factuur {number} geannuleerd",
           "paid_already": "verzonden op {day}"},
    "en": {"document": "Document produced: {title}", "registered": " (registered)",
           "promise": "Promise to pay {amount} by {due}", "instalment": " (instalment {n})",
           "promise_end": "Promise to pay {amount} by {due}: {status} ({received} received)",
           "dispute": "Dispute ({category}) about {invoices}: collection suspended",
           "sent": "Email sent to {to}: {subject}", "outbox": "Email queued for {to}, not yet sent: {subject}",
           "payment": "Payment of {amount} on invoice {number}", "payment_any": "Payment of {amount}", "on": " on {day}", "reference": " (ref. {ref})",
           "full": "Invoice {number} no longer in the full accounting export: taken as paid",
           "credit": "Credit note {credit} applied to invoice {number}: {amount}",
           "reversed": "Payment or credit on invoice {number} cancelled", "paid_already": "sent on {day}"},
}
PROMISE_STATUSES_IN = {
    "fr": {"kept": "tenue", "partly_kept": "partiellement tenue", "broken": "non tenue", "cancelled": "annulée"},
    "nl": {"kept": "nagekomen", "partly_kept": "gedeeltelijk nagekomen", "broken": "niet nagekomen",
           "cancelled": "geannuleerd"},
    "en": {"kept": "kept", "partly_kept": "partly kept", "broken": "broken", "cancelled": "cancelled"},
}
DISPUTE_CATEGORIES_IN = {
    "fr": {"not_received": "facture non reçue", "not_delivered": "non livré", "quality": "qualité", "price": "prix",
           "other": "autre"},
    "nl": {"not_received": "factuur niet ontvangen", "not_delivered": "niet geleverd", "quality": "kwaliteit",
           "price": "prijs", "other": "andere"},
    "en": {"not_received": "invoice not received", "not_delivered": "not delivered", "quality": "quality",
           "price": "price", "other": "other"},
}
CALL_OUTCOMES_IN = {
    "nl": {"promise": "Betalingsbelofte", "paid_already": "Betaling reeds verzonden", "dispute": "Betwisting",
           "callback": "Terugbellen gevraagd", "voicemail": "Voicemail", "unreachable": "Onbereikbaar",
           "wrong_number": "Verkeerd nummer", "refused": "Weigering", "not_received": "Factuur niet ontvangen",
           "awaiting_approval": "Wacht op goedkeuring"},
    "en": {"promise": "Promise to pay", "paid_already": "Payment already sent", "dispute": "Dispute",
           "callback": "Callback requested", "voicemail": "Voicemail", "unreachable": "Unreachable",
           "wrong_number": "Wrong number", "refused": "Refusal", "not_received": "Invoice not received",
           "awaiting_approval": "Awaiting approval"},
}
INSTALMENT_WORDS = {"nl": "{amount} tegen {due}", "en": "{amount} by {due}"}
