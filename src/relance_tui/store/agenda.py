"""The day's agenda (the À faire tab, ``relance agenda``): the plan's steps due (store/plan.py) and three
checks around them, one row per debtor each:

- **promises to check**: a promise whose day has passed and that no payment has settled yet (it turns kept
  or broken by itself, store/promises.py, once a payment is imported or its grace is over: until then the
  agent checks the bank or calls);
- **limitation dates approaching**: an open invoice that becomes time-barred within 30 days (after that
  nothing may be claimed; an acknowledgement or a court claim interrupts it, store/acts.py);
- **thank-you emails**: a debtor that was chased (a plan step done or a call logged in the 120 days before)
  and whose late payment in the last 14 days settled its whole balance. Proposed, never sent by the nightly run;
  claimed in ``plan_steps`` as the plan's emails are (step ``THANKS`` on the last invoice it settled), so two
  agents pressing send at once send it once.

Every row answers the same few questions (``AgendaRow``): its group, its key in the tab, its label, how late.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from relance_tui.domain.law import LIMITATION_WARN_DAYS
from relance_tui.domain.money import format_cents
from relance_tui.domain.plan import PlanBook
from relance_tui.domain.text import clean
from relance_tui.errors import StaleEdit
from relance_tui.store.conditions import OUTSTANDING_SQL, RECEIVED_SQL, in_chunks
from relance_tui.store.connection import Store
from relance_tui.store.plan import GROUPS, DebtorPlan, debtor_plans, outstanding_by_debtor
from relance_tui.store.queries import append_event

if TYPE_CHECKING:
    from sqlite_utils import Database

PROMISE_GROUP = "Promesses à vérifier"
LIMITATION_GROUP = "Prescriptions proches"
THANKS_GROUP = GROUPS["email"]  # a thank-you is an email to send, with the others
ORDER = [*dict.fromkeys(GROUPS.values()), PROMISE_GROUP, LIMITATION_GROUP]

THANKS = "thanks"  # the plan_steps step of a thank-you email
THANKS_WITHIN_DAYS = 14  # a payment older than this is not thanked any more
CHASED_WITHIN_DAYS = 120  # a thank-you follows a chase: a step done or a call logged this long before the payment
LIMITATION_WITHIN_DAYS = LIMITATION_WARN_DAYS[-1]


class AgendaRow(Protocol):
    """What the tab and the exports read of a row, a plan step (store.plan.DebtorPlan) or a ``Check``."""

    kind: str
    debtor_id: int
    name: str
    balance_cents: int
    invoice_ids: tuple[int, ...]
    claimed_by: str

    @property
    def key(self) -> Any: ...
    @property
    def group(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def due(self) -> dt.date | None: ...
    @property
    def late_days(self) -> int: ...


@dataclass(frozen=True)
class Check:
    """A row of the agenda that is not a plan step: a promise to check, a limitation date near, a thank-you."""

    kind: str  # "promise", "limitation", THANKS
    debtor_id: int
    name: str
    label: str
    due: dt.date  # the promise's day, the limitation date, the payment's day
    late_days: int  # a promise: days since its day; a limitation: minus the days left; a thank-you: 0
    balance_cents: int
    invoice_ids: tuple[int, ...] = ()
    ref: int = 0  # the promise; the invoice the thank-you is for
    claimed_by: str = ""  # a thank-you being sent by another agent

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.kind, self.debtor_id, self.ref)

    @property
    def group(self) -> str:
        return {"promise": PROMISE_GROUP, "limitation": LIMITATION_GROUP, THANKS: THANKS_GROUP}[self.kind]

    @property
    def channel(self) -> str:
        return "email" if self.kind == THANKS else self.kind


def _ordered(rows: list) -> list:
    return sorted(rows, key=lambda r: (ORDER.index(r.group), -r.late_days, r.name.casefold(), r.kind))


def agenda(store: Store, today: dt.date, *, book: PlanBook | None = None,
           office_country: str = "FR") -> list[DebtorPlan]:
    """The plan's steps due on ``today``, one per debtor: by group, late ones first, then by name."""
    return _ordered([p for p in debtor_plans(store.conn, today, book=book, office_country=office_country)
                     if p.state.is_due])


def day_agenda(store: Store, today: dt.date, *, book: PlanBook | None = None,
               office_country: str = "FR") -> list[AgendaRow]:
    """Everything to do on ``today``: the plan's steps due and the checks, by group (``ORDER``) as ``agenda``."""
    near: dict[int, tuple[int, dt.date]] = {}
    plans = debtor_plans(store.conn, today, book=book, office_country=office_country, near=near,
                         near_days=LIMITATION_WITHIN_DAYS)
    rows: list[AgendaRow] = [p for p in plans if p.state.is_due]
    rows += promises_to_check(store.conn, today)
    rows += _near_checks(store.conn, near, {p.debtor_id: p for p in plans}, today)
    rows += thanks_due(store.conn, today)
    return _ordered(rows)


