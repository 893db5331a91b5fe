"""The tab line: which place is shown, and the key that shows each one.

Textual's ``TabbedContent`` builds a dozen widgets (tabs, underline,
switcher, panes) and measured 19 ms of the app's start-up; this bar is one
widget drawing one line, beside a ``ContentSwitcher`` that holds the places.
It also shows each tab's key, since agents move between tabs with F2-F5.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from relance_tui.tui.plain import line as safe
from relance_tui.tui.survive import Survives

# A tab's label where the whole line would not fit (80 columns): (the words, their short form); a count beside
# the label stays
SHORT = {"chronologie": ("Chronologie", "Chrono"), "bord": ("Tableau de bord", "Chiffres")}


class TabBar(Survives, Widget, can_focus=False):
    DEFAULT_CSS = """
    TabBar {
        height: 1;
        background: $panel;
        color: $foreground-muted;
        .tabbar--active { background: $accent; color: $text; text-style: bold; }
        .tabbar--key { color: $text-muted; }
    }
    """
    COMPONENT_CLASSES = {"tabbar--active", "tabbar--key"}

    active = reactive("")

    class Chosen(Message):
        """A tab was clicked."""

        def __init__(self, tab: str) -> None:
            super().__init__()
            self.tab = tab

    def __init__(self, tabs: list[tuple[str, str, str]], *, active: str, **kw) -> None:
        """``tabs``: (id, label, key shown) in order."""
        super().__init__(**kw)
        self.tabs = tabs
        self.set_reactive(TabBar.active, active)
        self._spans: list[tuple[int, int, str]] = []

    def relabel(self, tab: str, label: str) -> None:
        """Change one tab's label (a count beside it)."""
        self.tabs = [(t, label if t == tab else old, key) for t, old, key in self.tabs]
        self.refresh()

    @property
    def label(self) -> str:
        return next(label for tab, label, _key in self.tabs if tab == self.active)

    def render(self) -> Text:
        """The tabs spaced out; where that does not fit, one space between them; at 80 columns, short labels."""
        for spaced, short in ((True, False), (False, False), (False, True)):
            line = self._line(spaced=spaced, short=short)
            if line.cell_len <= self.size.width or self.size.width <= 0:
                break
        return line

    def _line(self, *, spaced: bool, short: bool) -> Text:
        active_style = self.get_component_rich_style("tabbar--active")
        key_style = self.get_component_rich_style("tabbar--key")
        line = Text(no_wrap=True, overflow="crop")
        self._spans = []
        for tab, label, key in self.tabs:
            if short:
                label = label.replace(*SHORT[tab]) if tab in SHORT else label
            label, key = safe(label), safe(key)  # the key comes from the agent's [keys]
            start = line.cell_len
            if tab == self.active:
                line.append(f" {key} {label} ", active_style)
            else:
                line.append(f" {key}", key_style)
                line.append(f" {label} " if spaced else f" {label}")
            self._spans.append((start, line.cell_len, tab))
            if spaced:
                line.append(" ")
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, tab in self._spans:
            if start <= event.x < end:
                self.post_message(self.Chosen(tab))
