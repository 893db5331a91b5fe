"""The dunning plan over the base: each debtor's situation read in a few batched queries and where it stands
(domain/plan.py). The steps done, each once: store/plan_steps.py; the day's agenda: store/agenda.py.

What counts as done, for a debtor whose oldest overdue invoice is X (the plan's level is X's):
- a row of ``plan_steps`` for X with status 'done' (a step done through the plan lists X among its invoices);
- a legal act on X recorded another way (``relance act``, the card): the formal notice, the free first
  reminder, for the plan step that is that act;
- a call logged since X fell due, for the plan's phone steps in turn.
A payment of X moves the level to the next oldest invoice: the steps that did not list it do not count.

"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.domain.law import Regime, be_consumer_grace_end, regime_for
from relance_tui.domain.plan import (
    DEFAULT_BOOK,
    Plan,
    PlanBook,
    PlanState,
    PlanStep,
    Situation,
    StepDone,
    plan_state,
)
from relance_tui.domain.text import clean
from relance_tui.domain.vocabulary import CONTESTED_STATUSES
from relance_tui.errors import NotFound
from relance_tui.store.conditions import OUTSTANDING_SQL, in_chunks
from relance_tui.store.connection import Store
from relance_tui.store.queries import append_event

if TYPE_CHECKING:
    from sqlite_utils import Database

# A claim older than this is a send that never finished (a crash, a hang-up): the step may be claimed again
CLAIM_STALE = dt.timedelta(minutes=30)
# The event a step done leaves on the timeline, by channel
EVENT_KIND = {"email": "email", "letter": "letter", "registered": "letter", "phone": "note", "court": "status"}
# The agenda's groups, in the order the tab shows them
GROUPS = {"email": "Emails à envoyer", "phone": "Appels à passer", "letter": "Courriers à imprimer",
          "registered": "Courriers à imprimer", "court": "Dossiers contentieux à préparer"}


@dataclass(frozen=True)
class DebtorPlan:
    """A debtor in its plan: what the card shows and what the agenda lists."""

    debtor_id: int
    name: str
    regime: Regime
    plan: Plan
    state: PlanState
    invoice_ids: tuple[int, ...]  # what the next step is about: its overdue invoices (its open ones before due)
    oldest_invoice_id: int | None
    balance_cents: int
    claimed_by: str = ""  # another agent is sending the next step right now
    kind: ClassVar[str] = "plan"  # an agenda row (store/agenda.AgendaRow), as are its checks

    @property
    def next_label(self) -> str:
        step = self.state.next
        return "" if step is None else step_label(step, self.regime)

    label = next_label

    @property
    def group(self) -> str:
        return GROUPS[self.state.next.channel] if self.state.next is not None else ""

    @property
    def key(self) -> int:
        return self.debtor_id

    @property
    def channel(self) -> str:
        return self.state.next.channel if self.state.next is not None else ""

    @property
    def due(self) -> dt.date | None:
        return self.state.due

    @property
    def late_days(self) -> int:
        return self.state.late_days


def step_label(step: PlanStep, regime: Regime) -> str:
    """A step's name for this debtor: the court step is the regime's procedure."""
    return f"{step.label} : {regime.court_step}" if step.channel == "court" else step.label


def debtor_plans(conn: Any, today: dt.date, *, book: PlanBook | None = None, office_country: str = "FR",
                 debtor_ids: Iterable[int] | None = None, near: dict[int, tuple[int, dt.date]] | None = None,
                 near_days: int = 0) -> list[DebtorPlan]:
    """Every debtor with something outstanding (or these ones), in its plan on ``today``. ``conn``: a
    connection or a transaction's ``db``. ``near``, when given, receives the open invoices whose limitation
    date falls within ``near_days`` from today (invoice id -> (debtor id, that date)): read with the
    time-barred ones, at no extra cost (the agenda's "limitation dates approaching")."""
    book = book or DEFAULT_BOOK
    invoices = outstanding_by_debtor(conn, debtor_ids)
    if not invoices:
        return []
    ids = list(invoices)
    debtors: dict[int, tuple] = {}
    promises: dict[int, dt.date] = {}
    for part, marks in in_chunks(ids):
        debtors.update((r[0], r[1:]) for r in conn.execute(
            f"SELECT id, name, segment, country, plan, profile FROM debtors WHERE id IN ({marks})", part))
        promises.update((r[0], dt.date.fromisoformat(r[1])) for r in conn.execute(
            # by debtor, as the overdue list reads them: left to itself SQLite walks every pending promise of
            # the office (7 ms of a filter keystroke's 20 on the large demo, for a screen's 32 debtors)
            "SELECT debtor_id, MIN(due_date) FROM promises INDEXED BY promises_debtor WHERE status = 'pending' "
            f"AND debtor_id IN ({marks}) GROUP BY debtor_id", part))
    barred = _time_barred(conn, invoices, debtors, today, office_country, near, near_days)
    levels = {d: _level(rows, today, barred) for d, rows in invoices.items()}
    oldest = {d: lv[0] for d, lv in levels.items() if lv[0] is not None}
    done, claims = _steps_done(conn, oldest)
    phones = max((sum(1 for s in p.steps if s.channel == "phone") for p in book.plans.values()), default=1)
    calls = _calls(conn, {d: invoices[d] for d in oldest}, levels, max(1, phones))
    acts = _acts(conn, oldest)
    covered = _covered(conn, [i for lv in levels.values() for i, _ in lv[2]])
    calendars: dict[str, OfficeCalendar] = {}
    out = []
    for debtor_id, rows in invoices.items():
        name, segment, country, chosen, profile = debtors[debtor_id]
        regime = regime_for(country, segment, office_country)
        plan = book.for_debtor(regime.key, chosen, profile)
        oldest_id, oldest_due, listed, balance, contested = levels[debtor_id]
        records = list(done.get(debtor_id, ()))
        records += _act_steps(plan, acts.get(debtor_id, ()))
        records += _call_steps(plan, calls.get(debtor_id, ()), {r.key for r in records})
        situation = Situation(oldest_due, balance, contested=contested, promise_due=promises.get(debtor_id),
                              done=tuple(records), belgian_consumer=regime.key == "be_b2c")
        calendar = calendars.setdefault(regime.country, OfficeCalendar(regime.country))
        state = plan_state(plan, situation, today, calendar)
        claimed = claims.get((debtor_id, state.next.key), "") if state.next is not None else ""
        if state.next is not None and not state.next.before_due:
            listed = tuple(i for i, due in listed if due <= today) or tuple(i for i, _ in listed)
            listed = _only_covered(plan, state.next, listed, covered, regime.key == "be_b2c", today, calendar)
        else:
            listed = tuple(i for i, _ in listed)
        out.append(DebtorPlan(debtor_id, clean(name), regime, plan, state, listed, oldest_id, balance, claimed))
    return out


def outstanding_by_debtor(conn: Any, debtor_ids: Iterable[int] | None) -> dict[int, list[tuple]]:
    """Outstanding invoices by debtor: (id, due, amount, paid, status)."""
    columns = ("SELECT id, debtor_id, due_date, amount_cents, paid_cents, status, issue_date, delivery_date "
               "FROM invoices")
    out: dict[int, list[tuple]] = {}
    if debtor_ids is None:  # every debtor: the partial index of outstanding invoices
        batches = [conn.execute(f"{columns} WHERE {OUTSTANDING_SQL} ORDER BY due_date, id")]
    else:  # a few (the list's screenful): by debtor, else SQLite walks every outstanding invoice (70 ms at 200k)
        batches = [conn.execute(f"{columns} INDEXED BY invoices_debtor WHERE debtor_id IN ({marks}) "
                                f"AND {OUTSTANDING_SQL} ORDER BY due_date, id", part)
                   for part, marks in in_chunks(debtor_ids)]
    for rows in batches:
        for inv_id, debtor_id, due, amount, paid, status, issue, delivery in rows:
            out.setdefault(debtor_id, []).append((inv_id, dt.date.fromisoformat(due), amount, paid, status,
                                                  issue, delivery))
    # credit notes not yet applied lower the balance: they are 'open' with a negative amount (amount > paid
    # fails for them in OUTSTANDING_SQL), read apart
    credit_sql = ("SELECT debtor_id, SUM(amount_cents - paid_cents) FROM invoices {index}WHERE status = 'open' "
                  "AND amount_cents < 0 AND amount_cents < paid_cents")
    credits: dict[int, int] = {}
    if debtor_ids is None:
        credits.update(conn.execute(credit_sql.format(index="") + " GROUP BY debtor_id").fetchall())
    else:
        for part, marks in in_chunks(debtor_ids):
            credits.update(conn.execute(credit_sql.format(index="INDEXED BY invoices_debtor ")
                                        + f" AND debtor_id IN ({marks}) GROUP BY debtor_id", part).fetchall())
    for debtor_id, cents in credits.items():
        out.setdefault(debtor_id, []).append((None, None, cents, 0, "credit", None, None))
    return out


def _level(rows: list[tuple], today: dt.date,
           barred: set[int] = frozenset()) -> tuple[int | None, dt.date | None, tuple, int, bool]:
    """(oldest invoice chased, its due date, the invoices a step would list (id, due), balance, contested): the
    plan's level is the oldest one's. Contested and time-barred invoices (``barred``: their limitation date is
    past, nothing may be claimed) are not chased: they neither set the level nor appear in a reminder."""
    balance = sum(r[2] - r[3] for r in rows)
    contested = any(r[4] in CONTESTED_STATUSES for r in rows)
    chased = [(r[0], r[1]) for r in rows if r[4] == "open" and r[2] > 0 and r[0] not in barred]
    if not chased or balance <= 0:
        return None, None, (), balance, contested
    return chased[0][0], chased[0][1], tuple(chased), balance, contested


def _time_barred(conn: Any, invoices: dict[int, list[tuple]], debtors: dict[int, tuple], today: dt.date,
                 office_country: str, near: dict[int, tuple[int, dt.date]] | None = None,
                 near_days: int = 0) -> set[int]:
    """The open invoices whose limitation date is past (store/acts.limitations: acknowledgements count), read
    only for invoices old enough to be (issued more than the shortest period, a year, ago; ``near_days``
    earlier for ``near``, see ``debtor_plans``)."""
    from relance_tui.store.acts import limitations

    oldest_possible = (today - dt.timedelta(days=365 - near_days)).isoformat()
    inputs = []
    for debtor_id, rows in invoices.items():
        _name, segment, country, *_ = debtors[debtor_id]
        regime = None
        for inv_id, _due, amount, _paid, status, issue, delivery in rows:
            start = min(issue or "", delivery or issue or "")  # the limitation runs from the delivery when known
            if inv_id is None or status != "open" or amount <= 0 or start > oldest_possible:
                continue
            regime = regime or regime_for(country, segment, office_country)
            inputs.append((inv_id, dt.date.fromisoformat(issue), dt.date.fromisoformat(delivery) if delivery else None,
                           amount, regime))
    if not inputs:
        return set()
    found = limitations(conn, inputs)
    if near is not None:
        owner = {inv_id: debtor_id for debtor_id, rows in invoices.items() for inv_id, *_ in rows}
        horizon = today + dt.timedelta(days=near_days)
        near.update((inv_id, (owner[inv_id], lim.day)) for inv_id, lim in found.items() if today <= lim.day <= horizon)
    return {inv_id for inv_id, lim in found.items() if lim.day < today}


def _steps_done(conn: Any, oldest: dict[int, int]) -> tuple[dict[int, list[StepDone]], dict[tuple[int, str], str]]:
    """Plan steps done for each debtor's oldest invoice; and who holds a claim on one (a send under way)."""
    by_invoice = {inv: debtor for debtor, inv in oldest.items()}
    done: dict[int, list[StepDone]] = {}
    claims: dict[tuple[int, str], str] = {}
    # a claim older than CLAIM_STALE is a send that never finished: shown free, taken again by the next claim
    fresh = (dt.datetime.now(dt.timezone.utc) - CLAIM_STALE).strftime("%Y-%m-%dT%H:%M:%SZ")
    for part, marks in in_chunks(by_invoice):
        for debtor_id, step, status, day, agent, channel, at in conn.execute(
                "SELECT debtor_id, step, status, day, agent, channel, at FROM plan_steps "
                f"WHERE invoice_id IN ({marks})", part):
            if status == "done":
                done.setdefault(debtor_id, []).append(StepDone(step, dt.date.fromisoformat(day), agent, channel))
            elif at >= fresh:
                claims[(debtor_id, step)] = agent
    return done, claims


def _acts(conn: Any, oldest: dict[int, int]) -> dict[int, list[tuple[str, dt.date, str, str]]]:
    by_invoice = {inv: debtor for debtor, inv in oldest.items()}
    out: dict[int, list[tuple[str, dt.date, str, str]]] = {}
    for part, marks in in_chunks(by_invoice):
        for inv_id, kind, day, channel, agent in conn.execute(
                "SELECT invoice_id, kind, day, channel, agent FROM legal_acts WHERE kind IN ('formal_notice', "
                f"'first_reminder') AND invoice_id IN ({marks})", part):
            out.setdefault(by_invoice[inv_id], []).append((kind, dt.date.fromisoformat(day), channel, agent))
    return out


def _covered(conn: Any, invoice_ids: list[int]) -> dict[int, dict[str, tuple[dt.date, str]]]:
    """The legal acts each of these invoices had: kind -> (its first day, its channel)."""
    out: dict[int, dict[str, tuple[dt.date, str]]] = {}
    for part, marks in in_chunks(invoice_ids):
        for inv_id, kind, day, channel in conn.execute(
                "SELECT invoice_id, kind, MIN(day), channel FROM legal_acts WHERE kind IN ('formal_notice', "
                f"'first_reminder') AND invoice_id IN ({marks}) GROUP BY invoice_id, kind", part):
            out.setdefault(inv_id, {})[kind] = (dt.date.fromisoformat(day), channel)
    return out


def _only_covered(plan: Plan, step: PlanStep, listed: tuple[int, ...], covered: dict, belgian_consumer: bool,
                  today: dt.date, calendar: OfficeCalendar) -> tuple[int, ...]:
    """The invoices a step may name: one that counts from a legal act (the court file, after the formal
    notice) names only the invoices that act covered; one that costs a Belgian consumer, only those whose free
    reminder's 14 days are over. The others are left for their own cycle (the oldest invoice, which set the
    step due, always qualifies)."""
    keep = list(listed)
    index = plan.steps.index(step)
    before = plan.steps[index - 1] if index > 0 else None
    if step.anchor == "previous" and before is not None and before.act:
        keep = [i for i in keep if before.act in covered.get(i, {})]
    if step.costs and belgian_consumer:
        def grace_over(inv: int) -> bool:
            reminder = covered.get(inv, {}).get("first_reminder")
            if reminder is None:
                return False
            channel = reminder[1] if reminder[1] in ("email", "letter", "registered") else "letter"
            return be_consumer_grace_end(reminder[0], channel, calendar) < today
        keep = [i for i in keep if grace_over(i)]
    return tuple(keep) or listed[:1]


def _act_steps(plan: Plan, acts: Iterable[tuple[str, dt.date, str, str]]) -> list[StepDone]:
    out = []
    for kind, day, channel, agent in sorted(acts, key=lambda a: a[1]):
        step = next((s for s in plan.steps if s.act == kind), None)
        if step is not None:
            out.append(StepDone(step.key, day, agent, channel))
    return out


def _calls(conn: Any, invoices: dict[int, list[tuple]], levels: dict[int, tuple],
           most: int = 1) -> dict[int, list[tuple]]:
    """The first ``most`` calls logged since each debtor's oldest invoice fell due: (day, agent), oldest first
    (a plan's phone steps take them in turn, so no more are needed). One seek per debtor in the partial index
    events_calls (migration 0011), from its own day: 1 ms per 400 debtors, where reading all their calls since
    then took 16."""
    out: dict[int, list[tuple]] = {}
    for part, _ in in_chunks(invoices, 400):  # two parameters a debtor
        pairs = ", ".join("(?, ?)" for _ in part)
        params = [v for d in part for v in (d, levels[d][1].isoformat())]
        for debtor_id, at, agent in conn.execute(
                f"WITH lv (debtor_id, since) AS (VALUES {pairs}) "
                "SELECT e.debtor_id, e.at, e.agent FROM lv JOIN events e ON e.rowid IN ("
                "SELECT rowid FROM events WHERE debtor_id = lv.debtor_id AND kind = 'call' AND at >= lv.since "
                f"ORDER BY at LIMIT {int(most)}) ORDER BY e.debtor_id, e.at", params):
            out.setdefault(debtor_id, []).append((dt.date.fromisoformat(at[:10]), agent))
    return out


def _call_steps(plan: Plan, calls: list[tuple], done: set[str]) -> list[StepDone]:
    """Each phone step of the plan, in turn, is done by the next call logged; not one behind a required step
    still to do (a call never carries the debtor past a formal notice or a free first reminder)."""
    phones = []
    for step in plan.steps:
        if step.required and step.key not in done:
            break
        if step.channel == "phone":
            phones.append(step)
    return [StepDone(step.key, day, agent, "phone") for step, (day, agent) in zip(phones, calls)]


def set_debtor_plan(store: Store, debtor_id: int, plan_key: str | None, book: PlanBook) -> None:
    """Choose a debtor's plan by hand (None: its profile's or its regime's again)."""
    plans = book.plans
    if plan_key is not None and plan_key not in plans:
        raise NotFound(f"plan {plan_key!r} inconnu (plans : {', '.join(sorted(plans))})")

    def write(db: Database) -> None:
        if db.execute("UPDATE debtors SET plan = ? WHERE id = ?", [plan_key, debtor_id]).rowcount == 0:
            raise NotFound(f"débiteur n°{debtor_id} introuvable")
        append_event(db, at=store.now(), agent=store.agent, kind="edit", debtor_id=debtor_id,
                     notes=f"Plan de relance : {plans[plan_key].label if plan_key else 'selon son profil et son type'}",
                     data={"plan": plan_key})

    store.write(write, what="choix du plan de relance")


def set_plan_book(store: Store, book: PlanBook) -> None:
    """Tell the lists and exports of this store which plans the office runs (done where settings are read)."""
    store.plan_book = book


def plan_book_of(store: Store) -> PlanBook:
    return getattr(store, "plan_book", None) or DEFAULT_BOOK


def plan_summaries(store: Store, today: dt.date, debtor_ids: Iterable[int] | None, *,
                   office_country: str = "FR") -> dict[int, str]:
    """What the overdue list and the aged balance say next for these debtors (all with None): the plan's
    next step and when, from what was done."""
    out = {}
    for p in debtor_plans(store.conn, today, book=plan_book_of(store), office_country=office_country,
                          debtor_ids=debtor_ids):
        summary = p.state.summary()
        if p.state.next is not None and p.state.next.channel == "court":  # its regime's procedure, named
            summary = summary.replace(p.state.next.label, p.next_label, 1)
        out[p.debtor_id] = summary
    return out
