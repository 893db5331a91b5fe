"""Late-payment penalties and the fixed recovery indemnity.

France (Code de commerce L441-10, D441-5), between businesses:
- penalties are due from the day after the due date, with no reminder;
- default rate: the ECB main refinancing rate in force on 1 January (for the
  first half-year) or 1 July (second half-year), plus 10 points;
- a contractual rate is allowed but never below three times the legal
  interest rate;
- simple interest: base x rate x days late / 365, the base shrinking with
  each partial payment from the day after it;
- plus a fixed 40 EUR indemnity per invoice paid late.
Belgium (law of 2 August 2002): ECB rate + 8 points, 40 EUR minimum.
A consumer owes none of that; legal interest runs only from a formal notice
(Code civil 1344-1), at the legal rate.

Rates are data (``RateTable``), loaded from the database by the store.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from relance_tui.domain.dates import half_year_start, next_half_year_start
from relance_tui.domain.money import round_half_up

FIXED_INDEMNITY_CENTS = 4_000
DAYS_PER_YEAR = 365
# Points added to the ECB rate for the default B2B late-payment rate.
ECB_MARGIN_BP = {"FR": 1_000, "BE": 800}
# Belgium rounds its statutory business rate up to the next half point (law of 2 August 2002, art. 5).
BE_ROUNDING_BP = 50
# A contractual rate may not be lower than this multiple of the legal rate (FR).
CONTRACT_FLOOR_MULTIPLE = {"FR": 3}

RATE_KINDS = ("ecb", "legal_pro", "legal_private")
RATE_KIND_LABELS = {
    "ecb": "Taux de refinancement BCE",
    "legal_pro": "Taux d'intérêt légal (autres cas)",
    "legal_private": "Taux d'intérêt légal (créancier particulier)",
}


class PenaltyUnknown(LookupError):
    """The penalty of an invoice cannot be computed yet; the message says why and what would settle it."""


class MissingRate(PenaltyUnknown):
    """No rate is known for a date: the rate table must be completed."""

    def __init__(self, kind: str, day: dt.date):
        self.kind = kind
        self.day = day
        super().__init__(
            f"aucun taux {RATE_KIND_LABELS.get(kind, kind)} connu au {day:%d/%m/%Y} "
            f"(ajoutez-le avec : relance rates set {kind.replace('_', '-')} AAAA-MM-JJ TAUX)"
        )


@dataclass(frozen=True)
class RateEntry:
    valid_from: dt.date
    basis_points: int  # hundredths of a percent: 215 = 2.15 %


class RateTable:
    """A rate that changes over time: each entry holds until the next one."""

    def __init__(self, kind: str, entries: Iterable[RateEntry]):
        self.kind = kind
        self.entries: tuple[RateEntry, ...] = tuple(sorted(entries, key=lambda e: e.valid_from))
        self._starts = [e.valid_from for e in self.entries]

    def rate_on(self, day: dt.date) -> int:
        i = bisect_right(self._starts, day)
        if i == 0:
            raise MissingRate(self.kind, day)
        return self.entries[i - 1].basis_points

    def __len__(self) -> int:
        return len(self.entries)


@dataclass(frozen=True)
class Rates:
    ecb: RateTable
    legal_pro: RateTable
    legal_private: RateTable

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, dt.date, int]]) -> Rates:
        """Build from (kind, valid_from, basis_points) rows."""
        by_kind: dict[str, list[RateEntry]] = {k: [] for k in RATE_KINDS}
        for kind, valid_from, bp in rows:
            if kind not in by_kind:
                raise ValueError(f"type de taux inconnu {kind!r} (attendu : {', '.join(RATE_KINDS)})")
            by_kind[kind].append(RateEntry(valid_from, bp))
        return cls(*(RateTable(k, by_kind[k]) for k in RATE_KINDS))


@dataclass(frozen=True)
class PenaltyTerms:
    """What decides the penalties of one debtor's invoices."""

    segment: str = "b2b"  # "b2b" (a business) or "b2c" (a consumer)
    country: str = "FR"  # "FR" or "BE": the law of the creditor's office
    contract_rate_bp: int | None = None  # a rate set by contract, if any
    formal_notice: dt.date | None = None  # consumer: legal interest from this date


class UndatedPayment(PenaltyUnknown):
    """Part of the invoice was paid on a day no file gave: penalties would rest on an invented date."""

    def __init__(self) -> None:
        super().__init__("paiement sans date dans l'export : pénalités non calculables tant qu'un paiement daté "
                         "(fichier de paiements ou FEC) n'est pas importé")


@dataclass(frozen=True)
class Payment:
    """What reduced an invoice on a day: money received, or a credit note applied (``credit``)."""

    day: dt.date
    cents: int
    credit: bool = False
    dated: bool = True  # False: an export gave the amount without its day (``day`` is the export's)


