"""What documents read from the base and what they leave on it: a debtor's account as a statement's lines,
and each document produced as an event with its file's SHA-256 (evidence of what was sent)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from relance_tui.store.connection import Store
from relance_tui.store.queries import append_event

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class AccountLine:
    day: dt.date
    label: str
    debit_cents: int
    credit_cents: int


def account_lines(conn: Any, debtor_id: int, as_of: dt.date) -> list[AccountLine]:
    """The debtor's account up to ``as_of``, by day: invoices (debit), credit notes and payments received
    (credit). A credit note applied to an invoice is one line (the note), not two; a payment with no date in
    the export shows on the day it was recorded."""
    lines = []
    for number, issue, cents in conn.execute(
            "SELECT number, issue_date, amount_cents FROM invoices WHERE debtor_id = ? AND issue_date <= ? "
            "AND status <> 'cancelled' ORDER BY issue_date, id", [debtor_id, as_of.isoformat()]):
        day = dt.date.fromisoformat(issue)
        if cents >= 0:
            lines.append(AccountLine(day, f"Facture {number}", cents, 0))
        else:
            lines.append(AccountLine(day, f"Avoir {number}", 0, -cents))
    for day, cents, reference in conn.execute(
            "SELECT day, amount_cents, reference FROM payments WHERE debtor_id = ? AND day <= ? AND kind = 'payment' "
            "AND source <> 'allocation' ORDER BY day, id", [debtor_id, as_of.isoformat()]):
        label = f"Règlement {reference}".strip() if cents > 0 else f"Rejet de règlement {reference}".strip()
        lines.append(AccountLine(dt.date.fromisoformat(day), label, max(0, -cents), max(0, cents)))
    return sorted(lines, key=lambda line: line.day)


def record_document(store: Store, debtor_id: int, kind: str, *, title: str, path: str, sha256: str,
                    invoice_ids: list[int], registered: bool = False) -> int:
    """A document produced for a debtor: an event on its timeline naming the file and its SHA-256."""

    def write(db: Database) -> int:
        return append_event(db, at=store.now(), agent=store.agent, kind="letter", debtor_id=debtor_id,
                            direction="out", outcome="document",
                            notes=f"{title} produit{'e' if title.startswith(('Lettre', 'Mise')) else ''} : {path}",
                            data={"document": kind, "path": path, "sha256": sha256, "registered": registered},
                            invoice_ids=invoice_ids)

    return store.write(write, what="enregistrement du document")
