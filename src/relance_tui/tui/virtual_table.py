"""A table that draws only the rows on screen (Textual's Line API).

It holds the ordered keys of every row (one integer each) and a cache of the
rows it has been given. For a row it does not have it draws a placeholder and
reads it, with the screens around it, in a worker thread through the
``read_rows`` function its owner gave with the keys. 200,000 rows cost 1.6 MB
of keys and nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from relance_tui.tui.plain import line
from relance_tui.tui.survive import Survives

RowReader = Callable[[list[int]], dict[int, Any]]  # keys -> rows; runs in a worker: no widgets


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int  # 0: takes the room left
    align: str = "left"  # left or right


def fit(text: str, width: int, align: str = "left") -> str:
    """``text`` in exactly ``width`` cells (an emoji takes two, a combining accent none), cut with "…"."""
    used = cell_len(text)
    if used > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, max(0, width))
    padding = " " * (width - used)
    return padding + text if align == "right" else text + padding


SCROLLBAR = 2  # the table's vertical scrollbar: Textual's default width, the cells a column never gets


def room_left(columns: Sequence[Column], width: int) -> int:
    """The cells the flexible column (width 0) gets in a table ``width`` wide, beside the scrollbar."""
    fixed = sum(c.width for c in columns if c.width) + len(columns) - 1
    return width - SCROLLBAR - fixed


def give_way(full: Sequence[Column], steps: Sequence[tuple], least: int, width: int) -> list[Column]:
    """The columns at ``width``: the secondary ones narrow or drop in the order of ``steps`` until the flexible
    column (the one a reader needs: the overdue list's debtor, the timeline's detail) has ``least`` cells
    (issue 17: it is never cut to a few letters while others keep their room). A step is (key, its new width
    or None: dropped[, its new label])."""
    cols = list(full)
    for name, new_width, *label in steps:
        if room_left(cols, width) >= least:
            break
        i = next((i for i, c in enumerate(cols) if c.key == name), None)
        if i is None:
            continue
        if new_width is None:
            del cols[i]
        else:
            cols[i] = Column(name, (label[0] if label else None) or cols[i].label, new_width, cols[i].align)
    return cols


class VirtualTable(Survives, ScrollView, can_focus=True):
    DEFAULT_CSS = """
    VirtualTable { height: 1fr; overflow-x: hidden; }
    VirtualTable > .virtual-table--cursor { background: $accent 40%; text-style: bold; }
    VirtualTable:focus > .virtual-table--cursor { background: $accent; color: $text; }
    VirtualTable > .virtual-table--placeholder { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"virtual-table--cursor", "virtual-table--placeholder"}
    BINDINGS = [
        Binding("up", "cursor_up", "Haut", show=False, id="table.up"),
        Binding("down", "cursor_down", "Bas", show=False, id="table.down"),
        Binding("pageup", "page_up_rows", "Page préc.", show=False, id="table.page_up"),
        Binding("pagedown", "page_down_rows", "Page suiv.", show=False, id="table.page_down"),
        Binding("home", "first", "Début", show=False, id="table.home"),
        Binding("end", "last", "Fin", show=False, id="table.end"),
        Binding("enter", "select", "Ouvrir", id="table.select"),
    ]
    PREFETCH = 2  # screens fetched beyond the visible one

    cursor = reactive(0, repaint=False)  # watch_cursor repaints the two lines that change

    class RowsRead(Message, bubble=False):
        def __init__(self, epoch: int, rows: dict[int, Any]) -> None:
            super().__init__()
            self.epoch, self.rows = epoch, rows

    class Selected(Message):
        def __init__(self, table: VirtualTable, key: int, row: Any) -> None:
            super().__init__()
            self.table, self.key, self.row = table, key, row

        @property
        def control(self) -> VirtualTable:
            return self.table

    class CursorMoved(Message):
        def __init__(self, table: VirtualTable, key: int | None) -> None:
            super().__init__()
            self.table, self.key = table, key

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(self, columns: Sequence[Column], cells: Callable[[Any], Sequence[object]],
                 *, styles_for: Callable[[Any], Style | None] | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        self.columns = list(columns)
        self.cells = cells
        self.styles_for = styles_for
        self.keys: Sequence[int] = ()
        self.rows: dict[int, Any] = {}
        self._requested: set[int] = set()
        self._read_rows: RowReader | None = None
        self._epoch = 0  # rows read for an older set of keys (or before data changed) are dropped

    # -- data --------------------------------------------------------------------------
    def set_keys(self, keys: Sequence[int], rows: dict[int, Any], *, keep: int | None = None,
                 read_rows: RowReader | None = None) -> None:
        """New ordered keys, the rows already known and how to read the others; the cursor stays on
        ``keep`` if still there."""
        self._epoch += 1
        if read_rows is not None:
            self._read_rows = read_rows
        self.keys = keys
        self.rows = dict(rows)
        self._requested = set()
        index = 0
        if keep is not None:
            try:
                index = keys.index(keep)
            except ValueError:
                index = min(self.cursor, max(0, len(keys) - 1))
        self.virtual_size = Size(0, len(keys))  # rows are cut to the width: never scrolls sideways
        self.cursor = max(0, min(index, len(keys) - 1))
        self._scroll_cursor_into_view()
        self.refresh()
        # created from the table's own message loop: Textual never bubbles a message back into the
        # widget that was running when it was made, and set_keys is called by the table's owner
        self.call_next(self._announce_cursor)

    def _announce_cursor(self) -> None:
        self.post_message(self.CursorMoved(self, self.current_key))

    def add_rows(self, rows: dict[int, Any]) -> None:
        self.rows.update(rows)
        self._requested.difference_update(rows)
        self.refresh()

    def forget_rows(self) -> None:
        """Drop cached rows (data changed); visible ones are read again."""
        self._epoch += 1
        self.rows.clear()
        self._requested.clear()
        self.refresh()

    @property
    def current_key(self) -> int | None:
        return self.keys[self.cursor] if 0 <= self.cursor < len(self.keys) else None

    @property
    def current_row(self) -> Any:
        key = self.current_key
        return None if key is None else self.rows.get(key)

    # -- drawing ------------------------------------------------------------------------
    def widths(self) -> list[int]:
        # the width left of the vertical scrollbar: the last column was drawn under it
        total = self.scrollable_content_region.width or self.size.width
        fixed = sum(c.width for c in self.columns if c.width) + len(self.columns) - 1
        flex = [c for c in self.columns if not c.width]
        room = max(8, total - fixed) // max(1, len(flex))
        return [c.width or room for c in self.columns]

    def header_text(self) -> str:
        return " ".join(fit(c.label, w, c.align) for c, w in zip(self.columns, self.widths(), strict=True))

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.size.width
        if index >= len(self.keys):
            return Strip.blank(width, self.rich_style)
        key = self.keys[index]
        row = self.rows.get(key)
        if row is None:
            self._request_window(index)
            style = self.get_component_rich_style("virtual-table--placeholder")
            text = "…"
        else:
            cells = self.cells(row)
            # segments go to the terminal as they are: each cell is data, made one safe line here
            text = " ".join(fit(line(v), w, c.align) for v, c, w in zip(cells, self.columns, self.widths(),
                                                                         strict=True))
            style = self.rich_style
            if self.styles_for is not None:
                extra = self.styles_for(row)
                if extra is not None:
                    style = style + extra
        if index == self.cursor:
            style = style + self.get_component_rich_style("virtual-table--cursor")
        return Strip([Segment(fit(text, width), style)], width)

    def _request_window(self, index: int) -> None:
        height = max(1, self.size.height)
        start = max(0, self.scroll_offset.y - height)
        end = min(len(self.keys), self.scroll_offset.y + height * (1 + self.PREFETCH))
        wanted = [k for k in self.keys[start:end] if k not in self.rows and k not in self._requested]
        if wanted and self._read_rows is not None:
            self._requested.update(wanted)
            self._read(self._epoch, self._read_rows, wanted)

    @work(thread=True, group="virtual-table-rows", exit_on_error=False)
    def _read(self, epoch: int, read_rows: RowReader, keys: list[int]) -> None:
        self.post_message(self.RowsRead(epoch, read_rows(keys)))

    def on_virtual_table_rows_read(self, message: RowsRead) -> None:
        if message.epoch == self._epoch:
            self.add_rows(message.rows)

    def watch_cursor(self, old: int, new: int) -> None:
        height = max(1, self.size.height)
        top = self.scroll_offset.y
        for index in (old, new):
            if top <= index < top + height:
                self.refresh(Region(0, index - top, self.size.width, 1))

    def _scroll_cursor_into_view(self) -> None:
        # scroll only when the cursor leaves the window: a move within it repaints two lines, not all
        # of them (over SSH every repainted line is traffic)
        top, height = self.scroll_offset.y, max(1, self.size.height)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def _move(self, index: int) -> None:
        if not self.keys:
            return
        self.cursor = max(0, min(index, len(self.keys) - 1))
        self._scroll_cursor_into_view()
        self._request_window(self.cursor)  # ask ahead, so that the next page is already here
        self.post_message(self.CursorMoved(self, self.current_key))

    # -- keys -----------------------------------------------------------------------------
    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_page_up_rows(self) -> None:
        self._move(self.cursor - max(1, self.size.height - 1))

    def action_page_down_rows(self) -> None:
        self._move(self.cursor + max(1, self.size.height - 1))

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(len(self.keys) - 1)

    def action_select(self) -> None:
        key = self.current_key
        if key is not None:
            self.post_message(self.Selected(self, key, self.rows.get(key)))

    def on_click(self, event: Any) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < len(self.keys):
            self._move(index)

