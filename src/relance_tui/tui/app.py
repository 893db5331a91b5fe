"""The Textual application shell."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import Worker, WorkerState

from relance_tui.config import Settings
from relance_tui.domain.money import format_cents
from relance_tui.logs import log_unexpected, setup_logging
from relance_tui.store import Store, open_store
from relance_tui.store.overdue import BucketTotal, aging_summary
from relance_tui.tui.import_screen import ImportScreen
from relance_tui.tui.themes import DEFAULT_THEME, check_theme, load_themes


class SummaryLoaded(Message):
    def __init__(self, totals: list[BucketTotal]) -> None:
        super().__init__()
        self.totals = totals


class RelanceApp(App):
    """Shell of the collections desk: header, aging summary, footer."""

    TITLE = "relance"
    CSS = """
    #summary-title { padding: 1 2 0 2; text-style: bold; }
    #summary { margin: 1 2; height: auto; max-height: 12; }
    #status { padding: 0 2; color: $text-muted; }
    """
    BINDINGS = [
        Binding("q", "quit", "Quitter", id="app.quit"),
        Binding("ctrl+q", "quit", "Quitter", id="app.quit_ctrl", show=False, priority=True),
        Binding("r", "refresh", "Actualiser", id="app.refresh"),
        Binding("i", "import_file", "Importer", id="app.import"),
    ]

    def __init__(self, store: Store, settings: Settings, *, theme: str | None = None,
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__()
        setup_logging(settings.paths.log_file)
        self.store = store
        self.settings = settings
        self.today = today
        self.animation_level = "none"
        for t in load_themes().values():
            self.register_theme(t)
        self.theme = theme or DEFAULT_THEME
        # [keys] in the user's config.toml: binding id = "keys", e.g. "app.refresh" = "f5"
        self.set_keymap(settings.keys)
        self.sub_title = f"{settings.agent_name} · {store.path.name}"

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True, time_format="%H:%M")
        with Vertical():
            yield Static("Impayés par ancienneté", id="summary-title")
            yield DataTable(id="summary", cursor_type="row", zebra_stripes=True)
            yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#summary", DataTable)
        table.add_columns("Ancienneté", "Factures", "Reste dû")
        warning = self.store.host_warning()
        if warning:
            self.notify(warning, severity="warning", timeout=15)
        if self.store.readonly:
            self.notify("Base en lecture seule : consultation uniquement.", severity="warning", timeout=10)
        self.load_summary()

    def action_refresh(self) -> None:
        self.load_summary()

    def action_import_file(self) -> None:
        if self.store.readonly:
            self.notify("Base en lecture seule : import impossible.", severity="warning")
            return

        def done(imported: bool | None) -> None:
            if imported:
                self.load_summary()

        self.push_screen(ImportScreen(), done)

    @work(thread=True, exclusive=True, group="summary", exit_on_error=False)
    def load_summary(self) -> None:
        totals = aging_summary(self.store, self.today())
        self.post_message(SummaryLoaded(totals))

    def on_summary_loaded(self, message: SummaryLoaded) -> None:
        table = self.query_one("#summary", DataTable)
        table.clear()
        for t in message.totals:
            table.add_row(t.bucket.label, str(t.count), format_cents(t.due_cents), key=t.bucket.value)
        total = sum(t.due_cents for t in message.totals)
        count = sum(t.count for t in message.totals)
        self.query_one("#status", Static).update(
            f"{count} factures à recouvrer, {format_cents(total)} au {self.today():%d/%m/%Y}"
        )

    # Every key and palette action passes here: a failing action is logged with
    # its traceback and shown as one line, and the app stays up.
    async def _dispatch_action(self, namespace, action_name, params) -> bool:  # noqa: ANN001
        try:
            return await super()._dispatch_action(namespace, action_name, params)
        except Exception as error:  # noqa: BLE001 - the agent gets a message, the log the traceback
            where = log_unexpected(error, f"action {action_name}")
            self.notify(f"L'action a échoué : {error}. Détails dans {where}.", severity="error", timeout=10)
            return True

    # Anything else unhandled ends the app (Textual stops the failing widget's
    # message loop, so carrying on is not safe) with one line, not a traceback;
    # the traceback goes to the log. (Overrides Textual's private hook: the only
    # place every unhandled error passes.)
    def _handle_exception(self, error: Exception) -> None:
        where = log_unexpected(error, "application")
        self._return_code = 1
        self._exit_renderables.append(
            f"relance : erreur inattendue ({type(error).__name__}: {error}). Détails dans {where}.")
        self.exit(return_code=1)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            where = log_unexpected(event.worker.error, f"worker {event.worker.name}")
            self.notify(f"Échec : {event.worker.error}. Détails dans {where}.", severity="error", timeout=10)


def run_app(settings: Settings, *, db: Path, theme: str | None = None) -> int:
    """Open the database, then the app; errors opening it are the CLI's to print."""
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    chosen = check_theme(theme or settings.user.theme or DEFAULT_THEME, load_themes())
    mode = settings.database.journal_mode
    store = open_store(db, agent=settings.agent, journal_override=None if mode == "auto" else mode)
    app = RelanceApp(store, settings, theme=chosen)
    app.run()
    store.close()
    return app.return_code or 0
