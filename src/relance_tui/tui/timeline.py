"""Chronologie: every contact with a debtor, by anyone, live."""

from __future__ import annotations

import json
from collections.abc import Sequence

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
from relance_tui.tui.virtual_table import Column, VirtualTable

KIND_CYCLE = (None, "call", "email", "letter", "promise", "payment", "dispute", "note", "import", "edit")


def outcome_label(entry: TimelineEntry) -> str:
    e = entry.event
    if e.kind == "call":
        return CALL_OUTCOMES.get(e.outcome or "", e.outcome or "")
    if e.kind == "promise":
        return PROMISE_STATUSES.get(e.outcome or "", e.outcome or "")
    return ""


class TimelineView(Survives, RelanceNode, ReadsWhenShown, Vertical):
    DEFAULT_CSS = """
    TimelineView { height: 1fr; }
    #timeline-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    #timeline-header { height: 1; text-style: bold; background: $boost; }
    #timeline-detail { height: auto; max-height: 8; padding: 0 1; border-top: solid $panel; }
    """
    BINDINGS = [
        Binding("k", "next_kind", "Type", id="timeline.kind"),
        Binding("a", "toggle_everyone", "Tous / débiteur", id="timeline.everyone"),
    ]
    COLUMNS = (Column("at", "Date", 16), Column("kind", "Type", 9), Column("outcome", "Résultat", 16),
               Column("agent", "Agent", 12), Column("debtor", "Débiteur", 18), Column("notes", "Détail", 0))

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
        yield Static(" ".join(c.label.ljust(c.width) for c in self.COLUMNS), id="timeline-header")
        yield VirtualTable(self.COLUMNS, self.cells, id="timeline")
        yield Static("Entrée : afficher l'entrée en entier", id="timeline-detail")

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#timeline", VirtualTable)

    def cells(self, entry: TimelineEntry) -> list[str]:
        e = entry.event
        tz = self.relance.settings.office.timezone
        notes = e.notes  # the table makes every cell one safe line
        if e.duration_s:
            notes = f"[{e.duration_s // 60}:{e.duration_s % 60:02d}] {notes}"
        return [format_local(e.at, tz), EVENT_KINDS.get(e.kind, e.kind), outcome_label(entry),
                self.relance.settings.display_name(e.agent), entry.debtor or "—", notes]

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
        self.query_one("#timeline-title", Static).update(plain(
            f"Chronologie : {scope} · {kind} · {self._shown()}   "
            "(a : tous/débiteur, k : type)"))

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