def _balances(conn: Any, debtor_ids: list[int]) -> dict[int, int]:
    return {d: sum(r[2] - r[3] for r in rows) for d, rows in outstanding_by_debtor(conn, debtor_ids).items()}


def _names(conn: Any, debtor_ids: list[int]) -> dict[int, str]:
    out = {}
    for part, marks in in_chunks(debtor_ids):
        out.update((i, clean(n)) for i, n in conn.execute(f"SELECT id, name FROM debtors WHERE id IN ({marks})",
                                                          part))
    return out


def promises_to_check(conn: Any, today: dt.date) -> list[Check]:
    """Pending promises whose day has passed: the earliest of each debtor."""
    earliest: dict[int, tuple] = {}
    for pid, debtor_id, due, cents in conn.execute(
            "SELECT id, debtor_id, due_date, amount_cents FROM promises WHERE status = 'pending' AND due_date < ? "
            "ORDER BY due_date, id", [today.isoformat()]):
        earliest.setdefault(debtor_id, (pid, dt.date.fromisoformat(due), cents))
    ids = list(earliest)
    names, balances = _names(conn, ids), _balances(conn, ids)
    out = []
    for debtor_id, (pid, due, cents) in earliest.items():
        out.append(Check("promise", debtor_id, names.get(debtor_id, ""),
                         f"Promesse de {format_cents(cents)} du {due:%d/%m} : paiement à vérifier", due,
                         (today - due).days, balances.get(debtor_id, 0), ref=pid))
    return out


def limitations_near(store: Store, today: dt.date, office_country: str) -> list[Check]:
    """Debtors with an open invoice time-barred within ``LIMITATION_WITHIN_DAYS``: the nearest date each."""
    near: dict[int, tuple[int, dt.date]] = {}
    plans = debtor_plans(store.conn, today, office_country=office_country, near=near,
                         near_days=LIMITATION_WITHIN_DAYS)
    return _near_checks(store.conn, near, {p.debtor_id: p for p in plans}, today)


def _near_checks(conn: Any, near: dict[int, tuple[int, dt.date]], plans: dict[int, DebtorPlan],
                 today: dt.date) -> list[Check]:
    """One row per debtor, its nearest limitation date (``near``: from ``debtor_plans``)."""
    nearest: dict[int, tuple[dt.date, int]] = {}
    for inv_id, (debtor_id, day) in near.items():
        if debtor_id not in nearest or (day, inv_id) < nearest[debtor_id]:
            nearest[debtor_id] = (day, inv_id)
    numbers: dict[int, str] = {}
    for part, marks in in_chunks([inv for _, inv in nearest.values()]):
        numbers.update(conn.execute(f"SELECT id, number FROM invoices WHERE id IN ({marks})", part).fetchall())
    return [Check("limitation", debtor_id, plans[debtor_id].name,
                  f"Prescrite le {day:%d/%m/%Y} : {clean(numbers.get(inv, ''))} (interrompre : reconnaissance, action)",
                  day, -(day - today).days, plans[debtor_id].balance_cents, (inv,))
            for debtor_id, (day, inv) in nearest.items()]


def thanks_due(conn: Any, today: dt.date) -> list[Check]:
    """Debtors chased whose recent payment settled their balance, not yet thanked for it (a few batched reads,
    whatever the number of debtors who paid)."""
    since = (today - dt.timedelta(days=THANKS_WITHIN_DAYS)).isoformat()
    # money received: not a credit note applied (kind 'credit'), nor an amount an export showed paid with no
    # date (undated: its day is the import's, not the debtor's)
    paid = dict(conn.execute("SELECT debtor_id, MAX(day) FROM payments WHERE day >= ? AND day <= ? "
                             f"AND {RECEIVED_SQL} GROUP BY debtor_id", [since, today.isoformat()]).fetchall())
    for part, marks in in_chunks(list(paid)):  # still owing something: not settled
        for (debtor_id,) in conn.execute(
                f"SELECT DISTINCT debtor_id FROM invoices INDEXED BY invoices_debtor WHERE debtor_id IN ({marks}) "
                f"AND {OUTSTANDING_SQL}", part):  # by debtor: else SQLite walks every open invoice (75 ms a chunk)
            paid.pop(debtor_id, None)
    settled: dict[int, int] = {}  # the last invoice each settled, when it was paid after its due date
    for part, marks in in_chunks(list(paid)):
        last = dict(conn.execute(f"SELECT debtor_id, MAX(id) FROM invoices WHERE debtor_id IN ({marks}) "
                                 "AND amount_cents > 0 AND paid_cents >= amount_cents GROUP BY debtor_id", part))
        for inv, due in conn.execute(f"SELECT id, due_date FROM invoices WHERE id IN "
                                     f"({', '.join('?' for _ in last)})", list(last.values())) if last else ():
            debtor_id = next(d for d, i in last.items() if i == inv)
            if due < paid[debtor_id]:  # paid by its due date: reminded, not chased; no thanks
                settled[debtor_id] = inv
    chased = _chased(conn, {d: paid[d] for d in settled})
    thanked: dict[int, tuple[str, str]] = {}
    for part, marks in in_chunks(list(chased)):
        for debtor_id, invoice_id, status, agent in conn.execute(
                f"SELECT debtor_id, invoice_id, status, agent FROM plan_steps WHERE debtor_id IN ({marks}) "
                "AND step = ?", [*part, THANKS]):
            if invoice_id == settled[debtor_id]:
                thanked[debtor_id] = (status, agent)
    names = _names(conn, list(chased))
    return [Check(THANKS, d, names.get(d, ""), f"Remerciement : compte soldé le {dt.date.fromisoformat(paid[d]):%d/%m}",
                  dt.date.fromisoformat(paid[d]), 0, 0, (settled[d],), ref=settled[d],
                  claimed_by=thanked.get(d, ("", ""))[1])
            for d in sorted(chased) if thanked.get(d, ("", ""))[0] != "done"]


