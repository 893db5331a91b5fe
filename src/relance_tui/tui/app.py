"""The Textual application shell: tabs, actions, errors. Its help (tui/help.py), command palette
(tui/palette.py) and live changes (tui/live.py) have their own modules."""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Container
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import ContentSwitcher
from textual.worker import WorkerFailed

from relance_tui.config import Settings
from relance_tui.errors import RelanceError
from relance_tui.domain.text import clean
from relance_tui.logs import log, log_unexpected, setup_logging
from relance_tui.store import Store, open_store
from relance_tui.store.figures import OfficeTerms, set_office_terms
from relance_tui.store.watch import ChangeWatcher
from relance_tui.tui.base import LiveScreen, RelanceScreen
from relance_tui.tui.help import HelpScreen, binding_ids
from relance_tui.tui.keybar import KeyBar
from relance_tui.tui.live import DataChanged, LiveChanges
from relance_tui.tui.overdue import OverdueView
from relance_tui.tui.palette import open_palette, palette_commands
from relance_tui.tui.tabbar import TabBar
from relance_tui.tui.tabs import TABS, Tabs
from relance_tui.tui.survive import Reporter, Survives, details, one_line, survivable
from relance_tui.tui.themes import DEFAULT_THEME, check_theme, load_themes
from relance_tui.tui.titlebar import TitleBar
from relance_tui.tui.virtual_table import VirtualTable
from relance_tui.tui.welcome import check_empty

if TYPE_CHECKING:  # imported where used: the first screen does without them
    from textual.notifications import SeverityLevel

    from relance_tui.domain.calendar import OfficeCalendar
    from relance_tui.domain.calls import CallingRules

# DataChanged, HelpScreen and binding_ids live in tui/live.py and tui/help.py; the CLI and tests import them here
__all__ = ["DataChanged", "HelpScreen", "RelanceApp", "binding_ids", "run_app"]

WATCHDOG_SECONDS = 5.0
LEASE_CHECK_SECONDS = 2.0  # how soon the agent learns another machine took the write lease
AGENDA_PREFETCH_S = 1.5  # after start-up, the À faire tab reads the day's plan steps in the background
HISTORY_SNAPSHOT_S = 3.0  # after start-up, the day's aged balance is kept (store/history.py), once a day
GC_RESUME_S = 5.0  # the collector paused for the start-up is on again by then, list loaded or not (gcpause.py)


class MainScreen(RelanceScreen):
    """The screen under the others (the tabs): its messages and callbacks survive their errors."""


