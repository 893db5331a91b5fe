"""The debtor card: who they are, who to ask for, what they owe, what was said. Its lines are built in
tui/card_lines.py, its forms (n, p, e, w, m) live in tui/card_forms.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from relance_tui.domain.law import regime_for
from relance_tui.errors import RelanceError
from relance_tui.store.cards import DebtorCard, debtor_card
from relance_tui.store.queries import load_rates
from relance_tui.tui.base import LiveScreen
from relance_tui.tui.card_forms import (
    ActScreen,
    ContactScreen,
    NoteScreen,
    PaymentScreen,
    WaiverScreen,
)
from relance_tui.tui.card_lines import (
    CONTACT_COLUMNS,
    INVOICE_COLUMNS,
    INVOICE_LAYOUT,
    NO_CONTACT,
    PRESCRIPTION,
    contact_values,
    event_line,
    identity_lines,
    invoice_columns,
    invoice_values,
    invoice_widths,
    limitation_lines,
    limitation_notice,
    plan_lines,
    said_lines,
    totals_lines,
)
from relance_tui.tui.keybar import KeyBar
from relance_tui.tui.plain import cell, line, lines, plain
from relance_tui.tui.titlebar import TitleBar
from relance_tui.tui.virtual_table import Column, VirtualTable

if TYPE_CHECKING:
    from relance_tui.tui.app import RelanceApp

# where tests and the call screen import them from
__all__ = ["ActScreen", "ContactScreen", "DebtorScreen", "NoteScreen", "PaymentScreen", "WaiverScreen", "card_loader",
           "event_line", "limitation_lines", "limitation_notice", "totals_lines"]


def card_loader(app: RelanceApp) -> Callable[[int], DebtorCard]:
    """How a screen loads a debtor card: as of the app's today, with the rates entered and the office's
    country. Call it on the UI thread (it reads the app); the function it returns runs in a worker."""
    store, as_of, country = app.store, app.today(), app.settings.office.country

    def load(debtor_id: int) -> DebtorCard:
        return debtor_card(store, debtor_id, as_of=as_of, rates=load_rates(store), country=country)

    return load


INVOICE_ROWS = 11  # the invoices shown at once; more scroll in the table


class InvoiceTable(VirtualTable):
    """The card's invoices: only the rows on screen are drawn, so a customer with 1,500 invoices opens as fast
    as one with ten (a DataTable measured every cell of every row first: 360 ms for 1,449 invoices)."""

    DEFAULT_CSS = """
    InvoiceTable { height: 1; }
    """
    # nothing to open from a card's invoice: Enter does nothing and is not offered in the key bar
    BINDINGS = [Binding("enter", "select", "Ouvrir", show=False, id="table.select")]

    class Resized(Message):
        """The table's width changed (the card's, or its scroll bar came): its columns are chosen again."""

    def on_resize(self) -> None:
        self.post_message(self.Resized())


class DebtorScreen(LiveScreen):
    DEFAULT_CSS = """
    DebtorScreen #card { padding: 0 1; }
    DebtorScreen .section { text-style: bold; color: $primary; margin: 1 0 0 0; }
    DebtorScreen DataTable { height: auto; max-height: 12; }
    DebtorScreen #invoices-header { height: 1; text-style: bold; background: $boost; }
    """
    BINDINGS = [
        Binding("escape", "close", "Retour", id="card.close"),
        Binding("a", "call", "Appeler", id="card.call"),
        Binding("n", "note", "Note", id="card.note"),
        Binding("p", "payment", "Paiement reçu", id="card.payment"),
        Binding("e", "edit_contact", "Modifier le contact", id="card.edit_contact"),
        Binding("w", "waive", "Abandonner les pénalités", id="card.waive"),
        Binding("m", "act", "Mise en demeure, acte", id="card.act"),
        Binding("d", "documents", "Documents (PDF)", id="card.documents"),
        Binding("l", "language", "Langue des courriers", id="card.language"),
    ]

    class Loaded(Message):
        def __init__(self, card: DebtorCard) -> None:
            super().__init__()
            self.card = card

    def __init__(self, debtor_id: int) -> None:
        super().__init__()
        self.debtor_id = debtor_id
        self.card: DebtorCard | None = None
        self._as_of = None  # the day the card was read for (its lateness and penalties)
        self._invoice_widths = {n: layout[0] for n, layout in enumerate(INVOICE_LAYOUT)}

    def compose(self) -> ComposeResult:
        # the card is read while the screen is built: on a customer with 1,500 invoices it is the longer of the two
        self._load(card_loader(self.relance))
        yield TitleBar()
        with VerticalScroll(id="card"):
            yield Static("Chargement…", id="identity")
            yield Label("Contacts (la personne qui peut débloquer le paiement d'abord)", classes="section")
            yield DataTable(id="contacts", cursor_type="row", zebra_stripes=True)
            yield Label("Factures", classes="section")
            yield Static("", id="invoices-header")
            yield InvoiceTable([], self._invoice_cells, id="invoices")
            yield Static("", id="totals")
            yield Label("Plan de relance", classes="section")
            yield Static("", id="plan")
            yield Label("Promesses et litiges", classes="section")
            yield Static("", id="promises")
            yield Label("Derniers contacts", classes="section")
            yield Static("", id="recent")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#contacts", DataTable).add_columns(*CONTACT_COLUMNS)
        self._set_invoice_columns()  # the invoices' header drawn while the card is read, as the contacts' is
        self._start_plan()

    @property
    def invoice_table(self) -> InvoiceTable:
        return self.query_one("#invoices", InvoiceTable)

    def _invoice_cells(self, invoice) -> list[str]:  # noqa: ANN001 - a CardInvoice
        columns = self.invoice_table.columns
        values = invoice_values(invoice, self._as_of, marked=not any(c.key == str(PRESCRIPTION) for c in columns))
        return [values[int(c.key)] for c in columns]

    def on_invoice_table_resized(self) -> None:
        self._set_invoice_columns()

    def _set_invoice_columns(self) -> None:
        """The columns the card's width allows (tui/card_lines.invoice_columns), the number taking the room left."""
        table = self.invoice_table
        width = table.scrollable_content_region.width or self.size.width - 4
        widths = self._invoice_widths
        table.columns = [Column(str(n), INVOICE_COLUMNS[n], 0 if n == 0 else widths[n], INVOICE_LAYOUT[n][1])
                         for n in invoice_columns(width, widths)]
        header = self.query_one("#invoices-header", Static)
        if self.card is not None and not self.card.invoices:
            header.update("Aucune facture.")
        else:
            header.update(plain(table.header_text()))
        table.refresh()

    def load(self) -> None:
        """Read the card again (and its plan): after a form saved, or another agent's change."""
        self._load(card_loader(self.relance))  # read on the UI thread: a worker must not reach for the app
        self._start_plan()

    def _start_plan(self) -> None:
        app = self.relance
        try:
            book = app.plan_book
        except RelanceError as exc:  # a broken plans.toml: said where the plan would be
            self.query_one("#plan", Static).update(plain(f"Plans du cabinet illisibles : {exc}"))
            return
        self._load_plan(app.store, app.today(), book, app.settings.office.country)

    class PlanLoaded(Message):
        def __init__(self, item) -> None:  # noqa: ANN001 - a store.plan.DebtorPlan or None
            super().__init__()
            self.item = item

    @work(thread=True, exclusive=True, group="card-plan", exit_on_error=False)
    def _load_plan(self, store, today, book, country: str) -> None:  # noqa: ANN001
        from relance_tui.store.plan import debtor_plans

        found = debtor_plans(store.conn, today, book=book, office_country=country, debtor_ids=[self.debtor_id])
        self.post_message(self.PlanLoaded(found[0] if found else None))

    def on_debtor_screen_plan_loaded(self, message: PlanLoaded) -> None:
        self.query_one("#plan", Static).update(plain("\n".join(plan_lines(message.item,
                                                                           self.relance.settings.display_name))))

    @work(thread=True, exclusive=True, group="card", exit_on_error=False)
    def _load(self, load: Callable[[int], DebtorCard]) -> None:
        self.post_message(self.Loaded(load(self.debtor_id)))

    def on_debtor_screen_loaded(self, message: Loaded) -> None:
        card = self.card = message.card
        settings = self.relance.settings
        today = self.relance.today()
        self.sub_title = line(card.name)
        self.query_one("#identity", Static).update(lines(identity_lines(card, settings)))
        contacts = self.query_one("#contacts", DataTable)
        keep = contacts.cursor_row
        contacts.clear()
        for c in card.contacts:
            contacts.add_row(*map(cell, contact_values(c)), key=str(c.id))
        if not card.contacts:
            contacts.add_row(NO_CONTACT, *("",) * (len(CONTACT_COLUMNS) - 1))
        if 0 <= keep < contacts.row_count:
            contacts.move_cursor(row=keep)
        self._as_of = today
        self._invoice_widths = invoice_widths(card.invoices)
        invoices = self.invoice_table
        invoices.display = bool(card.invoices)
        invoices.styles.height = max(1, min(len(card.invoices), INVOICE_ROWS))
        invoices.set_keys([i.id for i in card.invoices], {i.id: i for i in card.invoices},
                          keep=invoices.current_key)
        self._set_invoice_columns()
        # and again once laid out: a scroll bar that comes with more invoices narrows the table without resizing it
        self.call_after_refresh(self._set_invoice_columns)
        self.query_one("#totals", Static).update(lines(totals_lines(card, today) + limitation_lines(card, today)))
        self.query_one("#promises", Static).update(plain("\n".join(said_lines(card, settings))
                                                         or "Aucune promesse, aucun litige."))
        self.query_one("#recent", Static).update(plain("\n".join(
            event_line(e, settings.office.timezone, settings.display_name) for e in card.recent) or "Aucun contact."))

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
        under = self.invoice_table.current_row
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
        under = self.invoice_table.current_row

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

    def action_documents(self) -> None:
        """The debtor's letter, formal notice and statement: shown, then made as PDF (tui/documents.py)."""
        from relance_tui.tui.documents import DocumentScreen  # on demand: keeps start-up short

        self.app.push_screen(DocumentScreen(self.debtor_id, self.card.name if self.card else ""),
                             lambda _result: self.load())

    def action_language(self) -> None:
        """The language the debtor's emails and documents are written in (French, Dutch, English)."""
        from relance_tui.domain.language import LANGUAGES
        from relance_tui.store.cards import set_language
        from relance_tui.tui.dialogs import ChoiceScreen

        if self.relance.store.readonly:
            self.notify("Base en lecture seule.", severity="warning")
            return
        if self.card is None:
            return
        name = self.card.name

        def chosen(lang: str | None) -> None:
            if lang is None:
                return
            try:
                changed = set_language(self.relance.store, self.debtor_id, lang,
                                       office_country=self.relance.settings.office.country)
            except RelanceError as exc:
                self.notify(line(str(exc)), severity="error")
                return
            if changed:
                self.notify(line(f"{name} : courriers en {LANGUAGES[lang]}"))
            self.load()

        self.app.push_screen(ChoiceScreen(f"Langue des emails et documents pour {name} :",
                                          {k: v.capitalize() for k, v in LANGUAGES.items()},
                                          self.card.writes_in), chosen)

    def refresh_data(self) -> None:
        """Another agent changed something: reload the card."""
        self.load()
