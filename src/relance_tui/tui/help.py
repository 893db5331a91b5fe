"""The help screen (F1): every key of the app, with this user's keymap applied; and the identifiers of those
keys, which [keys] in the user's config names."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import DataTable

from relance_tui.tui.overdue import OverdueView
from relance_tui.tui.plain import cell
from relance_tui.tui.survive import Survives
from relance_tui.tui.virtual_table import VirtualTable

# How a key is written for a person (Textual's names are English identifiers: "slash", "question_mark")
KEY_NAMES = {"slash": "/", "question_mark": "?", "escape": "Échap", "enter": "Entrée", "space": "Espace",
             "tab": "Tab", "backspace": "Retour arrière", "delete": "Suppr", "up": "↑", "down": "↓",
             "left": "←", "right": "→", "pageup": "Page↑", "pagedown": "Page↓", "home": "Début", "end": "Fin",
             "plus": "+", "minus": "-", "full_stop": ".", "comma": ",", "exclamation_mark": "!",
             "less_than_sign": "<", "greater_than_sign": ">", "asterisk": "*"}
MODIFIERS = {"ctrl": "Ctrl", "shift": "Maj", "alt": "Alt"}


def key_name(keys: str) -> str:
    """'escape,f1,question_mark' -> 'Échap, F1, ?'; 'ctrl+s' -> 'Ctrl+S'; 'shift+tab' -> 'Maj+Tab'."""
    out = []
    for key in keys.split(","):
        *mods, last = key.strip().split("+")
        name = KEY_NAMES.get(last) or (last.upper() if len(last) == 1 and mods or last[:1] == "f" and
                                       last[1:].isdigit() else last.replace("_", " "))
        out.append("+".join([*(MODIFIERS.get(m, m) for m in mods), name]))
    return ", ".join(out)


# What a place's keys do not say, in a line or two under them
NOTES = {"Tableau de bord": ("DSO : par épuisement", "expliqué dans l'onglet")}  # 24 cells at most


class HelpScreen(Survives, ModalScreen[None]):
    """Every key of the app, with the keymap of this user applied: a line per place, then its keys."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > DataTable { width: 100%; max-width: 110; height: 90%; border: round $primary; }
    """
    BINDINGS = [Binding("escape,f1,question_mark,q", "close", "Fermer", id="help.close")]

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # labels are plain text: "[keys]" is the section's name, not markup
        table.add_columns(*(Text(label) for label in ("Touche", "Action", "Identifiant [keys]")))
        keymap = getattr(self.app, "_keymap", {})
        for place, classes in help_sections():
            table.add_row(Text(place, style="bold"), "", "")
            for cls in classes:
                for binding in cls.BINDINGS:
                    if not isinstance(binding, Binding):
                        continue
                    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
                    # the user's own [keys] values among them: data, never markup
                    table.add_row(*(cell(value) for value in (f"  {key_name(keys)}", binding.description,
                                                              binding.id or "")))
            for note in NOTES.get(place, ()):
                table.add_row("", cell(note), "")
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)


def binding_ids() -> set[str]:
    """The identifier of every key of the app, as [keys] in the user's config names them."""
    return {b.id for _place, classes in help_sections() for cls in classes for b in cls.BINDINGS
            if isinstance(b, Binding) and b.id}


def help_sections() -> tuple[tuple[str, Iterable[type]], ...]:
    # imported here: these screens load on demand, not at start-up (and the app imports this module)
    from relance_tui.tui.agenda import AgendaView, DoneScreen, StepScreen
    from relance_tui.tui.app import RelanceApp
    from relance_tui.tui.call import CallScreen
    from relance_tui.tui.card import DebtorScreen
    from relance_tui.tui.card_forms import ActScreen, ContactScreen, NoteScreen, PaymentScreen, WaiverScreen
    from relance_tui.tui.dashboard import DashboardView
    from relance_tui.tui.dialogs import AgentScreen, ChoiceScreen, ConfirmScreen, GuardScreen, ObjectionScreen
    from relance_tui.tui.documents import DocumentScreen
    from relance_tui.tui.followup import EmailScreen
    from relance_tui.tui.import_screen import ColumnsScreen, ImportScreen
    from relance_tui.tui.outcome import OutcomeScreen
    from relance_tui.tui.promises import ExportScreen, PromisesView
    from relance_tui.tui.sessions import NewSessionScreen, SessionsView
    from relance_tui.tui.timeline import TimelineView
    from relance_tui.tui.welcome import WelcomeScreen

    return (
        ("Partout", (RelanceApp,)),
        ("Impayés", (OverdueView, VirtualTable)),
        ("Chronologie", (TimelineView,)),
        ("Promesses", (PromisesView, ExportScreen)),
        ("Session", (SessionsView, NewSessionScreen, AgentScreen)),
        ("À faire (plan)", (AgendaView, StepScreen, DoneScreen)),
        ("Tableau de bord", (DashboardView,)),
        ("Appel", (CallScreen,)),
        ("Issue de l'appel", (OutcomeScreen,)),
        ("Objections", (ObjectionScreen,)),
        ("Alerte avant appel", (GuardScreen,)),
        ("Email de suivi", (EmailScreen,)),
        ("Confirmation", (ConfirmScreen,)),
        ("Fiche débiteur", (DebtorScreen,)),
        ("Formulaires de la fiche", (NoteScreen, ContactScreen, PaymentScreen, WaiverScreen, ActScreen)),
        ("Documents", (DocumentScreen,)),
        ("Langue des courriers", (ChoiceScreen,)),
        ("Import", (ImportScreen, ColumnsScreen)),
        ("Accueil (base vide)", (WelcomeScreen,)),
        ("Aide", (HelpScreen,)),
    )
