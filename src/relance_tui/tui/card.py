"""The debtor card: who they are, who to ask for, what they owe, what was said."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, DataTable, Input, Label, Select, Static

from relance_tui.domain.identifiers import format_bce, format_siren
from relance_tui.domain.instants import format_local
from relance_tui.domain.law import ACT_ALLOWED_CHANNELS, regime_for
from relance_tui.domain.money import format_cents
from relance_tui.domain.priority import PROFILE_LABELS
from relance_tui.domain.vocabulary import (
    ACKNOWLEDGEMENT_FORMS,
    ACT_CHANNELS,
    CALL_OUTCOMES,
    CHANNELS,
    DISPUTE_CATEGORIES,
    EVENT_KINDS,
    INVOICE_STATUSES,
    LEGAL_ACTS,
    PROMISE_STATUSES,
    SENSITIVE_DATA_HINT,
    invoice_status_label,
)
from relance_tui.domain.text import clean
from relance_tui.errors import RelanceError
from relance_tui.store.acts import RecordedAct, record_act
from relance_tui.store.cards import (
    Contact,
    DebtorCard,
    add_note,
    debtor_card,
    record_payment,
    update_contact,
    waive_penalties,
)
from relance_tui.store.queries import load_rates
from relance_tui.tui.keybar import KeyBar
from relance_tui.tui.overdue import limitation_mark
from relance_tui.tui.plain import cell, line, lines, plain, styled
from relance_tui.tui.survive import Survives
from relance_tui.tui.titlebar import TitleBar

if TYPE_CHECKING:
    from relance_tui.tui.app import RelanceApp


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
    return (UNCONFIRMED_MARK if i.penalty_unconfirmed else "") + money(i.penalty_cents)


# a penalty computed with a rate carried over from an earlier period (none entered for a period it covers):
# "≈" before it in the invoices' column (as in the list: the column keeps its width), "à confirmer" in the
# totals, and a line naming each missing rate with its command
UNCONFIRMED = "à confirmer"
UNCONFIRMED_MARK = "≈"


def _unconfirmed(invoices) -> str:  # noqa: ANN001 - CardInvoices
    return f" {UNCONFIRMED}" if any(i.penalty_unconfirmed for i in invoices) else ""


def totals_lines(card: DebtorCard) -> list:
    """What the debtor owes, net of credit notes, and the penalties still claimable on invoices paid late."""
    total, pen = card.due_cents, card.penalty_cents
    out: list = [styled((f"Reste dû {money(total)}", "bold"), f" · pénalités et indemnités {money(pen)}"
                        f"{_unconfirmed(card.outstanding)} · total "
                        f"exigible {money(total + pen) if pen is not None else '?'} · "
                        f"{len(card.outstanding)} facture(s) ouverte(s)")]
    if card.in_credit:
        out.append(styled((f"Créditeur : {money(card.credit_cents)} d'avoir non imputé", "bold"),
                          " (rien à relancer)"))
    elif card.credit_cents:
        out.append(f"Avoir non imputé : {money(card.credit_cents)}")
    if card.allocations:
        out.append("Avoirs : " + " ; ".join(f"{a.describe()} ({money(a.cents)} au {a.day[8:10]}/{a.day[5:7]}/"
                                            f"{a.day[:4]})" for a in card.allocations))
        out.append("(un avoir s'impute sur la facture qu'il nomme, sinon sur la plus ancienne facture ouverte, "
                   "à sa date)")
    late = card.paid_late
    if late:
        claim = card.paid_late_penalty_cents
        waived = sum(1 for i in late if i.waived)
        out.append(f"Pénalités et indemnités sur factures réglées en retard : {money(claim)}{_unconfirmed(late)} "
                   f"({len(late)} facture(s){f', dont {waived} abandonnée(s)' if waived else ''})")
    for i in card.undated_penalties:
        out.append(f"Pénalités de {i.number} non calculables : {i.penalty_unknown}")
    for missing in card.penalty_unconfirmed:  # the rate that settles the figure, and its command
        out.append(f"{UNCONFIRMED_MARK} Pénalités {UNCONFIRMED} : {missing}")
    return out


def money(cents: int | None) -> str:
    return "?" if cents is None else format_cents(cents)


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
    it or past it (``shown`` at most), else the nearest alone. The Prescription column has every date."""
    owed = sorted(card.outstanding, key=lambda i: (i.limitation, i.number))
    if not owed:
        return []
    near = [i for i in owed if limitation_mark(i.limitation, as_of)]
    out = [f"{limitation_mark(i.limitation, as_of)} Prescription de {i.number} le {i.limitation:%d/%m/%Y} "
           f"({limitation_when(i.limitation, as_of)}) : {i.limitation_reason}" for i in near[:shown]]
    if len(near) > shown:
        out.append(f"… et {len(near) - shown} autre(s) facture(s) dans les 90 j")
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
    more = f" ; {len(near) - 1} autre(s) facture(s) dans les 90 j" if len(near) > 1 else ""
    when = limitation_when(first.limitation, as_of)
    return f"Prescription : {first.number} le {first.limitation:%d/%m/%Y} ({when}){more}"