@dataclass(frozen=True)
class PenaltyPeriod:
    """Days charged at one balance and one rate: ``first`` to ``last`` inclusive."""

    first: dt.date
    last: dt.date
    days: int
    base_cents: int
    rate_bp: int


@dataclass(frozen=True)
class Penalty:
    days_late: int
    interest_cents: int
    indemnity_cents: int
    periods: tuple[PenaltyPeriod, ...] = field(default=())

    @property
    def total_cents(self) -> int:
        return self.interest_cents + self.indemnity_cents


NO_PENALTY = Penalty(0, 0, 0)


def annual_rate(day: dt.date, terms: PenaltyTerms, rates: Rates) -> int:
    """The yearly rate, in basis points, that applies to a day charged on ``day``."""
    if terms.segment == "b2c":
        return rates.legal_pro.rate_on(half_year_start(day))
    country = terms.country if terms.country in ECB_MARGIN_BP else "FR"
    if terms.contract_rate_bp is not None:
        multiple = CONTRACT_FLOOR_MULTIPLE.get(country)
        if multiple is None:
            return terms.contract_rate_bp
        floor = multiple * rates.legal_pro.rate_on(half_year_start(day))
        return max(terms.contract_rate_bp, floor)
    rate = rates.ecb.rate_on(half_year_start(day)) + ECB_MARGIN_BP[country]
    if country == "BE":
        # Law of 2 August 2002 on late payment in commercial transactions, art. 5: the reference rate
        # (ECB main refinancing rate of the half-year) plus eight points, "arrondi au demi-point de
        # pourcentage supérieur" (rounded up to the next half percentage point): 2.15 + 8 = 10.15 -> 10.5 %.
        rate = -(-rate // BE_ROUNDING_BP) * BE_ROUNDING_BP
    return rate


def compute_penalty(
    amount_cents: int,
    due: dt.date,
    as_of: dt.date,
    terms: PenaltyTerms,
    rates: Rates,
    payments: Sequence[Payment] = (),
) -> Penalty:
    """Interest and indemnity owed on one invoice as of ``as_of``.

    A day ``d`` after the due date is charged on what was still owed at the
    end of the day before it, so a payment made on day ``p`` stops interest on
    its amount from day ``p + 1``; the days charged for an invoice paid in
    full on ``p`` are ``p - due``, its days late. A credit note applied on a day
    reduces the balance the same way; an invoice that credit notes alone settled
    owes nothing. Raises ``UndatedPayment`` when a payment has no known day and
    ``MissingRate`` when a rate is missing (both ``PenaltyUnknown``).
    """
    if amount_cents <= 0:
        return NO_PENALTY  # a credit note owes nothing
    pays = sorted((p for p in payments if p.day <= as_of), key=lambda p: p.day)
    if any(not p.dated for p in pays):
        raise UndatedPayment()
    paid_off = _paid_off_day(amount_cents, pays)
    if paid_off is not None and all(p.credit for p in pays):
        return NO_PENALTY  # cancelled by credit notes: nothing was owed, so nothing was paid late
    end = min(as_of, paid_off) if paid_off else as_of
    days_late = max(0, (end - due).days)
    if days_late == 0:
        return NO_PENALTY
    indemnity = FIXED_INDEMNITY_CENTS if terms.segment == "b2b" else 0
    start = due
    if terms.segment == "b2c":
        if terms.formal_notice is None or terms.formal_notice >= end:
            return Penalty(days_late, 0, 0)
        start = max(due, terms.formal_notice)

    periods: list[PenaltyPeriod] = []
    numerator = 0
    day = start + dt.timedelta(days=1)  # first charged day
    pay_i = 0
    balance = amount_cents
    while day <= end:
        # what was owed at the end of the day before `day`
        while pay_i < len(pays) and pays[pay_i].day < day:
            balance -= pays[pay_i].cents
            pay_i += 1
        if balance <= 0:
            break
        # the run stops before the next half-year or the day after the next payment
        stop = min(end, next_half_year_start(day) - dt.timedelta(days=1))
        if pay_i < len(pays):
            stop = min(stop, pays[pay_i].day)
        ndays = (stop - day).days + 1
        rate = annual_rate(day, terms, rates)
        numerator += balance * rate * ndays
        periods.append(PenaltyPeriod(day, stop, ndays, balance, rate))
        day = stop + dt.timedelta(days=1)
    interest = round_half_up(numerator, 10_000 * DAYS_PER_YEAR)
    return Penalty(days_late, interest, indemnity, tuple(periods))


def _paid_off_day(amount_cents: int, payments: Sequence[Payment]) -> dt.date | None:
    paid = 0
    for p in payments:
        paid += p.cents
        if paid >= amount_cents:
            return p.day
    return None
