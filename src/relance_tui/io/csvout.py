"""CSV for people: plain UTF-8, or French Excel (';', decimal comma, BOM), safe against formula injection."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from relance_tui.domain.text import clean
from relance_tui.io.outputs import Protected, open_output_file

# A text cell starting with one of these would be run as a formula by a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a text cell a spreadsheet would evaluate with a quote (OWASP's advice)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class Money(int):
    """Integer cents, written as a number (never neutralised, it is not text)."""


class SheetWriter:
    def __init__(self, out: IO[str], *, excel: bool = False):
        self.excel = excel
        self.writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n")

    def cell(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, Money):
            text = f"{'-' if value < 0 else ''}{abs(value) // 100}.{abs(value) % 100:02d}"
            return text.replace(".", ",") if self.excel else text
        if isinstance(value, bool):
            return "oui" if value else "non"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, dt.date):
            return value.strftime("%d/%m/%Y") if self.excel else value.isoformat()
        return neutralise(clean(str(value), multiline=True))  # no control character in a file people open

    def row(self, values: Iterable[Any]) -> None:
        self.writer.writerow([self.cell(v) for v in values])


@contextmanager
def open_output(path: str | None, *, excel: bool, protected: Protected | None = None,
                overwrite: bool = False) -> Iterator[IO[str]]:
    """Standard output (None or "-"), or the file ``path`` written as io.outputs says (never the database,
    the settings or the templates; an existing file only with ``overwrite``)."""
    import sys

    if path in (None, "-"):
        if excel:
            sys.stdout.write("\ufeff")
        yield sys.stdout
        return
    with open_output_file(path, protected or Protected(), overwrite=overwrite,
                          encoding="utf-8-sig" if excel else "utf-8", newline="") as out:
        yield out
