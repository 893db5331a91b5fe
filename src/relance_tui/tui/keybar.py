"""The footer: the keys of the focused place, on one line drawn by one widget.

Textual's ``Footer`` mounts a widget per key and mounts them all again each
time the bindings change (every focus change). Measured at start-up it cost
more than the overdue list itself (eight recomposes, 75 widgets, ~60 ms), and
each focus change over SSH repaints it key by key. This bar renders the same
keys as one line of text, rebuilt only when the bindings change.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.dom import NoScreen
from textual.screen import Screen
from textual.widget import Widget

from relance_tui.tui.survive import Survives


class KeyBar(Survives, Widget, can_focus=False):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .keybar--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
        .keybar--description { color: $footer-description-foreground; background: $footer-description-background; }
        .keybar--disabled { text-style: dim; }
    }
    """
    COMPONENT_CLASSES = {"keybar--key", "keybar--description", "keybar--disabled"}

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self._keys: list[tuple[str, str, bool]] = []  # (key shown, description, enabled)
        self._palette: tuple[str, str] | None = None
        self._pending = False

    def on_mount(self) -> None:
        self._own_screen = self.screen
        self._own_screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._collect()

    def on_unmount(self) -> None:
        self._own_screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self._own_screen and not self._pending:
            self._pending = True  # focus moves come in bursts: read the bindings once after them
            # in this bar's own queue: an after-refresh callback runs on whichever screen is on top
            # when it is queued, and is dropped with that screen if it closes first (the bar then
            # never updated again), or runs after this bar's screen is gone
            if not self.call_later(self._collect):
                self._pending = False

    def _collect(self) -> None:
        self._pending = False
        try:  # its screen may have closed since this was queued (Esc on a card, then another key)
            active = self.screen.active_bindings
        except NoScreen:
            return
        keys: list[tuple[str, str, bool]] = []
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in active.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            keys.append((self.app.get_key_display(binding), binding.description, enabled))
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE and self.app.COMMAND_PALETTE_BINDING in active:
            binding: Binding = active[self.app.COMMAND_PALETTE_BINDING][1]
            palette = (self.app.get_key_display(binding), binding.description)
        if keys != self._keys or palette != self._palette:
            self._keys, self._palette = keys, palette
            self.refresh()

    @property
    def shown(self) -> list[tuple[str, str, bool]]:
        """The keys on the bar, in order: (key, description, enabled)."""
        return list(self._keys)

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        description_style = self.get_component_rich_style("keybar--description")
        dim = self.get_component_rich_style("keybar--disabled")
        width = self.size.width
        right = Text()
        if self._palette is not None:
            right = Text.assemble(("▏", description_style), (self._palette[0], key_style),
                                  (f" {self._palette[1]} ", description_style))
        line = Text(no_wrap=True, overflow="crop")
        for key, description, enabled in self._keys:
            part = Text.assemble((f" {key} ", key_style), (f"{description} ", description_style))
            if not enabled:
                part.stylize(dim)
            line.append_text(part)
        room = max(0, width - right.cell_len)
        line.truncate(room, pad=True)  # what does not fit is in the help (F1) and the palette
        line.append_text(right)
        return line
