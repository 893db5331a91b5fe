"""Small dialogs: a yes/no question and the call frequency guard (calls and sessions), the objections heard
during a call, an agent's login (sessions), a choice among a few (the language of a debtor's letters)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from relance_tui.domain.text import clean
from relance_tui.io.callscript import Objection
from relance_tui.tui.plain import line, lines, plain, styled
from relance_tui.tui.survive import Survives


class ConfirmScreen(Survives, ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 70; max-width: 98%; height: auto; border: round $warning; background: $surface; padding: 1; }
    """
    BINDINGS = [Binding("o,y", "answer(True)", "Oui", id="confirm.yes"),
                Binding("n,escape", "answer(False)", "Non", id="confirm.no")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.question), id="confirm-question")
            yield Label("o : oui · n ou Échap : non")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


GUARD_REASON_MIN = 3  # characters, stated in the dialog: a word a supervisor can read later


class GuardScreen(Survives, ModalScreen[str | None]):
    """The call frequency guard: why not to call now, and the reason to call anyway (logged)."""

    DEFAULT_CSS = """
    GuardScreen { align: center middle; }
    GuardScreen > Vertical { width: 80; max-width: 98%; height: auto; border: round $error; background: $surface; padding: 1; }
    #guard-error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "Ne pas appeler", id="guard.cancel")]

    def __init__(self, reasons: list[str], *, cancel: str = "ne pas appeler", refused: str = "") -> None:
        super().__init__()
        self.reasons = reasons
        self.cancel = cancel  # what Escape does: not call, or (switching contact mid-call) keep the contact
        self.refused = refused  # why this agent may not call anyway (a consumer: supervisors only)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(styled(("Attention avant d'appeler", "bold"), " (appels répétés : Code pénal 222-16)"))
            yield Static(lines([f"• {line(r)}" for r in self.reasons]), id="guard-reasons")
            if self.refused:
                yield Static(plain(self.refused), id="guard-refused")
                yield Label(f"Échap : {self.cancel}.")
                return
            yield Label(f"Pour appeler quand même, donnez le motif ({GUARD_REASON_MIN} caractères au moins ; il est "
                        f"consigné), puis Entrée. Échap : {self.cancel}.")
            yield Input(placeholder="ex. le client a demandé à être rappelé à cette heure", id="guard-reason")
            yield Static("", id="guard-error")

    def on_mount(self) -> None:
        if not self.refused:
            self.query_one(Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if self.refused:  # no field to type in; kept as a second lock
            return
        reason = clean(event.value).strip()
        if len(reason) < GUARD_REASON_MIN:
            self.query_one("#guard-error", Static).update(
                f"Un motif est nécessaire pour appeler malgré l'alerte ({GUARD_REASON_MIN} caractères au moins)."
                if not reason else f"Motif trop court ({len(reason)} caractère{'s' if len(reason) > 1 else ''} sur "
                f"{GUARD_REASON_MIN} au moins) : dites pourquoi vous appelez malgré l'alerte.")
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ObjectionScreen(Survives, ModalScreen[str | None]):
    """Objections and the answers that go with them; Enter notes the objection in the call."""

    DEFAULT_CSS = """
    ObjectionScreen { align: center middle; }
    ObjectionScreen > Vertical { width: 90%; height: 80%; border: round $primary; background: $surface; }
    ObjectionScreen OptionList { height: 8; }
    #objection-detail { height: 1fr; padding: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Fermer", id="objection.cancel")]

    def __init__(self, objections: list[Objection]) -> None:
        super().__init__()
        self.objections = objections

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(" Objection entendue (↑↓ pour voir les réponses, Entrée pour la noter)")
            yield OptionList(*[Option(plain(line(o.label)), id=o.code) for o in self.objections],
                             id="objection-list")
            yield Static("", id="objection-detail")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()
        self.show(0)

    def show(self, index: int | None) -> None:
        if index is None or not self.objections:
            return
        o = self.objections[index]
        self.query_one("#objection-detail", Static).update(lines([
            styled(("Réponses possibles", "bold")), *[f"• {a}" for a in o.answers], "",
            styled(("Action", "bold"), f" : {o.action_label or o.action}")]))

    @on(OptionList.OptionHighlighted)
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show(event.option_index)

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AgentScreen(Survives, ModalScreen[str | None]):
    """Reserve a debtor for one agent (login); empty: for anyone."""

    DEFAULT_CSS = """
    AgentScreen { align: center middle; }
    AgentScreen > Vertical { width: 60; max-width: 98%; height: auto; border: round $primary; background: $surface;
                             padding: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Annuler", id="agent.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Réserver à quel agent (identifiant) ? Vide : à tous. Entrée valide.")
            yield Input(placeholder="ex. karim", id="agent-login", compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(clean(event.value).strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceScreen(Survives, ModalScreen[str | None]):
    """One choice among a few, the current one highlighted: its key, or None (Escape)."""

    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical { width: 60; max-width: 98%; height: auto; border: round $primary; background: $surface;
                              padding: 1; }
    ChoiceScreen OptionList { height: auto; max-height: 12; }
    """
    BINDINGS = [Binding("escape", "cancel", "Annuler", id="choice.cancel")]

    def __init__(self, title: str, choices: dict[str, str], current: str | None = None) -> None:
        super().__init__()
        self.title_text, self.choices, self.current = title, choices, current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.title_text))
            yield OptionList(*(Option(plain(label + (" (actuelle)" if key == self.current else "")), id=key)
                               for key, label in self.choices.items()), id="choices")
            yield Label("↑↓ choisir · Entrée valide · Échap annule")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in self.choices:
            options.highlighted = list(self.choices).index(self.current)
        options.focus()

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
