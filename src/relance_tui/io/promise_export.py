"""The day's promises as CSV (safe for spreadsheets), ICS (one event per promised date) or Markdown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import IO

from relance_tui.domain.instants import format_local, from_iso
from relance_tui.domain.money import format_cents
from relance_tui.domain.text import clean, count
from relance_tui.domain.vocabulary import PROMISE_STATUSES
from relance_tui.io.csvout import Money, SheetWriter
from relance_tui.io.outputs import Protected, check_output_target, open_output_file
from relance_tui.store.promises import PromiseLine

FORMATS = ("csv", "ics", "md")
HEADER = ("Débiteur", "Contact", "Factures", "Montant", "Date promise", "Échéance", "Statut", "Agent",
          "Heure de l'appel", "Notes")


def write_csv(lines: Sequence[PromiseLine], out: IO[str], *, tz: str, names: Callable[[str], str],
              excel: bool = False) -> None:
    sheet = SheetWriter(out, excel=excel)
    sheet.row(HEADER)
    # one way of writing dates in one file: the sheet's (ISO for a plain CSV, JJ/MM/AAAA for Excel)
    called = "%d/%m/%Y %H:%M" if excel else "%Y-%m-%d %H:%M"
    for p in lines:
        sheet.row((p.debtor, p.contact, p.invoices, Money(p.amount_cents), p.due_date, p.instalment or "",
                   PROMISE_STATUSES[p.status], names(p.agent), format_local(p.created_at, tz, called), p.notes))
    sheet.row(("Total", "", count(len(lines), "promesse"), Money(sum(p.amount_cents for p in lines)), "", "", "",
               "", "", ""))


def _md_cell(text: str) -> str:
    return clean(text).replace("|", "\\|")  # one line, no control character


def write_markdown(lines: Sequence[PromiseLine], out: IO[str], *, day: dt.date, tz: str,
                   names: Callable[[str], str]) -> None:
    out.write(f"# Promesses de paiement du {day:%d/%m/%Y}\n\n")
    out.write("| " + " | ".join(HEADER) + " |\n")
    out.write("|" + "|".join("---:" if h == "Montant" else "---" for h in HEADER) + "|\n")
    for p in lines:
        cells = (p.debtor, p.contact, p.invoices, format_cents(p.amount_cents), f"{p.due_date:%d/%m/%Y}",
                 p.instalment or "", PROMISE_STATUSES[p.status], names(p.agent),
                 format_local(p.created_at, tz, "%H:%M"), p.notes)
        out.write("| " + " | ".join(_md_cell(str(c)) for c in cells) + " |\n")
    total = format_cents(sum(p.amount_cents for p in lines))
    out.write(f"\n**Total : {total}** ({count(len(lines), 'promesse')})\n")


def ics_bytes(lines: Sequence[PromiseLine], *, day: dt.date, tz: str, names: Callable[[str], str],
              host: str = "relance") -> bytes:
    """One all-day event per promise on its promised date, so that it lands in a calendar."""
    from icalendar import Calendar, Event  # on demand: only this export needs it

    cal = Calendar()
    cal.add("prodid", "-//relance//promesses//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Promesses du {day:%d/%m/%Y}")
    for p in lines:
        event = Event()
        event.add("uid", f"promesse-{p.id}@{host}")
        event.add("dtstamp", from_iso(p.created_at))
        event.add("dtstart", p.due_date)  # a DATE with no DTEND: an all-day event (RFC 5545 3.6.1)
        event.add("summary", clean(f"Promesse : {p.debtor} — {format_cents(p.amount_cents)}"))
        event.add("description", clean("\n".join(x for x in (
            f"Contact : {p.contact}" if p.contact else "", f"Factures : {p.invoices}" if p.invoices else "",
            f"Échéance {p.instalment}" if p.instalment else "",
            f"Obtenue par {names(p.agent)} le {format_local(p.created_at, tz)}", p.notes) if x), multiline=True))
        cal.add_component(event)
    return cal.to_ical()


def export_promises(lines: Sequence[PromiseLine], output: str | None, *, fmt: str, day: dt.date, tz: str,
                    names: Callable[[str], str], excel: bool = False, protected: Protected | None = None,
                    overwrite: bool = False) -> None:
    """Write ``lines`` to ``output`` (a path, or None / "-" for standard output) in ``fmt``.

    A path is checked and written as io.outputs says: never one of ``protected``, an existing file only
    with ``overwrite``, a device or FIFO in place, a regular file whole or not at all.
    """
    import sys

    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} inconnu (attendu : {', '.join(FORMATS)})")
    to_stdout = output in (None, "-")
    if not to_stdout:  # refused before any work
        check_output_target(output, protected or Protected(), overwrite=overwrite)
    if fmt == "ics":
        data = ics_bytes(lines, day=day, tz=tz, names=names)
        if to_stdout:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            with open_output_file(output, protected or Protected(), overwrite=overwrite, binary=True) as f:
                f.write(data)
        return
    from relance_tui.io.csvout import open_output

    with open_output(output, excel=excel and fmt == "csv", protected=protected, overwrite=overwrite) as out:
        if fmt == "csv":
            write_csv(lines, out, tz=tz, names=names, excel=excel)
        else:
            write_markdown(lines, out, day=day, tz=tz, names=names)
