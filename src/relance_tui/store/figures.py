"""What an invoice comes to on a day: its balance, its penalties, and whether they may be claimed.

One place for the figures every screen, export and script shows (the overdue list, the debtor card,
the call brief, ``export invoices``, ``export debtors``): each reads its invoices, then asks here.
- balance: amount less what reduced it (money received, credit notes applied: store/credits.py);
- penalties and the indemnity (domain/penalties.py) from the payments and credit notes on their days,
  under the law of the debtor's regime (domain/law.py: its country and segment) and the legal acts
  recorded on the invoice (a formal notice, a Belgian consumer's free first reminder: store/acts.py);
  unknown (with the reason) when a rate is missing or a payment has no date; provisional ("à confirmer")
  when a rate was carried over from an earlier period;
- claimable: not waived by a supervisor (``penalty_waivers``); waived amounts leave every total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.domain.law import be_consumer_grace_end, regime_for
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
    formal_notice: dt.date | None  # the debtor's (an older, per-debtor record); legal_acts come first
    country: str | None = None  # the debtor's country column: with the segment, it chooses the law


@dataclass(frozen=True)
class Figures:
    penalty: Penalty | None  # None: not computable, see ``unknown``
    unknown: str | None = None  # why the penalty cannot be computed (a missing rate, an undated payment)
    waived: bool = False  # a supervisor waived this invoice's penalties and indemnity

    @property
    def unconfirmed(self) -> tuple[str, ...]:
        """Rates this figure carried over from an earlier period: it is "à confirmer" until they are entered."""
        return () if self.penalty is None or self.waived else self.penalty.unconfirmed

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


@dataclass(frozen=True)
class InvoiceActs:
    """The legal acts recorded on an invoice that its figures depend on."""

    formal_notice: dt.date | None = None  # the first formal notice
    first_reminder: tuple[dt.date, str] | None = None  # the first free reminder: its day and channel


NO_ACTS = InvoiceActs()


def invoice_acts(store: Store, invoice_ids: Iterable[int],
                 due_dates: dict[int, dt.date] | None = None) -> dict[int, InvoiceActs]:
    """The first formal notice and the first free reminder of each of these invoices that has one.

    With ``due_dates``, an act dated before its invoice fell due is passed over (it could not put the
    debtor in default: store/acts.record_act refuses one, but an older row must not hide a later one).
    """
    ids = list(dict.fromkeys(invoice_ids))
    due_dates = due_dates or {}
    found: dict[int, dict] = {}
    for chunk in range(0, len(ids), 900):
        part = ids[chunk:chunk + 900]
        marks = ", ".join("?" for _ in part)
        for inv_id, kind, day, channel in store.conn.execute(
                f"SELECT invoice_id, kind, day, channel FROM legal_acts WHERE invoice_id IN ({marks}) "
                "AND kind IN ('formal_notice', 'first_reminder') ORDER BY day, id", part):
            when = dt.date.fromisoformat(day)
            due = due_dates.get(inv_id)
            if due is not None and when < due:
                continue
            acts = found.setdefault(inv_id, {})
            if kind == "formal_notice":
                acts.setdefault("formal_notice", when)
            else:
                acts.setdefault("first_reminder", (when, channel))
    return {i: InvoiceActs(**a) for i, a in found.items()}


_CALENDARS: dict[str, OfficeCalendar] = {}


def _calendar(country: str) -> OfficeCalendar:
    if country not in _CALENDARS:
        _CALENDARS[country] = OfficeCalendar(country)
    return _CALENDARS[country]


def penalty_terms(invoice: InvoiceTerms, acts: InvoiceActs = NO_ACTS, *, country: str = "FR") -> PenaltyTerms:
    """What decides the penalties of an invoice: its debtor's regime, contract rate and legal acts.

    ``country`` is the office's: a debtor outside FR and BE follows it (domain/law.regime_for).
    """
    regime = regime_for(invoice.country, invoice.segment, country)
    grace_end = None
    if regime.consumer and regime.law == "BE" and acts.first_reminder is not None:
        sent_on, channel = acts.first_reminder
        grace_end = be_consumer_grace_end(sent_on, channel or "letter", _calendar("BE"))
    return PenaltyTerms(segment=regime.segment, country=regime.law, contract_rate_bp=invoice.contract_rate_bp,
                        formal_notice=acts.formal_notice or invoice.formal_notice, grace_end=grace_end)


def figures(invoice: InvoiceTerms, as_of: dt.date, rates: Rates, pays: Sequence[Payment], *, country: str = "FR",
            waived: bool = False, acts: InvoiceActs = NO_ACTS) -> Figures:
    """The figures of one invoice (pure: the caller read its payments, waiver and legal acts).

    ``country`` is the office's (for a debtor outside FR and BE).
    """
    if invoice.amount_cents <= 0 or invoice.status == "written_off":
        return Figures(NO_PENALTY, waived=waived)
    terms = penalty_terms(invoice, acts, country=country)
    try:
        return Figures(compute_penalty(invoice.amount_cents, invoice.due_date, as_of, terms, rates, pays),
                       waived=waived)
    except PenaltyUnknown as exc:
        return Figures(None, str(exc), waived=waived)


def figures_of(store: Store, invoices: Sequence[InvoiceTerms], as_of: dt.date, rates: Rates, *,
               country: str = "FR") -> dict[int, Figures]:
    """The figures of these invoices, their payments, waivers and legal acts read in three queries."""
    ids = [i.id for i in invoices]
    pays = reductions(store, ids)
    waived = waived_ids(store, ids)
    acts = invoice_acts(store, ids, {i.id: i.due_date for i in invoices})
    return {i.id: figures(i, as_of, rates, pays.get(i.id, ()), country=country, waived=i.id in waived,
                          acts=acts.get(i.id, NO_ACTS))
            for i in invoices}


def terms_from_row(inv_id: int, amount: int, paid: int, due: str, status: str, segment: str, contract: int | None,
                   notice: str | None, debtor_country: str | None = None) -> InvoiceTerms:
    return InvoiceTerms(inv_id, amount, paid, dt.date.fromisoformat(due), status, segment, contract,
                        dt.date.fromisoformat(notice) if notice else None, debtor_country)
