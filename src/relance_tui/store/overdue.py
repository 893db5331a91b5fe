"""Queries behind the overdue list: filter and sort in SQL, details only for what is on screen.

The list keeps the ordered ids of every matching row (cheap: one integer a
row) and asks for the details of a few dozen at a time, so 200,000 invoices
never travel into a widget.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from relance_tui.domain.dates import BUCKET_BOUNDS, Bucket
from relance_tui.domain.dunning import next_action
from relance_tui.domain.instants import format_local
from relance_tui.domain.law import regime_for
from relance_tui.domain.penalties import Rates
from relance_tui.domain.text import count, fold
from relance_tui.domain.vocabulary import CONTESTED_STATUSES
from relance_tui.store.acts import limitations
from relance_tui.store.claims import holders
from relance_tui.store.conditions import OUTSTANDING_SQL
from relance_tui.store.connection import Store
from relance_tui.store.figures import figures_of, terms_from_row
from relance_tui.store.plan import plan_summaries
from relance_tui.store.search import digits


@dataclass(frozen=True)
class BucketTotal:
    bucket: Bucket
    count: int
    due_cents: int


def aging_summary(store: Store, as_of: dt.date) -> list[BucketTotal]:
    """Count and amount still due of outstanding invoices, per aging bucket."""
    # buckets as due-date ranges over the partial index: no per-row date arithmetic
    totals = []
    for bucket, low, high in BUCKET_BOUNDS:
        clauses, params = [OUTSTANDING_SQL], []
        if high is not None:
            clauses.append("due_date >= ?")
            params.append((as_of - dt.timedelta(days=high)).isoformat())
        if low is not None:
            clauses.append("due_date <= ?")
            params.append((as_of - dt.timedelta(days=low)).isoformat())
        count, due = store.conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(amount_cents - paid_cents), 0) FROM invoices "
            f"INDEXED BY invoices_outstanding WHERE {' AND '.join(clauses)}", params).fetchone()
        totals.append(BucketTotal(bucket, count, due))
    return totals


SORTS = {
    # key: (label, SQL for invoice rows, SQL for debtor rows)
    "debtor": ("Débiteur", "d.name COLLATE NOCASE", "d.name COLLATE NOCASE"),
    "number": ("Facture", "i.number", "COUNT(*)"),
    "late": ("Retard", "i.due_date", "MIN(i.due_date)"),
    "due": ("Reste dû", "(i.amount_cents - i.paid_cents)", "SUM(i.amount_cents - i.paid_cents)"),
    # penalties grow with what is owed and for how long: sort on that product
    "penalties": ("Pénalités", "(i.amount_cents - i.paid_cents) * (julianday(:as_of) - julianday(i.due_date))",
                  "SUM((i.amount_cents - i.paid_cents) * (julianday(:as_of) - julianday(i.due_date)))"),
    "contact": ("Dernier contact", "(SELECT MAX(e.id) FROM events e WHERE e.debtor_id = i.debtor_id)",
                "(SELECT MAX(e.id) FROM events e WHERE e.debtor_id = d.id)"),
}
# the direction that puts the most urgent first
SORT_DEFAULT_DESC = {"debtor": False, "number": False, "late": False, "due": True, "penalties": True,
                     "contact": False}


@dataclass(frozen=True)
class OverdueQuery:
    as_of: dt.date
    text: str = ""
    bucket: Bucket | None = None
    sort: str = "late"
    descending: bool = False
    per_debtor: bool = False

    def where(self) -> tuple[str, dict]:
        clauses = [OUTSTANDING_SQL]  # unqualified, so that SQLite matches the partial index
        params: dict = {"as_of": self.as_of.isoformat()}
        if self.bucket is not None:
            low, high = next((lo, hi) for b, lo, hi in BUCKET_BOUNDS if b == self.bucket)
            # days late in [low, high]  <=>  due date in [as_of - high, as_of - low]
            if high is not None:
                clauses.append("i.due_date >= :due_from")
                params["due_from"] = (self.as_of - dt.timedelta(days=high)).isoformat()
            if low is not None:
                clauses.append("i.due_date <= :due_to")
                params["due_to"] = (self.as_of - dt.timedelta(days=low)).isoformat()
        text = self.text.strip()
        if text:
            folded = fold(text)
            number_digits = digits(text)
            alternatives = ["d.search LIKE :pat"]
            params["pat"] = f"%{folded}%"
            if len(number_digits) >= 4 and len(number_digits) >= len(text.replace(" ", "")) - 1:
                alternatives.append("d.search LIKE :digits")  # a phone number typed with spaces
                params["digits"] = f"%{number_digits}%"
            debtor_match = (f"i.debtor_id IN (SELECT d.id FROM debtors d WHERE {' OR '.join(alternatives)})")
            if any(ch.isdigit() for ch in text):  # invoice numbers always hold digits
                clauses.append(f"({debtor_match} OR i.number LIKE :raw)")
                params["raw"] = f"%{text}%"
            else:
                clauses.append(debtor_match)
        return " AND ".join(clauses), params

    def ids_sql(self) -> tuple[str, dict]:
        where, params = self.where()
        direction = "DESC" if self.descending else "ASC"
        label, invoice_sort, debtor_sort = SORTS[self.sort]
        # debtors are joined only when the sort needs their name
        join = "JOIN debtors d ON d.id = i.debtor_id " if "d.name" in (debtor_sort if self.per_debtor
                                                                        else invoice_sort) else ""
        if self.per_debtor:
            debtor_sort = debtor_sort.replace("d.id", "i.debtor_id")
            return (f"SELECT i.debtor_id FROM invoices i INDEXED BY invoices_outstanding {join}WHERE {where} "
                    f"GROUP BY i.debtor_id ORDER BY {debtor_sort} {direction}, i.debtor_id", params)
        return (f"SELECT i.id FROM invoices i INDEXED BY invoices_outstanding {join}WHERE {where} "
                f"ORDER BY {invoice_sort} {direction}, i.id", params)


def matching_ids(store: Store, query: OverdueQuery, limit: int | None = None) -> array:
    """Every matching invoice id (or debtor id, per debtor), in display order; the first ``limit``."""
    sql, params = query.ids_sql()
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return array("q", (row[0] for row in store.conn.execute(sql, params)))


@dataclass(frozen=True)
class LastContact:
    at: str
    kind: str
    outcome: str | None
    agent: str


@dataclass(frozen=True)
class OverdueRow:
    key: int  # invoice id, or debtor id in per-debtor mode
    debtor_id: int
    debtor: str
    number: str  # invoice number, or "3 factures"
    due_date: dt.date  # the oldest due date per debtor
    days_late: int
    due_cents: int
    penalty_cents: int | None  # None: a rate is missing
    status: str
    last_contact: LastContact | None
    next_action: str
    holder: str | None = None  # the agent on this debtor right now (a live claim)
    limitation: dt.date | None = None  # the nearest limitation date of the row's invoices (store/acts.limitations)
    # a penalty of the row rests on a rate carried over from an earlier period (Figures.unconfirmed):
    # the figure is "à confirmer" until the rate is entered
    penalty_unconfirmed: bool = False


def _last_contacts(store: Store, debtor_ids: Sequence[int]) -> dict[int, LastContact]:
    out = {}
    for debtor_id in set(debtor_ids):
        row = store.conn.execute(
            "SELECT at, kind, outcome, agent FROM events WHERE debtor_id = ? AND kind IN "
            "('call', 'email', 'letter', 'sms', 'note', 'promise', 'dispute') ORDER BY id DESC LIMIT 1",
            [debtor_id]).fetchone()
        if row:
            out[debtor_id] = LastContact(*row)
    return out


def _pending_promises(store: Store, debtor_ids: Sequence[int]) -> dict[int, dt.date]:
    marks = ", ".join("?" for _ in set(debtor_ids))
    return {d: dt.date.fromisoformat(day) for d, day in store.conn.execute(
        # by debtor: left to itself SQLite walks every pending promise of the office (4 ms at 5,000)
        f"SELECT debtor_id, MIN(due_date) FROM promises INDEXED BY promises_debtor "
        f"WHERE status = 'pending' AND debtor_id IN ({marks}) "
        "GROUP BY debtor_id", list(set(debtor_ids))).fetchall()} if debtor_ids else {}


def _scheduled(store: Store, debtor_ids: Sequence[int]) -> dict[int, tuple[str, str, str]]:
    """The next action a call (or a broken promise) set for these debtors: kind, due_at, label."""
    ids = list(set(debtor_ids))
    marks = ", ".join("?" for _ in ids)
    return {r[0]: r[1:] for r in store.conn.execute(
        f"SELECT debtor_id, kind, due_at, label FROM next_actions WHERE debtor_id IN ({marks})", ids)} if ids else {}


def scheduled_label(kind: str, due_at: str, label: str, tz: str = "Europe/Paris") -> str:
    if len(due_at) > 10:  # a callback: an instant
        return f"{label} {format_local(due_at, tz, '%d/%m %H:%M')}"
    return f"{label} ({due_at[8:10]}/{due_at[5:7]})"


def action_label(oldest_due: dt.date, as_of: dt.date, *, promise_due: dt.date | None,
                 scheduled: tuple[str, str, str] | None, disputed: bool, tz: str = "Europe/Paris",
                 court_step: str | None = None, plan: str | None = None) -> str:
    """A debtor's next action as the list shows it: the one a call set (unless every invoice is disputed),
    else its dunning plan's next step (``plan``: store/plan.plan_summaries, from what was done), else the
    step its days late alone would suggest (also used by the aged balance); ``court_step`` is its regime's
    last step (domain/law.py)."""
    if scheduled is not None and not disputed:
        return scheduled_label(*scheduled, tz)
    if plan and not disputed:  # a row whose invoices are all contested says so, whatever the debtor's plan
        return plan
    return next_action(oldest_due, as_of, promise_due=promise_due, disputed=disputed, court_step=court_step).label


def fetch_rows(store: Store, query: OverdueQuery, keys: Sequence[int], rates: Rates,
               country: str = "FR", tz: str = "Europe/Paris") -> list[OverdueRow]:
    """Details of these rows (invoice ids, or debtor ids per debtor), in the order given."""
    if not keys:
        return []
    key_params = {f"k{n}": k for n, k in enumerate(keys)}
    in_keys = ", ".join(f":{name}" for name in key_params)
    if query.per_debtor:  # every outstanding invoice of these debtors that the filter keeps
        where, params = query.where()
        condition = f"{where} AND i.debtor_id IN ({in_keys})"
        params = {**params, **key_params}
    else:
        condition, params = f"i.id IN ({in_keys})", key_params
    invoices = store.conn.execute(
        "SELECT i.id, i.debtor_id, d.name, i.number, i.due_date, i.amount_cents, i.paid_cents, i.status, "
        "d.segment, d.contract_rate_bp, d.formal_notice_date, d.country, i.issue_date, i.delivery_date "
        "FROM invoices i "
        f"JOIN debtors d ON d.id = i.debtor_id WHERE {condition}", params).fetchall()
    figs = figures_of(store, [terms_from_row(*(r[i] for i in (0, 5, 6, 4, 7, 8, 9, 10, 11))) for r in invoices],
                      query.as_of, rates, country=country)
    lims = limitations(store.conn, [
        (r[0], dt.date.fromisoformat(r[12]), dt.date.fromisoformat(r[13]) if r[13] else None, r[5],
         regime_for(r[11], r[8], country)) for r in invoices])
    debtor_ids = [r[1] for r in invoices]
    contacts = _last_contacts(store, debtor_ids)
    plans = plan_summaries(store, query.as_of, set(debtor_ids), office_country=country)
    promises = _pending_promises(store, debtor_ids)
    scheduled = _scheduled(store, debtor_ids)
    on_it = holders(store, debtor_ids, store.clock())
    groups: dict[int, list] = {}
    unconfirmed: set[int] = set()  # rows with a penalty "à confirmer"
    for r in invoices:
        inv_id, debtor_id, name, number, due, amount, paid, status = r[:8]
        due_day = dt.date.fromisoformat(due)
        pen = figs[inv_id].penalty_cents
        key = debtor_id if query.per_debtor else inv_id
        if figs[inv_id].unconfirmed:
            unconfirmed.add(key)
        groups.setdefault(key, []).append((inv_id, debtor_id, name, number, due_day, amount - paid, pen, status,
                                           regime_for(r[11], r[8], country).court_step))
    rows = []
    for key in keys:
        items = groups.get(key)
        if not items:
            continue
        oldest = min(items, key=lambda x: x[4])
        debtor_id, name = oldest[1], oldest[2]
        due_cents = sum(x[5] for x in items)
        pens = [x[6] for x in items]
        penalty_cents = None if any(p is None for p in pens) else sum(pens)
        disputed = all(x[7] in CONTESTED_STATUSES for x in items)
        number = oldest[3] if len(items) == 1 and not query.per_debtor else count(len(items), "facture")
        status = oldest[7] if len(items) == 1 else ("disputed" if disputed else "open")
        label = action_label(oldest[4], query.as_of, promise_due=promises.get(debtor_id),
                             scheduled=scheduled.get(debtor_id), disputed=disputed, tz=tz, court_step=oldest[8],
                             plan=plans.get(debtor_id))
        holder = on_it.get(debtor_id)
        rows.append(OverdueRow(key, debtor_id, name, number, oldest[4], (query.as_of - oldest[4]).days, due_cents,
                               penalty_cents, status, contacts.get(debtor_id), label,
                               holder.agent if holder else None, penalty_unconfirmed=key in unconfirmed,
                               limitation=min(lims[x[0]].day for x in items)))
    return rows
