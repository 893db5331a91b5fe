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


class HelpScreen(Survives, ModalScreen[None]):
    """Every key of the app, with the keymap of this user applied."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > DataTable { width: 90; height: 80%; border: round $primary; }
    """
    BINDINGS = [Binding("escape,f1,question_mark,q", "close", "Fermer", id="help.close")]
    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # labels are plain text: "[keys]" is the section's name, not markup
        table.add_columns(*(Text(label) for label in ("Où", "Touche", "Action", "Identifiant (pour [keys])")))
        keymap = getattr(self.app, "_keymap", {})
        for place, classes in help_sections():
            for cls in classes:
                for binding in cls.BINDINGS:
                    if not isinstance(binding, Binding):
                        continue
                    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
                    # the user's own [keys] values among them: data, never markup
                    table.add_row(*(cell(value) for value in (place, keys.replace("_", " "), binding.description,
                                                              binding.id or "")))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)


def binding_ids() -> set[str]:
    """The identifier of every key of the app, as [keys] in the user's config names them."""
    return {b.id for _place, classes in help_sections() for cls in classes for b in cls.BINDINGS
            if isinstance(b, Binding) and b.id}


def help_sections() -> tuple[tuple[str, Iterable[type]], ...]:
    # imported here: these screens load on demand, not at start-up (and the app imports this module)
    from relance_tui.tui.app import RelanceApp
    from relance_tui.tui.call import CallScreen
    from relance_tui.tui.card import DebtorScreen
    from relance_tui.tui.card_forms import ContactScreen, NoteScreen, PaymentScreen, WaiverScreen
    from relance_tui.tui.dialogs import AgentScreen, ConfirmScreen, GuardScreen, ObjectionScreen
    from relance_tui.tui.followup import EmailScreen
    from relance_tui.tui.import_screen import ImportScreen
    from relance_tui.tui.outcome import OutcomeScreen
    from relance_tui.tui.promises import ExportScreen, PromisesView
    from relance_tui.tui.sessions import NewSessionScreen, SessionsView
    from relance_tui.tui.timeline import TimelineView

    return (
        ("Partout", (RelanceApp,)),
        ("Impayés", (OverdueView, VirtualTable)),
        ("Chronologie", (TimelineView,)),
        ("Promesses", (PromisesView, ExportScreen)),
        ("Session", (SessionsView, NewSessionScreen, AgentScreen)),
        ("Appel", (CallScreen,)),
        ("Issue de l'appel", (OutcomeScreen,)),
        ("Objections", (ObjectionScreen,)),
        ("Alerte avant appel", (GuardScreen,)),
        ("Email de suivi", (EmailScreen,)),
        ("Confirmation", (ConfirmScreen,)),
        ("Fiche débiteur", (DebtorScreen,)),
        ("Note / contact / paiement / abandon", (NoteScreen, ContactScreen, PaymentScreen, WaiverScreen)),
        ("Import", (ImportScreen,)),
        ("Aide", (HelpScreen,)),
    )
