"""What documents read from the base and what they leave on it: a debtor's account as a statement's lines,
and each document produced as an event with its file's SHA-256 (evidence of what was sent)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from relance_tui.store.connection import Store
from relance_tui.store.queries import append_event

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class AccountLine:
    day: dt.date
    kind: str  # invoice, credit_note, payment, reversal (a payment returned): io/document_words says it
    reference: str  # the invoice's or credit note's number, the payment's reference
    debit_cents: int
    credit_cents: int


def account_lines(conn: Any, debtor_id: int, as_of: dt.date) -> list[AccountLine]:
    """The debtor's account up to ``as_of``, by day: invoices (debit), credit notes and payments received
    (credit). A credit note applied to an invoice is one line (the note), not two; a payment with no date in
    the export shows on the day it was recorded; an invoice written off (no longer claimed) is left out, and
    so are the payments made on it (else the account would open in credit)."""
    lines = []
    for number, issue, cents in conn.execute(
            "SELECT number, issue_date, amount_cents FROM invoices WHERE debtor_id = ? AND issue_date <= ? "
            "AND status <> 'written_off' ORDER BY issue_date, id", [debtor_id, as_of.isoformat()]):
        day = dt.date.fromisoformat(issue)
        if cents >= 0:
            lines.append(AccountLine(day, "invoice", number, cents, 0))
        else:
            lines.append(AccountLine(day, "credit_note", number, 0, -cents))
    for day, cents, reference in conn.execute(
            "SELECT day, amount_cents, reference FROM payments WHERE debtor_id = ? AND day <= ? AND kind = 'payment' "
            "AND source <> 'allocation' AND (invoice_id IS NULL OR invoice_id NOT IN (SELECT id FROM invoices "
            "WHERE debtor_id = ? AND status = 'written_off')) ORDER BY day, id",
            [debtor_id, as_of.isoformat(), debtor_id]):
        lines.append(AccountLine(dt.date.fromisoformat(day), "payment" if cents > 0 else "reversal", reference or "",
                                 max(0, -cents), max(0, cents)))
    return sorted(lines, key=lambda line: line.day)


def record_document(store: Store, debtor_id: int, kind: str, *, title: str, path: str, sha256: str,
                    invoice_ids: list[int], registered: bool = False) -> int:
    """A document produced for a debtor: an event on its timeline naming the file and its SHA-256."""

    def write(db: Database) -> int:
        return append_event(db, at=store.now(), agent=store.agent, kind="letter", debtor_id=debtor_id,
                            direction="out", outcome="document",
                            notes=f"{title} produit{'e' if title.startswith(('Lettre', 'Mise')) else ''} : {path}",
                            data={"document": kind, "path": path, "sha256": sha256, "registered": registered},
                            invoice_ids=invoice_ids)

    return store.write(write, what="enregistrement du document")


@dataclass(frozen=True)
class Instalment:
    number: int
    due: dt.date
    amount_cents: int
    status: str


def payment_plan(conn: Any, debtor_id: int) -> tuple[list[Instalment], list[int]]:
    """The debtor's latest promise still running, all its instalments (the promises one call recorded) and
    the invoices it covers; ([], []) when no promise is pending."""
    row = conn.execute("SELECT event_id FROM promises WHERE debtor_id = ? AND status = 'pending' "
                       "ORDER BY created_at DESC, id DESC LIMIT 1", [debtor_id]).fetchone()
    if row is None:
        return [], []
    latest = "id = (SELECT MAX(id) FROM promises WHERE debtor_id = ? AND status = 'pending')"
    where, key = ("event_id = ?", row[0]) if row[0] is not None else (latest, debtor_id)
    rows = conn.execute(f"SELECT id, due_date, amount_cents, status FROM promises WHERE {where} "
                        "ORDER BY due_date, id", [key]).fetchall()
    ids = [r[0] for r in rows]
    marks = ", ".join("?" for _ in ids)
    invoices = [r[0] for r in conn.execute(
        f"SELECT DISTINCT invoice_id FROM promise_invoices WHERE promise_id IN ({marks}) ORDER BY invoice_id", ids)]
    return [Instalment(n, dt.date.fromisoformat(due), cents, status)
            for n, (_id, due, cents, status) in enumerate(rows, 1)], invoices


@dataclass(frozen=True)
class ActRecord:
    kind: str
    day: dt.date
    channel: str
    tracking: str
    invoices: tuple[str, ...]


def legal_acts_of(conn: Any, debtor_id: int) -> list[ActRecord]:
    """The legal acts recorded for the debtor, each once (an act covers several invoices), oldest first, with
    the tracking number its registered letter was posted under when one was entered."""
    acts: dict[tuple, list[str]] = {}
    for kind, day, channel, event_data, number in conn.execute(
            "SELECT a.kind, a.day, a.channel, e.data, i.number FROM legal_acts a JOIN invoices i ON i.id = a.invoice_id "
            "LEFT JOIN events e ON e.id = a.event_id WHERE a.debtor_id = ? ORDER BY a.day, a.id", [debtor_id]):
        tracking = str(json.loads(event_data).get("tracking", "")) if event_data else ""
        acts.setdefault((kind, day, channel, tracking), []).append(number)
    return [ActRecord(kind, dt.date.fromisoformat(day), channel, tracking, tuple(numbers))
            for (kind, day, channel, tracking), numbers in acts.items()]


@dataclass(frozen=True)
class Contact:
    at: str
    kind: str
    direction: str
    outcome: str
    agent: str
    notes: str
    data: str = ""  # the event's JSON: what relance wrote the note from (io/document_data.contact_note)
    invoices: str = ""  # the numbers of the invoices the event is about


# What a court reads as an attempt to settle amicably: the contacts with the debtor, not imports or edits
AMICABLE_KINDS = ("call", "email", "letter", "sms", "note", "promise", "payment", "dispute")


def chronology(conn: Any, debtor_id: int, *, limit: int = 500) -> list[Contact]:
    """Every contact with the debtor, oldest first (the litigation file's proof of amicable attempts)."""
    marks = ", ".join("?" for _ in AMICABLE_KINDS)
    rows = conn.execute(f"SELECT at, kind, COALESCE(direction, ''), COALESCE(outcome, ''), agent, notes, "
                        f"COALESCE(data, ''), COALESCE((SELECT group_concat(i.number, ', ') FROM event_invoices ei "
                        f"JOIN invoices i ON i.id = ei.invoice_id WHERE ei.event_id = events.id), '') FROM events "
                        f"WHERE debtor_id = ? AND kind IN ({marks}) ORDER BY at, id LIMIT ?",
                        [debtor_id, *AMICABLE_KINDS, limit]).fetchall()
    return [Contact(*r) for r in rows]


def last_document(conn: Any, debtor_id: int, kind: str, since: dt.date) -> str | None:
    """When a ``kind`` document was last printed for the debtor as a registered letter on or after ``since``
    (its event's instant); the same document attached to an email does not count."""
    row = conn.execute("SELECT MAX(at) FROM events WHERE debtor_id = ? AND kind = 'letter' AND outcome = 'document' "
                       "AND json_extract(data, '$.document') = ? AND json_extract(data, '$.registered') AND at >= ?",
                       [debtor_id, kind, since.isoformat()]).fetchone()
    return row[0] if row else None


def promise_terms(conn: Any, debtor_id: int) -> dict[int, tuple[int, str, str]]:
    """Each promise of the debtor: amount, due date (ISO) and instalment mark ('2/3', or ''), by id (what a
    litigation file's chronology says of a promise kept or broken)."""
    return {r[0]: (r[1], r[2], r[3] or "") for r in conn.execute(
        "SELECT id, amount_cents, due_date, instalments FROM promises WHERE debtor_id = ?", [debtor_id])}
