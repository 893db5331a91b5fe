"""The outcome of a call: one key picks it, the form asks what it needs, Ctrl+S saves everything at once.

The form knows no call screen: it is given the card (what is owed), a callable that turns its values into
a report (``build``, io/outcome_form.py's rule with the call's facts) and one that saves a report
(``save``, run in a worker).
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select, SelectionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from relance_tui.domain.money import format_cents
from relance_tui.domain.text import clean
from relance_tui.domain.vocabulary import CALL_OUTCOMES, DISPUTE_CATEGORIES, SENSITIVE_DATA_HINT
from relance_tui.errors import RelanceError
from relance_tui.store.calls import CallReport, SavedCall
from relance_tui.store.cards import DebtorCard
from relance_tui.tui.plain import line, plain, styled
from relance_tui.tui.survive import Survives, logged_failure

OUTCOME_KEYS = {"p": "promise", "d": "paid_already", "l": "dispute", "r": "callback", "m": "voicemail",
                "i": "unreachable", "n": "wrong_number", "x": "refused", "v": "not_received",
                "a": "awaiting_approval"}
# which parts of the outcome form each outcome needs
OUTCOME_FIELDS = {"promise": ("promise",), "paid_already": ("paid",), "dispute": ("dispute",),
                  "callback": ("callback",)}
FIRST_FIELD = {"promise": "#amount", "paid_already": "#paid_date", "dispute": "#category", "callback": "#cb_date"}


class OutcomeScreen(Survives, ModalScreen[tuple[CallReport, SavedCall] | None]):
    """Pick the outcome with one key, fill in what it needs, Ctrl+S saves everything at once."""

    DEFAULT_CSS = """
    OutcomeScreen { align: center middle; }
    OutcomeScreen > Vertical { width: 86; max-width: 98%; height: auto; max-height: 95%; border: round $primary;
                               background: $surface; padding: 0 1; }
    OutcomeScreen #outcome-menu { height: auto; max-height: 12; }
    OutcomeScreen .part { height: auto; display: none; }
    OutcomeScreen .shown { display: block; }
    OutcomeScreen Input { margin: 0 0 1 0; }
    OutcomeScreen .row Input { width: 1fr; margin: 0 1 1 0; }
    OutcomeScreen .row { height: auto; }
    OutcomeScreen SelectionList { height: auto; max-height: 8; }
    #outcome-error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("ctrl+s", "save", "Enregistrer", id="outcome.save", priority=True),
                Binding("escape", "back", "Retour", id="outcome.back")]  # Tab: the app's, as keys arrive

    class Done(Message):
        def __init__(self, report: CallReport | None, saved: SavedCall | None, error: str | None) -> None:
            super().__init__()
            self.report, self.saved, self.error = report, saved, error

    def __init__(self, card: DebtorCard, *, build: Callable[[str, dict], CallReport],
                 save: Callable[[CallReport], SavedCall]) -> None:
        """``build(outcome, fields)`` makes the report or raises ValueError naming the field; ``save(report)``
        writes it (run in a worker: it must not touch widgets)."""
        super().__init__()
        self.card = card
        self.build = build
        self.save = save
        self.outcome: str | None = None
        self.saving = False

    def compose(self) -> ComposeResult:
        card = self.card
        total = card.due_cents
        with Vertical():
            yield Label(styled(("Issue de l'appel", "bold"), " — une touche, puis Ctrl+S pour enregistrer"),
                        id="outcome-title")
            yield OptionList(*[Option(f"{key}  {CALL_OUTCOMES[code]}", id=code) for key, code in OUTCOME_KEYS.items()],
                             id="outcome-menu")
            with Vertical(id="part-promise", classes="part"):
                yield Label("Montant promis et date (JJ/MM/AAAA, JJ/MM, demain, +N)")
                with Horizontal(classes="row"):
                    yield Input(value=format_cents(total, symbol=False), placeholder="Montant", id="amount", compact=True)
                    yield Input(placeholder="Date", id="date", compact=True)
                yield Input(placeholder="Autres échéances : 15/01/2027 500; 15/02/2027 500", id="more", compact=True)
            with Vertical(id="part-paid", classes="part"):
                yield Label("Paiement annoncé : date et référence du virement")
                yield Input(placeholder="Date (défaut : aujourd'hui)", id="paid_date", compact=True)
                yield Input(placeholder="Référence", id="paid_ref", compact=True)
            with Vertical(id="part-dispute", classes="part"):
                yield Label("Catégorie du litige et factures concernées (leurs relances sont suspendues)")
                yield Select([(label, code) for code, label in DISPUTE_CATEGORIES.items()], prompt="Catégorie",
                             id="category", compact=True)
                yield SelectionList(*[(plain(line(f"{i.number} — {format_cents(i.amount_cents - i.paid_cents)}")),
                                       i.id, True) for i in card.outstanding], id="dispute-invoices")
            with Vertical(id="part-callback", classes="part"):
                yield Label("Rappel convenu : date et heure")
                with Horizontal(classes="row"):
                    yield Input(placeholder="Date", id="cb_date", compact=True)
                    yield Input(placeholder="Heure (16:00)", id="cb_time", compact=True)
            with Vertical(id="part-notes", classes="part"):
                yield Input(placeholder=f"Notes libres. {SENSITIVE_DATA_HINT}", id="notes", compact=True)
            yield Static("", id="outcome-error")

    def on_mount(self) -> None:
        menu = self.query_one("#outcome-menu", OptionList)
        menu.highlighted = 0
        # at once (Widget.focus waits its turn): an agent who typed f then p before the form showed would
        # have that late focus come back to the hidden menu after p, and Tab type the date over the amount
        self.set_focus(menu)

    def on_key(self, event) -> None:  # noqa: ANN001 - textual.events.Key
        if self.outcome is None and event.character in OUTCOME_KEYS:
            event.stop()
            self.choose(OUTCOME_KEYS[event.character])

    @on(OptionList.OptionSelected, "#outcome-menu")
    def menu_selected(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option.id)

    def choose(self, outcome: str) -> None:
        self.outcome = outcome
        parts = OUTCOME_FIELDS.get(outcome, ()) + ("notes",)
        for part in ("promise", "paid", "dispute", "callback", "notes"):
            self.query_one(f"#part-{part}").set_class(part in parts, "shown")
        self.query_one("#outcome-menu").display = False
        self.query_one("#outcome-title", Label).update(
            styled((CALL_OUTCOMES[outcome], "bold"), " — Ctrl+S enregistre · Échap change d'issue"))
        # at once, not after the keys already typed (Widget.focus waits its turn): an agent who types p then
        # Tab lands on the date
        self.set_focus(self.query_one(FIRST_FIELD.get(outcome, "#notes")))

    def fields(self) -> dict:
        out = {name: clean(self.query_one(f"#{name}", Input).value) for name in
               ("amount", "date", "more", "paid_date", "paid_ref", "cb_date", "cb_time", "notes")}
        category = self.query_one("#category", Select)
        out["category"] = None if category.is_blank() else category.value
        out["invoices"] = list(self.query_one("#dispute-invoices", SelectionList).selected)
        return out

    def action_save(self) -> None:
        if self.outcome is None or self.saving:
            return
        try:
            report = self.build(self.outcome, self.fields())
        except ValueError as exc:
            self.query_one("#outcome-error", Static).update(plain(exc))
            return
        self.saving = True
        self.query_one("#outcome-error", Static).update("Enregistrement…")
        self._save(report)

    @work(thread=True, exclusive=True, group="outcome-save", exit_on_error=False)
    def _save(self, report: CallReport) -> None:
        try:
            saved = self.save(report)
        except (RelanceError, ValueError) as exc:
            self.post_message(self.Done(report, None, str(exc)))
            return
        self.post_message(self.Done(report, saved, None))

    def on_outcome_screen_done(self, message: Done) -> None:
        self.saving = False
        if message.error or message.saved is None:
            self._not_saved(message.error)
            return
        self.dismiss((message.report, message.saved))

    def _not_saved(self, error: str | None) -> None:
        # the form stays as typed; the message says why nothing was saved
        self.saving = False
        self.query_one("#outcome-error", Static).update(
            plain(f"Non enregistré : {error}. Rien n'est perdu : corrigez ou réessayez (Ctrl+S)."))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Any other failure of the save (a bug, a database error not foreseen): logged, said on the form,
        Ctrl+S works again; never "Enregistrement…" for ever."""
        if event.worker.group != "outcome-save" or event.state != WorkerState.ERROR or event.worker.error is None:
            return
        event.prevent_default()  # said here, on the form, rather than in a notification (Survives)
        self._not_saved(logged_failure(event.worker.error, "issue de l'appel"))

    def action_back(self) -> None:
        if self.outcome is None:
            self.dismiss(None)
            return
        self.outcome = None
        for part in self.query(".part"):
            part.set_class(False, "shown")
        self.query_one("#outcome-title", Label).update(
            styled(("Issue de l'appel", "bold"), " — une touche, puis Ctrl+S pour enregistrer"))
        menu = self.query_one("#outcome-menu", OptionList)
        menu.display = True
        self.set_focus(menu)  # at once, as on_mount: the next key typed goes to the menu
