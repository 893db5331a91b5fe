"""What the debtor card shows, as lines and cells: pure functions of a DebtorCard (and the settings that name
people and the office), without a widget, so that they are tested without a Pilot. The call brief
(tui/call.py) uses some of them too."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from textual.content import Content

from relance_tui.domain.identifiers import format_bce, format_siren
from relance_tui.domain.instants import format_local
from relance_tui.domain.language import LANGUAGES
from relance_tui.domain.law import regime_for
from relance_tui.domain.money import format_money
from relance_tui.domain.priority import PROFILE_LABELS
from relance_tui.domain.vocabulary import (
    CALL_OUTCOMES,
    CHANNELS,
    DISPUTE_CATEGORIES,
    EVENT_KINDS,
    INVOICE_STATUSES,
    PROMISE_STATUSES,
    invoice_status_label,
)
from relance_tui.domain.text import count
from relance_tui.tui.overdue import limitation_mark
from relance_tui.tui.plain import line, styled

if TYPE_CHECKING:
    from relance_tui.config import Settings
    from relance_tui.store.cards import Contact, DebtorCard

CONTACT_COLUMNS = ("Nom", "Rôle", "Téléphone", "Autre tél.", "Email", "Débloque")
NO_CONTACT = "(aucun contact : demandez qui peut débloquer le paiement)"
INVOICE_COLUMNS = ("Facture", "Émise", "Échéance", "Montant", "Réglé", "Reste dû", "Retard", "Pénalités", "Statut",
                   "Prescription")
# Each column of the Invoices table (in INVOICE_COLUMNS' order): its width, its alignment, and its rank: a narrow
# card shows the columns of the best ranks that fit, in this order (what a caller reads out first: the number,
# what is left to pay and how late; then the due date, the status, the penalties and the limitation date). The
# number takes the room left; the amounts' widths are those of the card's own figures (invoice_widths).
# "Réglé" is the amount less what is left, "Émise" the due date less the terms: the first to go.
INVOICE_LAYOUT = ((14, "left", 1), (10, "left", 10), (10, "left", 4), (12, "right", 8), (12, "right", 9),
                  (12, "right", 2), (6, "right", 3), (14, "right", 6), (15, "left", 5), (12, "left", 7))
PRESCRIPTION = INVOICE_COLUMNS.index("Prescription")


def _money_width(label: str, values: list[int], *, extra: int = 0) -> int:
    """The cells a column of these amounts needs: its longest figure (the largest, or the most negative)."""
    if not values:
        return len(label)
    widest = max(len(format_money(v, symbol=True)) for v in (min(values), max(values)))
    return max(len(label), widest + extra)


def invoice_widths(invoices) -> dict[int, int]:  # noqa: ANN001 - CardInvoices
    """Each column's width for these invoices: an amount is never cut ("1 234 567,8…" reads as another number)."""
    widths = {n: layout[0] for n, layout in enumerate(INVOICE_LAYOUT)}
    for n, field in ((3, "amount_cents"), (4, "paid_cents"), (5, "balance_cents")):
        widths[n] = _money_width(INVOICE_COLUMNS[n], [getattr(i, field) for i in invoices])
    penalties = _money_width(INVOICE_COLUMNS[7], [i.penalty_cents or 0 for i in invoices], extra=len(UNCONFIRMED_MARK))
    words = [len(w) for w, present in (("non calculable", any(i.penalty_unknown for i in invoices)),
                                       ("abandonnées", any(i.waived for i in invoices))) if present]
    widths[7] = max([penalties, *words])
    return widths


def invoice_columns(width: int, widths: dict[int, int] | None = None) -> list[int]:
    """The indexes (in INVOICE_COLUMNS) of the columns a table ``width`` cells wide shows, in their order."""
    widths = widths or {n: layout[0] for n, layout in enumerate(INVOICE_LAYOUT)}
    shown: set[int] = set()
    used = -1  # n columns take n - 1 separating spaces
    for index in sorted(range(len(INVOICE_LAYOUT)), key=lambda n: INVOICE_LAYOUT[n][2]):
        need = widths[index] + 1
        if shown and used + need > width:
            break  # never a lesser column in the room a better one could not take
        shown.add(index)
        used += need
    return sorted(shown)


