"""Invoices as they stood on a day, and the aged balance ("balance âgée") built from them.

What ``export invoices`` and ``export debtors`` read; every figure of theirs comes from store/figures.py,
the one definition of an invoice's balance and penalties that the overdue list and the card use too.

"As of a day" means: the invoices and credit notes issued by that day, less the payments and credit notes
applied up to that day (a payment or an allocation dated after it is undone; an invoice it settled is
open again). On a day after every payment this is exactly what the list and the card show: the balance
``amount_cents - paid_cents`` of the invoices ``OUTSTANDING_SQL`` keeps, and the unapplied credit of the
open credit notes (``DebtorCard.credit_cents``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from relance_tui.domain.dates import Bucket, bucket_for
from relance_tui.domain.law import regime_for
from relance_tui.domain.penalties import Rates
from relance_tui.domain.vocabulary import CONTESTED_STATUSES, is_outstanding
from relance_tui.store.conditions import in_chunks
from relance_tui.store.plan import plan_summaries
from relance_tui.store.connection import Store
from relance_tui.store.figures import Figures, InvoiceTerms, figures_of
from relance_tui.store.models import InvoiceAmounts
from relance_tui.store.overdue import (
    LastContact,
    _last_contacts,
    _pending_promises,
    _scheduled,
    action_label,
)

IN_CREDIT_ACTION = "Créditeur : rien à relancer"


@dataclass(frozen=True)
class LedgerInvoice(InvoiceAmounts):
    """One invoice or credit note (negative amount) as it stood on the day, with its debtor."""

    id: int
    debtor_id: int
    code: str | None
    name: str
    siren: str | None
    country: str  # the debtor's
    account_manager: str | None
    number: str
    issue_date: dt.date
    due_date: dt.date
    status: str  # on the day: an invoice paid after it is 'open' again
    amount_cents: int
    paid_cents: int  # money received and credit notes applied up to the day (on a credit note: the part used)
    terms: InvoiceTerms

    @property
    def outstanding(self) -> bool:
        """Still owed on the day (the condition of OUTSTANDING_SQL)."""
        return is_outstanding(self.status, self.amount_cents, self.paid_cents)

    @property
    def unapplied_credit_cents(self) -> int:
        """What is left of an open credit note (positive), as ``DebtorCard.credit_cents`` counts it."""
        return max(0, -self.balance_cents) if self.is_credit_note and self.status == "open" else 0


def ledger(store: Store, as_of: dt.date) -> list[LedgerInvoice]:
    """Every invoice and credit note issued by ``as_of``, as it stood that day, in the order they were
    recorded."""
    day = as_of.isoformat()
    db = store.conn
    # what was received or applied after the day, per invoice; and what was used of a credit note after it
    later = dict(db.execute("SELECT invoice_id, SUM(amount_cents) FROM payments WHERE day > ? "
                            "AND invoice_id IS NOT NULL GROUP BY invoice_id", [day]).fetchall())
    later_used = dict(db.execute("SELECT credit_note_id, SUM(amount_cents) FROM payments WHERE day > ? "
                                 "AND credit_note_id IS NOT NULL GROUP BY credit_note_id", [day]).fetchall())
    rows = db.execute(
        "SELECT i.id, i.debtor_id, d.code, d.name, d.siren, d.country, d.account_manager, i.number, i.issue_date, "
        "i.due_date, i.status, i.amount_cents, i.paid_cents, d.segment, d.contract_rate_bp, d.formal_notice_date "
        "FROM invoices i JOIN debtors d ON d.id = i.debtor_id WHERE i.issue_date <= ? ORDER BY i.id", [day])
    out = []
    for (inv_id, debtor_id, code, name, siren, country, manager, number, issue, due, status, amount, paid,
         segment, contract, notice) in rows:
        undone = later.get(inv_id, 0) - later_used.get(inv_id, 0)  # a credit note's use counts negative
        paid_then = paid - undone
        if status == "paid" and undone and (amount > paid_then if amount > 0 else amount < paid_then):
            status = "open"  # settled after the day
        due_day = dt.date.fromisoformat(due)
        out.append(LedgerInvoice(inv_id, debtor_id, code, name, siren, country, manager, number,
                                 dt.date.fromisoformat(issue), due_day, status, amount, paid_then,
                                 InvoiceTerms(inv_id, amount, paid_then, due_day, status, segment, contract,
                                              dt.date.fromisoformat(notice) if notice else None, country)))
    return out


def ledger_figures(store: Store, invoices: Sequence[LedgerInvoice], as_of: dt.date, rates: Rates, *,
                   country: str = "FR") -> dict[int, Figures]:
    """The penalties of these invoices on the day (store/figures.py: waived ones 0, unknown ones None)."""
    return figures_of(store, [i.terms for i in invoices], as_of, rates, country=country)


BUCKETS = tuple(Bucket)


@dataclass
class AgedDebtor:
    """One row of the aged balance."""

    debtor_id: int
    code: str | None
    name: str
    siren: str | None
    country: str
    account_manager: str | None
    buckets: dict[Bucket, int] = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))
    unapplied_credit_cents: int = 0  # positive: credit notes no invoice could take
    disputed_cents: int = 0  # part of the balance on disputed invoices (in litigation too)
    penalty_cents: int = 0  # penalties and indemnities claimable, open invoices and invoices paid late
    penalty_unknown: list[tuple[str, str]] = field(default_factory=list)  # (invoice, why) not computable
    penalty_blocked: bool = False  # an outstanding invoice's penalty is not computable: the total is not known
    waived: int = 0  # invoices whose penalties a supervisor waived (they count 0)
    # rates the penalties counted carried over from an earlier period (one line each, with its command):
    # the figure is "à confirmer" until they are entered
    penalty_unconfirmed: list[str] = field(default_factory=list)
    oldest_due: dt.date | None = None
    all_disputed: bool = True
    last_contact: LastContact | None = None
    next_action: str = ""

    @property
    def due_cents(self) -> int:
        """What the outstanding invoices still owe, net of the credit notes applied to them (the card's
        ``due_cents``)."""
        return sum(self.buckets.values())

    @property
    def net_cents(self) -> int:
        """What the debtor owes net of every credit note: the card's ``net_cents``."""
        return self.due_cents - self.unapplied_credit_cents

    @property
    def claimable_penalty_cents(self) -> int | None:
        """The card's penalties on outstanding invoices plus those on invoices paid late: None when an
        outstanding invoice's penalty cannot be computed (the card shows "?"); a paid invoice whose penalty
        waits for a dated payment is only named in ``penalty_unknown`` (the card lists it apart)."""
        return None if self.penalty_blocked else self.penalty_cents


