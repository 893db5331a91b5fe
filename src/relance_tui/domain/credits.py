"""Credit notes (avoirs): which invoice each one reduces, by how much, from when.

The rule, the same on every screen, export and script:
- a credit note reduces the invoice it names (lettered with it in a FEC, or named in a column or in
  its label), as far as that invoice's balance goes;
- what is left of it (or all of it, when it names nothing) goes to the debtor's oldest outstanding
  invoices, by due date;
- each reduction takes effect on the credit note's date, or on the invoice's issue date when the
  invoice is later: penalties run on the reduced balance from that day;
- what no invoice can take stays on the debtor as unapplied credit: a debtor whose credit covers
  everything it owes is "créditeur" and is not chased.
A credit note is never late and owes no penalty.

Credit notes the accounts already lettered arrive as reductions of their invoices (a FEC's lettering,
an export's paid or remaining figure); only the part the accounts left unapplied is allocated here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

RULE_NAMED = "nommée"
RULE_OLDEST = "plus ancienne"


@dataclass(frozen=True)
class CreditNote:
    id: int
    number: str
    day: dt.date
    unapplied_cents: int  # positive: what the accounts have not applied yet
    names_invoice_id: int | None = None


@dataclass(frozen=True)
class OpenInvoice:
    id: int
    number: str
    issue_date: dt.date
    due_date: dt.date
    balance_cents: int  # what is still owed on it, before any credit note this module applies


@dataclass(frozen=True)
class Allocation:
    credit_note_id: int
    credit_number: str
    invoice_id: int
    invoice_number: str
    day: dt.date
    cents: int
    rule: str  # RULE_NAMED or RULE_OLDEST

    def describe(self) -> str:
        return f"avoir {self.credit_number} imputé sur {self.invoice_number}"


def allocate(credit_notes: Sequence[CreditNote], invoices: Sequence[OpenInvoice]) -> tuple[list[Allocation], int]:
    """Allocate the credit notes of one debtor; returns (allocations, credit left unapplied)."""
    room = {inv.id: inv.balance_cents for inv in invoices}
    by_id = {inv.id: inv for inv in invoices}
    oldest_first = sorted(invoices, key=lambda inv: (inv.due_date, inv.issue_date, inv.id))
    out: list[Allocation] = []
    left_over = 0
    for credit in sorted(credit_notes, key=lambda c: (c.day, c.id)):
        rest = credit.unapplied_cents
        if rest <= 0:
            continue
        named = by_id.get(credit.names_invoice_id) if credit.names_invoice_id is not None else None
        targets = ([named] if named else []) + [inv for inv in oldest_first if inv is not named]
        for inv in targets:
            part = min(rest, room[inv.id])
            if part <= 0:
                continue
            room[inv.id] -= part
            rest -= part
            out.append(Allocation(credit.id, credit.number, inv.id, inv.number, max(credit.day, inv.issue_date),
                                  part, RULE_NAMED if inv is named else RULE_OLDEST))
            if rest == 0:
                break
        left_over += rest
    return out, left_over
