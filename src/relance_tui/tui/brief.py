"""The call brief: what to have in hand before and during a call, as a pure function of the debtor's card.

No Textual here (the card's own lines, tui/card_lines.py, give the limitation notice and the events): a line
is a string, or a tuple of parts where a part is a string or ``(text, style)``
(what ``tui.plain.styled`` takes). The call screen turns them into Content. Every part is data (names,
numbers, notes) shown as it is: styles are given as styles, never as markup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from relance_tui.domain.calls import CallingRules
from relance_tui.domain.law import Regime
from relance_tui.domain.money import format_money
from relance_tui.domain.text import clean, count
from relance_tui.domain.vocabulary import CONTESTED_STATUSES, DISPUTE_CATEGORIES, PROMISE_STATUSES
from relance_tui.io.callscript import NOT_THE_DEBTOR, contact_is_debtor, time_barred
from relance_tui.store.cards import Contact, DebtorCard
from relance_tui.tui.card_lines import event_line, limitation_notice

Part = str | tuple[str, str]
BriefLine = str | tuple[Part, ...]
INVOICES_SHOWN = 8


def heading(text: str) -> BriefLine:
    return ((text, "bold"),)


def who_to_ask(card: DebtorCard, contact: Contact | None, regime: Regime) -> list[BriefLine]:
    """Who to ask for, their numbers, the other contacts ('c' switches)."""
    out: list[BriefLine] = [heading("Qui demander")]
    if regime.consumer:  # one person: the debt is named to nobody else (DOMAIN.md, formal notice)
        out.append(f"{card.name} en personne : ne parlez de la dette qu'à "
                   "elle (ou à qui elle a chargé de la représenter).")
        if not contact_is_debtor(card, contact):  # a spouse, a relative: ask for the debtor, say nothing
            out.append(((NOT_THE_DEBTOR, "bold"),))
    elif contact is None:
        out.append("Aucun contact connu : demandez qui peut débloquer le paiement.")
    if contact is not None:
        who = f"{contact.name}" + (f" ({contact.role})" if contact.role else "")
        if not regime.consumer:
            out.append(who + (" — débloque le paiement" if contact.can_release_payment
                              else " — peut-il/elle débloquer le paiement ? sinon, qui ?"))
        phones = " · ".join(x for x in (contact.phone, contact.phone2) if x) or "pas de numéro"
        out.append(f"Tél. {phones}" + (f" · {contact.email}" if contact.email else ""))
        others = [c.name for c in card.contacts if c.id != contact.id]
        if others:
            out.append(f"Autres contacts (c) : {', '.join(others)}")
    return out


def invoices_owed(card: DebtorCard) -> list[BriefLine]:
    """The invoices owed (the first eight), the total with penalties, credit notes and late payments."""
    coming = sum(1 for i in card.outstanding if i.days_late <= 0)  # owed, not yet due: never said "échue"
    out: list[BriefLine] = ["", heading(f"Factures ouvertes ({len(card.outstanding)}"
                                       f"{f' dont {coming} à échoir' if coming else ''})")]
    for i in card.outstanding[:INVOICES_SHOWN]:
        late = f"{i.days_late} j" if i.days_late > 0 else "à échoir"
        pen = f" +{format_money(i.penalty_cents, symbol=True)}" if i.penalty_cents else ""
        flag: tuple[Part, ...] = (" ", ("litige", "italic")) if i.status in CONTESTED_STATUSES else ()
        out.append((clean(f"{i.number} du {i.issue_date:%d/%m/%y}, éch. {i.due_date:%d/%m/%y} ({late}) : "
                          f"{format_money(i.amount_cents - i.paid_cents, symbol=True)}{pen}"), *flag))
    if len(card.outstanding) > INVOICES_SHOWN:
        out.append(f"… et {count(len(card.outstanding) - INVOICES_SHOWN, 'autre')}")
    pen = card.penalty_cents
    unconfirmed = " à confirmer" if any(i.penalty_unconfirmed for i in card.outstanding) else ""  # rate not entered
    out.append(((f"Total dû {format_money(card.due_cents, symbol=True)}", "bold"),
                f" + pénalités {format_money(pen, symbol=True)}{unconfirmed} = "
                f"{format_money(card.due_cents + pen, symbol=True) if pen is not None else '?'}"))
    if card.allocations:
        out.append("Avoirs déduits : " + " ; ".join(a.describe() for a in card.allocations))
    if card.in_credit:
        out.append(((f"Créditeur : {format_money(card.credit_cents, symbol=True)} d'avoir non imputé", "bold"),))
    late = [i for i in card.paid_late if not i.waived]
    if late and card.segment == "b2b":
        out.append(f"Pénalités et indemnités sur factures réglées en retard : "
                   f"{format_money(card.paid_late_penalty_cents, symbol=True)} ({count(len(late), 'facture')})")
    return out


def history(card: DebtorCard, tz: str, names: Callable[[str], str]) -> list[BriefLine]:
    """Promises made, disputes open, the last contacts."""
    out: list[BriefLine] = []
    if card.promises:
        out += ["", heading("Promesses passées")]
        out += [f"{format_money(p.amount_cents, symbol=True)} pour le {p.due_date:%d/%m/%Y} : "
                f"{PROMISE_STATUSES[p.status].lower()}"
                for p in card.promises[:4]]
    disputes = [d for d in card.disputes if d.status == "open"]
    if disputes:
        out += ["", heading("Litiges ouverts")]
        out += [f"{DISPUTE_CATEGORIES[d.category]} sur {d.invoices}" + (f" : {d.notes}" if d.notes else "")
                for d in disputes]
    if card.recent:
        out += ["", heading("Derniers contacts")]
        out += [event_line(e, tz, names) for e in card.recent[:5]]
    return out


def call_brief(card: DebtorCard, contact: Contact | None, *, regime: Regime, rules: CallingRules, calls_30d: int,
               debtor_calls_30d: int, today: dt.date, tz: str, names: Callable[[str], str],
               goal: str) -> list[BriefLine]:
    """The brief of a call to ``contact`` (None: nobody known) of the debtor of ``card``, under ``regime``'s
    law: ``calls_30d`` calls to this contact and ``debtor_calls_30d`` to the debtor in 30 days, against the
    caps of ``rules``; ``names`` turns an agent's login into the name shown; ``goal`` is the script's."""
    out = who_to_ask(card, contact, regime)
    consumer = regime.consumer
    out.append(f"Appels en 30 jours : {calls_30d} à ce contact (limite {rules.contact_cap(consumer)}), "
               f"{debtor_calls_30d} au débiteur (limite {rules.debtor_cap(consumer)})")
    out.append(f"Régime : {regime.label} — heures d'appel et jours fériés de ce pays")
    limitation = limitation_notice(card, today)  # an invoice within 90 days of being time-barred
    if limitation:
        out.append(((limitation, "bold"),))
    barred = time_barred(card, today)
    if barred:
        it = "les" if len(barred) > 1 else "la"
        out.append(((f"{'Prescrites' if len(barred) > 1 else 'Prescrite'}, hors du montant demandé : "
                     f"{', '.join(i.number for i in barred)}. Ne {it} "
                     f"réclamez pas, aucune menace ; le client peut encore {it} régler de lui-même.", "bold"),))
    out += invoices_owed(card)
    out += history(card, tz, names)
    out += ["", (("Objectif", "bold"), f" : {goal}")]
    return out
