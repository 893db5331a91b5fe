"""Chronologie: every contact with a debtor, by anyone, live."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from relance_tui.domain.instants import format_local
from relance_tui.domain.text import count
from relance_tui.domain.vocabulary import CALL_OUTCOMES, EVENT_KINDS, PROMISE_STATUSES
from relance_tui.store.timeline import EVERYONE_LIMIT, TimelineEntry, timeline_entries, timeline_ids, timeline_total
from relance_tui.tui.base import RelanceNode
from relance_tui.tui.plain import plain
from relance_tui.tui.survive import Survives
from relance_tui.tui.tabview import ReadsWhenShown
from relance_tui.tui.virtual_table import Column, VirtualTable, give_way

KIND_CYCLE = (None, "call", "email", "letter", "promise", "payment", "dispute", "note", "import", "edit")


def outcome_label(entry: TimelineEntry) -> str:
    e = entry.event
    if e.kind == "call":
        return CALL_OUTCOMES.get(e.outcome or "", e.outcome or "")
    if e.kind == "promise":
        return PROMISE_STATUSES.get(e.outcome or "", e.outcome or "")
    return ""


# Every column at its widest; the detail (the event's text) takes what is left.
FULL_COLUMNS = (Column("at", "Date", 16), Column("kind", "Type", 9), Column("outcome", "Résultat", 16),
                Column("agent", "Agent", 12), Column("debtor", "Débiteur", 18), Column("notes", "Détail", 0))
# How the secondary columns give way, in turn, until the detail has its room (issue 17: the text a reader
# needs is never cut to a few letters): (column, its new width, or None: dropped). A dropped outcome leads
# the detail ("Injoignable · [0:40] …"); the date, the type, the debtor and the detail never go.
GIVE_WAY = (("agent", 8), ("outcome", None), ("agent", None), ("debtor", 14))
HINT = "(a : tous/débiteur, k : type)"


def detail_min(width: int) -> int:
    """The detail column's least width: most of a note or a call's summary read in the list."""
    return 40 if width >= 100 else 30


def columns_for(width: int) -> list[Column]:
    """The timeline's columns at this width: the detail first (issue 17, as the overdue list's debtor)."""
    return give_way(FULL_COLUMNS, GIVE_WAY, detail_min(width), width)


def wrap_parts(parts: Sequence[str], width: int) -> str:
    """``parts`` on as few lines of ``width`` cells as they take, each whole on its line: joined by " · ", the last
    one (the keys' hint) by three spaces. Textual breaks a line at any space, a no-break one too: "sur 45" at the
    end of a line and "006" on the next. A part wider than the line is left to the widget to wrap."""
    lines = [parts[0]]
    for n, part in enumerate(parts[1:], 1):
        gap = "   " if n == len(parts) - 1 else " · "
        if width > 0 and cell_len(lines[-1] + gap + part) > width:
            lines.append(part)
        else:
            lines[-1] += gap + part
    return "\n".join(lines)


class TimelineView(Survives, RelanceNode, ReadsWhenShown, Vertical):
    DEFAULT_CSS = """
    TimelineView { height: 1fr; }
    #timeline-title { height: auto; max-height: 4; padding: 0 1; background: $panel; text-style: bold; }
    #timeline-header { height: 1; text-style: bold; background: $boost; }
    #timeline-detail { height: auto; max-height: 8; padding: 0 1; border-top: solid $panel; }
    """
    BINDINGS = [
        Binding("k", "next_kind", "Type", id="timeline.kind"),
        Binding("a", "toggle_everyone", "Tous / débiteur", id="timeline.everyone"),
    ]

    class Loaded(Message):
        def __init__(self, generation: int, keys: Sequence[int], rows: dict[int, TimelineEntry],
                     keep: int | None, total: int) -> None:
            super().__init__()
            self.generation, self.keys, self.rows, self.keep, self.total = generation, keys, rows, keep, total

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.debtor_id: int | None = None
        self.debtor_name = ""
        self.everyone = True
        self.kind: str | None = None
        self.generation = 0
        self.total = 0  # the events the feed would list without its limit (the office's: the latest 5,000)

    def compose(self) -> ComposeResult:
        yield Static("", id="timeline-title")
        yield Static("", id="timeline-header")
        yield VirtualTable(columns_for(100), self.cells, id="timeline")
        yield Static("Entrée : afficher l'entrée en entier", id="timeline-detail")

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#timeline", VirtualTable)

    def cells(self, entry: TimelineEntry) -> list[str]:
        e = entry.event
        tz = self.relance.settings.office.timezone
        columns = self.table.columns
        notes = e.notes  # the table makes every cell one safe line
        if e.duration_s:
            notes = f"[{e.duration_s // 60}:{e.duration_s % 60:02d}] {notes}"
        outcome = outcome_label(entry)
        if outcome and not any(c.key == "outcome" for c in columns):
            notes = f"{outcome} · {notes}" if notes else outcome  # narrow screens: the outcome leads the text
        values = {"at": format_local(e.at, tz), "kind": EVENT_KINDS.get(e.kind, e.kind), "outcome": outcome,
                  "agent": self.relance.settings.display_name(e.agent), "debtor": entry.debtor or "—",
                  "notes": notes}
        return [values[c.key] for c in columns]

    def on_resize(self) -> None:
        self.table.columns = columns_for(self.size.width)
        self.query_one("#timeline-header", Static).update(plain(self.table.header_text()))
        self.table.refresh()
        self._title()

    def follow(self, debtor_id: int | None, name: str = "") -> None:
        """The debtor under the cursor of the overdue list."""
        if debtor_id == self.debtor_id:
            return
        self.debtor_id, self.debtor_name = debtor_id, name
        if not self.everyone:
            self.reload(keep_cursor=False)
        self._title()

    def _title(self) -> None:
        scope = "tout le cabinet" if self.everyone or self.debtor_id is None else self.debtor_name or "débiteur"
        kind = EVENT_KINDS.get(self.kind, "") if self.kind else "tous types"
        title = self.query_one("#timeline-title", Static)
        width = title.content_region.width or self.size.width - 2  # its padding
        title.update(plain(wrap_parts((f"Chronologie : {scope}", kind, self._shown(), HINT), width)))

    def _shown(self) -> str:
        shown = len(self.table.keys)
        if self.total > shown:  # the office-wide feed: the latest ones
            return f"{count(shown, 'dernière entrée', 'dernières entrées')} sur {self.total:,}".replace(",", "\u00a0")
        return count(shown, "entrée")

    def reload(self, *, keep_cursor: bool = True, force: bool = False) -> None:
        if not self.should_read(force):
            return
        self.generation += 1
        debtor = None if self.everyone else self.debtor_id
        keep = self.table.current_key if keep_cursor else None
        if keep is not None and self.table.cursor == 0:
            keep = None  # on the newest entry: it follows the newest, as events arrive above it
        self._load(self.generation, debtor, self.kind, keep, self.relance.store, self.everyone,
                   max(40, self.table.size.height * 2))

    @work(thread=True, exclusive=True, group="timeline", exit_on_error=False)
    def _load(self, generation: int, debtor_id: int | None, kind: str | None, keep: int | None, store,
              everyone: bool, height: int) -> None:
        if debtor_id is None and not everyone:
            keys = []
        else:
            keys = timeline_ids(store, debtor_id=debtor_id, kind=kind)
        first = list(keys[:height])
        rows = {e.event.id: e for e in timeline_entries(store, first)}
        total = timeline_total(store, kind=kind) if debtor_id is None and len(keys) >= EVERYONE_LIMIT else len(keys)
        self.post_message(self.Loaded(generation, keys, rows, keep, total))

    def on_timeline_view_loaded(self, message: Loaded) -> None:
        if message.generation == self.generation:
            store = self.relance.store
            self.total = message.total
            self.table.set_keys(message.keys, message.rows, keep=message.keep,
                                read_rows=lambda keys: {e.event.id: e for e in timeline_entries(store, keys)})
            self._title()

    @on(VirtualTable.Selected, "#timeline")
    def expand(self, message: VirtualTable.Selected) -> None:
        entry: TimelineEntry | None = message.row
        if entry is None:
            return
        e = entry.event
        tz = self.relance.settings.office.timezone
        lines = [f"{format_local(e.at, tz, '%d/%m/%Y %H:%M:%S')} · {EVENT_KINDS.get(e.kind, e.kind)} "
                 f"{outcome_label(entry)} · {self.relance.settings.display_name(e.agent)} · {entry.debtor or '—'}"]
        if e.duration_s:
            lines.append(f"Durée : {e.duration_s // 60} min {e.duration_s % 60:02d} s")
        if entry.invoices:
            lines.append("Factures : " + ", ".join(entry.invoices))
        if e.notes:
            lines.append(e.notes)
        if e.data:
            details = json.loads(e.data)
            lines.append("Détails : " + ", ".join(f"{k} = {v}" for k, v in sorted(details.items())))
        self.query_one("#timeline-detail", Static).update(plain("\n".join(lines)))

    def action_next_kind(self) -> None:
        self.kind = KIND_CYCLE[(KIND_CYCLE.index(self.kind) + 1) % len(KIND_CYCLE)]
        self.reload(keep_cursor=False)

    def action_toggle_everyone(self) -> None:
        self.everyone = not self.everyone
        self.reload(keep_cursor=False)
