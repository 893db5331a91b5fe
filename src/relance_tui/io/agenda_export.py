"""The day's agenda as a file (``relance agenda``): CSV for a spreadsheet, Markdown to read or print."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import IO

from relance_tui.domain.money import format_money
from relance_tui.domain.plan import CHANNELS
from relance_tui.domain.text import clean
from relance_tui.io.csvout import Money, SheetWriter
from relance_tui.store.agenda import AgendaRow
from relance_tui.store.plan import DebtorPlan

HEADER = ["groupe", "debiteur_id", "debiteur", "etape", "canal", "due_le", "retard_jours", "factures", "solde",
          "plan", "validation", "en_cours_par"]


# the channel column of a check (store/agenda.Check): what the agent does about it
CHECK_CHANNELS = {"promise": "vérification", "limitation": "vérification", "thanks": "email"}


def _row(item: AgendaRow) -> list:
    if isinstance(item, DebtorPlan):
        step = item.state.next
        channel, plan, approval = CHANNELS[step.channel], item.plan.key, "agent" if step.approval else "automatique"
    else:
        channel, plan, approval = CHECK_CHANNELS[item.kind], "", "agent"
    return [item.group, item.debtor_id, item.name, item.label, channel, item.due, item.late_days,
            len(item.invoice_ids), Money(item.balance_cents), plan, approval, item.claimed_by]


def write_agenda_csv(items: Sequence[AgendaRow], out: IO[str], *, excel: bool = False) -> None:
    sheet = SheetWriter(out, excel=excel)
    sheet.row(HEADER)
    for item in items:
        sheet.row(_row(item))


def _md(text: str) -> str:
    """A table cell: the text of data, never Markdown (pipes, asterisks, backquotes escaped)."""
    text = clean(text)
    for char in "\\|*_`[]<>#~&!":
        text = text.replace(char, "\\" + char)
    # no automatic link either (GitHub-style Markdown turns "www.x" and "http://x" into links)
    return re.sub(r"(?i)(www)\.|(https?|ftp):", lambda m: f"{m.group(1)}\\." if m.group(1) else f"{m.group(2)}\\:",
                  text)


def write_agenda_markdown(items: Sequence[AgendaRow], out: IO[str], *, day: dt.date) -> None:
    out.write(f"# Agenda du {day:%d/%m/%Y}\n\n")
    if not items:
        out.write("Rien à faire aujourd'hui.\n")
        return
    group = None
    for item in items:
        if item.group != group:
            group = item.group
            count = sum(1 for i in items if i.group == group)
            out.write(f"{'' if group == items[0].group else chr(10)}## {group} ({count})\n\n")
            out.write("| Débiteur | Étape | Due le | Retard | Factures | Solde |\n|---|---|---|---|---|---|\n")
        late = (f"{item.late_days} j" if item.late_days > 0 else "aujourd'hui" if item.late_days == 0
                else f"dans {-item.late_days} j")
        under_way = f" (en cours : {_md(item.claimed_by)})" if item.claimed_by else ""
        out.write(f"| {_md(item.name)} | {_md(item.label)}{under_way} | {item.due:%d/%m/%Y} | {late} | "
                  f"{len(item.invoice_ids)} | {format_money(item.balance_cents, symbol=True)} |\n")
