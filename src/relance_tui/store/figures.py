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
from dataclasses import dataclass, replace

from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.domain.law import (
    be_consumer_grace_end,
    be_consumer_indemnity,
    regime_for,
)
from relance_tui.domain.penalties import (
    NO_PENALTY,
    Payment,
    Penalty,
    PenaltyTerms,
    PenaltyUnknown,
    Rates,
    compute_penalty,
)
from relance_tui.store.conditions import in_chunks
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
    # the legal acts its figures counted with (what the call script may say happened already):
    formal_notice: dt.date | None = None  # its formal notice (legal_acts, else the debtor's older column)
    first_reminder: dt.date | None = None  # a Belgian consumer's free first reminder
    grace_end: dt.date | None = None  # ... and the last of the 14 days after it when nothing may be charged

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

    @property
    def indemnity_cents(self) -> int | None:
        """The indemnity within ``penalty_cents`` (a business's 40 EUR per invoice, a Belgian consumer's damage
        clause); the rest is interest."""
        if self.waived:
            return 0
        return None if self.penalty is None else self.penalty.indemnity_cents


def reductions(store: Store, invoice_ids: Iterable[int], *, as_of: dt.date | None = None) -> dict[int, list[Payment]]:
    """Payments and applied credit notes of these invoices, by day (up to ``as_of`` when given)."""
    out: dict[int, list[Payment]] = {}
    for part, marks in in_chunks(invoice_ids):
        for inv_id, day, cents, kind, undated in store.conn.execute(
                f"SELECT invoice_id, day, amount_cents, kind, undated FROM payments WHERE invoice_id IN ({marks}) "
                "ORDER BY day, id", part):
            if as_of is not None and day > as_of.isoformat():
                continue
            out.setdefault(inv_id, []).append(Payment(dt.date.fromisoformat(day), cents, credit=kind == "credit",
                                                      dated=not undated))
    return out


def waived_ids(store: Store, invoice_ids: Iterable[int]) -> set[int]:
    out: set[int] = set()
    for part, marks in in_chunks(invoice_ids):
        out.update(r[0] for r in store.conn.execute(
            f"SELECT invoice_id FROM penalty_waivers WHERE invoice_id IN ({marks})", part))
    return out


@dataclass(frozen=True)
class InvoiceActs:
    """The legal acts recorded on an invoice that its figures depend on."""

    formal_notice: dt.date | None = None  # the first formal notice
    first_reminder: tuple[dt.date, str] | None = None  # the first free reminder: its day and channel
    reminder_event: int | None = None  # the event of that reminder: the invoices it listed are one debt


NO_ACTS = InvoiceActs()


def invoice_acts(store: Store, invoice_ids: Iterable[int],
                 due_dates: dict[int, dt.date] | None = None) -> dict[int, InvoiceActs]:
    """The first formal notice and the first free reminder of each of these invoices that has one.

    With ``due_dates``, an act dated before its invoice fell due is passed over (it could not put the
    debtor in default: store/acts.record_act refuses one, but an older row must not hide a later one).
    """
    due_dates = due_dates or {}
    found: dict[int, dict] = {}
    for part, marks in in_chunks(invoice_ids):
        for inv_id, kind, day, channel, event_id in store.conn.execute(
                f"SELECT invoice_id, kind, day, channel, event_id FROM legal_acts WHERE invoice_id IN ({marks}) "
                "AND kind IN ('formal_notice', 'first_reminder') ORDER BY day, id", part):
            when = dt.date.fromisoformat(day)
            due = due_dates.get(inv_id)
            if due is not None and when < due:
                continue
            acts = found.setdefault(inv_id, {})
            if kind == "formal_notice":
                acts.setdefault("formal_notice", when)
            elif "first_reminder" not in acts:
                acts["first_reminder"], acts["reminder_event"] = (when, channel), event_id
    return {i: InvoiceActs(**a) for i, a in found.items()}


_CALENDARS: dict[str, OfficeCalendar] = {}


def _calendar(country: str) -> OfficeCalendar:
    if country not in _CALENDARS:
        _CALENDARS[country] = OfficeCalendar(country)
    return _CALENDARS[country]


@dataclass(frozen=True)
class OfficeTerms:
    """What the office's own terms of sale add to the law, from ``relance.toml`` (the same for every agent)."""

    be_consumer_damage_clause: bool = False  # CDE XIX.4: a damage clause a Belgian consumer agreed to


def set_office_terms(store: Store, terms: OfficeTerms) -> None:
    """Tell the figures of this store what the office's terms of sale say (done where settings are read)."""
    store.office_terms = terms


def office_terms(store: Store) -> OfficeTerms:
    return getattr(store, "office_terms", None) or OfficeTerms()


