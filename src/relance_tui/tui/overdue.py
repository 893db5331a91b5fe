"""Impayés: the overdue list, filtered and sorted in a keystroke."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.style import Style
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from relance_tui.domain.dates import Bucket
from relance_tui.domain.instants import format_local
from relance_tui.domain.law import LIMITATION_WARN_DAYS
from relance_tui.domain.money import format_compact, format_money
from relance_tui.domain.text import count, number
from relance_tui.domain.vocabulary import CALL_OUTCOMES, CONTESTED_STATUSES, EVENT_KINDS
from relance_tui.store.overdue import (
    SORT_DEFAULT_DESC,
    SORTS,
    BucketTotal,
    OverdueQuery,
    OverdueRow,
    aging_summary,
    fetch_rows,
    matching_ids,
)
from relance_tui.store.queries import load_rates
from relance_tui.tui.base import RelanceNode
from relance_tui.tui.plain import plain, styled
from relance_tui.tui.survive import Survives
from relance_tui.tui.virtual_table import Column, RowReader, VirtualTable, give_way

if TYPE_CHECKING:
    from relance_tui.config import OfficeSettings
    from relance_tui.store import Store

BUCKET_KEYS = {"1": Bucket.NOT_DUE, "2": Bucket.D1_30, "3": Bucket.D31_60, "4": Bucket.D61_90, "5": Bucket.OVER_90}
SORT_KEYS = {"d": "debtor", "f": "number", "j": "late", "m": "due", "p": "penalties", "c": "contact"}


# Before a penalty computed with a rate carried over from an earlier period (none entered for a period it
# covers): the figure is "à confirmer" (one cell: "≈1 234,56" fits the column); the status line says so.
UNCONFIRMED_MARK = "≈"
UNCONFIRMED_KEY = f"{UNCONFIRMED_MARK} pénalités à confirmer"


def penalty_text(row: OverdueRow) -> str:
    text = format_money(row.penalty_cents, symbol=False)
    return UNCONFIRMED_MARK + text if row.penalty_unconfirmed and row.penalty_cents is not None else text


def contact_text(row: OverdueRow, tz: str) -> str:
    c = row.last_contact
    if c is None:
        return "—"
    what = CALL_OUTCOMES.get(c.outcome or "", "") if c.kind == "call" else EVENT_KINDS.get(c.kind, c.kind)
    return f"{format_local(c.at, tz, '%d/%m')} {what or 'Appel'} ({c.agent})"


def limitation_mark(day: dt.date | None, as_of: dt.date) -> str:
    """The mark of a limitation date near (domain/law.LIMITATION_WARN_DAYS): "⚖" within 90 days, "⚠" within 30
    days or past; "" otherwise. The list puts it before the days late; the card says which invoice and why."""
    if day is None:
        return ""
    left = (day - as_of).days
    if left <= LIMITATION_WARN_DAYS[-1]:
        return "⚠"
    return "⚖" if left <= LIMITATION_WARN_DAYS[0] else ""


def late_text(row: OverdueRow, as_of: dt.date) -> str:
    """The days late, after the mark of a limitation date near: "⚠ 412"."""
    mark = limitation_mark(row.limitation, as_of)
    late = str(row.days_late) if row.days_late > 0 else "—"
    return f"{mark} {late}" if mark else late


def read_rows(store: Store, query: OverdueQuery, office: OfficeSettings, keys: Sequence[int]) -> dict[int, OverdueRow]:
    """The details of these rows of the list, by key."""
    return {r.key: r for r in fetch_rows(store, query, list(keys), load_rates(store), office.country,
                                         office.timezone)}


def first_screen(store: Store, query: OverdueQuery, office: OfficeSettings,
                 height: int) -> tuple[Sequence[int], dict[int, OverdueRow]]:
    """The first ``height`` rows of the list and their details (an index walk that stops early)."""
    keys = matching_ids(store, query, limit=height)
    return keys, read_rows(store, query, office, keys)


FIRST_SCREEN_WAIT_MS = 200  # the most start-up waits on the UI thread for another agent's commit

FILTER_HINT = "/ pour filtrer : nom, n° de facture, SIREN, téléphone, contact"


class FilterHint(Survives, Static):
    """What the filter field looks like before it is first used: a text field costs 7 ms of start-up
    (measured), a line of text nothing. "/" or a click puts the real field in its place."""

    async def on_click(self) -> None:
        await self.query_ancestor(OverdueView).action_focus_filter()


# Every column at its widest; the debtor's takes what is left.
FULL_COLUMNS = (Column("debtor", "Débiteur", 0), Column("number", "Facture", 14), Column("due_date", "Échéance", 10),
                Column("late", "Retard", 6, "right"), Column("due", "Reste dû", 12, "right"),
                Column("penalties", "Pénalités", 10, "right"), Column("contact", "Dernier contact", 22),
                Column("action", "Action", 20), Column("holder", "Sur le dossier", 14))
# How the secondary columns give way, in turn, until the debtor's name has its room: (column, its new
# width, or None: dropped). The debtor, the invoice and the amounts (late, owed, penalties) never give way.
GIVE_WAY = (("holder", 8, "Sur"), ("contact", 16, None), ("due_date", None, None), ("action", 16, None),
            ("contact", None, None), ("holder", None, None), ("action", 14, None), ("action", 13, None))


def sort_arrow(query: OverdueQuery) -> str:
    """▼ when the column's values go down the list, ▲ when they go up. The delay ("Retard") is sorted by due
    date: the oldest due date first is the longest delay first, shown ▼."""
    going_down = query.descending != (query.sort == "late")
    return "▼" if going_down else "▲"


def debtor_min(width: int) -> int:
    """The debtor column's least width: a name read whole in most lists ("Boulangerie Martin SARL")."""
    return 24 if width >= 100 else 18