def aged_balance(store: Store, as_of: dt.date, rates: Rates, *, country: str = "FR",
                 tz: str = "Europe/Paris") -> list[AgedDebtor]:
    """One row per debtor that owes something or holds unapplied credit on ``as_of``, by name.

    The balance of each outstanding invoice goes to the bucket of its days late (domain/dates.py, the
    overdue list's buckets); penalties are those of every invoice of the debtor on the day, open or paid
    late, waived ones counting 0. Last contact and next action are the overdue list's.
    """
    invoices = ledger(store, as_of)
    figs = ledger_figures(store, invoices, as_of, rates, country=country)
    rows: dict[int, AgedDebtor] = {}
    pens: dict[int, list[tuple[LedgerInvoice, Figures]]] = {}
    court_steps: dict[int, str] = {}
    for inv in invoices:
        if inv.outstanding or inv.unapplied_credit_cents:
            row = rows.get(inv.debtor_id)
            if row is None:
                row = rows[inv.debtor_id] = AgedDebtor(inv.debtor_id, inv.code, inv.name, inv.siren,
                                                       inv.country or country,  # unknown: the office's law
                                                       inv.account_manager)
            if inv.outstanding:
                row.buckets[bucket_for((as_of - inv.due_date).days)] += inv.balance_cents
                if inv.status in CONTESTED_STATUSES:
                    row.disputed_cents += inv.balance_cents
                else:
                    row.all_disputed = False
                if row.oldest_due is None or inv.due_date < row.oldest_due:
                    row.oldest_due = inv.due_date
            row.unapplied_credit_cents += inv.unapplied_credit_cents
        if inv.amount_cents > 0:
            pens.setdefault(inv.debtor_id, []).append((inv, figs[inv.id]))
        court_steps.setdefault(inv.debtor_id, regime_for(inv.country, inv.terms.segment, country).court_step)
    for debtor_id, row in rows.items():
        for inv, fig in pens.get(debtor_id, ()):
            if fig.waived:
                row.waived += 1
            elif fig.penalty_cents is None:
                row.penalty_unknown.append((inv.number, fig.unknown or ""))
                row.penalty_blocked |= inv.outstanding
            else:
                row.penalty_cents += fig.penalty_cents
                row.penalty_unconfirmed += [line for line in fig.unconfirmed if line not in row.penalty_unconfirmed]
    ids = list(rows)
    contacts: dict[int, LastContact] = _last_contacts(store, ids)
    promises: dict[int, dt.date] = {}
    scheduled: dict[int, tuple[str, str, str]] = {}
    for part, _ in in_chunks(ids):
        promises.update(_pending_promises(store, part))
        scheduled.update(_scheduled(store, part))
    plans = plan_summaries(store, as_of, ids, office_country=country)
    for debtor_id, row in rows.items():
        row.last_contact = contacts.get(debtor_id)
        if row.oldest_due is None or row.net_cents <= 0:
            row.next_action = IN_CREDIT_ACTION  # the card's "créditeur": not chased
        else:
            row.next_action = action_label(row.oldest_due, as_of, promise_due=promises.get(debtor_id),
                                           scheduled=scheduled.get(debtor_id), disputed=row.all_disputed, tz=tz,
                                           court_step=court_steps.get(debtor_id), plan=plans.get(debtor_id))
    return sorted(rows.values(), key=lambda r: (r.name.casefold(), r.debtor_id))
