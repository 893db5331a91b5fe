"""What relance's screens and widgets share: the app, typed, and what a live screen offers the app.

- ``RelanceNode``: mixed into a screen or widget of relance, ``self.relance`` is the app as a
  ``RelanceApp`` (its store, settings, today, calendars), where ``self.app`` is any Textual App.
- ``RelanceScreen``: a full screen of relance; it survives its errors (tui/survive.py) and knows the app.
- ``LiveScreen``: a screen about one debtor whose data other agents change. The app (tui/live.py) calls
  ``refresh_data()`` when a change concerns ``debtor_id`` (or promises were judged), and when a call ends
  on it. The debtor card and the call screen are live screens; a form opened over them is not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from relance_tui.tui.survive import Survives

if TYPE_CHECKING:
    from relance_tui.tui.app import RelanceApp


class RelanceNode:
    """Mixed into relance's screens and widgets (after Survives, before the Textual class)."""

    @property
    def relance(self) -> RelanceApp:
        return self.app  # type: ignore[attr-defined,no-any-return]


class RelanceScreen(Survives, RelanceNode, Screen):
    """A full screen of relance."""


class LiveScreen(RelanceScreen):
    """A screen about one debtor that shows what other agents change: the app refreshes it."""

    debtor_id: int

    def refresh_data(self) -> None:
        """Read the debtor again (off the UI thread) and show it; what the agent is typing stays."""
        raise NotImplementedError
