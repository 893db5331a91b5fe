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
Belgium, between businesses (law of 2 August 2002): ECB rate + 8 points
rounded up to the next half point, 40 EUR per invoice.
A French consumer owes none of that; legal interest runs only from a formal
notice (Code civil 1344-1), at the legal rate ("autres cas").
A Belgian consumer (CDE livre XIX) owes nothing until 14 days after a free
first reminder; then interest (the Belgian legal rate, or a contract's rate
capped at the business rate) and at most the damage clause's scale
(domain/law.py). The store chooses the regime per debtor (domain/law.py).

Rates are data (``RateTable``), loaded from the database by the store. A rate
table is known up to its last entry: a half-year (a year for the Belgian legal
rate) that starts after it reuses the last value, and every figure that rests on
such a value says so ("à confirmer") until someone enters the rate.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from relance_tui.domain.dates import half_year_start, next_half_year_start
from relance_tui.domain.law import be_consumer_indemnity
from relance_tui.domain.money import round_half_up

FIXED_INDEMNITY_CENTS = 4_000
DAYS_PER_YEAR = 365
# Points added to the ECB rate for the default B2B late-payment rate.
ECB_MARGIN_BP = {"FR": 1_000, "BE": 800}
# Belgium rounds its statutory business rate up to the next half point (law of 2 August 2002, art. 5).
BE_ROUNDING_BP = 50
# A contractual rate may not be lower than this multiple of the legal rate (FR).
CONTRACT_FLOOR_MULTIPLE = {"FR": 3}

RATE_KINDS = ("ecb", "legal_pro", "legal_private", "legal_be")
RATE_KIND_LABELS = {
    "ecb": "Taux de refinancement BCE",
    "legal_pro": "Taux d'intérêt légal (autres cas)",
    "legal_private": "Taux d'intérêt légal (créancier particulier)",
    "legal_be": "Taux d'intérêt légal belge",
}
# How often each rate is set: the ECB rate is read on 1 January and 1 July, the French legal rates are
# published each half-year (C. mon. fin. L313-2), the Belgian legal rate each calendar year (law of
# 5 May 1865, art. 2, as amended: published in the Moniteur belge each January).
RATE_PERIOD_MONTHS = {"ecb": 6, "legal_pro": 6, "legal_private": 6, "legal_be": 12}
# The tables a penalty reads (ecb: the business rate; legal_pro: a French consumer's interest and the floor
# of a contract's rate; legal_be: a Belgian consumer's interest, needed only where there is one: see
# ``needed_rate_kinds``). legal_private (a creditor who is a private person) is kept for information: no
# penalty of relance uses it.
ALWAYS_NEEDED_RATE_KINDS = ("ecb", "legal_pro")
BE_CONSUMER_RATE_KINDS = ("legal_be",)
RATE_KIND_SHORT = {"ecb": "BCE", "legal_pro": "légal FR", "legal_private": "légal FR particuliers",
                   "legal_be": "légal BE"}


def needed_rate_kinds(be_consumers: bool) -> tuple[str, ...]:
    """The tables whose missing period doctor fails on and the title bar asks for: the Belgian legal rate
    only when the office has a Belgian consumer (store/queries.has_be_consumers), else nobody's figure
    reads it."""
    return ALWAYS_NEEDED_RATE_KINDS + (BE_CONSUMER_RATE_KINDS if be_consumers else ())


def rate_start_warning(kind: str, valid_from: dt.date) -> str:
    """A rate entered from a day its table does not change on: what it does instead; "" when the day is right.

    The French legal rates are set per half-year, the Belgian legal rate per calendar year, and a penalty reads
    the rate in force on the period's first day (1 January or 1 July): one entered on another day counts only
    from the next period. The ECB rate may change any day (the penalty reads the one in force on 1 January or
    1 July), so any day is right for it."""
    start = rate_period_start(kind, valid_from)
    if kind == "ecb" or valid_from == start:
        return ""
    yearly = RATE_PERIOD_MONTHS.get(kind, 6) == 12
    following = dt.date(start.year + 1, 1, 1) if yearly else next_half_year_start(valid_from)
    period = f"l'année {start.year}" if yearly else f"le semestre commencé le {start:%d/%m/%Y}"
    label = RATE_KIND_LABELS[kind]
    return (f"le {label[:1].lower()}{label[1:]} est fixé {'par année civile' if yearly else 'par semestre'} : "
            f"saisi au {valid_from:%d/%m/%Y}, il ne compte qu'à partir du {following:%d/%m/%Y} et {period} garde "
            f"le taux précédent (pour {period} : relance rates set {kind.replace('_', '-')} {start.isoformat()} "
            "TAUX)")


