"""Session: the shared queue of the morning, who is on which debtor, and the live board."""

from __future__ import annotations

import datetime as dt

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from relance_tui.domain.calls import format_clock
from relance_tui.domain.dates import Bucket
from relance_tui.domain.instants import format_local
from relance_tui.domain.money import format_cents
from relance_tui.domain.parsing import parse_amount
from relance_tui.domain.priority import PROFILE_LABELS
from relance_tui.domain.text import clean, count
from relance_tui.domain.vocabulary import CALL_OUTCOMES
from relance_tui.errors import RelanceError
from relance_tui.store.queue import REASONS, QueueFilters, work_queue
from relance_tui.store.sessions import (
    Board,
    SessionInfo,
    SessionItem,
    assign_item,
    board,
    close_session,
    create_session,
    join_session,
    list_sessions,
    move_item,
    next_debtor,
    remove_item,
    session_items,
)
from relance_tui.tui.base import RelanceNode
from relance_tui.tui.dialogs import AgentScreen, ConfirmScreen
from relance_tui.tui.plain import plain
from relance_tui.tui.survive import Survives, logged_failure
from relance_tui.tui.virtual_table import Column, VirtualTable


class SessionTable(VirtualTable):
    """The sessions, then a session's queue: Enter joins the session, or calls the debtor."""

    BINDINGS = [Binding("enter", "select", "Rejoindre / appeler", id="table.select")]


