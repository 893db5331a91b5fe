"""Credit notes applied to invoices, on the database side (the rule itself is domain/credits.py).

Relance's own allocations are ``payments`` rows with ``kind = 'credit'`` and ``source = 'allocation'``;
an invoice's ``credited_cents`` is their sum (on a credit note: minus the part of it they use), and is
part of its ``paid_cents``, so every query that says what is outstanding (``amount_cents > paid_cents``)
already nets credit notes. They are recomputed, per debtor, inside the transaction of every import and
payment: what the accounts letter later replaces them, and a timeline event records each change.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from relance_tui.domain.credits import Allocation, CreditNote, OpenInvoice, allocate
from relance_tui.domain.money import format_cents
from relance_tui.domain.vocabulary import OUTSTANDING_STATUSES
from relance_tui.store.conditions import codes_sql

if TYPE_CHECKING:
    from sqlite_utils import Database

ALLOCATION_SOURCE = "allocation"
# invoices whose balance a credit note may reduce: those still chased or owed, and those a previous
# allocation closed (their accounting balance is what counts, recomputed below)
_TARGET_STATUSES = codes_sql((*OUTSTANDING_STATUSES, "paid"))


def _day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso[:10])


def debtors_with_credit(db: Database, debtor_ids: Iterable[int] | None) -> list[int]:
    """The debtors among these (all when None) that hold a credit note or an allocation."""
    wanted = None if debtor_ids is None else set(debtor_ids)
    if wanted is not None and len(wanted) <= 500:  # a payment, a card: through the per-debtor indexes
        marks = ", ".join("?" for _ in wanted)
        sql = (f"SELECT debtor_id FROM invoices WHERE debtor_id IN ({marks}) AND amount_cents < 0 UNION "
               f"SELECT debtor_id FROM payments WHERE debtor_id IN ({marks}) AND source = 'allocation'")
        return sorted(r[0] for r in db.execute(sql, [*wanted, *wanted]))
    sql = ("SELECT DISTINCT debtor_id FROM invoices WHERE amount_cents < 0 "
           "UNION SELECT DISTINCT debtor_id FROM payments WHERE source = 'allocation'")
    found = {r[0] for r in db.execute(sql)}
    return sorted(found if wanted is None else found & wanted)


Snapshot = dict[tuple[int, int], tuple[str, int]]  # (credit note, invoice) -> (day, cents)


def _allocations(db: Database, debtor_id: int) -> Snapshot:
    return {(c, i): (day, cents) for c, i, day, cents in db.execute(
        "SELECT credit_note_id, invoice_id, day, amount_cents FROM payments "
        "WHERE debtor_id = ? AND source = 'allocation'", [debtor_id])}


def release(db: Database, debtor_ids: Iterable[int], *, at: str, agent: str) -> dict[int, Snapshot]:
    """Take relance's allocations off these debtors' invoices (inside the caller's transaction), so that a
    payment is applied to what the accounts say is owed; give the snapshot to ``reallocate`` afterwards."""
    out = {}
    for debtor_id in debtors_with_credit(db, debtor_ids):
        out[debtor_id] = _allocations(db, debtor_id)
        if out[debtor_id]:
            db.execute("DELETE FROM payments WHERE debtor_id = ? AND source = 'allocation'", [debtor_id])
            _settle(db, debtor_id, at=at, agent=agent)
    return out


def reallocate(db: Database, debtor_ids: Iterable[int] | None, *, at: str, agent: str,
               released: dict[int, Snapshot] | None = None) -> int:
    """Recompute relance's credit-note allocations of these debtors (all when None), inside the caller's
    transaction; returns the number of allocations that changed. ``released``: what ``release`` took off
    (the changes are recorded against it)."""
    changed = 0
    ids = set(debtor_ids) | set(released or {}) if debtor_ids is not None else None
    for debtor_id in debtors_with_credit(db, ids):
        changed += _reallocate_debtor(db, debtor_id, at=at, agent=agent,
                                      before=(released or {}).get(debtor_id))
    return changed


def _reallocate_debtor(db: Database, debtor_id: int, *, at: str, agent: str, before: Snapshot | None) -> int:
    current = _allocations(db, debtor_id)
    if before is None:
        before = current
    notes = db.execute(
        "SELECT id, number, issue_date, amount_cents, paid_cents - credited_cents, credit_for FROM invoices "
        "WHERE debtor_id = ? AND amount_cents < 0 AND status <> 'written_off' ORDER BY issue_date, id",
        [debtor_id]).fetchall()
    invoices = db.execute(
        "SELECT id, number, issue_date, due_date, amount_cents - (paid_cents - credited_cents) FROM invoices "
        f"WHERE debtor_id = ? AND amount_cents > 0 AND status IN {_TARGET_STATUSES} "
        "AND amount_cents > paid_cents - credited_cents", [debtor_id]).fetchall()
    by_number = {r[1]: r[0] for r in invoices}
    credits = [CreditNote(i, number, _day(issue), -(amount - applied), by_number.get(credit_for or ""))
               for i, number, issue, amount, applied, credit_for in notes]
    opens = [OpenInvoice(i, number, _day(issue), _day(due), balance) for i, number, issue, due, balance in invoices]
    allocations, _left = allocate(credits, opens)
    after = {(a.credit_note_id, a.invoice_id): (a.day.isoformat(), a.cents) for a in allocations}
    if after == current and after == before:
        return 0
    db.execute("DELETE FROM payments WHERE debtor_id = ? AND source = 'allocation'", [debtor_id])
    db.conn.executemany(
        "INSERT INTO payments (debtor_id, invoice_id, day, amount_cents, reference, source, created_at, created_by, "
        "kind, credit_note_id) VALUES (?, ?, ?, ?, ?, 'allocation', ?, ?, 'credit', ?)",
        [(debtor_id, a.invoice_id, a.day.isoformat(), a.cents, f"avoir {a.credit_number}", at, agent,
          a.credit_note_id) for a in allocations])
    _settle(db, debtor_id, at=at, agent=agent)
    _record_changes(db, debtor_id, before, after, allocations, at=at, agent=agent)
    return len(set(before.items()) ^ set(after.items()))


def _settle(db: Database, debtor_id: int, *, at: str, agent: str) -> None:
    """Bring ``credited_cents``, ``paid_cents``, status and paid date of the debtor's invoices in line with
    its allocation rows (on a credit note, the part of it used counts negative)."""
    credited: dict[int, int] = {}
    for invoice_id, credit_id, cents in db.execute(
            "SELECT invoice_id, credit_note_id, amount_cents FROM payments WHERE debtor_id = ? "
            "AND source = 'allocation'", [debtor_id]):
        credited[invoice_id] = credited.get(invoice_id, 0) + cents
        credited[credit_id] = credited.get(credit_id, 0) - cents
    rows = db.execute(
        "SELECT id, amount_cents, paid_cents, credited_cents, status, paid_date, "
        "(SELECT MAX(day) FROM payments p WHERE p.invoice_id = invoices.id) FROM invoices "
        "WHERE debtor_id = ? AND (credited_cents <> 0 OR id IN (SELECT invoice_id FROM payments WHERE debtor_id = ? "
        "AND source = 'allocation') OR id IN (SELECT credit_note_id FROM payments WHERE debtor_id = ? "
        "AND source = 'allocation'))", [debtor_id, debtor_id, debtor_id]).fetchall()
    for invoice_id, amount, paid, old_credited, status, paid_date, last_day in rows:
        new_credited = credited.get(invoice_id, 0)
        new_paid = paid - old_credited + new_credited
        settled = new_paid >= amount if amount > 0 else new_paid <= amount
        new_status = status
        if status != "written_off":
            new_status = "paid" if settled else ("open" if status == "paid" else status)
        new_date = paid_date
        if amount > 0:
            new_date = (paid_date if status == "paid" and paid_date and paid == new_paid else last_day) \
                if settled else None
        if (new_paid, new_credited, new_status, new_date) != (paid, old_credited, status, paid_date):
            db.execute("UPDATE invoices SET paid_cents = ?, credited_cents = ?, status = ?, paid_date = ?, "
                       "updated_at = ?, updated_by = ? WHERE id = ?",
                       [new_paid, new_credited, new_status, new_date, at, agent, invoice_id])


def _record_changes(db: Database, debtor_id: int, before: dict, after: dict, allocations: list[Allocation], *,
                    at: str, agent: str) -> None:
    numbers = dict(db.execute("SELECT id, number FROM invoices WHERE debtor_id = ?", [debtor_id]).fetchall())
    for a in allocations:
        key = (a.credit_note_id, a.invoice_id)
        if before.get(key) == after[key]:
            continue
        event = db.execute(
            "INSERT INTO events (at, debtor_id, kind, direction, outcome, agent, notes, data) "
            "VALUES (?, ?, 'payment', 'in', 'credit', ?, ?, ?)",
            [at, debtor_id, agent,
             f"Avoir {a.credit_number} imputé sur {a.invoice_number} : {format_cents(a.cents)} au "
             f"{a.day:%d/%m/%Y} ({'facture nommée par l' + chr(39) + 'avoir' if a.rule == 'nommée' else 'plus ancienne facture ouverte'})",
             json.dumps({"invoice_id": a.invoice_id, "number": a.invoice_number, "credit_note_id": a.credit_note_id,
                         "credit_number": a.credit_number, "amount_cents": a.cents, "day": a.day.isoformat(),
                         "rule": a.rule, "source": ALLOCATION_SOURCE}, ensure_ascii=False)]).lastrowid
        db.execute("INSERT INTO event_invoices (event_id, invoice_id) VALUES (?, ?), (?, ?)",
                   [event, a.invoice_id, event, a.credit_note_id])
    for (credit_id, invoice_id), (_day_iso, cents) in before.items():
        if (credit_id, invoice_id) in after:
            continue
        credit_number, invoice_number = numbers.get(credit_id, "?"), numbers.get(invoice_id, "?")
        event = db.execute(
            "INSERT INTO events (at, debtor_id, kind, direction, outcome, agent, notes, data) "
            "VALUES (?, ?, 'payment', 'in', 'credit_released', ?, ?, ?)",
            [at, debtor_id, agent,
             f"Imputation de l'avoir {credit_number} sur {invoice_number} ({format_cents(cents)}) retirée : "
             "la comptabilité l'a lettré, ou la facture est réglée autrement",
             json.dumps({"invoice_id": invoice_id, "number": invoice_number, "credit_note_id": credit_id,
                         "credit_number": credit_number, "amount_cents": -cents, "source": ALLOCATION_SOURCE},
                        ensure_ascii=False)]).lastrowid
        db.execute("INSERT INTO event_invoices (event_id, invoice_id) VALUES (?, ?)", [event, invoice_id])


def fit_undated(db: Database, invoice_ids: Iterable[int] | None = None) -> int:
    """Undated payments (a paid figure an export gave without a date) fill only the gap between what the
    accounts say was paid and the dated payments known: when dated ones arrive, the undated ones shrink
    or go. Returns the number of rows changed."""
    where = "" if invoice_ids is None else \
        f" AND i.id IN ({', '.join(str(int(i)) for i in invoice_ids) or 'NULL'})"
    rows = db.execute(
        "SELECT i.id, i.paid_cents - i.credited_cents, "
        "(SELECT COALESCE(SUM(amount_cents), 0) FROM payments p WHERE p.invoice_id = i.id AND p.undated = 0 "
        " AND p.source <> 'allocation') FROM invoices i WHERE i.amount_cents > 0 AND EXISTS "
        f"(SELECT 1 FROM payments u WHERE u.invoice_id = i.id AND u.undated = 1){where}").fetchall()
    changed = 0
    for invoice_id, accounted, dated in rows:
        room = max(0, accounted - dated)
        for pay_id, cents in db.execute("SELECT id, amount_cents FROM payments WHERE invoice_id = ? AND undated = 1 "
                                        "ORDER BY day, id", [invoice_id]).fetchall():
            keep = min(cents, room)
            room -= keep
            if keep == cents:
                continue
            if keep <= 0:
                db.execute("DELETE FROM payments WHERE id = ?", [pay_id])
            else:
                db.execute("UPDATE payments SET amount_cents = ? WHERE id = ?", [keep, pay_id])
            changed += 1
    return changed