def _chased(conn: Any, paid_on: dict[int, str]) -> set[int]:
    """The debtors with a plan step done or a call logged in the ``CHASED_WITHIN_DAYS`` before their payment."""
    out: set[int] = set()
    for part, _ in in_chunks(list(paid_on), 400):  # two parameters a debtor
        pairs = ", ".join("(?, ?)" for _ in part)
        params = [v for d in part
                  for v in (d, (dt.date.fromisoformat(paid_on[d]) - dt.timedelta(days=CHASED_WITHIN_DAYS)).isoformat())]
        out.update(r[0] for r in conn.execute(
            f"WITH lv (debtor_id, since) AS (VALUES {pairs}) SELECT debtor_id FROM lv WHERE EXISTS (SELECT 1 FROM "
            "plan_steps p WHERE p.debtor_id = lv.debtor_id AND p.status = 'done' AND p.step <> ? AND p.day >= lv.since) "
            "OR EXISTS (SELECT 1 FROM events e WHERE e.debtor_id = lv.debtor_id AND e.kind = 'call' "
            "AND e.at >= lv.since)", [*params, THANKS]))
    return out


def claim_thanks(store: Store, check: Check) -> str | None:
    """Claim a thank-you before sending it: its token, or None when another agent sent or is sending it."""
    token = secrets.token_hex(8)

    def claim(db: Database) -> str | None:
        from relance_tui.store.plan_steps import drop_stale_claims

        owes = db.execute(f"SELECT 1 FROM invoices INDEXED BY invoices_debtor WHERE debtor_id = ? AND "
                          f"{OUTSTANDING_SQL} LIMIT 1", [check.debtor_id]).fetchone()
        if owes is not None:  # an invoice or a rejected payment imported since the agenda was read
            raise StaleEdit(f"{check.name} : doit de nouveau quelque chose, pas de remerciement « compte soldé »")
        drop_stale_claims(db, store, check.debtor_id, THANKS)
        try:
            db.execute("INSERT INTO plan_steps (debtor_id, invoice_id, step, plan, status, claim, agent, at) "
                       "VALUES (?, ?, ?, '', 'claimed', ?, ?, ?)",
                       [check.debtor_id, check.ref, THANKS, token, store.agent, store.now()])
        except sqlite3.IntegrityError:
            return None
        return token

    return store.write(claim, what="réservation du remerciement")


def record_thanks(store: Store, check: Check, token: str, *, today: dt.date, data: dict[str, Any]) -> int:
    """The thank-you sent: its event on the timeline, its claim done. Returns the event's id."""

    def write(db: Database) -> int:
        held = db.execute("SELECT COUNT(*) FROM plan_steps WHERE claim = ? AND status = 'claimed'",
                          [token]).fetchone()[0]
        if not held:
            raise StaleEdit("le remerciement réservé n'est plus à ce poste (réservation libérée) : rien n'a été "
                            "enregistré")
        text = f"Remerciement à {data.get('to', '')} : {data.get('subject', '')}"
        event_id = append_event(db, at=store.now(), agent=store.agent, kind="email", debtor_id=check.debtor_id,
                                direction="out", outcome=THANKS, notes=text, data={"channel": "email", **data},
                                invoice_ids=list(check.invoice_ids))
        db.execute("UPDATE plan_steps SET status = 'done', day = ?, channel = 'email', event_id = ?, at = ? "
                   "WHERE claim = ?", [today.isoformat(), event_id, store.now(), token])
        return event_id

    return store.write(write, what="enregistrement du remerciement")


def paid_on(conn: Any, debtor_id: int, day: dt.date) -> int:
    """What the debtor paid on ``day`` (the payment a thank-you is for): cents."""
    return conn.execute("SELECT COALESCE(SUM(amount_cents), 0) FROM payments WHERE debtor_id = ? AND day = ? "
                        f"AND {RECEIVED_SQL}", [debtor_id, day.isoformat()]).fetchone()[0]