class SessionsView(Survives, RelanceNode, Vertical):
    DEFAULT_CSS = """
    SessionsView { height: 1fr; }
    #session-title { height: auto; padding: 0 1; background: $panel; text-style: bold; }
    #session-header { height: 1; text-style: bold; background: $boost; }
    #session-table { height: 1fr; }
    #session-board { height: auto; max-height: 8; padding: 0 1; }
    """
    BINDINGS = [
        Binding("n", "next", "Suivant", id="session.next"),
        Binding("enter", "select", "Rejoindre / appeler", id="session.select"),
        Binding("o", "open", "Nouvelle session", id="session.open"),
        Binding("l", "leave", "Liste des sessions", id="session.leave"),
        Binding("x", "export", "Exporter ses promesses", id="session.export"),
        Binding("plus", "move(-1)", "Monter", id="session.up", show=False),
        Binding("minus", "move(1)", "Descendre", id="session.down", show=False),
        Binding("delete", "remove", "Retirer", id="session.remove", show=False),
        Binding("v", "reserve", "Réserver à", id="session.reserve", show=False),
        Binding("c", "close_session", "Clore", id="session.close", show=False),
    ]

    class Loaded(Message):
        def __init__(self, session_id: int | None, sessions: list[SessionInfo], items: list[SessionItem],
                     board: Board | None) -> None:
            super().__init__()
            self.session_id, self.sessions, self.items, self.board = session_id, sessions, items, board

    class Claimed(Message):
        def __init__(self, debtor_id: int | None, error: str | None = None, holder: str | None = None) -> None:
            super().__init__()
            self.debtor_id, self.error, self.holder = debtor_id, error, holder

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.session_id: int | None = None
        self.sessions: list[SessionInfo] = []
        self.items: list[SessionItem] = []
        self.showing_sessions = True  # the list of sessions, else a session's queue

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#session-table", VirtualTable)

    def compose(self) -> ComposeResult:
        yield Static("", id="session-title")
        yield Static("", id="session-header")
        # drawn a screen at a time (the Line-API table): a DataTable measured every cell of a 10,000-debtor
        # session (60,000) before showing any
        yield SessionTable(session_columns(100), self.cells, id="session-table")
        yield Static("", id="session-board")

    def cells(self, row: dict[str, str]) -> list[str]:
        return [row.get(c.key, "") for c in self.table.columns]

    def on_resize(self) -> None:
        self._set_columns()

    def _set_columns(self) -> None:
        width = self.size.width
        self.table.columns = session_columns(width) if self.showing_sessions else queue_columns(width)
        self.query_one("#session-header", Static).update(self.table.header_text())
        self.table.refresh()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        app = self.relance
        self._load(self.session_id, app.store)

    @work(thread=True, exclusive=True, group="sessions", exit_on_error=False)
    def _load(self, session_id: int | None, store) -> None:
        sessions = list_sessions(store, include_closed=True, limit=30)
        if session_id is None:
            self.post_message(self.Loaded(None, sessions, [], None))
            return
        self.post_message(self.Loaded(session_id, sessions, session_items(store, session_id, store.clock()),
                                      board(store, session_id)))

    def on_sessions_view_loaded(self, message: Loaded) -> None:
        if message.session_id != self.session_id:
            return
        self.sessions = message.sessions
        settings = self.relance.settings
        names = settings.display_name
        tz = settings.office.timezone
        if self.session_id is None:
            rows = {s.id: {"name": s.name, "by": names(s.created_by), "at": format_local(s.created_at, tz),
                           "queued": str(s.queued), "done": str(s.done),
                           "members": ", ".join(names(m) for m in s.members),
                           "state": "ouverte" if s.status == "open" else "close"} for s in message.sessions}
            self._show_rows(True, rows)
            self.query_one("#session-title", Static).update(
                "Sessions : Entrée rejoint la session choisie · o ouvre une nouvelle session depuis la file du jour")
            self.query_one("#session-board", Static).update(
                "" if message.sessions else "Aucune session : o pour en ouvrir une.")
            return
        self.items = message.items
        info = next((s for s in message.sessions if s.id == self.session_id), None)
        rows = {}
        for item in message.items:
            who = ""
            if item.status == "done":
                who = f"fait par {names(item.done_by or '')}"
            elif item.holder is not None:
                who = f"» {names(item.holder.agent)}"
            elif item.assigned_to:
                who = f"réservé à {names(item.assigned_to)}"
            rows[item.debtor_id] = {"pos": str(item.position) if item.status == "queued" else "✓", "name": item.name,
                                    "due": format_cents(item.due_cents), "who": who,
                                    "outcome": CALL_OUTCOMES.get(item.outcome or "", ""),
                                    "reason": REASONS.get(item.reason, item.reason)}
        self._show_rows(False, rows)
        queued = sum(1 for i in message.items if i.status == "queued")
        state = "" if info is None or info.status == "open" else " · CLOSE"
        self.query_one("#session-title", Static).update(plain(
            f"Session « {info.name if info else '?'} »{state} · {queued} à appeler · "
            f"{len(message.items) - queued} faits · n : suivant · Entrée : ce débiteur · l : sessions"))
        self.query_one("#session-board", Static).update(plain(board_text(message.board, names)))

    def _show_rows(self, sessions: bool, rows: dict[int, dict[str, str]]) -> None:
        """Show these rows (key: the session's or the debtor's id), the cursor kept on the same one when it
        is still there (another agent's call changes a cell or two; a supervisor moves a row). Cells are
        data: the table draws each as one safe line of text, never markup."""
        if sessions != self.showing_sessions:
            self.showing_sessions = sessions
            self._set_columns()
        table = self.table
        table.set_keys(list(rows), rows, keep=table.current_key)

    # -- actions --------------------------------------------------------------------------------
    def _selected_key(self) -> int | None:
        return self.table.current_key

    @on(VirtualTable.Selected, "#session-table")
    def row_selected(self) -> None:
        self.action_select()

    def action_select(self) -> None:
        key = self._selected_key()
        if key is None:
            return
        if self.session_id is None:
            info = next((s for s in self.sessions if s.id == key), None)
            if (info is not None and info.status != "open") or self.relance.store.readonly:
                self.show_session(key)  # a closed session, or a read-only agent: look without joining
                return
            self._join(key, self.relance.store)
            return
        item = next((i for i in self.items if i.debtor_id == key), None)
        if item is None or item.status != "queued":
            self.notify("Ce débiteur est déjà traité.", severity="information")
            return
        self.relance.open_call(key, session_id=self.session_id)  # claims it (or asks to take it over)

    @work(thread=True, exclusive=True, group="session-join", exit_on_error=False)
    def _join(self, session_id: int, store) -> None:
        try:
            join_session(store, session_id)
        except (RelanceError, ValueError) as exc:
            self.post_message(self.Claimed(None, str(exc)))
            return
        self.app.call_from_thread(self.show_session, session_id)

    def show_session(self, session_id: int | None) -> None:
        self.session_id = session_id
        self.items = []
        self.reload()

    def action_export(self) -> None:
        session_id = self.session_id if self.session_id is not None else self._selected_key()
        if session_id is None:
            return
        from relance_tui.tui.promises import ExportScreen

        self.app.push_screen(ExportScreen(self.relance.today(), session_id=session_id))

    def action_leave(self) -> None:
        self.show_session(None)

    def action_next(self) -> None:
        if self.relance.store.readonly:
            self.notify("Base en lecture seule : consultation uniquement.", severity="warning")
            return
        if self.session_id is None:
            self.notify("Rejoignez d'abord une session (Entrée) ou ouvrez-en une (o).", severity="warning")
            return
        self._next(self.session_id, self.relance.store)

    @work(thread=True, exclusive=True, group="session-next", exit_on_error=False)
    def _next(self, session_id: int, store) -> None:
        try:
            debtor = next_debtor(store, session_id)
        except (RelanceError, ValueError) as exc:
            self.post_message(self.Claimed(None, str(exc)))
            return
        self.post_message(self.Claimed(debtor))

    def on_sessions_view_claimed(self, message: Claimed) -> None:
        if message.error:
            self.notify(message.error, severity="warning", timeout=8)
            return
        if message.debtor_id is None:
            self.notify("Plus personne à appeler dans cette session.", severity="information")
            self.reload()
            return
        self.relance.open_call(message.debtor_id, session_id=self.session_id)

    def action_open(self) -> None:
        if self.relance.store.readonly:
            self.notify("Base en lecture seule.", severity="warning")
            return

        def opened(session_id: int | None) -> None:
            if session_id is not None:
                self.show_session(session_id)

        self.app.push_screen(NewSessionScreen(), opened)

    # supervisor actions
    def _supervisor_item(self) -> int | None:
        if not self.relance.settings.is_supervisor:
            self.notify("Réservé aux superviseurs ([office] supervisors dans relance.toml).", severity="warning")
            return None
        if self.session_id is None:
            return None
        return self._selected_key()

    def _supervise(self, fn, *args) -> None:  # noqa: ANN001
        self._run_supervised(fn, args, self.relance.store)

    @work(thread=True, group="session-supervise", exit_on_error=False)
    def _run_supervised(self, fn, args, store) -> None:  # noqa: ANN001
        try:
            fn(store, *args)
        except (RelanceError, ValueError) as exc:
            self.post_message(self.Claimed(None, str(exc)))
            return
        self.app.call_from_thread(self.reload)

    def action_move(self, steps: int) -> None:
        key = self._supervisor_item()
        if key is not None:
            self._supervise(move_item, self.session_id, key, steps)

    def action_remove(self) -> None:
        key = self._supervisor_item()
        if key is not None:
            self._supervise(remove_item, self.session_id, key)

    def action_reserve(self) -> None:
        key = self._supervisor_item()
        if key is None:
            return

        def chosen(agent: str | None) -> None:
            if agent is not None:
                self._supervise(assign_item, self.session_id, key, agent or None)

        self.app.push_screen(AgentScreen(), chosen)

    def action_close_session(self) -> None:
        if not self.relance.settings.is_supervisor:
            self.notify("Réservé aux superviseurs ([office] supervisors dans relance.toml).", severity="warning")
            return
        if self.session_id is None:
            return
        sid = self.session_id

        def answered(yes: bool | None) -> None:
            if yes:
                self._supervise(close_session, sid)

        self.app.push_screen(ConfirmScreen("Clore la session ? Les débiteurs non appelés sont libérés."), answered)


