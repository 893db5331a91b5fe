"""The command palette (Ctrl+P): the app's actions by name, each calling what its key calls."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from relance_tui.store.overdue import SORTS
from relance_tui.tui.overdue import BUCKET_KEYS, SORT_KEYS, OverdueView

if TYPE_CHECKING:
    from relance_tui.tui.app import RelanceApp


async def timeline_action(app: RelanceApp, action: str) -> None:
    """A palette command of the timeline: its tab first (built if it never was), then the action."""
    await app.action_show_tab("chronologie")
    view = app.timeline_view
    if view is None or app.query_one("#places").current != "chronologie" or len(app.screen_stack) > 1:
        return  # refused over a call or a form (action_show_tab said why): nothing changes unseen
    getattr(view, action)()


def palette_commands(app: RelanceApp) -> Iterator[SystemCommand]:
    """relance's commands, after Textual's own (RelanceApp.get_system_commands)."""
    overdue = app.query_one("#overdue-view", OverdueView)
    yield SystemCommand("Actualiser", "Recharger la liste et la chronologie", app.action_refresh)
    yield SystemCommand("Importer un export comptable", "CSV, FEC ou paiements", app.action_import_file)
    yield SystemCommand("Aide : toutes les touches", "F1", app.action_help)
    yield SystemCommand("Aller aux impayés", "F2", lambda: app.action_show_tab("impayes"))
    yield SystemCommand("Aller à la chronologie", "F3", lambda: app.action_show_tab("chronologie"))
    yield SystemCommand("Aller aux promesses", "F4", lambda: app.action_show_tab("promesses"))
    yield SystemCommand("Aller à la session", "F5", lambda: app.action_show_tab("session"))
    yield SystemCommand("Appeler le débiteur sélectionné", "a", overdue.action_call)
    yield SystemCommand("Exporter les promesses du jour", "x (onglet Promesses)", app.action_export_promises)
    yield SystemCommand("Filtrer les impayés", "/", overdue.action_focus_filter)
    yield SystemCommand("Impayés : par facture / par débiteur", "t", overdue.action_toggle_per_debtor)
    yield SystemCommand("Ancienneté : toutes", "0", lambda: overdue.action_bucket(""))
    for key, bucket in BUCKET_KEYS.items():
        yield SystemCommand(f"Ancienneté : {bucket.label}", key, lambda code=bucket.value: overdue.action_bucket(code))
    for key, sort in SORT_KEYS.items():
        yield SystemCommand(f"Trier par {SORTS[sort][0].lower()}", key, lambda sort=sort: overdue.action_sort(sort))
    yield SystemCommand("Chronologie : type suivant", "k", lambda: timeline_action(app, "action_next_kind"))
    yield SystemCommand("Chronologie : tout le cabinet / le débiteur", "a",
                        lambda: timeline_action(app, "action_toggle_everyone"))
    for name in app.themes_available:
        yield SystemCommand(f"Thème relance : {name}", "Changer de thème", lambda name=name: app.action_use_theme(name))
    # Textual's own commands are English ("Theme", "Keys", "Screenshot"): relance's themes are above
    yield SystemCommand("Quitter relance", "Ctrl+Q", app.action_quit)


def open_palette(app: RelanceApp) -> None:
    """The command palette (Ctrl+P), its search field in French."""
    from textual.command import CommandPalette

    if app.use_command_palette and not CommandPalette.is_open(app):
        app.push_screen(CommandPalette(placeholder="Chercher une commande…", id="--command-palette"))
