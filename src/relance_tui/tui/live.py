"""Other agents' changes, live: the change feed polled off the UI thread (store/watch.py), promises judged
when payments arrive, and what is on screen (the list, the tabs built, an open card or call) brought up to
date."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from relance_tui.store.watch import Change, ChangeWatcher
from relance_tui.tui.base import LiveScreen
from relance_tui.tui.overdue import OverdueView

if TYPE_CHECKING:
    from relance_tui.store import Store

POLL_SECONDS = 1.0  # other agents' changes appear within two polls at most
INVOICE_KINDS = frozenset({"payment", "import", "promise", "dispute", "status", "edit"})


class DataChanged(Message):
    def __init__(self, change: Change) -> None:
        super().__init__()
        self.change = change


class LiveChanges:
    """Mixed into RelanceApp (before App): its handlers are found by name along the app's MRO, as Textual
    does for every class of it (``@on`` would not be: Textual collects those from its own classes only).
    The app starts the watch (``_start_watching``) once its first frame is up, unless it is not live."""

    store: Store
    watcher: ChangeWatcher | None
    _promises_checked: bool

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def _start_watching(self) -> None:
        watcher = ChangeWatcher(self.store)  # its first reads, off the UI thread too
        self.call_from_thread(self._watching, watcher)

    def _watching(self, watcher: ChangeWatcher) -> None:
        self.watcher = watcher
        self.set_interval(POLL_SECONDS, self.poll_changes)

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.close()

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def poll_changes(self) -> None:
        if self.watcher is None:
            return
        change = self.watcher.poll()
        if change is not None:
            self.post_message(DataChanged(change))

    def on_overdue_view_loaded(self, message: OverdueView.Loaded) -> None:
        """Promises are judged once the list is on screen: start-up paints first. So is the garbage collector
        turned on again (relance_tui/gcpause.py)."""
        from relance_tui.gcpause import resume

        self.call_after_refresh(resume)
        if not message.partial and not self._promises_checked:
            self._promises_checked = True
            if not self.store.readonly:
                self.evaluate_promises()

    @work(thread=True, exclusive=True, group="promises-eval", exit_on_error=False)
    def evaluate_promises(self) -> None:
        """Promises whose date plus grace passed (or that payments now cover) get their verdict."""
        from relance_tui.store.promises import evaluate_promises

        changed = evaluate_promises(self.store, self.today(), calendar=self.calendar,
                                    tz=self.settings.office.timezone)
        if changed:
            self.call_from_thread(self._promises_changed)

    def _promises_changed(self) -> None:
        self.action_refresh()
        if isinstance(self.screen, LiveScreen):  # a debtor card or a call is open
            self.screen.refresh_data()

    def on_data_changed(self, message: DataChanged) -> None:
        change = message.change
        if change.kinds & {"payment", "import"} and not self.store.readonly:
            self.evaluate_promises()
        # a rate entered (relance rates set), or an import (its debtors decide which rates are needed)
        if change.kinds & {"system", "import"} or not change.event_ids:
            self.check_rates()
        if (view := self.promises_view) is not None:
            view.reload()
        if (sessions := self.sessions_view) is not None:
            sessions.reload()
        if (agenda := self.agenda_view) is not None:  # a step done, a payment: the plan moves
            agenda.reload()
        if (board := self.dashboard_view) is not None:  # a call, a payment: the figures move
            board.reload()
        overdue = self.query_one("#overdue-view", OverdueView)
        if not change.event_ids or change.kinds & INVOICE_KINDS:
            overdue.data_changed()  # amounts or statuses may have changed
        else:
            overdue.table.forget_rows()  # only "last contact" moved: refetch what is on screen
        if (timeline := self.timeline_view) is not None:
            timeline.reload()
        screen = self.screen  # a debtor card or a call is open (not a form over it)
        if isinstance(screen, LiveScreen) and (not change.debtor_ids or screen.debtor_id in change.debtor_ids):
            screen.refresh_data()