def event_line(event, tz: str, names) -> str:
    what = EVENT_KINDS.get(event.kind, event.kind)
    if event.kind == "call" and event.outcome:
        what += " · " + CALL_OUTCOMES.get(event.outcome, event.outcome)
    return line(f"{format_local(event.at, tz)}  {what} ({names(event.agent)})  {event.notes}")


class DebtorScreen(Survives, Screen):
    DEFAULT_CSS = """
    DebtorScreen #card { padding: 0 1; }
    DebtorScreen .section { text-style: bold; color: $primary; margin: 1 0 0 0; }
    DebtorScreen DataTable { height: auto; max-height: 12; }
    """
    BINDINGS = [
        Binding("escape", "close", "Retour", id="card.close"),
        Binding("a", "call", "Appeler", id="card.call"),
        Binding("n", "note", "Note", id="card.note"),
        Binding("p", "payment", "Paiement reçu", id="card.payment"),
        Binding("e", "edit_contact", "Modifier le contact", id="card.edit_contact"),
        Binding("w", "waive", "Abandonner les pénalités", id="card.waive"),
        Binding("m", "act", "Mise en demeure, acte", id="card.act"),
    ]

    class Loaded(Message):
        def __init__(self, card: DebtorCard) -> None:
            super().__init__()
            self.card = card

    def __init__(self, debtor_id: int) -> None:
        super().__init__()
        self.debtor_id = debtor_id
        self.card: DebtorCard | None = None

    @property
    def relance(self) -> RelanceApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="card"):
            yield Static("Chargement…", id="identity")
            yield Label("Contacts (la personne qui peut débloquer le paiement d'abord)", classes="section")
            yield DataTable(id="contacts", cursor_type="row", zebra_stripes=True)
            yield Label("Factures", classes="section")
            yield DataTable(id="invoices", cursor_type="row", zebra_stripes=True)
            yield Static("", id="totals")
            yield Label("Promesses et litiges", classes="section")
            yield Static("", id="promises")
            yield Label("Derniers contacts", classes="section")
            yield Static("", id="recent")
        yield KeyBar()

    def on_mount(self) -> None:
        contacts = self.query_one("#contacts", DataTable)
        contacts.add_columns("Nom", "Rôle", "Téléphone", "Autre tél.", "Email", "Débloque")
        invoices = self.query_one("#invoices", DataTable)
        invoices.add_columns("Facture", "Émise", "Échéance", "Montant", "Réglé", "Reste dû", "Retard",
                             "Pénalités", "Statut", "Prescription")
        self.load()

    def load(self) -> None:
        app = self.relance  # read on the UI thread: a worker must not reach for the app
        self._load(app.store, app.today(), app.settings.office.country)

    @work(thread=True, exclusive=True, group="card", exit_on_error=False)
    def _load(self, store, as_of, country: str) -> None:
        card = debtor_card(store, self.debtor_id, as_of=as_of, rates=load_rates(store), country=country)
        self.post_message(self.Loaded(card))

    def on_debtor_screen_loaded(self, message: Loaded) -> None:
        card = self.card = message.card
        settings = self.relance.settings
        tz = settings.office.timezone
        self.sub_title = line(card.name)
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
        terms = f"{card.payment_terms_days} jours" if card.payment_terms_days is not None else \
            f"{settings.office.payment_terms_days} jours (défaut du cabinet)"
        ident.append(f"Profil : {PROFILE_LABELS[card.profile]} · délai de paiement : {terms} · canal préféré : "
                     f"{CHANNELS[card.preferred_channel]} · suivi par : "
                     f"{settings.display_name(card.account_manager) if card.account_manager else '—'}")
        if card.notes:
            ident.append(f"Notes : {card.notes}")
        self.query_one("#identity", Static).update(lines(ident))
        contacts = self.query_one("#contacts", DataTable)
        keep = contacts.cursor_row
        contacts.clear()
        for c in card.contacts:
            contacts.add_row(*map(cell, (c.name, c.role, c.phone, c.phone2, c.email,
                                         "oui" if c.can_release_payment else "")), key=str(c.id))
        if not card.contacts:
            contacts.add_row("(aucun contact : demandez qui peut débloquer le paiement)", "", "", "", "", "")
        if 0 <= keep < contacts.row_count:
            contacts.move_cursor(row=keep)
        invoices = self.query_one("#invoices", DataTable)
        invoices.clear()
        for i in card.invoices:
            invoices.add_row(*map(cell, (
                i.number, f"{i.issue_date:%d/%m/%Y}", f"{i.due_date:%d/%m/%Y}", money(i.amount_cents),
                money(i.paid_cents), money(i.balance_cents),
                str(i.days_late) if i.days_late > 0 and i.status != "paid" else "",
                invoice_penalty(i), invoice_status(i),
                limitation_cell(i, self.relance.today()))), key=str(i.id))
        self.query_one("#totals", Static).update(lines(totals_lines(card)
                                                       + limitation_lines(card, self.relance.today())))
        said = [f"Promesse de {money(p.amount_cents)} pour le {p.due_date:%d/%m/%Y} : "
                f"{PROMISE_STATUSES[p.status]} ({settings.display_name(p.agent)})" for p in card.promises[:8]]
        said += [f"Litige {'ouvert' if d.status == 'open' else 'résolu'} ({DISPUTE_CATEGORIES[d.category]}) "
                 f"sur {d.invoices or '—'} depuis le {format_local(d.created_at, tz, '%d/%m/%Y')}"
                 + (f" : {d.notes}" if d.notes else "") for d in card.disputes[:5]]
        recorded = {n.strip() for d in card.disputes for n in d.invoices.split(",")}
        said += [f"Litige : facture {i.number} ({money(i.amount_cents - i.paid_cents)}), "
                 f"{INVOICE_STATUSES[i.status].lower()}" for i in card.disputed if i.number not in recorded]
        self.query_one("#promises", Static).update(plain("\n".join(said)
                                                         or "Aucune promesse, aucun litige."))
        self.query_one("#recent", Static).update(
            plain("\n".join(event_line(e, tz, settings.display_name) for e in card.recent) or "Aucun contact."))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_call(self) -> None:
        self.relance.open_call(self.debtor_id)

    def action_note(self) -> None:
        if self.relance.store.readonly:
            self.notify("Base en lecture seule.", severity="warning")
            return

        def saved(text: str | None) -> None:
            if text:
                self.load()

        self.app.push_screen(NoteScreen(self.debtor_id), saved)

    def action_payment(self) -> None:
        if self.relance.store.readonly:
            self.notify("Base en lecture seule.", severity="warning")
            return
        if self.card is None or not self.card.outstanding:
            self.notify("Rien à régler pour ce débiteur.", severity="warning")
            return

        def saved(ok: bool | None) -> None:
            if ok:
                self.relance.evaluate_promises()
                self.load()

        self.app.push_screen(PaymentScreen(self.debtor_id, self.card.due_cents), saved)

    def action_edit_contact(self) -> None:
        if self.card is None or not self.card.contacts:
            self.notify("Aucun contact à modifier.", severity="warning")
            return
        if self.relance.store.readonly:
            self.notify("Base en lecture seule.", severity="warning")
            return
        row = self.query_one("#contacts", DataTable).cursor_row
        contact = self.card.contacts[max(0, min(row, len(self.card.contacts) - 1))]

        def saved(ok: bool | None) -> None:
            if ok:
                self.load()

        self.app.push_screen(ContactScreen(contact), saved)

    def action_waive(self) -> None:
        """A supervisor waives the penalties and indemnity of the invoice under the cursor, or of all of them."""
        if self.relance.store.readonly:
            self.notify("Base en lecture seule.", severity="warning")
            return
        if not self.relance.settings.is_supervisor:
            self.notify("Réservé aux superviseurs ([office] supervisors dans relance.toml).", severity="warning")
            return
        card = self.card
        candidates = [i for i in card.invoices if not i.is_credit_note and not i.waived
                      and (i.penalty_cents or i.penalty_unknown) and (i.status != "paid" or i.paid_late)] \
            if card else []
        if not candidates:
            self.notify("Aucune pénalité à abandonner pour ce débiteur.", severity="warning")
            return
        row = self.query_one("#invoices", DataTable).cursor_row
        under = card.invoices[row] if 0 <= row < len(card.invoices) else None
        current = under if under in candidates else candidates[0]

        def saved(ok: bool | None) -> None:
            if ok:
                self.load()

        self.app.push_screen(WaiverScreen(self.debtor_id, current, candidates), saved)

    def action_act(self) -> None:
        """Record a formal notice, a free first reminder (Belgian consumers) or an acknowledgement of debt."""
        if self.relance.store.readonly:
            self.notify("Base en lecture seule.", severity="warning")
            return
        card = self.card
        if card is None or not card.outstanding:
            self.notify("Aucune facture ouverte : pas d'acte à enregistrer.", severity="warning")
            return
        office = self.relance.settings.office.country
        regime = regime_for(card.country, card.segment, office)
        kinds = ["formal_notice", "acknowledgement"]
        if regime.country == "BE" and regime.consumer:
            kinds.insert(0, "first_reminder")
        row = self.query_one("#invoices", DataTable).cursor_row
        under = card.invoices[row] if 0 <= row < len(card.invoices) else None

        def saved(act) -> None:  # noqa: ANN001 - a RecordedAct or None
            if act is None:
                return
            self.notify(line(f"Enregistré sur {', '.join(act.numbers)}"))
            for warning in act.warnings:
                self.notify(line(warning), severity="warning", timeout=10)
            self.load()

        self.app.push_screen(ActScreen(self.debtor_id, kinds, self.relance.today(),
                                       invoice=under if under in card.outstanding else None,
                                       office_country=office), saved)

    def refresh_data(self) -> None:
        """Another agent changed something: reload the card."""
        self.load()


