"""What an invoice comes to on a day: its balance, its penalties, and whether they may be claimed.

One place for the figures every screen, export and script shows (the overdue list, the debtor card,
the call brief, ``export invoices``, ``export debtors``): each reads its invoices, then asks here.
- balance: amount less what reduced it (money received, credit notes applied: store/credits.py);
- penalties and the indemnity (domain/penalties.py) from the payments and credit notes on their days;
  unknown (with the reason) when a rate is missing or a payment has no date;
- claimable: not waived by a supervisor (``penalty_waivers``); waived amounts leave every total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from relance_tui.domain.penalties import (
    NO_PENALTY,
    Payment,
    Penalty,
    PenaltyTerms,
    PenaltyUnknown,
    Rates,
    compute_penalty,
)
from relance_tui.store.connection import Store


@dataclass(frozen=True)
class InvoiceTerms:
    """The columns of an invoice and its debtor that its figures depend on."""

    id: int
    amount_cents: int
    paid_cents: int
    due_date: dt.date
    status: str
    segment: str
    contract_rate_bp: int | None
    formal_notice: dt.date | None


@dataclass(frozen=True)
class Figures:
    penalty: Penalty | None  # None: not computable, see ``unknown``
    unknown: str | None = None  # why the penalty cannot be computed (a missing rate, an undated payment)
    waived: bool = False  # a supervisor waived this invoice's penalties and indemnity

    @property
    def penalty_cents(self) -> int | None:
        """Penalties and indemnity this invoice carries in the totals: 0 once waived, None when unknown."""
        if self.waived:
            return 0
        return None if self.penalty is None else self.penalty.total_cents


def reductions(store: Store, invoice_ids: Iterable[int], *, as_of: dt.date | None = None) -> dict[int, list[Payment]]:
    """Payments and applied credit notes of these invoices, by day (up to ``as_of`` when given)."""
    ids = list(dict.fromkeys(invoice_ids))
    out: dict[int, list[Payment]] = {}
    for chunk in range(0, len(ids), 900):
        part = ids[chunk:chunk + 900]
        marks = ", ".join("?" for _ in part)
        for inv_id, day, cents, kind, undated in store.conn.execute(
                f"SELECT invoice_id, day, amount_cents, kind, undated FROM payments WHERE invoice_id IN ({marks}) "
                "ORDER BY day, id", part):
            if as_of is not None and day > as_of.isoformat():
                continue
            out.setdefault(inv_id, []).append(Payment(dt.date.fromisoformat(day), cents, credit=kind == "credit",
                                                      dated=not undated))
    return out


def waived_ids(store: Store, invoice_ids: Iterable[int]) -> set[int]:
    ids = list(dict.fromkeys(invoice_ids))
    out: set[int] = set()
    for chunk in range(0, len(ids), 900):
        part = ids[chunk:chunk + 900]
        marks = ", ".join("?" for _ in part)
        out.update(r[0] for r in store.conn.execute(
            f"SELECT invoice_id FROM penalty_waivers WHERE invoice_id IN ({marks})", part))
    return out


def figures(invoice: InvoiceTerms, as_of: dt.date, rates: Rates, pays: Sequence[Payment], *, country: str = "FR",
            waived: bool = False) -> Figures:
    """The figures of one invoice (pure: the caller read its payments and waiver)."""
    if invoice.amount_cents <= 0 or invoice.status == "written_off":
        return Figures(NO_PENALTY, waived=waived)
    terms = PenaltyTerms(segment=invoice.segment, country=country, contract_rate_bp=invoice.contract_rate_bp,
                         formal_notice=invoice.formal_notice)
    try:
        return Figures(compute_penalty(invoice.amount_cents, invoice.due_date, as_of, terms, rates, pays),
                       waived=waived)
    except PenaltyUnknown as exc:
        return Figures(None, str(exc), waived=waived)


def figures_of(store: Store, invoices: Sequence[InvoiceTerms], as_of: dt.date, rates: Rates, *,
               country: str = "FR") -> dict[int, Figures]:
    """The figures of these invoices, their payments and waivers read in two queries."""
    ids = [i.id for i in invoices]
    pays = reductions(store, ids)
    waived = waived_ids(store, ids)
    return {i.id: figures(i, as_of, rates, pays.get(i.id, ()), country=country, waived=i.id in waived)
            for i in invoices}


def terms_from_row(inv_id: int, amount: int, paid: int, due: str, status: str, segment: str, contract: int | None,
                   notice: str | None) -> InvoiceTerms:
    return InvoiceTerms(inv_id, amount, paid, dt.date.fromisoformat(due), status, segment, contract,
                        dt.date.fromisoformat(notice) if notice else None)
