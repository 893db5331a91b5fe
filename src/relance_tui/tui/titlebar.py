"""The header: title (agent, database, or what the screen is about), an alert, and the clock, one widget.

The alert is the app's ``rates_alert`` ("Taux à saisir : BCE, légal FR 2e sem. 2026"): the period in force
lacks a rate penalties need, so they reuse the last one and are "à confirmer" (issue 13, item 6). It sits
before the clock, in the warning colour; where the title and the whole alert do not fit, the alert is cut
to "Taux à saisir" (the title keeps a debtor's name), and only then is the title cut.

Textual's ``Header`` is four widgets (icon, title, clock, their container) and
repaints its clock every second; over SSH a clock showing minutes needs a repaint
a minute, and start-up measured 7 ms less with one widget drawing the line.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widget import Widget

from relance_tui.tui.plain import line
from relance_tui.tui.survive import Survives


class TitleBar(Survives, Widget, can_focus=False):
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        .titlebar--clock { background: $foreground-darken-1 5%; }
        .titlebar--alert { color: $warning; text-style: bold; }
    }
    """
    COMPONENT_CLASSES = {"titlebar--clock", "titlebar--alert"}
    CLOCK_WIDTH = 10
    _office_zone: dt.tzinfo | None = None

    def on_mount(self) -> None:
        for target in (self.app, self.screen):
            self.watch(target, "title", self._retitle, init=False)
            self.watch(target, "sub_title", self._retitle, init=False)
        if hasattr(type(self.app), "rates_alert"):
            self.watch(self.app, "rates_alert", self._retitle, init=False)
        self._shown_minute = self._minute()
        self.set_interval(1, self._tick, name="clock")

    def _retitle(self) -> None:
        self.refresh()

    def _minute(self) -> str:
        """The time in the office (its time zone, as the guard and the records: one clock), not the server's."""
        return dt.datetime.now(self._zone).strftime("%H:%M")

    @property
    def _zone(self) -> dt.tzinfo | None:
        if self._office_zone is None:
            settings = getattr(self.app, "settings", None)
            name = getattr(getattr(settings, "office", None), "timezone", "") or "Europe/Paris"
            try:
                self._office_zone = ZoneInfo(name)
            except (ValueError, ZoneInfoNotFoundError):  # checked with the settings; never a crash here
                self._office_zone = ZoneInfo("Europe/Paris")
        return self._office_zone

    def _tick(self) -> None:
        if self._minute() != self._shown_minute:  # a repaint a minute, not a second
            self.refresh()

    @property
    def title_text(self) -> str:
        """The title as one safe line: a sub-title holds data (a debtor's name, the agent's)."""
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        return line(f"{title} — {sub_title}" if sub_title else title)

    @property
    def alert_text(self) -> str:
        """The app's alert (a rate to enter), or ""."""
        return line(getattr(self.app, "rates_alert", "") or "")

    def render(self) -> Text:
        width = self.size.width
        self._shown_minute = self._minute()
        clock = self._shown_minute.center(self.CLOCK_WIDTH)
        room = max(0, width - 2 * self.CLOCK_WIDTH)  # the title centred on the whole line
        title = self.title_text
        alert = self.alert_text
        if alert:
            whole = f" {alert} "
            alert = whole if cell_len(title) + cell_len(whole) <= room else f" {alert.split(' : ', 1)[0]} "
            if cell_len(alert) > room:
                alert = set_cell_size(alert, max(0, room - 1)) + "…" if room else ""
            room -= cell_len(alert)
        used = cell_len(title)
        if used > room:
            title, used = set_cell_size(title, max(0, room - 1)) + "…", room
        margin = room - used  # centred in cells as str.center would (it counts an emoji as one cell)
        left = margin // 2 + (margin & room & 1)
        text = Text(no_wrap=True, overflow="crop")
        text.append(" " * self.CLOCK_WIDTH)
        text.append(" " * left + title + " " * (margin - left))
        if alert:
            text.append(alert, self.get_component_rich_style("titlebar--alert"))
        text.append(clock, self.get_component_rich_style("titlebar--clock"))
        return text