class WaiverScreen(Survives, ModalScreen[bool]):
    """Waive the penalties and indemnity of one invoice, or of every invoice of the debtor, with a reason."""

    DEFAULT_CSS = """
    WaiverScreen { align: center middle; }
    WaiverScreen > Vertical { width: 76; max-width: 98%; height: auto; border: round $primary;
                              background: $surface; padding: 1; }
    WaiverScreen Label, WaiverScreen Static { width: 100%; }
    """
    BINDINGS = [Binding("escape", "cancel", "Annuler", id="waiver.cancel"),
                Binding("ctrl+s", "save", "Enregistrer", id="waiver.save", priority=True)]

    class Done(Message):
        def __init__(self, error: str | None) -> None:
            super().__init__()
            self.error = error

    def __init__(self, debtor_id: int, invoice, candidates: list) -> None:  # noqa: ANN001 - CardInvoice
        super().__init__()
        self.debtor_id, self.invoice, self.candidates = debtor_id, invoice, candidates

    def compose(self) -> ComposeResult:
        total = sum(i.penalty_cents or 0 for i in self.candidates)
        with Vertical():
            yield Label(line(f"Abandonner les pénalités et l'indemnité de {self.invoice.number} "
                             f"({invoice_penalty(self.invoice)})"))
            yield Checkbox(line(f"toutes les factures du débiteur ({len(self.candidates)}, {money(total)})"),
                           id="waiver-all")
            yield Input(id="waiver-reason", placeholder="Raison (obligatoire, 3 caractères au moins)")
            yield Static("Ctrl+S enregistre, Échap annule. L'abandon est inscrit dans la chronologie.",
                         id="waiver-hint")
            yield Static("", id="waiver-error")

    def on_mount(self) -> None:
        self.query_one("#waiver-reason", Input).focus()

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        every = self.query_one("#waiver-all", Checkbox).value
        ids = [i.id for i in self.candidates] if every else [self.invoice.id]
        self.query_one("#waiver-error", Static).update("Enregistrement…")
        self._save(ids, clean(self.query_one("#waiver-reason", Input).value), self.app.store)

    @work(thread=True, exclusive=True, group="waiver", exit_on_error=False)
    def _save(self, ids: list[int], reason: str, store) -> None:  # noqa: ANN001
        try:
            waive_penalties(store, self.debtor_id, ids, reason=reason)
        except (RelanceError, ValueError) as exc:
            self.post_message(self.Done(str(exc)))
            return
        self.post_message(self.Done(None))

    def on_waiver_screen_done(self, message: Done) -> None:
        if message.error:
            self.query_one("#waiver-error", Static).update(plain(f"Non enregistré : {message.error}"))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class NoteScreen(Survives, ModalScreen[str | None]):
    DEFAULT_CSS = """
    NoteScreen { align: center middle; }
    NoteScreen > Vertical { width: 70; height: auto; border: round $primary; background: $surface; padding: 1; }
    #note-hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Annuler", id="note.cancel")]

    def __init__(self, debtor_id: int) -> None:
        super().__init__()
        self.debtor_id = debtor_id

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Note (Entrée pour enregistrer, Échap pour annuler)")
            yield Input(id="note-text", placeholder="Ce qui a été dit ou convenu…")
            yield Static(plain(SENSITIVE_DATA_HINT), id="note-hint")
            yield Static("", id="note-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    class Done(Message):
        def __init__(self, text: str, error: str | None) -> None:
            super().__init__()
            self.text, self.error = text, error

    @on(Input.Submitted)
    def save(self, event: Input.Submitted) -> None:
        self.query_one("#note-error", Static).update("Enregistrement…")
        self._save(clean(event.value), self.app.store)

    @work(thread=True, exclusive=True, group="note", exit_on_error=False)
    def _save(self, text: str, store) -> None:
        try:
            add_note(store, self.debtor_id, text)
        except (RelanceError, ValueError) as exc:
            self.post_message(self.Done(text, str(exc)))
            return
        self.post_message(self.Done(text, None))

    def on_note_screen_done(self, message: Done) -> None:
        if message.error:
            # the text stays in the field: nothing typed is lost
            self.query_one("#note-error", Static).update(plain(f"Non enregistrée : {message.error}"))
            return
        self.dismiss(message.text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PaymentScreen(Survives, ModalScreen[bool]):
    """A payment received (a transfer seen on the bank statement): amount, date, reference."""

    DEFAULT_CSS = """
    PaymentScreen { align: center middle; }
    PaymentScreen > Vertical { width: 70; max-width: 98%; height: auto; border: round $primary;
                               background: $surface; padding: 1; }
    PaymentScreen Input { margin: 0 0 1 0; }
    #payment-error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "Annuler", id="payment.cancel"),
                Binding("ctrl+s", "save", "Enregistrer", id="payment.save", priority=True)]

    class Done(Message):
        def __init__(self, error: str | None) -> None:
            super().__init__()
            self.error = error

    def __init__(self, debtor_id: int, due_cents: int) -> None:
        super().__init__()
        self.debtor_id = debtor_id
        self.due_cents = due_cents

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Paiement reçu (reste dû {money(self.due_cents)}, imputé sur les factures les plus "
                        "anciennes) — Ctrl+S enregistre, Échap annule")
            yield Input(value=format_cents(self.due_cents, symbol=False), placeholder="Montant", id="payment-amount",
                        compact=True)
            yield Input(placeholder="Date (défaut : aujourd'hui)", id="payment-date", compact=True)
            yield Input(placeholder="Référence du virement ou du chèque", id="payment-reference", compact=True)
            yield Static("", id="payment-error")

    def on_mount(self) -> None:
        self.query_one("#payment-amount", Input).focus()

    def action_save(self) -> None:
        from relance_tui.domain.dates import parse_user_date
        from relance_tui.domain.parsing import parse_amount

        today = self.app.today()
        text = self.query_one("#payment-amount", Input).value
        try:
            amount = parse_amount(text)
        except ValueError:
            self.query_one("#payment-error", Static).update(plain(f"Montant : « {text} » n'est pas un montant"))
            return
        try:
            day = parse_user_date(self.query_one("#payment-date", Input).value or "aujourd'hui", today)
        except ValueError as exc:
            self.query_one("#payment-error", Static).update(plain(f"Date : {exc}"))
            return
        self.query_one("#payment-error", Static).update("Enregistrement…")
        self._save(self.app.store, day, amount, clean(self.query_one("#payment-reference", Input).value), today)

    @work(thread=True, exclusive=True, group="payment", exit_on_error=False)
    def _save(self, store, day, amount: int, reference: str, today) -> None:
        try:
            record_payment(store, self.debtor_id, day=day, amount_cents=amount, reference=reference, today=today)
        except (RelanceError, ValueError) as exc:
            self.post_message(self.Done(str(exc)))
            return
        self.post_message(self.Done(None))

    def on_payment_screen_done(self, message: Done) -> None:
        if message.error:
            self.query_one("#payment-error", Static).update(plain(f"Non enregistré : {message.error}"))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class ContactScreen(Survives, ModalScreen[bool]):
    DEFAULT_CSS = """
    ContactScreen { align: center middle; }
    ContactScreen > Vertical { width: 76; height: auto; border: round $primary; background: $surface; padding: 1; }
    ContactScreen Input { margin: 0; }
    #contact-error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "Annuler", id="contact.cancel"),
                Binding("ctrl+s", "save", "Enregistrer", id="contact.save", priority=True)]
    FIELDS = (("name", "Nom"), ("role", "Rôle"), ("phone", "Téléphone"), ("phone2", "Autre téléphone"),
              ("email", "Email"), ("notes", f"Notes. {SENSITIVE_DATA_HINT}"))

    def __init__(self, contact: Contact) -> None:
        super().__init__()
        self.contact = contact

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Modifier le contact (version {self.contact.version}) — Ctrl+S enregistre, Échap annule")
            for name, label in self.FIELDS:
                yield Input(value=line(getattr(self.contact, name)), placeholder=label, id=f"contact-{name}")
            yield Checkbox("Peut débloquer le paiement", self.contact.can_release_payment, id="contact-release")
            yield Static("", id="contact-error")
            with Horizontal():
                yield Button("Enregistrer", id="contact-save", variant="primary")
                yield Button("Annuler", id="contact-cancel")

    def on_mount(self) -> None:
        self.query_one("#contact-name", Input).focus()

    @on(Button.Pressed, "#contact-save")
    def action_save(self) -> None:
        changes = {name: clean(self.query_one(f"#contact-{name}", Input).value).strip() for name, _ in self.FIELDS}
        changes["can_release_payment"] = int(self.query_one("#contact-release", Checkbox).value)
        self.query_one("#contact-error", Static).update("Enregistrement…")
        self._save(changes, self.app.store)

    class Done(Message):
        def __init__(self, error: str | None) -> None:
            super().__init__()
            self.error = error

    @work(thread=True, exclusive=True, group="contact", exit_on_error=False)
    def _save(self, changes: dict, store) -> None:
        try:
            update_contact(store, self.contact.id, self.contact.version, changes)
        except (RelanceError, ValueError) as exc:
            self.post_message(self.Done(str(exc)))
            return
        self.post_message(self.Done(None))

    def on_contact_screen_done(self, message: Done) -> None:
        if message.error:
            # what was typed stays in the form; the message says why it was not saved
            self.query_one("#contact-error", Static).update(plain(f"Non enregistré : {message.error}"))
            return
        self.dismiss(True)

    @on(Button.Pressed, "#contact-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class ActScreen(Survives, ModalScreen[RecordedAct | None]):
    """Record a legal act (store/acts.record_act): a formal notice, a Belgian consumer's free first reminder, an
    acknowledgement of the debt. It covers every outstanding invoice it can (or the one under the cursor)."""

    DEFAULT_CSS = """
    ActScreen { align: center middle; }
    ActScreen > Vertical { width: 84; max-width: 98%; height: auto; border: round $primary; background: $surface;
                           padding: 1; }
    ActScreen Select, ActScreen Input, ActScreen Checkbox { margin: 0 0 1 0; }
    #act-hint { color: $text-muted; }
    #act-error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "Annuler", id="act.cancel"),
                Binding("ctrl+s", "save", "Enregistrer", id="act.save", priority=True)]
    HINTS = {
        "formal_notice": "Couvre les factures ouvertes échues à cette date. Un particulier en France doit l'intérêt "
                         "légal à partir d'elle. Elle n'interrompt pas la prescription.",
        "first_reminder": "Couvre les factures échues sans premier rappel. Rien n'est facturé pendant 14 jours : "
                          "depuis le lendemain d'un email, le 3e jour ouvrable après un courrier.",
        "acknowledgement": "Écrite par le débiteur (promesse, plan de paiement) : la prescription repart pour toute "
                           "sa durée à cette date. Le détail dit où est l'écrit.",
    }

    class Done(Message):
        def __init__(self, act, error: str | None) -> None:  # noqa: ANN001 - a RecordedAct or None
            super().__init__()
            self.act, self.error = act, error

    def __init__(self, debtor_id: int, kinds: list[str], today, *, invoice=None,  # noqa: ANN001
                 office_country: str = "FR") -> None:
        super().__init__()
        self.debtor_id, self.kinds, self.today, self.invoice = debtor_id, kinds, today, invoice
        self.office_country = office_country

    @staticmethod
    def channels(kind: str) -> list[tuple[str, str]]:
        return [(ACT_CHANNELS.get(c, "canal non précisé"), c) for c in ACT_ALLOWED_CHANNELS[kind]]

    def compose(self) -> ComposeResult:
        kind = self.kinds[0]
        with Vertical():
            yield Label(styled(("Acte juridique", "bold"), " — Ctrl+S enregistre, Échap annule"))
            yield Select([(LEGAL_ACTS[k], k) for k in self.kinds], value=kind, allow_blank=False, id="act-kind",
                         compact=True)
            yield Input(value=f"{self.today:%d/%m/%Y}", placeholder="Date de l'acte (JJ/MM/AAAA)", id="act-date",
                        compact=True)
            yield Select(self.channels(kind), value=ACT_ALLOWED_CHANNELS[kind][0], allow_blank=False, id="act-channel",
                         compact=True)
            yield Select([(label, code) for code, label in ACKNOWLEDGEMENT_FORMS.items()], value="written_promise",
                         allow_blank=False, id="act-form", compact=True)
            if self.invoice is not None:
                yield Checkbox(line(f"seulement {self.invoice.number} (sinon toutes les factures possibles)"),
                               id="act-only")
            yield Input(placeholder=f"Détail : n° du recommandé, échéances du plan… {SENSITIVE_DATA_HINT}",
                        id="act-detail", compact=True)
            yield Static(self.HINTS[kind], id="act-hint")
            yield Static("", id="act-error")

    def on_mount(self) -> None:
        self._show(self.kinds[0])
        self.query_one("#act-date", Input).focus()

    def _show(self, kind: str) -> None:
        self.query_one("#act-form", Select).display = kind == "acknowledgement"
        self.query_one("#act-hint", Static).update(self.HINTS[kind])

    @on(Select.Changed, "#act-kind")
    def kind_changed(self, event: Select.Changed) -> None:
        kind = str(event.value)
        channel = self.query_one("#act-channel", Select)
        channel.set_options(self.channels(kind))
        channel.value = ACT_ALLOWED_CHANNELS[kind][0]
        self._show(kind)

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        from relance_tui.domain.dates import parse_user_date

        kind = str(self.query_one("#act-kind", Select).value)
        text = self.query_one("#act-date", Input).value
        try:
            day = parse_user_date(text or "aujourd'hui", self.today)
        except ValueError as exc:
            self.query_one("#act-error", Static).update(plain(f"Date : {exc}"))
            return
        only = self.invoice is not None and self.query_one("#act-only", Checkbox).value
        self.query_one("#act-error", Static).update("Enregistrement…")
        self._save(self.app.store, kind, day, str(self.query_one("#act-channel", Select).value),
                   [self.invoice.id] if only else None, clean(self.query_one("#act-detail", Input).value),
                   str(self.query_one("#act-form", Select).value))

    @work(thread=True, exclusive=True, group="act", exit_on_error=False)
    def _save(self, store, kind: str, day, channel: str, ids, detail: str, form: str) -> None:  # noqa: ANN001
        try:
            act = record_act(store, self.debtor_id, kind, day, channel, ids, detail, today=self.today, form=form,
                             office_country=self.office_country)
        except (RelanceError, ValueError) as exc:
            self.post_message(self.Done(None, str(exc)))
            return
        self.post_message(self.Done(act, None))

    def on_act_screen_done(self, message: Done) -> None:
        if message.error:  # what was typed stays in the form
            self.query_one("#act-error", Static).update(plain(f"Non enregistré : {message.error}"))
            return
        self.dismiss(message.act)

    def action_cancel(self) -> None:
        self.dismiss(None)
