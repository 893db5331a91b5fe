"""The supervisor's figures for a period (issue 18): what the Tableau de bord tab and ``relance report`` show.

One function, ``dashboard``, reads them all; both the tab and the report print what it returns, so their
figures agree to the cent. Definitions (the tab's help says them too):
- **owed, overdue, over 90 days**: the aged balance at the end of the period's last day (today: the invoices
  as they stand; a past day: its snapshot, store/history.py, else computed from the invoices and payments);
- **DSO**: countback (domain/kpi.py) of the owed amount over the net sales by issue date;
- **aging over time**: the aged balance at the end of each slice of the period (a day of a week, a week of
  a month or a quarter, a month of twelve months), the same way;
- **collected**: money the debtors paid, dated in the slice (store/conditions.CASH_SQL: not credit notes,
  not an amount an export showed paid without a date, a returned payment taken off); **promised**: promises
  falling due in the slice, by what became of them (kept, partly kept, broken, still pending);
- **promise-keeping rate**: promises due in the period that were kept, over those judged (kept, partly
  kept, broken);
- **disputes** opened and resolved in the period;
- **per agent**: calls made in the period, the share where the debtor was reached
  (domain/vocabulary.REACHED_OUTCOMES), promises obtained (one in instalments counts once) and their amount,
  the average length of the calls with a length, and **collected**: money received in the period from debtors the agent called in the
  period, on or after the day of that agent's first call to them (two agents who called the same debtor
  both count the payment: each agent's figure is "collected after my calls", not a share of the total).
Days are the office's (``tz``): an event at 23:30 UTC in Paris belongs to the next day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from relance_tui.domain.dates import Bucket
from relance_tui.domain.kpi import Dso, MonthSales, Period, Slice, countback_months, dso_countback, rate
from relance_tui.domain.vocabulary import REACHED_OUTCOMES
from relance_tui.store.conditions import CASH_SQL, codes_sql
from relance_tui.store.connection import Store
from relance_tui.store.history import aging_on, rebuilt_days, totals
from relance_tui.store.overdue import aging_summary
from relance_tui.store.promises import day_bounds

PROMISE_OUTCOMES = ("kept", "partly_kept", "broken", "pending")


@dataclass
class AgentFigures:
    agent: str
    calls: int = 0
    reached: int = 0
    timed: int = 0  # calls with a recorded length
    seconds: int = 0
    promises: int = 0
    promised_cents: int = 0
    collected_cents: int = 0

    @property
    def reached_rate(self) -> float | None:
        return rate(self.reached, self.calls)

    @property
    def average_call_s(self) -> int | None:
        return round(self.seconds / self.timed) if self.timed else None


@dataclass
class SliceFigures:
    slice: Slice
    aging: dict[Bucket, int]  # at the end of the slice's last day (today: as the invoices stand)
    collected_cents: int = 0
    promised: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PROMISE_OUTCOMES, 0))

    @property
    def promised_cents(self) -> int:
        return sum(self.promised.values())


@dataclass
class Dashboard:
    period: Period
    owed_cents: int
    overdue_cents: int
    over_90_cents: int
    dso: Dso
    slices: list[SliceFigures]
    promises_due: dict[str, int]  # outcome -> count, of the promises due in the period
    disputes_opened: int
    disputes_resolved: int
    agents: list[AgentFigures] | None  # None: not read (the tab reads them after the rest: agent_figures)

    @property
    def over_90_share(self) -> float | None:
        return rate(self.over_90_cents, self.overdue_cents)

    @property
    def keeping_rate(self) -> float | None:
        judged = sum(self.promises_due[k] for k in ("kept", "partly_kept", "broken"))
        return rate(self.promises_due["kept"], judged)

    @property
    def collected_cents(self) -> int:
        return sum(s.collected_cents for s in self.slices)

    @property
    def promised_cents(self) -> int:
        return sum(s.promised_cents for s in self.slices)

    computed_days: int = 0  # past days without a snapshot, computed for this reading (not kept)


def dashboard(store: Store, period: Period, *, today: dt.date, tz: str, agents: bool = True) -> Dashboard:
    """The period's figures; ``agents=False`` leaves the per-agent figures out (``agent_figures`` reads them:
    the longest read, a year of calls, which the tab shows after the rest)."""
    slices = period.slices()
    aging = aging_on(store, [s.end for s in slices if s.end < today])
    # today as the invoices stand (its day is kept once closed); a past day nobody kept (a read-only agent's
    # base, an --as-of older than the history) computed from the invoices and payments, in one pass
    if today in (s.end for s in slices):  # the overdue list's own aging bar (8 ms through its index)
        aging[today] = {t.bucket: t.due_cents for t in aging_summary(store, today)}
    missing = [s.end for s in slices if s.end not in aging]
    if missing:
        days = rebuilt_days(store, missing[0], missing[-1])
        aging.update({day: totals(days[day]) for day in missing})
    figures = [SliceFigures(s, aging[s.end]) for s in slices]
    end_aging = aging[period.end]
    owed = sum(end_aging.values())
    overdue = owed - end_aging[Bucket.NOT_DUE]
    _cash(store, period, figures)
    promises_due = _promises(store, period, figures)
    start_at, end_at = day_bounds(period.start, tz)[0], day_bounds(period.end, tz)[1]
    opened, resolved = store.conn.execute(
        "SELECT (SELECT COUNT(*) FROM disputes WHERE created_at >= :s AND created_at < :e), "
        "(SELECT COUNT(*) FROM disputes WHERE resolved_at >= :s AND resolved_at < :e)",
        {"s": start_at, "e": end_at}).fetchone()
    return Dashboard(period, owed, overdue, end_aging[Bucket.OVER_90], _dso(store, period.end, owed), figures,
                     promises_due, opened, resolved, agent_figures(store, period, tz) if agents else None,
                     len(missing))


def first_issue(store: Store) -> dt.date | None:
    """The day the oldest invoice was issued (no sales before it), None on an empty base."""
    first = store.conn.execute("SELECT MIN(issue_date) FROM invoices").fetchone()[0]
    return dt.date.fromisoformat(first) if first else None


def _dso(store: Store, as_of: dt.date, owed: int) -> Dso:
    first = first_issue(store)
    if first is None or owed <= 0:
        return dso_countback(owed, [])
    months, left = [], owed
    for start, end in countback_months(as_of, first):  # as far back as the balance goes
        sales = store.conn.execute("SELECT COALESCE(SUM(amount_cents), 0) FROM invoices INDEXED BY invoices_issued "
                                   "WHERE issue_date BETWEEN ? AND ?", [start.isoformat(), end.isoformat()]).fetchone()[0]
        months.append(MonthSales(start, end, sales))
        left -= max(sales, 0)
        if left <= 0:
            break
    return dso_countback(owed, months)


def _slice_of(figures: list[SliceFigures], day: dt.date) -> SliceFigures | None:
    for f in figures:
        if f.slice.start <= day <= f.slice.end:
            return f
    return None


def _cash(store: Store, period: Period, figures: list[SliceFigures]) -> None:
    for day, cents in store.conn.execute(
            f"SELECT day, SUM(amount_cents) FROM payments WHERE {CASH_SQL} AND day BETWEEN ? AND ? GROUP BY day",
            [period.start.isoformat(), period.end.isoformat()]):
        if (f := _slice_of(figures, dt.date.fromisoformat(day))) is not None:
            f.collected_cents += cents


def _promises(store: Store, period: Period, figures: list[SliceFigures]) -> dict[str, int]:
    counts = dict.fromkeys(PROMISE_OUTCOMES, 0)
    for due, status, n, cents in store.conn.execute(
            "SELECT due_date, status, COUNT(*), SUM(amount_cents) FROM promises WHERE due_date BETWEEN ? AND ? "
            f"AND status IN {codes_sql(PROMISE_OUTCOMES)} GROUP BY due_date, status",
            [period.start.isoformat(), period.end.isoformat()]):
        counts[status] += n
        if (f := _slice_of(figures, dt.date.fromisoformat(due))) is not None:
            f.promised[status] += cents
    return counts


def agent_figures(store: Store, period: Period, tz: str) -> list[AgentFigures]:
    """Per agent who called or obtained a promise in the period, most calls first (the module's docstring)."""
    start_at, end_at = day_bounds(period.start, tz)[0], day_bounds(period.end, tz)[1]
    db = store.conn
    agents: dict[str, AgentFigures] = {}

    def of(agent: str) -> AgentFigures:
        return agents.setdefault(agent, AgentFigures(agent))

    # one read of the period's calls, from the index that holds all it needs: per agent and debtor, the
    # counts and the first call (from which a payment counts as collected after the agent's call)
    first: dict[int, list[tuple[str, str]]] = defaultdict(list)  # debtor -> (agent, first call's instant)
    for agent, debtor_id, first_at, calls, reached, timed, seconds in db.execute(
            "SELECT agent, debtor_id, MIN(at), COUNT(*), SUM(outcome IN " + codes_sql(sorted(REACHED_OUTCOMES)) + "), "
            "COUNT(CASE WHEN duration_s > 0 THEN 1 END), COALESCE(SUM(duration_s), 0) "
            "FROM events INDEXED BY events_call_times "
            "WHERE kind = 'call' AND at >= ? AND at < ? GROUP BY agent, debtor_id", [start_at, end_at]):
        a = of(agent)
        a.calls += calls
        a.reached += reached
        a.timed += timed
        a.seconds += seconds
        first[debtor_id].append((agent, first_at))
    for agent, n, cents in db.execute(
            # a promise in instalments is one promise (a row per instalment, one call event)
            "SELECT agent, COUNT(DISTINCT COALESCE(event_id, -id)), SUM(amount_cents) FROM promises "
            "WHERE created_at >= ? AND created_at < ? "
            "AND status <> 'cancelled' GROUP BY agent", [start_at, end_at]):
        a = of(agent)
        a.promises, a.promised_cents = n, cents
    # a payment counts for an agent whose first call came before the end of the payment's day (office time)
    day_ends: dict[str, str] = {}
    for debtor_id, day, cents in db.execute(
            f"SELECT debtor_id, day, SUM(amount_cents) FROM payments WHERE {CASH_SQL} AND day BETWEEN ? AND ? "
            "GROUP BY debtor_id, day", [period.start.isoformat(), period.end.isoformat()]):
        callers = first.get(debtor_id)
        if not callers:
            continue
        if (end := day_ends.get(day)) is None:
            end = day_ends[day] = day_bounds(dt.date.fromisoformat(day), tz)[1]
        for agent, first_at in callers:
            if first_at < end:  # both UTC instants written the same way: text order is time order
                agents[agent].collected_cents += cents
    return sorted(agents.values(), key=lambda a: (-a.calls, a.agent))
