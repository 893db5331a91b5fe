"""Data on screen: shown as it is, never read as markup, never a control character sent to the terminal.

Every widget that shows data (a name, an invoice number, a note, a template's text, a message that
quotes any of them) goes through these helpers. Textual reads a ``str`` given to ``Static``/``Label``,
``update``, a ``DataTable`` cell, ``notify`` or an ``OptionList`` prompt as markup: ``Dupont [/] SARL``
raises MarkupError, ``ACME [France] SA`` loses a word, ``[@click=app.quit]x`` becomes a live action.
And text reaches the terminal as it is: ESC, BEL or a C1 control in it is a terminal command.

Text is cleaned where it enters (``domain.text.clean``); these clean it again where it is shown, the
second guard, since the database may hold text written before the first one existed. Styling around
data is given as styles (``styled(("Total", "bold"), " ", amount)``), never as markup spliced with data.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.style import Style

from relance_tui.domain.text import clean

Part = str | Content | tuple[str, str | Style]


def line(text: object) -> str:
    """Data as one line of safe text: for widgets that draw strings themselves (the Line-API table,
    ``Text.append``). Line breaks become spaces."""
    return clean(text if isinstance(text, str) else str(text))


def plain(text: object) -> Content:
    """Data as Content, never read as markup; line breaks kept (a note on several lines)."""
    return Content(clean(text if isinstance(text, str) else str(text), multiline=True))


def styled(*parts: Part) -> Content:
    """``Content.assemble`` where every string part is data: ``"text"`` or ``("text", "bold")``, cleaned
    and never read as markup; a Content part (from ``plain`` or ``styled``) is taken as it is."""
    return Content.assemble(*(
        part if isinstance(part, Content)
        else (clean(part[0], multiline=True), part[1]) if isinstance(part, tuple)
        else clean(part, multiline=True)
        for part in parts))


def lines(items: list[Content | str]) -> Content:
    """Lines of data (or Content) joined with line breaks, as one Content."""
    return Content("\n").join(item if isinstance(item, Content) else plain(item) for item in items)


def cell(value: object) -> Text:
    """A DataTable cell: one line of plain text (a ``str`` cell would be read as markup)."""
    return Text(line(value), no_wrap=True, end="")