def invoice_status(i) -> str:  # noqa: ANN001 - a CardInvoice
    return invoice_status_label(i.amount_cents, i.status)


def invoice_penalty(i) -> str:  # noqa: ANN001 - a CardInvoice
    """The penalties column: what is owed on it (also once paid late), waived, or why it cannot be computed."""
    if i.is_credit_note or (i.status == "paid" and not i.paid_late and not i.penalty_unknown):
        return ""
    if i.waived:
        return "abandonnées"
    if i.penalty_unknown:
        return "non calculable"
    return (UNCONFIRMED_MARK if i.penalty_unconfirmed else "") + format_money(i.penalty_cents, symbol=True)


# a penalty computed with a rate carried over from an earlier period (none entered for a period it covers):
# "≈" before it in the invoices' column (as in the list: the column keeps its width), "à confirmer" in the
# totals, and a line naming each missing rate with its command
UNCONFIRMED = "à confirmer"
UNCONFIRMED_MARK = "≈"


def _unconfirmed(invoices) -> str:  # noqa: ANN001 - CardInvoices
    return f" {UNCONFIRMED}" if any(i.penalty_unconfirmed for i in invoices) else ""


def totals_lines(card: DebtorCard, today: dt.date) -> list:
    """What the debtor owes, net of credit notes, and the penalties still claimable on invoices paid late.
    "Total exigible" is what may be asked today: the invoices already due (on or before ``today``) and the
    penalties; an invoice not yet due is said apart ("dont à échoir"), never claimed."""
    total, pen = card.due_cents, card.penalty_cents
    coming = sum(i.amount_cents - i.paid_cents for i in card.outstanding if i.due_date > today)
    out: list = [styled((f"Reste dû {format_money(total, symbol=True)}", "bold"),
                        f"{f' (dont à échoir {format_money(coming, symbol=True)})' if coming else ''}"
                        f" · pénalités et indemnités {format_money(pen, symbol=True)}"
                        f"{_unconfirmed(card.outstanding)} · total "
                        f"exigible {format_money(total - coming + pen, symbol=True) if pen is not None else '?'} · "
                        f"{count(len(card.outstanding), 'facture ouverte')}")]
    if card.in_credit:
        out.append(styled((f"Créditeur : {format_money(card.credit_cents, symbol=True)} d'avoir non imputé", "bold"),
                          " (rien à relancer)"))
    elif card.credit_cents:
        out.append(f"Avoir non imputé : {format_money(card.credit_cents, symbol=True)}")
    if card.allocations:
        out.append("Avoirs : " + " ; ".join(f"{a.describe()} ({format_money(a.cents, symbol=True)} au "
                                            f"{a.day[8:10]}/{a.day[5:7]}/{a.day[:4]})" for a in card.allocations))
        out.append("(un avoir s'impute sur la facture qu'il nomme, sinon sur la plus ancienne facture ouverte, "
                   "à sa date)")
    late = card.paid_late
    if late:
        claim = card.paid_late_penalty_cents
        waived = sum(1 for i in late if i.waived)
        out.append(f"Pénalités et indemnités sur factures réglées en retard : {format_money(claim, symbol=True)}"
                   f"{_unconfirmed(late)} "
                   f"({count(len(late), 'facture')}{', dont ' + count(waived, 'abandonnée') if waived else ''})")
    for i in card.undated_penalties:
        out.append(f"Pénalités de {i.number} non calculables : {i.penalty_unknown}")
    for missing in card.penalty_unconfirmed:  # the rate that settles the figure, and its command
        out.append(f"{UNCONFIRMED_MARK} Pénalités {UNCONFIRMED} : {missing}")
    return out


def limitation_cell(i, as_of) -> str:  # noqa: ANN001 - a CardInvoice, a date
    """The Prescription column: the date, after its mark when near (tui/overdue.limitation_mark) on what is owed."""
    if i.is_credit_note:
        return ""
    mark = limitation_mark(i.limitation, as_of) if i.balance_cents > 0 and i.status != "paid" else ""
    return f"{mark} {i.limitation:%d/%m/%Y}" if mark else f"{i.limitation:%d/%m/%Y}"


