"""The debtor card's forms: a note, a payment received, a contact edited, penalties waived, a legal act (m).
Each saves in a worker through its store call and stays open with what was typed when the save is refused."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from relance_tui.domain.law import ACT_ALLOWED_CHANNELS
from relance_tui.domain.money import format_cents, format_money
from relance_tui.domain.text import clean
from relance_tui.domain.vocabulary import ACKNOWLEDGEMENT_FORMS, ACT_CHANNELS, LEGAL_ACTS, SENSITIVE_DATA_HINT
from relance_tui.errors import RelanceError
from relance_tui.store.acts import RecordedAct, record_act
from relance_tui.store.cards import Contact, add_note, record_payment, update_contact, waive_penalties
from relance_tui.tui.card_lines import invoice_penalty
from relance_tui.tui.plain import line, plain, styled
from relance_tui.tui.survive import Survives


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
            yield Checkbox(line(f"toutes les factures du débiteur ({len(self.candidates)}, "
                                f"{format_money(total, symbol=True)})"),
                           id="waiver-all")
            yield Input(id="waiver-reason", placeholder=f"Raison (obligatoire). {SENSITIVE_DATA_HINT}")
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
    NoteScreen > Vertical { width: 70; max-width: 98%; height: auto; border: round $primary; background: $surface; padding: 1; }
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
            yield Label(f"Paiement reçu (reste dû {format_money(self.due_cents, symbol=True)}, imputé sur les "
                        "factures les plus anciennes) — Ctrl+S enregistre, Échap annule")
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
    ContactScreen > Vertical { width: 76; max-width: 98%; height: auto; border: round $primary; background: $surface; padding: 1; }
    ContactScreen .field { height: 1; margin: 0 0 1 0; }
    ContactScreen .field Label { width: 17; }
    ContactScreen .field Input { width: 1fr; }
    #contact-release { margin: 0 0 1 0; }
    #contact-error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "Annuler", id="contact.cancel"),
                Binding("ctrl+s", "save", "Enregistrer", id="contact.save", priority=True)]
    FIELDS = (("name", "Nom"), ("role", "Rôle"), ("phone", "Téléphone"), ("phone2", "Autre téléphone"),
              ("email", "Email"), ("notes", "Notes"))
    HINTS = {"notes": SENSITIVE_DATA_HINT}

    def __init__(self, contact: Contact) -> None:
        super().__init__()
        self.contact = contact

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Modifier le contact (version {self.contact.version}) — Ctrl+S enregistre, Échap annule")
            for name, label in self.FIELDS:  # a label beside each field: it says what a filled one holds
                with Horizontal(classes="field"):
                    yield Label(label)
                    yield Input(value=line(getattr(self.contact, name)), placeholder=self.HINTS.get(name, label),
                                id=f"contact-{name}", compact=True)
            yield Checkbox("Peut débloquer le paiement", self.contact.can_release_payment, id="contact-release",
                           compact=True)
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
