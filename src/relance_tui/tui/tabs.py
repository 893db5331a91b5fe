"""The app's tabs (F2-F7): each built the first time it is shown, brought up to date when it was left stale,
and never changed unseen behind a screen over it (a mixin of tui/app.RelanceApp)."""

from __future__ import annotations

import dataclasses
import importlib
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.containers import Container
from textual.widgets import ContentSwitcher

from relance_tui.tui.help import HelpScreen
from relance_tui.tui.tabbar import TabBar

if TYPE_CHECKING:
    from relance_tui.tui.timeline import TimelineView

TABS = (("impayes", "Impayés"), ("chronologie", "Chronologie"), ("promesses", "Promesses"), ("session", "Session"),
        ("agenda", "À faire"), ("bord", "Tableau de bord"))
# The views built when their tab is first shown: tab -> (module, class, the view's id); the timeline has its own
# (it follows the list's cursor from its first build)
LAZY_VIEWS = {"promesses": ("relance_tui.tui.promises", "PromisesView", "promises-view"),
              "session": ("relance_tui.tui.sessions", "SessionsView", "sessions-view"),
              "agenda": ("relance_tui.tui.agenda", "AgendaView", "agenda-view"),
              "bord": ("relance_tui.tui.dashboard", "DashboardView", "dashboard-view")}
TAB_TABLES = {"impayes": "#overdue", "chronologie": "#timeline", "promesses": "#promises-table",
              "session": "#session-table", "agenda": "#agenda-table", "bord": "#dashboard-view"}


class Tabs:
    """What RelanceApp does with its tabs; it provides BINDINGS, settings, _following and Textual's App."""

    def _shown_view(self, selector: str):  # noqa: ANN202 - the view, once its tab was shown; None before
        found = self.query(selector)
        return found.first() if found else None

    @property
    def timeline_view(self) -> TimelineView | None:
        """The Chronologie tab's view, once the tab was shown."""
        return self._shown_view("#timeline-view")

    @property
    def promises_view(self):  # noqa: ANN201 - tui.promises.PromisesView
        return self._shown_view("#promises-view")

    @property
    def agenda_view(self):  # noqa: ANN201 - tui.agenda.AgendaView
        return self._shown_view("#agenda-view")

    @property
    def dashboard_view(self):  # noqa: ANN201 - tui.dashboard.DashboardView
        return self._shown_view("#dashboard-view")

    @property
    def sessions_view(self):  # noqa: ANN201 - tui.sessions.SessionsView
        return self._shown_view("#sessions-view")

    async def _ensure_timeline(self) -> TimelineView:
        if (view := self.timeline_view) is None:
            from relance_tui.tui.timeline import TimelineView

            view = TimelineView(id="timeline-view")
            await self.query_one("#chronologie", Container).mount(view)
            view.follow(*self._following)
        return view

    async def _ensure_view(self, tab: str) -> None:
        """Build a tab's view the first time it is shown (imported then: start-up builds and loads less)."""
        if tab not in LAZY_VIEWS or self._shown_view(f"#{LAZY_VIEWS[tab][2]}") is not None:
            return
        module, name, view_id = LAZY_VIEWS[tab]
        view_class = getattr(importlib.import_module(module), name)
        await self.query_one(f"#{tab}", Container).mount(view_class(id=view_id))

    async def _ensure_agenda(self) -> None:
        """The À faire tab, read in the background a moment after start-up (RelanceApp.on_mount)."""
        await self._ensure_view("agenda")

    def _tab_key(self, tab: str) -> str:
        """The key that shows this tab, as remapped in the user's [keys]."""
        binding = next(b for b in self.BINDINGS if isinstance(b, Binding) and b.action == f"show_tab('{tab}')")
        keys = self.settings.keys.get(binding.id, binding.key) if binding.id else binding.key
        return self.get_key_display(dataclasses.replace(binding, key=keys.split(",")[0].strip()))

    async def action_show_tab(self, tab: str) -> None:
        """Show a tab: built the first time, brought up to date if it was left stale, focus inside it. Over a
        debtor's card (or the help, an agenda step), the tab's key closes it first: the tab never changes
        unseen behind a screen; over a call or a form, it says to finish there first."""
        if len(self.screen_stack) > 1:
            from relance_tui.tui.agenda import StepScreen
            from relance_tui.tui.card import DebtorScreen
            from relance_tui.tui.welcome import WelcomeScreen

            above = self.screen_stack[1:]
            if not all(isinstance(s, (DebtorScreen, HelpScreen, StepScreen, WelcomeScreen)) for s in above):
                label = dict(TABS).get(tab, tab)
                self.notify(f"Terminez d'abord ce qui est ouvert (Échap pour le fermer), puis {self._tab_key(tab)} "
                            f"pour « {label} ».", timeout=5, markup=False)
                return
            for _ in above:
                await self.pop_screen()
        if tab == "chronologie":
            await self._ensure_timeline()
        await self._ensure_view(tab)
        self.query_one("#places", ContentSwitcher).current = tab
        self.query_one(TabBar).active = tab
        view = {"chronologie": self.timeline_view, "promesses": self.promises_view,
                "agenda": self.agenda_view, "bord": self.dashboard_view}.get(tab)
        if view is not None and view.stale:  # changes came while it was hidden
            view.reload(force=True)
        # focus moves into the tab shown (else the pane holding the focus comes back)
        table = self.query_one(TAB_TABLES[tab])
        if not table.has_focus and not (self.focused and self.focused.id == "filter" and tab == "impayes"):
            table.focus()