def rate_period_start(kind: str, day: dt.date) -> dt.date:
    """The first day of the period (half-year or year) of ``kind`` that holds ``day``."""
    return dt.date(day.year, 1, 1) if RATE_PERIOD_MONTHS.get(kind, 6) == 12 else half_year_start(day)


class PenaltyUnknown(LookupError):
    """The penalty of an invoice cannot be computed yet; the message says why and what would settle it."""


class MissingRate(PenaltyUnknown):
    """No rate is known for a date: the rate table must be completed."""

    def __init__(self, kind: str, day: dt.date):
        self.kind = kind
        self.day = day
        label = RATE_KIND_LABELS.get(kind, f"taux {kind}")
        super().__init__(
            f"aucun {label[:1].lower()}{label[1:]} connu au {day:%d/%m/%Y} "
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

    def confirmed(self, day: dt.date) -> bool:
        """Whether the rate of the period holding ``day`` was entered, not carried over from an earlier one.

        The ECB rate changes on any day and counts as it stood on the period's first day: any entry on or
        after that day tells the table is complete through it. A legal rate is published for its period and
        counts from its first day: only an entry on that very day confirms it (one entered on 1 August is not
        the rate of the half-year that began on 1 July, and rate_on would not use it for July either).
        """
        start = rate_period_start(self.kind, day)
        if self.kind == "ecb":
            return bool(self.entries) and self.entries[-1].valid_from >= start
        i = bisect_right(self._starts, start)
        return i > 0 and self.entries[i - 1].valid_from == start

    def command(self, day: dt.date) -> str:
        """The command that enters the rate of the period holding ``day``."""
        return f"relance rates set {self.kind.replace('_', '-')} {rate_period_start(self.kind, day).isoformat()} TAUX"

    def __len__(self) -> int:
        return len(self.entries)


@dataclass(frozen=True)
class Rates:
    ecb: RateTable
    legal_pro: RateTable
    legal_private: RateTable
    legal_be: RateTable = field(default_factory=lambda: RateTable("legal_be", ()))

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
    country: str = "FR"  # "FR" or "BE": the law the debtor's invoices follow (domain/law.regime_for)
    contract_rate_bp: int | None = None  # a rate set by contract, if any
    formal_notice: dt.date | None = None  # French consumer: legal interest from this date
    grace_end: dt.date | None = None  # Belgian consumer: last day of the 14 days after the free reminder
    # Belgian consumer: the office's terms of sale hold a damage clause ("clause pénale"). CDE XIX.4 only caps
    # what such a clause may charge; without one, no indemnity is owed, interest only.
    damage_clause: bool = False


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
    # rates carried over from an earlier period because the one in force was not entered: the figure is
    # provisional ("à confirmer"); each item names the rate, the period and the command that settles it
    unconfirmed: tuple[str, ...] = field(default=())

    @property
    def total_cents(self) -> int:
        return self.interest_cents + self.indemnity_cents


NO_PENALTY = Penalty(0, 0, 0)


def annual_rate(day: dt.date, terms: PenaltyTerms, rates: Rates) -> int:
    """The yearly rate, in basis points, that applies to a day charged on ``day``."""
    return _rate(day, terms, rates)[0]


def _rate(day: dt.date, terms: PenaltyTerms, rates: Rates) -> tuple[int, tuple[RateTable, ...]]:
    """The yearly rate of ``day`` and the tables it was read from."""
    country = terms.country if terms.country in ECB_MARGIN_BP else "FR"
    if terms.segment == "b2c":
        if country == "BE":
            # CDE art. XIX.4 §1: interest "ne peut pas dépasser le taux visé à l'article 5, alinéa 2, de la
            # loi du 2 août 2002": a contract's rate is capped at the business rate; with no clause, the
            # legal rate (law of 5 May 1865) runs.
            if terms.contract_rate_bp is not None:
                business, tables = _business_rate(day, "BE", rates)
                return min(terms.contract_rate_bp, business), tables
            return rates.legal_be.rate_on(rate_period_start("legal_be", day)), (rates.legal_be,)
        return rates.legal_pro.rate_on(half_year_start(day)), (rates.legal_pro,)
    if terms.contract_rate_bp is not None:
        multiple = CONTRACT_FLOOR_MULTIPLE.get(country)
        if multiple is None:
            return terms.contract_rate_bp, ()
        floor = multiple * rates.legal_pro.rate_on(half_year_start(day))
        return max(terms.contract_rate_bp, floor), (rates.legal_pro,)
    return _business_rate(day, country, rates)


def _business_rate(day: dt.date, country: str, rates: Rates) -> tuple[int, tuple[RateTable, ...]]:
    rate = rates.ecb.rate_on(half_year_start(day)) + ECB_MARGIN_BP[country]
    if country == "BE":
        # Law of 2 August 2002 on late payment in commercial transactions, art. 5: the reference rate
        # (ECB main refinancing rate of the half-year) plus eight points, "arrondi au demi-point de
        # pourcentage supérieur" (rounded up to the next half percentage point): 2.15 + 8 = 10.15 -> 10.5 %.
        rate = -(-rate // BE_ROUNDING_BP) * BE_ROUNDING_BP
    return rate, (rates.ecb,)


def unconfirmed_rates(rates: Rates, day: dt.date, kinds: Iterable[str] = RATE_KINDS) -> list[str]:
    """The rates of the period holding ``day`` that nobody entered: one French line each, with its command."""
    out = []
    for kind in kinds:
        table: RateTable = getattr(rates, kind)
        if not table.confirmed(day):
            out.append(_unconfirmed_line(table, day))
    return out


def rate_period_label(kind: str, day: dt.date, *, short: bool = False) -> str:
    """The period of ``kind`` that holds ``day``, in words: "2e semestre 2026" ("2e sem. 2026"), "2027"."""
    start = rate_period_start(kind, day)
    if RATE_PERIOD_MONTHS.get(kind, 6) == 12:
        return f"{start.year}"
    return f"{'1er' if start.month == 1 else '2e'} {'sem.' if short else 'semestre'} {start.year}"


def _unconfirmed_line(table: RateTable, day: dt.date) -> str:
    of = "du" if RATE_PERIOD_MONTHS.get(table.kind, 6) == 6 else "de"  # "du 2e semestre 2026", "de 2027"
    return f"{RATE_KIND_LABELS[table.kind]} {of} {rate_period_label(table.kind, day)} non saisi ({table.command(day)})"


def missing_rates_marker(rates: Rates, day: dt.date, kinds: Iterable[str]) -> str:
    """A short line for the title bar: "Taux à saisir : BCE, légal FR 2e sem. 2026"; "" when all were entered.

    Tables missing the same period share it: "BCE, légal FR 2e sem. 2027, légal BE 2027".
    """
    by_period: dict[str, list[str]] = {}
    for kind in kinds:
        if not getattr(rates, kind).confirmed(day):
            by_period.setdefault(rate_period_label(kind, day, short=True), []).append(RATE_KIND_SHORT[kind])
    if not by_period:
        return ""
    return "Taux à saisir : " + ", ".join(f"{', '.join(names)} {period}" for period, names in by_period.items())


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
    start = due  # the last day not charged
    if terms.segment == "b2c" and terms.country == "BE":
        # CDE XIX.2 §2: no cost, interest or indemnity before the 14 days after the free first reminder
        if terms.grace_end is None or terms.grace_end >= end:
            return Penalty(days_late, 0, 0)
        start = max(due, terms.grace_end)
        balance_then = amount_cents - sum(p.cents for p in pays if p.day <= start)
        indemnity = be_consumer_indemnity(balance_then) if terms.damage_clause else 0
    elif terms.segment == "b2c":
        # C. civ. 1344-1: interest on a sum of money runs from the formal notice; one sent before the
        # invoice fell due cannot put its debtor in default.
        if terms.formal_notice is None or terms.formal_notice >= end or terms.formal_notice < due:
            return Penalty(days_late, 0, 0)
        start = terms.formal_notice

    periods: list[PenaltyPeriod] = []
    doubts: dict[str, None] = {}
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
        rate, tables = _rate(day, terms, rates)
        for table in tables:
            if not table.confirmed(day):
                doubts[_unconfirmed_line(table, day)] = None
        numerator += balance * rate * ndays
        periods.append(PenaltyPeriod(day, stop, ndays, balance, rate))
        day = stop + dt.timedelta(days=1)
    interest = round_half_up(numerator, 10_000 * DAYS_PER_YEAR)
    return Penalty(days_late, interest, indemnity, tuple(periods), tuple(doubts))


def _paid_off_day(amount_cents: int, payments: Sequence[Payment]) -> dt.date | None:
    paid = 0
    for p in payments:
        paid += p.cents
        if paid >= amount_cents:
            return p.day
    return None