def session_columns(width: int) -> list[Column]:
    """The sessions: their name first, who opened it and its members when the terminal is wide enough."""
    cols = [Column("name", "Session", 0)]
    if width >= 100:
        cols.append(Column("by", "Ouverte par", 12))
    cols += [Column("at", "Le", 16), Column("queued", "À appeler", 9, "right"), Column("done", "Faits", 6, "right")]
    if width >= 100:
        cols.append(Column("members", "Agents", 16))
    return [*cols, Column("state", "État", 7)]


def queue_columns(width: int) -> list[Column]:
    """A session's queue: who is on a debtor right now (or who called it: "fait par Marie Dubois") before why
    it is in the queue (the reason is left out below 100 columns)."""
    cols = [Column("pos", "#", 4, "right"), Column("name", "Débiteur", 0), Column("due", "Dû", 12, "right"),
            Column("who", "Sur le dossier", 22), Column("outcome", "Issue", 14)]
    if width >= 100:
        cols.append(Column("reason", "Motif", 18))
    return cols


def board_text(b: Board | None, names) -> str:  # noqa: ANN001
    if b is None:
        return ""
    lines = [f"{'Agent':<16}{'Appels':>7}{'Joints':>8}{'Promesses':>11}{'Montant':>14}{'Litiges':>9}{'Temps':>8}"]
    for a in [*b.agents.values(), b.total]:
        lines.append(f"{names(a.agent)[:15]:<16}{a.calls:>7}{a.reached_rate:>7.0%} {a.promises:>10}"
                     f"{format_cents(a.promised_cents):>14}{a.disputes:>9}{format_clock(a.seconds):>8}")
    return "\n".join(lines)