def columns_for(width: int) -> list[Column]:
    """The list's columns at this terminal width: the debtor and the amounts first (issue 17, item 2)."""
    return give_way(FULL_COLUMNS, GIVE_WAY, debtor_min(width), width)


class OverdueView(Survives, RelanceNode, Vertical):
    """The list, its aging bar and filter; the queries run in thread workers."""

    DEFAULT_CSS = """
    OverdueView { height: 1fr; }
    #aging { height: 1; padding: 0 1; background: $panel; }
    #filter { height: 3; margin: 0 0; }
    FilterHint { height: 3; padding: 0 2; border: tall $border-blurred; background: $surface; color: $text-disabled; }
    #overdue-header { height: 1; padding: 0 0; text-style: bold; background: $boost; }
    #overdue-status { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("slash", "focus_filter", "Filtrer", id="overdue.filter"),
        Binding("a", "call", "Appeler", id="overdue.call"),
        Binding("t", "toggle_per_debtor", "Par débiteur", id="overdue.per_debtor"),
        Binding("0", "bucket('')", "Tous", show=False, id="overdue.bucket_all"),
        *[Binding(k, f"bucket('{b.value}')", b.label, show=False, id=f"overdue.bucket_{k}")
          for k, b in BUCKET_KEYS.items()],
        *[Binding(k, f"sort('{s}')", f"Trier : {SORTS[s][0]}", show=False, id=f"overdue.sort_{s}")
          for k, s in SORT_KEYS.items()],
    ]

    class Loaded(Message):
        def __init__(self, generation: int, keys: Sequence[int], rows: dict[int, OverdueRow],
                     buckets: list[BucketTotal] | None, keep: int | None, *, partial: bool = False) -> None:
            super().__init__()
            self.generation, self.keys, self.rows, self.buckets, self.keep = generation, keys, rows, buckets, keep
            self.partial = partial  # only the first screen: the full list follows

    class OpenDebtor(Message):
        def __init__(self, debtor_id: int) -> None:
            super().__init__()
            self.debtor_id = debtor_id

    def __init__(self, as_of: dt.date, **kw) -> None:
        super().__init__(**kw)
        self.query_state = OverdueQuery(as_of=as_of)
        self.generation = 0
        self.buckets: list[BucketTotal] = []
        self._data_changed = False
        self._showing_partial = False
        self._rest_with_buckets = True  # the whole list's reading also counts the aging buckets

    def compose(self) -> ComposeResult:
        yield Static("", id="aging")
        yield FilterHint(FILTER_HINT)
        yield Static("", id="overdue-header")
        yield VirtualTable(columns_for(100), self.cells, styles_for=self.row_style, id="overdue")
        yield Static("", id="overdue-status")

    def on_mount(self) -> None:
        """The first screenful is read here, before the first paint; the whole list follows in a worker.

        The status line follows the app's ``rates_alert`` (the legend of the "≈" marker).

        A screenful is a handful of small indexed queries: about 5 ms on the UI thread, but 80 ms
        and more from a worker thread while the UI thread lays out the app (each sqlite3 call hands
        the GIL over and then waits for it). Start-up is the one moment nothing else is on screen.
        """
        self.generation += 1
        app = self.relance
        if hasattr(type(app), "rates_alert"):
            self.watch(app, "rates_alert", self._update_status, init=False)
        query, height = self.query_state, self._screenful(app.size.height)
        try:
            with app.store.impatient(FIRST_SCREEN_WAIT_MS):  # locked by a commit: let a worker wait
                keys, rows = first_screen(app.store, query, app.settings.office, height)
        except Exception:  # noqa: BLE001 - the worker reads again (waiting) and reports what still fails
            self.reload(keep_cursor=False)
            return
        self._rest_with_buckets = True
        self.on_overdue_view_loaded(self.Loaded(self.generation, keys, rows, None, None, partial=True))
        self._update_header()

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#overdue", VirtualTable)

    # -- rows -----------------------------------------------------------------------------
    def cells(self, row: OverdueRow) -> list[str]:
        tz = self.relance.settings.office.timezone
        holder = self.relance.settings.display_name(row.holder) if row.holder else ""
        action = row.next_action
        if holder and not any(c.key == "holder" for c in self.table.columns):
            action = f"» {holder}"  # narrow screens: who is on it matters more than what comes next
        values = {
            "holder": holder, "debtor": row.debtor, "number": row.number, "due_date": f"{row.due_date:%d/%m/%Y}",
            "late": late_text(row, self.query_state.as_of), "due": format_money(row.due_cents, symbol=False),
            "penalties": penalty_text(row), "contact": contact_text(row, tz), "action": action,
        }
        return [values[c.key] for c in self.table.columns]

    @staticmethod
    def row_style(row: OverdueRow) -> Style | None:
        if row.status in CONTESTED_STATUSES:
            return Style(italic=True)
        return None

    def on_resize(self) -> None:
        self.table.columns = columns_for(self.size.width)
        self._update_header()
        self._update_aging()
        self.table.refresh()

    def _update_header(self) -> None:
        q = self.query_state
        arrow = sort_arrow(q)
        parts = []
        for column, width in zip(self.table.columns, self.table.widths(), strict=True):
            label = column.label + (arrow if column.key == q.sort else "")
            parts.append(label.rjust(width) if column.align == "right" else label.ljust(width))
        self.query_one("#overdue-header", Static).update(plain(" ".join(parts)))

    # -- loading --------------------------------------------------------------------------------
    def reload(self, *, keep_cursor: bool = True) -> None:
        self.generation += 1
        keep = self.table.current_key if keep_cursor else None
        self._start_load(keep, with_buckets=not keep_cursor or self.buckets == [] or self._data_changed)
        self._data_changed = False
        self._update_header()

    def data_changed(self) -> None:
        """The database changed: reload rows and the aging bar, keeping the cursor."""
        self._data_changed = True
        self.reload()

    def _start_load(self, keep: int | None, *, with_buckets: bool = True) -> None:
        """Read the list again: keeping the cursor's invoice (keep), or from the top: its first screen
        alone, then (once that is painted) the whole ordered list."""
        app = self.relance  # read on the UI thread: a worker must not reach for the app
        self._rest_with_buckets = with_buckets
        self._load(self.generation, self.query_state, keep, app.store, app.settings.office,
                   self._screenful(), with_buckets, first_screen_only=keep is None)

    def _screenful(self, height: int | None = None) -> int:
        """Rows to read for a first screen: the table's height (the terminal's before any layout)."""
        return max(30, (self.table.size.height if height is None else height) + 2)

    def _load_the_rest(self, generation: int) -> None:
        """The whole ordered list after its first screen was painted.

        Not in the same worker straight after: building the ids holds the GIL while the UI thread
        wants it to paint the screen the agent is waiting for (measured over twelve keystrokes on
        the large dataset: 33 ms from keystroke to frame on average before, 30 ms after; the rest is
        the query and Textual's 1/60 s frame pacing)."""
        if generation != self.generation:
            return  # a newer keystroke asked again
        app = self.relance
        self._load(generation, self.query_state, None, app.store, app.settings.office,
                   self._screenful(), self._rest_with_buckets)

    @work(thread=True, exclusive=True, group="overdue-ids", exit_on_error=False)
    def _load(self, generation: int, query: OverdueQuery, keep: int | None, store, office,
              height: int, with_buckets: bool, *, first_screen_only: bool = False) -> None:
        if first_screen_only:  # an index walk that stops early
            first, rows = first_screen(store, query, office, height)
            self.post_message(self.Loaded(generation, first, rows, None, None, partial=True))
            return
        keys = matching_ids(store, query)
        if generation != self.generation:
            return  # a newer keystroke already asked again
        if keep is None:
            buckets = aging_summary(store, query.as_of) if with_buckets else None
            self.post_message(self.Loaded(generation, keys, {}, buckets, None))
            return
        try:
            start = max(0, keys.index(keep) - 5)
        except ValueError:
            start = 0
        rows = read_rows(store, query, office, keys[start:start + height])
        buckets = aging_summary(store, query.as_of) if with_buckets else None
        self.post_message(self.Loaded(generation, keys, rows, buckets, keep))

    def on_overdue_view_loaded(self, message: Loaded) -> None:
        if message.generation != self.generation:
            return
        with self.app.batch_update():
            if message.partial or message.keep is not None or not self._showing_partial:
                self.table.set_keys(message.keys, message.rows, keep=message.keep, read_rows=self._row_reader())
            else:  # the full list after its first screen: same rows, same cursor
                self.table.set_keys(message.keys, {**self.table.rows, **message.rows}, keep=self.table.current_key,
                                    read_rows=self._row_reader())
            self._showing_partial = message.partial
            if message.buckets is not None:
                self.buckets = message.buckets
                self._update_aging()
            self._update_status()
        if message.partial:
            self.call_after_refresh(self._load_the_rest, message.generation)

    def _row_reader(self) -> RowReader:
        """How the table reads the rows it lacks, for the query shown (run in a worker)."""
        app = self.relance
        store, query, office = app.store, self.query_state, app.settings.office
        return lambda keys: read_rows(store, query, office, keys)

    def _update_aging(self) -> None:
        # first, at every width: what is overdue (échu), never mixed with what is not due yet (à échoir)
        overdue = [b for b in self.buckets if b.bucket != Bucket.NOT_DUE]
        parts: list = [(f"Échu {number(sum(b.count for b in overdue))} · "
                        f"{format_compact(sum(b.due_cents for b in overdue))}", "bold")]
        current = self.query_state.bucket
        wide = self.size.width >= 120
        for key, bucket in BUCKET_KEYS.items():
            total = next((b for b in self.buckets if b.bucket == bucket), None)
            if total is None:
                continue
            label = "à échoir" if bucket == Bucket.NOT_DUE else bucket.label
            if self.size.width < 100:  # 80 columns: the buckets' counts still fit after the overdue total
                label = "à éch." if bucket == Bucket.NOT_DUE else label.removesuffix(" j")
            text = f"{key} {label} {number(total.count)}" + (f" · {format_compact(total.due_cents)}" if wide else "")
            parts.append((text, "reverse") if bucket == current else text)
        # the widest gap that keeps the bar on its line (thousands grouped, '1 935', take a cell more each)
        room = self.size.width - 2  # the bar's padding
        length = sum(len(part if isinstance(part, str) else part[0]) for part in parts)
        gaps = ("   ", "  ", " ") if self.size.width >= 100 else ("  ", " ")
        gap = next((g for g in gaps if length + len(g) * (len(parts) - 1) <= room), gaps[-1])
        self.query_one("#aging", Static).update(Content(gap).join(styled(part) for part in parts))

    def _update_status(self) -> None:
        q = self.query_state
        what = "débiteur" if q.per_debtor else "facture"
        filters = []
        if q.bucket is not None:
            filters.append(q.bucket.label)
        if q.text.strip():
            filters.append(f"« {q.text.strip()} »")
        sort = f"tri : {SORTS[q.sort][0].lower()} {sort_arrow(q)}"
        shown = f"… {what}s" if self._showing_partial else count(len(self.table.keys), what)
        legend = [UNCONFIRMED_KEY] if getattr(self.app, "rates_alert", "") else []
        self.query_one("#overdue-status", Static).update(  # the filter is typed text
            plain(" · ".join([shown, *filters, sort, f"au {q.as_of:%d/%m/%Y}", *legend])))

    # -- actions --------------------------------------------------------------------------------
    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.query_state = dataclasses.replace(self.query_state, text=event.value)
        self.generation += 1
        self._start_load(None, with_buckets=False)  # the aging bar does not depend on the filter

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        self.table.focus()

    async def action_focus_filter(self) -> None:
        (await self._filter_field()).focus()

    async def _filter_field(self) -> Input:
        """The filter field, put in the hint's place the first time it is wanted."""
        found = self.query("#filter")
        if found:
            return found.first(Input)
        hint = self.query_one(FilterHint)
        field = Input(placeholder=FILTER_HINT, id="filter")
        await self.mount(field, before=hint)
        await hint.remove()
        return field

    def action_bucket(self, code: str) -> None:
        bucket = Bucket(code) if code else None
        if bucket == self.query_state.bucket:
            bucket = None  # the same key again clears it
        self.query_state = dataclasses.replace(self.query_state, bucket=bucket)
        self.generation += 1
        self._start_load(None, with_buckets=False)
        self._update_aging()

    def action_sort(self, key: str) -> None:
        q = self.query_state
        descending = (not q.descending) if q.sort == key else SORT_DEFAULT_DESC[key]
        self.query_state = dataclasses.replace(q, sort=key, descending=descending)
        self.reload(keep_cursor=False)  # a new order is read from its top

    def action_call(self) -> None:
        row = self.table.current_row
        if row is None:
            self.notify("Aucun débiteur sélectionné.", severity="warning")
            return
        self.relance.open_call(row.debtor_id)

    def action_toggle_per_debtor(self) -> None:
        row = self.table.current_row
        self.query_state = dataclasses.replace(self.query_state, per_debtor=not self.query_state.per_debtor)
        self.generation += 1
        keep = None
        if row is not None and self.query_state.per_debtor:
            keep = row.debtor_id
        self._start_load(keep)

    @on(VirtualTable.Selected, "#overdue")
    def selected(self, message: VirtualTable.Selected) -> None:
        row: OverdueRow | None = message.row
        if row is not None:
            self.post_message(self.OpenDebtor(row.debtor_id))

    def key_escape(self) -> None:
        if self.app.focused is not None and self.app.focused.id == "filter":
            self.table.focus()