def penalty_terms(invoice: InvoiceTerms, acts: InvoiceActs = NO_ACTS, *, country: str = "FR",
                  office: OfficeTerms = OfficeTerms()) -> PenaltyTerms:
    """What decides the penalties of an invoice: its debtor's regime, contract rate and legal acts.

    ``country`` is the office's: a debtor outside FR and BE follows it (domain/law.regime_for).
    """
    regime = regime_for(invoice.country, invoice.segment, country)
    grace_end = None
    if regime.consumer and regime.law == "BE" and acts.first_reminder is not None:
        sent_on, channel = acts.first_reminder
        grace_end = be_consumer_grace_end(sent_on, channel or "letter", _calendar("BE"))
    return PenaltyTerms(segment=regime.segment, country=regime.law, contract_rate_bp=invoice.contract_rate_bp,
                        formal_notice=acts.formal_notice or invoice.formal_notice, grace_end=grace_end,
                        damage_clause=office.be_consumer_damage_clause)


def figures(invoice: InvoiceTerms, as_of: dt.date, rates: Rates, pays: Sequence[Payment], *, country: str = "FR",
            waived: bool = False, acts: InvoiceActs = NO_ACTS, office: OfficeTerms = OfficeTerms()) -> Figures:
    """The figures of one invoice (pure: the caller read its payments, waiver and legal acts).

    ``country`` is the office's (for a debtor outside FR and BE).
    """
    if invoice.amount_cents <= 0 or invoice.status == "written_off":
        return Figures(NO_PENALTY, waived=waived)
    terms = penalty_terms(invoice, acts, country=country, office=office)
    done = {"waived": waived, "formal_notice": terms.formal_notice, "grace_end": terms.grace_end,
            "first_reminder": acts.first_reminder[0] if acts.first_reminder else None}
    try:
        return Figures(compute_penalty(invoice.amount_cents, invoice.due_date, as_of, terms, rates, pays), **done)
    except PenaltyUnknown as exc:
        return Figures(None, str(exc), **done)


def figures_of(store: Store, invoices: Sequence[InvoiceTerms], as_of: dt.date, rates: Rates, *,
               country: str = "FR") -> dict[int, Figures]:
    """The figures of these invoices, their payments, waivers and legal acts read in three queries."""
    ids = [i.id for i in invoices]
    pays = reductions(store, ids)
    waived = waived_ids(store, ids)
    acts = invoice_acts(store, ids, {i.id: i.due_date for i in invoices})
    office = office_terms(store)
    out = {i.id: figures(i, as_of, rates, pays.get(i.id, ()), country=country, waived=i.id in waived,
                         acts=acts.get(i.id, NO_ACTS), office=office)
           for i in invoices}
    if office.be_consumer_damage_clause:
        _one_indemnity_per_reminder(invoices, acts, pays, out, country)
    return out


def _one_indemnity_per_reminder(invoices: Sequence[InvoiceTerms], acts: dict[int, InvoiceActs],
                                pays: dict[int, list[Payment]], out: dict[int, Figures], country: str) -> None:
    """A Belgian consumer's damage clause is charged once on the debt its free reminder named, not per invoice.

    CDE XIX.4 §1 caps the indemnity by "le solde restant dû" (20 EUR up to 150 EUR...; 2,000 EUR in all):
    ten invoices of 30 EUR named in one reminder are one balance of 300 EUR (45 EUR), not ten of 20 EUR.
    The indemnity of the group goes to its oldest invoice; the others keep their interest. (The one-invoice
    case is domain/penalties.compute_penalty's own.)
    """
    groups: dict[int, list[InvoiceTerms]] = {}
    for inv in invoices:
        fig, act = out[inv.id], acts.get(inv.id)
        if act is None or act.reminder_event is None or fig.penalty is None or not fig.penalty.indemnity_cents:
            continue
        groups.setdefault(act.reminder_event, []).append(inv)
    for members in groups.values():
        if len(members) < 2:
            continue
        balance = 0
        for inv in members:
            grace_end = penalty_terms(inv, acts[inv.id], country=country).grace_end
            balance += max(0, inv.amount_cents - sum(p.cents for p in pays.get(inv.id, ()) if p.day <= grace_end))
        members.sort(key=lambda inv: (inv.due_date, inv.id))
        for n, inv in enumerate(members):
            fig = out[inv.id]
            indemnity = be_consumer_indemnity(balance) if n == 0 else 0
            out[inv.id] = replace(fig, penalty=replace(fig.penalty, indemnity_cents=indemnity))


def terms_from_row(inv_id: int, amount: int, paid: int, due: str, status: str, segment: str, contract: int | None,
                   notice: str | None, debtor_country: str | None = None) -> InvoiceTerms:
    return InvoiceTerms(inv_id, amount, paid, dt.date.fromisoformat(due), status, segment, contract,
                        dt.date.fromisoformat(notice) if notice else None, debtor_country)