class NewSessionScreen(Survives, ModalScreen[int | None]):
    """Name the session and filter today's queue; Ctrl+S opens it."""

    DEFAULT_CSS = """
    NewSessionScreen { align: center middle; }
    NewSessionScreen > Vertical { width: 80; max-width: 98%; height: auto; border: round $primary;
                                  background: $surface; padding: 1; }
    NewSessionScreen Input, NewSessionScreen Select { margin: 0 0 1 0; }
    #new-session-status { height: auto; }
    """
    BINDINGS = [Binding("ctrl+s", "create", "Ouvrir", id="new_session.create", priority=True),
                Binding("escape", "cancel", "Annuler", id="new_session.cancel")]

    class Built(Message):
        def __init__(self, session_id: int | None, count: int, error: str | None) -> None:
            super().__init__()
            self.session_id, self.count, self.error = session_id, count, error

    def compose(self) -> ComposeResult:
        today = self.app.today()
        weekday = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")[today.weekday()]
        with Vertical():
            yield Label("Nouvelle session : la file d'appels du jour, filtrée — Ctrl+S l'ouvre, Échap annule")
            yield Input(value=f"{weekday} {'matin' if dt.datetime.now().hour < 13 else 'après-midi'}",
                        placeholder="Nom de la session", id="new-session-name", compact=True)
            yield Select([(b.label, b.value) for b in Bucket if b != Bucket.NOT_DUE], prompt="Ancienneté : toutes",
                         id="new-session-bucket", compact=True)
            yield Input(placeholder="Montant dû minimum (ex. 500)", id="new-session-min", compact=True)
            yield Input(placeholder="Suivi par (identifiant de l'agent), vide : tous", id="new-session-manager",
                        compact=True)
            yield Select([(label, code) for code, label in PROFILE_LABELS.items()], prompt="Profil : tous",
                         id="new-session-profile", compact=True)
            yield Static("", id="new-session-status")

    def on_mount(self) -> None:
        self.query_one("#new-session-name", Input).focus()

    building = False  # a build under way: a second Ctrl+S would open a second session

    def action_create(self) -> None:
        if self.building:
            return
        status = self.query_one("#new-session-status", Static)
        min_text = self.query_one("#new-session-min", Input).value.strip()
        try:
            min_cents = parse_amount(min_text) if min_text else 0
        except ValueError:
            status.update(plain(f"Montant minimum : « {min_text} » n'est pas un montant"))
            return
        bucket = self.query_one("#new-session-bucket", Select)
        profile = self.query_one("#new-session-profile", Select)
        filters = QueueFilters(bucket=None if bucket.is_blank() else Bucket(bucket.value), min_cents=min_cents,
                               account_manager=clean(self.query_one("#new-session-manager", Input).value).strip()
                               or None,
                               profile=None if profile.is_blank() else profile.value)
        app = self.app
        args = (app.store, clean(self.query_one("#new-session-name", Input).value), filters, app.today(),
                app.settings.office.timezone, app.calling_rules.debtor_caps, app.settings.office.country)
        status.update("Construction de la file…")
        self.building = True  # after what could fail above: never a form stuck refusing Ctrl+S
        self._build(*args)

    @work(thread=True, exclusive=True, group="new-session", exit_on_error=False)
    def _build(self, store, name: str, filters: QueueFilters, today: dt.date, tz: str, caps: dict,
               country: str) -> None:
        items: list = []
        try:
            # the office's country: the law (and limitation period) of a debtor outside FR and BE
            items = work_queue(store, now=store.clock(), today=today, tz=tz, country=country, filters=filters,
                               debtor_caps=caps)
            sid = create_session(store, name, items, filters)
        except (RelanceError, ValueError) as exc:
            self.post_message(self.Built(None, len(items), str(exc)))
            return
        self.post_message(self.Built(sid, len(items), None))

    def _not_built(self, error: str) -> None:
        self.building = False
        self.query_one("#new-session-status", Static).update(
            plain(f"Session non ouverte : {error}. Ctrl+S pour réessayer, Échap pour annuler."))

    def on_new_session_screen_built(self, message: Built) -> None:
        if message.error:
            self._not_built(message.error)
            return
        self.notify(f"Session ouverte : {count(message.count, 'débiteur')} à appeler.", timeout=6)
        self.dismiss(message.session_id)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Anything else that makes the build fail (a bug, a damaged file): logged and said on the form, which
        can be tried again; never "Construction de la file…" for ever."""
        if event.worker.group != "new-session" or event.state != WorkerState.ERROR or event.worker.error is None:
            return
        event.prevent_default()  # said here, on the form, rather than in a notification (Survives)
        self._not_built(logged_failure(event.worker.error, "ouverture d'une session"))

    def action_cancel(self) -> None:
        self.dismiss(None)