class RelanceApp(Survives, LiveChanges, Tabs, App):
    """The collections desk: overdue list, timeline, debtor cards."""

    TITLE = "relance"
    CSS = """
    #places { height: 1fr; }
    /* a form's one-line fields have no border: the one that has the focus is shown by its colour */
    Input.-textual-compact:focus { background-tint: $accent 40%; text-style: bold; }
    /* a dialog is never taller than the screen, and its lines wrap inside its frame (an 80x24 terminal:
       tests/tui/test_dialogs_fit.py); its width is its own (max-width 98% beside a fixed width: the app's CSS
       would override a dialog's own cap on a wide terminal) */
    ModalScreen > * { max-height: 100%; }
    ModalScreen Label, ModalScreen Static { max-width: 100%; }
    """
    # "Taux à saisir : BCE, légal FR 2e sem. 2026" while the period in force lacks a rate penalties need
    # (the title bar shows it; penalties over such a period are "à confirmer"); "" once they are entered
    rates_alert: reactive[str] = reactive("", init=False)
    BINDINGS = [
        Binding("q", "quit", "Quitter", id="app.quit"),
        Binding("ctrl+q", "quit", "Quitter", id="app.quit_ctrl", show=False, priority=True),
        Binding("f1,question_mark", "help", "Aide", id="app.help"),
        Binding("r", "refresh", "Actualiser", id="app.refresh"),
        Binding("i", "import_file", "Importer", id="app.import"),
        Binding("f2", "show_tab('impayes')", "Impayés", id="app.tab_overdue"),
        Binding("f3", "show_tab('chronologie')", "Chronologie", id="app.tab_timeline"),
        Binding("f4", "show_tab('promesses')", "Promesses", id="app.tab_promises"),
        Binding("f5", "show_tab('session')", "Session", id="app.tab_session"),
        Binding("f6", "show_tab('agenda')", "À faire", id="app.tab_agenda"),
        Binding("f7", "show_tab('bord')", "Tableau de bord", id="app.tab_dashboard"),
        # Tab and Shift+Tab acted on as the keys arrive, on every screen and form: a non-priority Tab goes to the
        # focused field first and comes back up after the characters typed right behind it, which then land in
        # the field being left (a date typed over a promise's amount, seen in the tmux drive)
        Binding("tab", "focus_next", "Champ suivant", show=False, priority=True, id="app.next_field"),
        Binding("shift+tab", "focus_previous", "Champ précédent", show=False, priority=True, id="app.previous_field"),
    ]

    def __init__(self, store: Store, settings: Settings, *, theme: str | None = None,
                 today: Callable[[], dt.date] = dt.date.today, live: bool = True,
                 watch_terminal: bool = False, record_host: bool = False, prefetch_agenda: bool = False,
                 keep_history: bool = False) -> None:
        super().__init__()
        setup_logging(settings.paths.log_file)
        self.store = store
        self.settings = settings
        # the figures of every screen follow the office's terms of sale (relance.toml)
        set_office_terms(store, OfficeTerms(be_consumer_damage_clause=settings.office.be_consumer_damage_clause))
        self._use_office_plans()
        self.today = today
        self.live = live
        self.watch_terminal = watch_terminal
        self.animation_level = "none"
        self.themes_available = load_themes()
        for t in self.themes_available.values():
            self.register_theme(t)
        self.theme = theme or DEFAULT_THEME
        # [keys] in the user's config.toml: binding id = "keys", e.g. "app.refresh" = "f5"
        self.set_keymap(settings.keys)
        self.sub_title = f"{settings.agent_name} · {store.path.name}" + (" · lecture seule" if store.readonly else "")
        self.watcher: ChangeWatcher | None = None
        self._promises_checked = False
        self._following: tuple[int | None, str] = (None, "")  # the debtor under the list's cursor
        self._record_host = record_host and not store.readonly
        self._lease_lost_said = False
        # the À faire tab built in the background once the list is up: its plans take a second or more on a
        # large base, and F6 then shows them at once (the run_app's choice; tests build it when they show it)
        self._prefetch_agenda = prefetch_agenda
        self._keep_history = keep_history and not store.readonly
        self.reporter = Reporter()  # unexpected errors: logged, shown in one line (tui/survive.py)

    @cached_property
    def calendar(self) -> OfficeCalendar:
        from relance_tui.domain.calendar import OfficeCalendar

        return OfficeCalendar(self.settings.office.country)

    @cached_property
    def _calendars(self) -> dict[str, OfficeCalendar]:
        return {self.calendar.country: self.calendar}

    def calendar_for(self, country: str) -> OfficeCalendar:
        """The public holidays of a debtor's country (its regime's: domain/law), one calendar per country."""
        from relance_tui.domain.calendar import OfficeCalendar

        code = country.upper()
        if code not in self._calendars:
            self._calendars[code] = OfficeCalendar(code)
        return self._calendars[code]

    @cached_property
    def calling_rules(self) -> CallingRules:
        from relance_tui.domain.calls import CallingRules, parse_hours

        c = self.settings.calling
        return CallingRules(parse_hours(c.hours), frozenset(c.days), c.public_holidays, c.max_calls_30d,
                            c.max_calls_30d_contact_b2c, c.max_calls_30d_debtor_b2b, c.max_calls_30d_debtor_b2c)

    @cached_property
    def plan_book(self):  # noqa: ANN201 - domain.plan.PlanBook: built-in plans and plans.toml's
        """The dunning plans (a broken plans.toml raises ConfigError where they are used: the agenda says it)."""
        from relance_tui.io.plans import load_plans

        return load_plans(self.settings.paths.office_file)

    def _use_office_plans(self) -> None:
        """The list's next step follows the office's plans (plans.toml); a broken file is said by the À faire
        tab and the card, where the plans are shown, and the list keeps the built-in plans meanwhile."""
        from relance_tui.store.plan import set_plan_book

        try:
            set_plan_book(self.store, self.plan_book)
        except RelanceError:  # the store keeps the built-in plans; F6 and the card show the file's error
            return

    def set_tab_count(self, tab: str, count: int) -> None:
        """A tab's label with what it holds: "À faire (12)"."""
        label = dict(TABS)[tab]
        self.query_one(TabBar).relabel(tab, f"{label} ({count})" if count else label)

    @cached_property
    def templates(self):  # noqa: ANN201 - io.templates.Templates, imported on demand
        from relance_tui.io.templates import Templates

        return Templates(self.settings.paths.office_file.parent / "templates")

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield TabBar([(tab, label, self._tab_key(tab)) for tab, label in TABS], active="impayes")
        with ContentSwitcher(initial="impayes", id="places"):
            with Container(id="impayes"):
                yield OverdueView(self.today(), id="overdue-view")
            yield Container(id="chronologie")  # these three filled when first shown:
            yield Container(id="promesses")  # start-up builds and paints less
            yield Container(id="session")
            yield Container(id="agenda")  # the day's steps of the dunning plan (tui/agenda.py)
            yield Container(id="bord")  # the supervisor's figures (tui/dashboard.py)
        yield KeyBar()

    def on_mount(self) -> None:
        # nothing here reads the database: on a network share a reader can wait for another agent's
        # commit, and the first frame should not (the list's first screen bounds its own wait)
        if self.store.readonly:
            # a frozen copy (nobody had the database open and this agent cannot write its folder) says so
            # another machine holding the write lease: said for long enough to be read (store/lease.py)
            self.notify(self.store.notice() or "Base en lecture seule : consultation uniquement.",
                        severity="warning", timeout=60 if self.store.lease_notice else 10, markup=False)
        self.query_one("#overdue", VirtualTable).focus()
        if self.live:
            self.call_after_refresh(self._start_watching)
        if self.watch_terminal:
            self.set_interval(WATCHDOG_SECONDS, self.check_terminal)
        if self.store.lease is not None:
            self.set_interval(LEASE_CHECK_SECONDS, self.check_lease)
        self.call_after_refresh(self.check_hosts, self._record_host)
        self.call_after_refresh(self.check_rates)
        self.call_after_refresh(check_empty, self)  # an empty base: the welcome screen (tui/welcome.py)
        if self.settings.keys:
            self.call_after_refresh(self.check_keymap)
        if self._prefetch_agenda:
            self.set_timer(AGENDA_PREFETCH_S, self._ensure_agenda)
        if self._keep_history:
            self.set_timer(HISTORY_SNAPSHOT_S, self.keep_history)
        from relance_tui.gcpause import resume

        self.set_timer(GC_RESUME_S, resume)  # when the list never loads (a damaged base): on all the same

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def keep_history(self) -> None:
        """Yesterday's aged balance as it closed, at the first start of the day by anyone, and the days before
        it that nobody kept (store/history.py): what the Tableau de bord draws the past from. A failure (the base busy past the retries) is only logged: the
        agent has nothing to do about it, and the day is taken at the next start, by ``relance snapshots
        take``, or rebuilt when the tab is shown."""
        from relance_tui.store.history import fill_missing, keep_yesterday

        try:
            keep_yesterday(self.store, self.today())
            fill_missing(self.store, self.today())  # a new install's past, a weekend nobody worked
        except RelanceError as exc:
            log.warning("aged balance of the day not kept: %s", exc)

    def check_keymap(self) -> None:
        """A [keys] entry naming no key of the app does nothing: say so, and where."""
        unknown = sorted(set(self.settings.keys) - binding_ids())
        if unknown:
            self.notify(f"[keys] de {self.settings.paths.user_file} : "
                        f"{'identifiants inconnus' if len(unknown) > 1 else 'identifiant inconnu'} "
                        f"{', '.join(unknown)}, sans effet. La liste est dans l'aide (F1).",
                        severity="warning", timeout=20, markup=False)

    @work(thread=True, exclusive=True, group="hosts", exit_on_error=False)
    def check_hosts(self, record: bool) -> None:
        """Warn when another machine opened this file lately, then (record) add this machine and agent
        to the hosts table: once the list shows, since the first write of the session (and its fsync)
        is not worth delaying the first screen."""
        warning = self.store.host_warning()
        if record:
            self.store.record_host()
        if warning:
            self.call_from_thread(self.notify, warning, severity="warning", timeout=15)

    @work(thread=True, exclusive=True, group="rates", exit_on_error=False)
    def check_rates(self) -> None:
        """Which rates of the period in force nobody entered: read at start-up, on a refresh (r), when another
        agent enters a rate (a "system" event) and after an import (a Belgian consumer makes the Belgian legal
        rate needed), never more often (a few dozen rows and one EXISTS)."""
        from relance_tui.domain.penalties import missing_rates_marker
        from relance_tui.store.queries import load_rates, needed_rates

        alert = missing_rates_marker(load_rates(self.store), self.today(),
                                     needed_rates(self.store, self.settings.office.country))
        self.call_from_thread(setattr, self, "rates_alert", alert)

    # -- data is data: never markup, never a control character (tui/plain.py) --------------------------
    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification is plain text (``markup`` is ignored): messages quote names, paths and
        errors, and none of ours uses markup. Widget.notify comes here too."""
        super().notify(clean(str(message), multiline=True), title=clean(title), severity=severity,
                       timeout=timeout, markup=False)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste):  # pasted text enters a field: no control character with it
            event.text = clean(event.text, multiline=True)
        await super().on_event(event)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """No blinking cursor anywhere (an input, a text area): over SSH every blink is terminal traffic."""
        if hasattr(type(event.widget), "cursor_blink"):
            event.widget.cursor_blink = False

    def check_lease(self) -> None:
        """Another machine took the write lease (this one went silent past the timeout: suspended, cut off from
        the share): say it once, at once, rather than at the next refused save."""
        lease = self.store.lease
        if lease is None or lease.held or self._lease_lost_said:
            return
        self._lease_lost_said = True
        self.sub_title = f"{self.settings.agent_name} · {self.store.path.name} · lecture seule"
        self.notify(self.store.notice() or "Une autre machine a pris la main sur la base : lecture seule.",
                    severity="error", timeout=120, markup=False)

    def check_terminal(self) -> None:
        """Over SSH, a dropped connection leaves no terminal: leave instead of spinning."""
        if not sys.stdin.isatty():
            self.exit(return_code=0)

    # -- actions ---------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.check_rates()
        self.query_one("#overdue-view", OverdueView).data_changed()
        if (timeline := self.timeline_view) is not None:
            timeline.reload()
        if (view := self.promises_view) is not None:
            view.reload()
        if (sessions := self.sessions_view) is not None:
            sessions.reload()
        if (agenda := self.agenda_view) is not None:
            agenda.reload()
        if (board := self.dashboard_view) is not None:
            board.reload()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    @on(TabBar.Chosen)
    async def tab_clicked(self, message: TabBar.Chosen) -> None:
        await self.action_show_tab(message.tab)

    def action_import_file(self) -> None:
        if self.store.readonly:
            self.notify(f"Import impossible. {self.store.notice() or 'Base en lecture seule.'}", severity="warning",
                        markup=False)
            return

        from relance_tui.tui.import_screen import ImportScreen  # on demand: keeps start-up short

        def done(imported: bool | None) -> None:
            if imported:
                self.action_refresh()

        self.push_screen(ImportScreen(), done)

    def action_export_promises(self) -> None:
        from relance_tui.tui.promises import ExportScreen  # on demand: keeps start-up short

        self.push_screen(ExportScreen(self.today()))

    def action_use_theme(self, name: str) -> None:
        """The theme chosen in the palette, kept in the agent's own settings for the next start."""
        from relance_tui.settings_files import save_user_theme

        self.theme = name
        try:
            save_user_theme(self.settings.paths.user_file, name)
        except OSError as exc:
            self.notify(f"Thème appliqué, mais non enregistré ({self.settings.paths.user_file} : "
                        f"{exc.strerror or exc}).", severity="warning", markup=False)

    @on(OverdueView.OpenDebtor)
    def open_debtor(self, message: OverdueView.OpenDebtor) -> None:
        self.open_debtor_card(message.debtor_id)

    def open_debtor_card(self, debtor_id: int) -> None:
        from relance_tui.tui.card import DebtorScreen  # on demand: keeps start-up short

        self.push_screen(DebtorScreen(debtor_id))

    def open_call(self, debtor_id: int, contact_id: int | None = None, session_id: int | None = None) -> None:
        """The call screen on this debtor (claims it for the time of the call)."""
        if self.store.readonly:
            self.notify(f"Impossible d'enregistrer un appel. {self.store.notice() or 'Base en lecture seule.'}",
                        severity="warning", markup=False)
            return
        from relance_tui.tui.call import CallScreen  # on demand: keeps start-up short

        def ended(_saved) -> None:  # noqa: ANN001
            self.action_refresh()
            if isinstance(self.screen, LiveScreen):  # back on a debtor card: show the call
                self.screen.refresh_data()

        self.push_screen(CallScreen(debtor_id, contact_id, session_id=session_id), ended)

    @on(VirtualTable.CursorMoved, "#overdue")
    def follow_cursor(self, message: VirtualTable.CursorMoved) -> None:
        row = message.table.current_row
        if row is not None:
            self._following = (row.debtor_id, row.debtor)
            if (timeline := self.timeline_view) is not None:
                timeline.follow(row.debtor_id, row.debtor)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """relance's commands in French (tui/palette.py), in place of Textual's English ones."""
        yield from palette_commands(self)

    def action_command_palette(self) -> None:
        open_palette(self)

    # -- errors --------------------------------------------------------------------------------------
    # Every key and palette action passes here: a failing action is logged with
    # its traceback and shown as one line, and the app stays up.
    async def _dispatch_action(self, namespace, action_name, params) -> bool:  # noqa: ANN001
        try:
            return await super()._dispatch_action(namespace, action_name, params)
        except Exception as error:  # noqa: BLE001 - the agent gets a message, the log the traceback
            where = log_unexpected(error, f"action {action_name}")
            self.notify(f"L'action a échoué : {one_line(error)}. {details(where)}", severity="error",
                        timeout=10, markup=False)
            return True

    # Every unhandled error Textual catches passes here (overrides Textual's private hook: the only
    # place they all pass). Where the failing code's message loop goes on (a callback, a timer, a
    # worker, a layout: tui/survive.py), the error is logged and shown in one line and the session
    # goes on; message handlers of the app, its screens and relance's widgets never get here
    # (Survives catches them first). The rest (a compose or mount that failed, a message loop Textual
    # stopped, start-up) is not safe to carry on from: the app ends with one line, not a traceback.
    def _handle_exception(self, error: Exception) -> None:
        caller = sys._getframe(1).f_code
        if survivable(caller) and not self._exit:
            try:
                self.reporter.report(self, error, f"erreur inattendue ({caller.co_name})")
                return
            except Exception:  # noqa: BLE001 - reporting failed too: end the app as below
                pass
        if isinstance(error, WorkerFailed):
            error = error.error
        where = log_unexpected(error, "application")
        self._return_code = 1
        self._exit_renderables.append(
            f"relance : erreur inattendue ({type(error).__name__}: {one_line(error)}). {details(where)}")
        self.exit(return_code=1)

    def get_default_screen(self) -> Screen:
        return MainScreen(id="_default")


def run_app(settings: Settings, *, db: Path, theme: str | None = None) -> int:
    """Open the database, then the app; errors opening it are the CLI's to print."""
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    # Everything imported so far lives as long as the process: keep the cyclic garbage collector
    # from walking it again and again (one full pass measured 21 ms during start-up). Started by the
    # ``relance`` command, the collector is paused until the list is loaded (relance_tui/gcpause.py).
    gc.freeze()
    chosen = check_theme(theme or settings.user.theme or DEFAULT_THEME, load_themes())
    mode = settings.database.journal_mode
    # another machine writing this base (its lease): the app opens read-only and says so
    store = open_store(db, agent=settings.agent, journal_override=None if mode == "auto" else mode,
                       record_host=False, lease_timeout=settings.database.lease_timeout, when_leased="readonly")
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(settings.office.timezone)
    # the office's day, as the commands count it (commands/common.office_today): on a server kept in UTC, the
    # machine's date is yesterday's until 1 or 2 in the morning in Paris
    app = RelanceApp(store, settings, theme=chosen, watch_terminal=True, record_host=True, prefetch_agenda=True,
                     keep_history=True, today=lambda: dt.datetime.now(zone).date())
    try:
        app.run()
    finally:
        store.shutdown()
    return app.return_code or 0

