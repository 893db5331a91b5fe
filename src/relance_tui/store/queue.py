"""The work queue: who to call today, and in what order.

Callbacks due now first (at their time), then debtors whose promise was broken
since they were last called, then debtors with an overdue invoice within 90 days
of its limitation date (the soonest first: past that day the claim is lost,
whatever it is worth), then everyone else by priority score (amount,
age, profile, broken promises, last contact). Left out: debtors with nothing
overdue that is not disputed, debtors already called today (unless a callback
they asked for is due), debtors whose next step is not due yet (a promise still
within its grace, a payment announced), and debtors the call frequency guard
would stop (the most calls in 30 days to one debtor, all its contacts together: a consumer's cap is
lower than a business's, domain/calls.CallingRules).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from relance_tui.domain.calls import DEFAULT_DEBTOR_CAPS
from relance_tui.domain.dates import BUCKET_BOUNDS, Bucket
from relance_tui.domain.dunning import PROMISE_GRACE_DAYS
from relance_tui.domain.instants import to_iso
from relance_tui.domain.priority import PriorityInput, priority_score
from relance_tui.store.acts import near_limitations
from relance_tui.store.conditions import OUTSTANDING_SQL
from relance_tui.store.connection import Store
from relance_tui.store.promises import day_bounds

REASONS = {"callback": "Rappel convenu", "broken_promise": "Promesse non tenue", "limitation": "Prescription proche",
           "priority": "Priorité"}
REASON_ORDER = {"callback": 0, "broken_promise": 1, "limitation": 2, "priority": 3}


@dataclass(frozen=True)
class QueueFilters:
    bucket: Bucket | None = None  # of the debtor's oldest overdue invoice
    min_cents: int = 0  # owed, overdue and undisputed
    account_manager: str | None = None
    profile: str | None = None

    def as_dict(self) -> dict:
        return {"bucket": self.bucket.value if self.bucket else None, "min_cents": self.min_cents,
                "account_manager": self.account_manager, "profile": self.profile}


@dataclass(frozen=True)
class QueueItem:
    debtor_id: int
    name: str
    due_cents: int  # overdue and undisputed
    days_late: int  # of the oldest such invoice
    reason: str  # callback, broken_promise, limitation, priority
    score: float
    callback_at: str | None = None  # UTC instant of a callback due
    account_manager: str | None = None
    profile: str = "normal"
    limitation: dt.date | None = None  # an overdue invoice's limitation date within 90 days (the nearest)


_CANDIDATES = f"""
WITH owed AS (
    SELECT debtor_id, SUM(amount_cents - paid_cents) AS due, MIN(due_date) AS oldest
    FROM invoices INDEXED BY invoices_outstanding
    WHERE {OUTSTANDING_SQL} AND status = 'open' AND due_date < :today
    GROUP BY debtor_id
)
SELECT d.id, d.name, o.due, o.oldest, d.profile, d.account_manager, d.segment,
       n.kind, n.due_at,
       -- the calls through their own index (debtor, time; migration 0011): the last one is its last entry, the
       -- month's a range of it (through every event of each debtor instead: 1.6 s for 15,000 debtors)
       (SELECT MAX(at) FROM events e INDEXED BY events_calls WHERE e.debtor_id = d.id AND e.kind = 'call') AS last_call,
       (SELECT COUNT(*) FROM events e INDEXED BY events_calls WHERE e.debtor_id = d.id AND e.kind = 'call'
            AND e.at >= :since30 AND e.direction = 'out') AS calls30,  -- as store/calls.calls_within counts
       (SELECT COUNT(*) FROM promises p WHERE p.debtor_id = d.id AND p.status IN ('broken', 'partly_kept'))
           AS broken,
       (SELECT MAX(p.evaluated_at) FROM promises p WHERE p.debtor_id = d.id
            AND p.status IN ('broken', 'partly_kept')) AS broken_at,
       EXISTS (SELECT 1 FROM promises p INDEXED BY promises_debtor WHERE p.debtor_id = d.id AND p.status = 'pending'
            AND p.due_date >= :grace_from) AS promise_running
FROM owed o JOIN debtors d ON d.id = o.debtor_id
LEFT JOIN next_actions n ON n.debtor_id = d.id
"""


def work_queue(store: Store, *, now: dt.datetime, today: dt.date, tz: str = "Europe/Paris", country: str = "FR",
               filters: QueueFilters = QueueFilters(),
               debtor_caps: Mapping[str, int] = DEFAULT_DEBTOR_CAPS) -> list[QueueItem]:
    """Today's queue, in calling order; ``debtor_caps``: calls in 30 days per debtor, by segment."""
    day_start, _ = day_bounds(today, tz)
    now_iso = to_iso(now)
    params = {"today": today.isoformat(), "since30": to_iso(now - dt.timedelta(days=30)),
              "grace_from": (today - dt.timedelta(days=PROMISE_GRACE_DAYS)).isoformat()}
    items = []
    for (debtor_id, name, due, oldest, profile, manager, segment, next_kind, next_due, last_call, calls30, broken,
         broken_at, promise_running) in store.conn.execute(_CANDIDATES, params):
        if filters.min_cents and due < filters.min_cents:
            continue
        if filters.account_manager and manager != filters.account_manager:
            continue
        if filters.profile and profile != filters.profile:
            continue
        days_late = (today - dt.date.fromisoformat(oldest)).days
        if filters.bucket is not None:
            low, high = next((lo, hi) for b, lo, hi in BUCKET_BOUNDS if b == filters.bucket)
            if (low is not None and days_late < low) or (high is not None and days_late > high):
                continue
        callback_due = next_kind == "callback" and next_due <= now_iso
        if not callback_due:
            if last_call and last_call >= day_start:
                continue  # already called today
            if next_due and (next_due > now_iso if len(next_due) > 10 else next_due > today.isoformat()):
                continue  # the next step is not due yet (a callback later, a promise being checked...)
            if promise_running:
                continue  # a promise still within its grace
            if calls30 >= debtor_caps[segment]:
                continue  # the call frequency guard would stop the call (a consumer's cap is the lower)
        if callback_due:
            reason = "callback"
        elif broken_at and (last_call is None or broken_at > last_call):
            reason = "broken_promise"
        else:
            reason = "priority"
        since = None
        if last_call:
            since = (today - dt.date.fromisoformat(last_call[:10])).days
        score = priority_score(PriorityInput(due, days_late, broken, profile, since))
        items.append(QueueItem(debtor_id, name, due, days_late, reason, score,
                               next_due if callback_due else None, manager, profile))
    # ``country`` (the office's) gives the law of a debtor outside FR and BE (domain/law.regime_for)
    near = near_limitations(store, today, country=country, debtor_ids=[i.debtor_id for i in items]) if items else {}
    items = [i if i.debtor_id not in near else dataclasses.replace(
        i, limitation=near[i.debtor_id][0], reason="limitation" if i.reason == "priority" else i.reason) for i in items]
    items.sort(key=lambda i: (REASON_ORDER[i.reason], i.callback_at or "",
                              i.limitation.isoformat() if i.reason == "limitation" else "", -i.score, i.debtor_id))
    return items
