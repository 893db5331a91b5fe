"""The timeline: every event, newest first, for one debtor or for everyone."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from relance_tui.store.connection import Store
from relance_tui.store.models import Event
from relance_tui.store.queries import EVENT_COLUMNS

EVERYONE_LIMIT = 5_000  # the office-wide feed shows the latest events


@dataclass(frozen=True)
class TimelineEntry:
    event: Event
    debtor: str | None
    invoices: tuple[str, ...]


def timeline_ids(store: Store, *, debtor_id: int | None, kind: str | None = None) -> array:
    clauses, params = [], []
    if debtor_id is not None:
        clauses.append("debtor_id = ?")
        params.append(debtor_id)
    if kind:
        clauses.append("kind = ?")
        params.append(kind)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    limit = "" if debtor_id is not None else f" LIMIT {EVERYONE_LIMIT}"
    return array("q", (r[0] for r in store.conn.execute(f"SELECT id FROM events {where} ORDER BY id DESC{limit}",
                                                       params)))


def timeline_total(store: Store, *, kind: str | None = None) -> int:
    """How many events the office-wide feed has in all (it shows the latest ``EVERYONE_LIMIT``)."""
    where, params = ("WHERE kind = ?", [kind]) if kind else ("", [])
    return store.conn.execute(f"SELECT COUNT(*) FROM events {where}", params).fetchone()[0]


def timeline_entries(store: Store, ids: Sequence[int]) -> list[TimelineEntry]:
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    cols = ", ".join(f"e.{c.strip()}" for c in EVENT_COLUMNS.split(","))
    rows = store.conn.execute(f"SELECT {cols}, d.name FROM events e LEFT JOIN debtors d ON d.id = e.debtor_id "
                            f"WHERE e.id IN ({marks})", list(ids)).fetchall()
    links: dict[int, list[str]] = {}
    for event_id, number in store.conn.execute(
            f"SELECT l.event_id, i.number FROM event_invoices l JOIN invoices i ON i.id = l.invoice_id "
            f"WHERE l.event_id IN ({marks}) ORDER BY i.number", list(ids)):
        links.setdefault(event_id, []).append(number)
    return [TimelineEntry(Event(*r[:-1]), r[-1], tuple(links.get(r[0], ()))) for r in rows]
