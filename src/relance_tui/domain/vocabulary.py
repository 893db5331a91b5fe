"""Codes stored in the database and the French words agents read."""

from __future__ import annotations

EVENT_KINDS = {
    "call": "Appel",
    "email": "Email",
    "letter": "Courrier",
    "sms": "SMS",
    "note": "Note",
    "promise": "Promesse",
    "payment": "Paiement",
    "dispute": "Litige",
    "status": "Statut",
    "import": "Import",
    "edit": "Modification",
    "session": "Session",
    "system": "Système",
}

CALL_OUTCOMES = {
    "promise": "Promesse de paiement",
    "paid_already": "Paiement déjà envoyé",
    "dispute": "Litige",
    "callback": "Rappel demandé",
    "voicemail": "Messagerie",
    "unreachable": "Injoignable",
    "wrong_number": "Mauvais numéro",
    "refused": "Refus",
    "not_received": "Facture non reçue",
    "awaiting_approval": "En attente de validation",
}

# Outcomes where the debtor was actually spoken to.
REACHED_OUTCOMES = frozenset({"promise", "paid_already", "dispute", "callback", "refused",
                              "not_received", "awaiting_approval"})

# Beside every free-text note field: notes never hold special categories of data (RGPD art. 9).
SENSITIVE_DATA_HINT = "Pas de données sensibles (santé, opinions…)"

INVOICE_STATUSES = {
    "open": "Ouverte",
    "paid": "Payée",
    "disputed": "En litige",
    "written_off": "Passée en perte",
    "litigation": "Contentieux",
}

# Invoices still chased or still owed: a contested one stays in the balance (store/conditions.py says the
# same in SQL, OUTSTANDING_SQL). Paid and written-off invoices are not chased.
OUTSTANDING_STATUSES = ("open", "disputed", "litigation")
# Contested: a dispute the agent recorded, or a claim before a court. Still owed, but not a debt to press
# for payment on a call (the list, the card and the brief say "litige").
CONTESTED_STATUSES = ("disputed", "litigation")


def is_outstanding(status: str, amount_cents: int, paid_cents: int) -> bool:
    """Still owed: an outstanding status and something left to pay (the condition of OUTSTANDING_SQL)."""
    return status in OUTSTANDING_STATUSES and amount_cents > paid_cents


def invoice_status_label(amount_cents: int, status: str) -> str:
    """The word for an invoice's status; a credit note (negative amount) is applied or still to apply."""
    if amount_cents < 0 and status in ("open", "paid"):
        return "Avoir imputé" if status == "paid" else "Avoir à imputer"
    return INVOICE_STATUSES[status]


PROMISE_STATUSES = {
    "pending": "En attente",
    "kept": "Tenue",
    "partly_kept": "Partiellement tenue",
    "broken": "Non tenue",
    "cancelled": "Annulée",
}

DISPUTE_CATEGORIES = {
    "not_received": "Facture non reçue",
    "not_delivered": "Non livré",
    "quality": "Qualité",
    "price": "Prix",
    "other": "Autre",
}

CHANNELS = {"phone": "Téléphone", "email": "Email", "letter": "Courrier"}

# Legal acts (table legal_acts, store/acts.py): what the law attaches an effect to.
LEGAL_ACTS = {
    "formal_notice": "Mise en demeure",
    "first_reminder": "Premier rappel gratuit",
    "acknowledgement": "Reconnaissance de dette",
}
# How an act was sent (a formal notice, a reminder) or received (an acknowledgement).
ACT_CHANNELS = {
    "registered": "lettre recommandée AR",
    "letter": "courrier simple",
    "email": "email",
    "hand": "remise en main propre",
}
# What the debtor's acknowledgement was: each interrupts the limitation period (C. civ. 2240).
ACKNOWLEDGEMENT_FORMS = {"written_promise": "promesse écrite", "payment_plan": "plan de paiement"}
