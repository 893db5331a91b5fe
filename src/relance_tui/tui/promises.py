"""Promesses: promises obtained today, promises due today, broken ones; the day's export in one key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from relance_tui.domain.instants import format_local
from relance_tui.domain.money import format_cents
from relance_tui.domain.text import count
from relance_tui.domain.vocabulary import PROMISE_STATUSES
from relance_tui.io.promise_export import export_promises
from relance_tui.store.promises import (
    PromiseLine,
    promises_broken,
    promises_due,
    promises_made,
    promises_of_session,
)
from relance_tui.tui.base import RelanceNode
from relance_tui.tui.plain import plain, styled
from relance_tui.tui.survive import Survives
from relance_tui.tui.tabview import ReadsWhenShown
from relance_tui.tui.virtual_table import Column, VirtualTable

VIEWS = {"made": "Obtenues aujourd'hui", "due": "À échéance aujourd'hui", "broken": "Non tenues (30 jours)"}
VIEW_KEYS = {"1": "made", "2": "due", "3": "broken"}


def columns_for(width: int) -> list[Column]:
    """Who, what and when first; the contact and the agent when the terminal is wide enough."""
    cols = [Column("debtor", "Débiteur", 0)]
    if width >= 100:
        cols.append(Column("contact", "Contact", 12))
    cols += [Column("invoices", "Factures", 14), Column("amount", "Montant", 11, "right"),
             Column("due", "Pour le", 14), Column("status", "Statut", 10)]
    if width >= 100:
        cols.append(Column("agent", "Agent", 8))
    cols.append(Column("at", "Appel", 11))
    return cols


class PromisesView(Survives, RelanceNode, ReadsWhenShown, Vertical):
    DEFAULT_CSS = """
    PromisesView { height: 1fr; }
    #promises-bar { height: auto; padding: 0 1; background: $panel; }  /* wraps at 80 columns, never cut */
    #promises-header { height: 1; text-style: bold; background: $boost; }
    #promises-total { height: 1; padding: 0 1; text-style: bold; }
    #promises-table { height: 1fr; }
    """
    BINDINGS = [
        *[Binding(k, f"view('{v}')", VIEWS[v], id=f"promises.view_{v}") for k, v in VIEW_KEYS.items()],
        Binding("x", "export", "Exporter", id="promises.export"),
    ]

    class Loaded(Message):
        def __init__(self, view: str, lines: list[PromiseLine]) -> None:
            super().__init__()
            self.view, self.lines = view, lines

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.view = "made"
        self.lines: list[PromiseLine] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="promises-bar")
        yield Static("", id="promises-header")
        # drawn a screen at a time (the Line-API table): with 1,000 promises F4 to painted took 193 ms in
        # a DataTable, 88 ms here
        yield VirtualTable(columns_for(100), self.cells, id="promises-table")
        yield Static("", id="promises-total")

    def on_mount(self) -> None:
        self.reload(force=True)  # mounted when its tab is first shown

    def on_resize(self) -> None:
        self.table.columns = columns_for(self.size.width)
        self.query_one("#promises-header", Static).update(self.table.header_text())
        self.table.refresh()

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#promises-table", VirtualTable)

    def cells(self, p: PromiseLine) -> list[str]:
        settings = self.relance.settings
        values = {"debtor": p.debtor, "contact": p.contact, "invoices": p.invoices,
                  "amount": format_cents(p.amount_cents),
                  "due": f"{p.due_date:%d/%m/%y}" + (f" ({p.instalment})" if p.instalment else ""),
                  "status": PROMISE_STATUSES[p.status], "agent": settings.display_name(p.agent),
                  "at": format_local(p.created_at, settings.office.timezone, "%d/%m %H:%M")}
        return [values[c.key] for c in self.table.columns]

    def reload(self, *, force: bool = False) -> None:
        """Reload now if the tab is on screen; else when it is shown next."""
        if not self.should_read(force):
            return
        app = self.relance
        self._load(self.view, app.store, app.today(), app.settings.office.timezone)

    @work(thread=True, exclusive=True, group="promises", exit_on_error=False)
    def _load(self, view: str, store, today: dt.date, tz: str) -> None:
        if view == "made":
            lines = promises_made(store, today, tz=tz)
        elif view == "due":
            lines = promises_due(store, today)
        else:
            lines = promises_broken(store, today)
        self.post_message(self.Loaded(view, lines))

    def on_promises_view_loaded(self, message: Loaded) -> None:
        if message.view != self.view:
            return
        self.lines = message.lines
        self.table.set_keys([p.id for p in message.lines], {p.id: p for p in message.lines},
                            keep=self.table.current_key)
        bar = [styled((f"{k} {VIEWS[v]}", "reverse") if v == self.view else f"{k} {VIEWS[v]}")
               for k, v in VIEW_KEYS.items()]
        self.query_one("#promises-bar", Static).update(Content("   ").join([*bar, "x exporter la journée"]))
        total = sum(p.amount_cents for p in message.lines)
        self.query_one("#promises-total", Static).update(
            f"{VIEWS[self.view]} : {count(len(message.lines), 'promesse')}, total {format_cents(total)}")

    def action_view(self, view: str) -> None:
        self.view = view
        self.reload(force=True)

    @on(VirtualTable.Selected, "#promises-table")
    def row_selected(self, message: VirtualTable.Selected) -> None:
        if message.row is not None:
            self.relance.open_debtor_card(message.row.debtor_id)

    def action_export(self) -> None:
        self.relance.action_export_promises()


class ExportScreen(Survives, ModalScreen[str | None]):
    """The day's promises to a file: pick the format with one key, confirm the path."""

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical { width: 84; max-width: 98%; height: auto; border: round $primary; background: $surface; padding: 1; }
    #export-error { color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "Annuler", id="export.cancel"),
                Binding("ctrl+t", "next_format", "Format suivant", id="export.format", priority=True)]
    FORMATS = ("csv", "excel", "ics", "md")  # excel: the CSV a French Excel opens (";", decimal comma)

    class Done(Message):
        def __init__(self, path: str, count: int, total: int, error: str | None) -> None:
            super().__init__()
            self.path, self.count, self.total, self.error = path, count, total, error

    def __init__(self, day: dt.date, session_id: int | None = None) -> None:
        super().__init__()
        self.day = day
        self.session_id = session_id
        self.fmt = "csv"

    def default_path(self) -> str:
        what = f"session-{self.session_id}" if self.session_id is not None else self.day.isoformat()
        suffix = {"excel": "-excel.csv"}.get(self.fmt, f".{self.fmt}")
        return str(Path.home() / f"promesses-{what}{suffix}")

    def compose(self) -> ComposeResult:
        with Vertical():
            what = f"de la session n°{self.session_id}" if self.session_id is not None else f"du {self.day:%d/%m/%Y}"
            yield Label(f"Exporter les promesses {what} — Entrée exporte, Ctrl+T change de format")
            yield Static("", id="export-format")
            yield Input(value=self.default_path(), placeholder="Chemin du fichier, puis Entrée", id="export-path")
            yield Static("", id="export-error")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))  # at once: what is typed right after x lands in the path
        self._show_format()

    def _show_format(self) -> None:
        names = {"csv": "CSV", "excel": "CSV pour Excel", "ics": "ICS (agenda)", "md": "Markdown (mail)"}
        self.query_one("#export-format", Static).update(Content("Format : ") + Content("   ").join(
            styled((names[f], "reverse") if f == self.fmt else names[f]) for f in self.FORMATS))

    def action_next_format(self) -> None:
        field = self.query_one(Input)
        old_default = self.default_path()
        self.fmt = self.FORMATS[(self.FORMATS.index(self.fmt) + 1) % len(self.FORMATS)]
        if field.value == old_default:
            field.value = self.default_path()
            field.cursor_position = len(field.value)  # at its end, as after typing it
        self._show_format()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        """Refuse the database, the settings and the templates; ask before replacing an existing file."""
        from relance_tui.io.outputs import OutputExists, OutputRefused, Protected, check_output_target

        app = self.app
        path = str(Path(event.value.strip()).expanduser())
        protected = Protected.of_paths(app.settings.paths, app.store.path)
        try:
            check_output_target(path, protected)
        except OutputExists as exc:
            from relance_tui.tui.dialogs import ConfirmScreen

            exists = str(exc)  # names a link's real destination: that is what would be replaced

            def answered(yes: bool | None) -> None:
                if yes:
                    self._start_export(path, protected, overwrite=True)
                else:
                    self.query_one("#export-error", Static).update(
                        self._plain(f"Non exporté : {exists} ; indiquez un autre fichier."))
                    self.query_one(Input).focus()

            app.push_screen(ConfirmScreen(f"{exists}. Le remplacer par cet export ?"), answered)
            return
        except OutputRefused as exc:
            self.query_one("#export-error", Static).update(self._plain(f"Non exporté : {exc}"))
            return
        self._start_export(path, protected, overwrite=False)

    @staticmethod
    def _plain(text: str):  # noqa: ANN205 - a path typed by the person is data, never markup
        from textual.content import Content

        return Content(text)

    def _start_export(self, path: str, protected, *, overwrite: bool) -> None:  # noqa: ANN001
        app = self.app
        self.query_one("#export-error", Static).update("Export…")
        self._export(app.store, path, self.fmt, app.settings.office.timezone, app.settings.display_name,
                     protected, overwrite)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, store, path: str, fmt: str, tz: str, names, protected, overwrite: bool) -> None:  # noqa: ANN001
        from relance_tui.errors import RelanceError
        from relance_tui.io.outputs import write_error

        lines = promises_of_session(store, self.session_id) if self.session_id is not None else \
            promises_made(store, self.day, tz=tz)
        try:
            # checked again as it is written: what the path designates may have changed meanwhile
            export_promises(lines, path, fmt="csv" if fmt == "excel" else fmt, excel=fmt == "excel", day=self.day,
                            tz=tz, names=names, protected=protected, overwrite=overwrite)
        except RelanceError as exc:
            self.post_message(self.Done(path, 0, 0, str(exc)))
            return
        except OSError as exc:
            self.post_message(self.Done(path, 0, 0, str(write_error(path, exc))))
            return
        self.post_message(self.Done(path, len(lines), sum(p.amount_cents for p in lines), None))

    def on_export_screen_done(self, message: Done) -> None:
        if message.error:
            self.query_one("#export-error", Static).update(plain(f"Non exporté : {message.error}"))
            return
        self.notify(f"{count(message.count, 'promesse exportée', 'promesses exportées')}, "
                    f"{format_cents(message.total)}, dans {message.path}",
                    timeout=8)
        self.dismiss(message.path)

    def action_cancel(self) -> None:
        self.dismiss(None)