def limitation_when(day, as_of) -> str:  # noqa: ANN001 - dates
    """How far a limitation date is: "dans 62 j", "dernier jour", "prescrite depuis le 02/06/2026"."""
    left = (day - as_of).days
    if left < 0:
        return f"prescrite depuis le {day + dt.timedelta(days=1):%d/%m/%Y}"
    return "aujourd'hui, dernier jour" if left == 0 else f"dans {left} j"


def limitation_lines(card: DebtorCard, as_of, shown: int = 3) -> list[str]:  # noqa: ANN001 - a date
    """When the invoices owed become time-barred and what each date counts from: every one within 90 days of
    it or past it (``shown`` at most), else the nearest alone. The Prescription column has every date (on a
    card too narrow for it, the days late carry the mark of a date near)."""
    owed = sorted(card.outstanding, key=lambda i: (i.limitation, i.number))
    if not owed:
        return []
    near = [i for i in owed if limitation_mark(i.limitation, as_of)]
    out = [f"{limitation_mark(i.limitation, as_of)} Prescription de {i.number} le {i.limitation:%d/%m/%Y} "
           f"({limitation_when(i.limitation, as_of)}) : {i.limitation_reason}" for i in near[:shown]]
    if len(near) > shown:
        out.append(f"… et {count(len(near) - shown, 'autre facture')} dans les 90 j")
    if not near:
        first = owed[0]
        out.append(f"Prescription la plus proche : {first.number} le {first.limitation:%d/%m/%Y}, "
                   f"{first.limitation_reason}")
    return out


def limitation_notice(card: DebtorCard, as_of) -> str | None:  # noqa: ANN001 - a date
    """The call brief's line when an invoice owed is within 90 days of its limitation date (or past it):
    "Prescription : FA-12 le 03/02/2027 (dans 62 j)"."""
    near = sorted((i for i in card.outstanding if limitation_mark(i.limitation, as_of)),
                  key=lambda i: (i.limitation, i.number))
    if not near:
        return None
    first = near[0]
    more = f" ; {count(len(near) - 1, 'autre facture')} dans les 90 j" if len(near) > 1 else ""
    when = limitation_when(first.limitation, as_of)
    return f"Prescription : {first.number} le {first.limitation:%d/%m/%Y} ({when}){more}"


def event_line(event, tz: str, names) -> str:
    what = EVENT_KINDS.get(event.kind, event.kind)
    if event.kind == "call" and event.outcome:
        what += " · " + CALL_OUTCOMES.get(event.outcome, event.outcome)
    return line(f"{format_local(event.at, tz)}  {what} ({names(event.agent)})  {event.notes}")




def _by_region(card: DebtorCard) -> str:
    """Said when the language comes from the address, not from a choice (an import's column, the card's l)."""
    return " (adresse en Flandre)" if not card.language and card.writes_in != "fr" else ""

def identity_lines(card: DebtorCard, settings: Settings) -> list[Content | str]:
    """Who the debtor is: name and the law its invoices follow, identifiers, address, profile and terms, notes."""
    ident: list[Content | str] = [
        # the law its invoices follow (domain/law.py): "particulier (France)", "entreprise (Belgique)"...
        styled((card.name, "bold"),
               f"  ({regime_for(card.country, card.segment, settings.office.country).label})")]
    if card.code or card.siren or card.enterprise_number:
        ident.append(" · ".join(x for x in (f"code {card.code}" if card.code else "",
                                              f"SIREN {format_siren(card.siren)}" if card.siren else "",
                                              f"n° d'entreprise {format_bce(card.enterprise_number)}"
                                              if card.enterprise_number else "") if x))
    address = " ".join(x for x in (card.address.replace("\n", ", "), card.postcode, card.city) if x)
    if address:
        ident.append(address)
    terms = count(card.payment_terms_days, "jour") if card.payment_terms_days is not None else \
        f"{count(settings.office.payment_terms_days, 'jour')} (défaut du cabinet)"
    ident.append(f"Profil : {PROFILE_LABELS[card.profile]} · délai de paiement : {terms} · canal préféré : "
                 f"{CHANNELS[card.preferred_channel]} · courriers en {LANGUAGES[card.writes_in]}{_by_region(card)} · "
                 f"suivi par : {settings.display_name(card.account_manager) if card.account_manager else '—'}")
    if card.notes:
        ident.append(f"Notes : {card.notes}")
    return ident


