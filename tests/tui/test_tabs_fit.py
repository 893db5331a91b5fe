"""Every tab is readable at 80 and 100 columns (issue 17): the main columns get their width first, secondary
columns shrink or drop, a line of text wraps inside its widget, nothing is cut at the right edge. The dialogs
have the same check in test_dialogs_fit.py."""

from __future__ import annotations

import re

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Label, Static

from tests.tui.conftest import settle

SIZES = [(80, 24), (100, 30)]
TABS = ["f2", "f3", "f4", "f5", "f6", "f7"]
OFFICE_TOTAL = 45_006  # an office's events: the feed shows the latest EVERYONE_LIMIT of them


def _big_feed(monkeypatch) -> None:
    """The demo's 2,401 events stand for an office's 45,006: the feed says "1 000 dernières entrées sur 45 006"."""
    import relance_tui.store.timeline as store_timeline
    import relance_tui.tui.timeline as tui_timeline

    for module in (store_timeline, tui_timeline):
        monkeypatch.setattr(module, "EVERYONE_LIMIT", 1_000)
    monkeypatch.setattr(tui_timeline, "timeline_total", lambda *_a, **_k: OFFICE_TOTAL)


def _shown(widget: Widget) -> bool:
    return all(w.display for w in widget.ancestors_with_self if isinstance(w, Widget)) and bool(widget.region.area)


def cut_lines(screen) -> list[str]:
    """The Static and Label widgets on ``screen`` whose text does not fit: wrapped, it needs more lines than
    the widget has, or (not wrapping) it is wider than the widget."""
    found = []
    for widget in screen.query("*"):
        if not isinstance(widget, (Static, Label)) or not _shown(widget):
            continue
        inner = widget.content_region
        wide = widget.get_content_width(widget.content_size, widget.app.size)
        high = widget.get_content_height(widget.content_size, widget.app.size, inner.width)
        if high > inner.height or (widget.styles.text_wrap == "nowrap" and wide > inner.width):
            found.append(f"{widget!r}: {wide}x{high} in {inner.width}x{inner.height}: {str(widget.render())[:80]!r}")
    return found


def on_screen(widget: Widget) -> str:
    """What the widget draws, line by line (its padding included)."""
    width, height = widget.size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


async def _open_tab(app, pilot, key: str) -> None:
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot, rounds=4)
    await pilot.pause(0.1)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("key", TABS)
async def test_every_tab_shows_its_lines_whole(make_app, monkeypatch, key, size) -> None:
    _big_feed(monkeypatch)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await _open_tab(app, pilot, key)
        assert cut_lines(app.screen) == []


def test_the_detail_of_the_timeline_gets_its_width_first() -> None:
    from relance_tui.tui.timeline import FULL_COLUMNS, columns_for, detail_min
    from relance_tui.tui.virtual_table import room_left as detail_room

    for width in range(80, 201, 5):
        cols = columns_for(width)
        keys = [c.key for c in cols]
        assert {"at", "kind", "debtor", "notes"} <= set(keys), width
        assert detail_room(cols, width) >= detail_min(width) >= 30, (width, detail_room(cols, width))
        assert keys == [c.key for c in FULL_COLUMNS if c.key in keys]  # dropped, never reordered
    assert [c.key for c in columns_for(200)] == [c.key for c in FULL_COLUMNS]  # wide: nothing given up


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_timeline_shows_its_whole_title_and_a_readable_detail(make_app, monkeypatch, size) -> None:
    """At 80 columns the title read "1 000 dernières entrées sur 45" and the detail had 2 cells; at 100 the
    keys' hint stopped at "(a :"."""
    from relance_tui.tui.timeline import detail_min, outcome_label

    _big_feed(monkeypatch)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await _open_tab(app, pilot, "f3")
        title = on_screen(app.query_one("#timeline-title"))
        assert "1\u00a0000 dernières entrées sur 45\u00a0006" in re.sub(r"[ \n]+", " ", title), title
        assert "(a : tous/débiteur, k : type)" in title, title  # whole, on one line
        table = app.query_one("#timeline-view").table
        widths = table.widths()
        assert table.columns[-1].key == "notes" and widths[-1] >= detail_min(size[0]) >= 30, widths
        assert sum(widths) + len(widths) - 1 <= table.scrollable_content_region.width, widths
        header = on_screen(app.query_one("#timeline-header"))
        assert header.split()[-1] == "Détail", header
        # a call's outcome stays on the line: in its column, or leading the detail when the column gave way
        call = next(r for r in (table.rows.get(k) for k in table.keys[:table.size.height]) if r and outcome_label(r))
        line = table.render_line(list(table.keys).index(call.event.id) - table.scroll_offset.y).text
        assert outcome_label(call)[:10] in line, line
