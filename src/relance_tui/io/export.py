"""Exports of what was imported: invoices with days late, penalties and indemnity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import IO

from relance_tui.domain.penalties import Payment, PenaltyTerms, compute_penalty
from relance_tui.domain.vocabulary import INVOICE_STATUSES
from relance_tui.io.csvout import Money, SheetWriter
from relance_tui.store.connection import Store
from relance_tui.store.queries import load_rates

INVOICE_HEADERS = ("Code client", "Client", "SIREN", "Facture", "Date facture", "Échéance", "Statut",
                   "Montant TTC", "Réglé", "Reste dû", "Jours de retard", "Pénalités de retard",
                   "Indemnité forfaitaire", "Total exigible")


def _payments_by_invoice(store: Store) -> Iterator[tuple[int, list[Payment]]]:
    cursor = store.conn.execute("SELECT invoice_id, day, amount_cents FROM payments WHERE invoice_id IS NOT NULL "
                              "ORDER BY invoice_id, day")
    current, pays = None, []
    for invoice_id, day, cents in cursor:
        if invoice_id != current and current is not None:
            yield current, pays
            pays = []
        current = invoice_id
        pays.append(Payment(dt.date.fromisoformat(day), cents))
    if current is not None:
        yield current, pays


def export_invoices(store: Store, out: IO[str], *, as_of: dt.date, open_only: bool, excel: bool,
                    country: str = "FR") -> int:
    """Write one row per invoice, a total row last; returns the number of invoices."""
    rates = load_rates(store)
    sheet = SheetWriter(out, excel=excel)
    sheet.row(INVOICE_HEADERS)
    where = "WHERE i.status IN ('open', 'disputed', 'litigation') AND i.amount_cents > i.paid_cents " \
        if open_only else ""
    rows = store.conn.execute(
        "SELECT i.id, d.code, d.name, d.siren, i.number, i.issue_date, i.due_date, i.status, i.amount_cents, "
        "i.paid_cents, d.segment, d.contract_rate_bp, d.formal_notice_date FROM invoices i "
        f"JOIN debtors d ON d.id = i.debtor_id {where}ORDER BY i.id")
    payments = _payments_by_invoice(store)
    next_pay = next(payments, None)
    totals = [0, 0, 0, 0, 0, 0]
    count = 0
    for (inv_id, code, name, siren, number, issue, due, status, amount, paid, segment, contract,
         notice) in rows:
        while next_pay is not None and next_pay[0] < inv_id:
            next_pay = next(payments, None)
        pays = next_pay[1] if next_pay is not None and next_pay[0] == inv_id else []
        due_day = dt.date.fromisoformat(due)
        terms = PenaltyTerms(segment=segment, country=country, contract_rate_bp=contract,
                             formal_notice=dt.date.fromisoformat(notice) if notice else None)
        penalty = compute_penalty(amount, due_day, as_of, terms, rates,
                                  [p for p in pays if p.day <= as_of])
        paid_then = sum(p.cents for p in pays if p.day <= as_of) if pays else paid
        rest = amount - paid_then if amount > 0 else amount
        owed = max(rest, 0) + penalty.total_cents if amount > 0 else rest
        sheet.row((code, name, siren, number, dt.date.fromisoformat(issue), due_day, INVOICE_STATUSES[status],
                   Money(amount), Money(paid_then), Money(rest), max(0, (as_of - due_day).days) if rest > 0 else
                   penalty.days_late, Money(penalty.interest_cents), Money(penalty.indemnity_cents), Money(owed)))
        for i, v in enumerate((amount, paid_then, rest, penalty.interest_cents, penalty.indemnity_cents, owed)):
            totals[i] += v
        count += 1
    sheet.row(("", f"Total ({count} factures) au {as_of:%d/%m/%Y}", "", "", None, None, "",
               *(Money(t) for t in totals[:3]), "", *(Money(t) for t in totals[3:])))
    return count