def contact_values(c: Contact) -> tuple[str, ...]:
    """A row of the Contacts table (CONTACT_COLUMNS)."""
    return (c.name, c.role, c.phone, c.phone2, c.email, "oui" if c.can_release_payment else "")


def invoice_values(i, as_of: dt.date, *, marked: bool = False) -> tuple[str, ...]:  # noqa: ANN001 - a CardInvoice
    """A row of the Invoices table (INVOICE_COLUMNS). ``marked``: the card is too narrow for the Prescription
    column, so the days late carry its mark when the date is near, as in the list ("⚠ 412")."""
    late = str(i.days_late) if i.days_late > 0 and i.status != "paid" else ""
    if marked and not i.is_credit_note and i.balance_cents > 0 and i.status != "paid":  # as limitation_cell
        mark = limitation_mark(i.limitation, as_of)
        late = f"{mark} {late}".strip() if mark else late
    return (i.number, f"{i.issue_date:%d/%m/%Y}", f"{i.due_date:%d/%m/%Y}", format_money(i.amount_cents, symbol=True),
            format_money(i.paid_cents, symbol=True), format_money(i.balance_cents, symbol=True), late,
            invoice_penalty(i), invoice_status(i), limitation_cell(i, as_of))


def said_lines(card: DebtorCard, settings: Settings) -> list[str]:
    """Promises and disputes: the last promises, the disputes recorded, then the invoices in dispute that no
    recorded dispute names."""
    tz = settings.office.timezone
    said = [f"Promesse de {format_money(p.amount_cents, symbol=True)} pour le {p.due_date:%d/%m/%Y} : "
            f"{PROMISE_STATUSES[p.status]} ({settings.display_name(p.agent)})" for p in card.promises[:8]]
    said += [f"Litige {'ouvert' if d.status == 'open' else 'résolu'} ({DISPUTE_CATEGORIES[d.category]}) "
             f"sur {d.invoices or '—'} depuis le {format_local(d.created_at, tz, '%d/%m/%Y')}"
             + (f" : {d.notes}" if d.notes else "") for d in card.disputes[:5]]
    recorded = {n.strip() for d in card.disputes for n in d.invoices.split(",")}
    said += [f"Litige : facture {i.number} ({format_money(i.amount_cents - i.paid_cents, symbol=True)}), "
             f"{INVOICE_STATUSES[i.status].lower()}" for i in card.disputed if i.number not in recorded]
    return said


def plan_lines(item, names) -> list[str]:  # noqa: ANN001 - a store.plan.DebtorPlan or None, display names
    """The debtor's dunning plan: each step done (when, by whom), passed over, next, or to come."""
    if item is None:
        return ["Rien d'ouvert : aucun plan en cours."]
    from relance_tui.store.plan import step_label

    state = item.state
    out = [f"{item.plan.label} : {state.summary()}" + (f" — en cours par {names(item.claimed_by)}"
                                                      if item.claimed_by else "")]
    done = {step.key: record for step, record in state.done}
    skipped = {step.key for step in state.skipped}
    for step in item.plan.steps:
        label = step_label(step, item.regime)
        if step.key in done:
            record = done[step.key]
            who = f" par {names(record.agent)}" if record.agent else ""
            out.append(f"  ✓ {label} : fait le {record.day:%d/%m/%Y}{who}")
        elif step.key in skipped:
            out.append(f"  · {label} : passée")
        elif state.next is not None and step.key == state.next.key:
            out.append(f"  → {label}" + (f" : le {state.due:%d/%m/%Y}" if state.due else ""))
        else:
            out.append(f"    {label}")
    return out
