"""FEC imports: each customer's staged 411 lines -> its invoices (its debits) and what reduced them (its
credits: payments and credit notes), dated, for store/staging.py.

The lettering of the accounts says which credits settle which debits; credits the accounts left open go to
the invoice they name, else to the oldest open ones; what no invoice can take stays as unapplied credit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Container, Iterator

from relance_tui.domain.credits import (
    RULE_NAMED,
    RULE_OLDEST,
    Allocation,
    CreditNote,
    OpenInvoice,
    allocate,
)
from relance_tui.domain.money import format_cents
from relance_tui.domain.text import key, name_key
from relance_tui.io.import_fec import is_opening
from relance_tui.io.import_report import ImportReport
from relance_tui.io.import_rows import pack_raw
from relance_tui.store import fec as fec_store

_RULES = {RULE_NAMED: "pièce nommée", RULE_OLDEST: "plus ancienne facture"}  # as the import report names them


def _day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def _entry_number(row: fec_store.FecRow) -> str:
    """The name of a journal entry: JournalCode-year-EcritureNum ("VT-2026-000123"), EcritureNum as the file
    has it. The journal is there because the numbering may be per journal (BOI-CF-IOR-60-40-20 § 100), the
    year of EcritureDate because it restarts with each exercise: next year's VT-12 is another invoice. Either
    is left out when EcritureNum already carries it ("VT2026-00123")."""
    num = row.num or f"L{row.line}"
    year = row.day[:4]
    parts = [] if not row.journal or num.upper().startswith(row.journal.upper()) else [row.journal]
    parts += [] if year in num else [year]
    return "-".join([*parts, num])


def _fec_invoice_number(row: fec_store.FecRow, seq: int = 0) -> str:
    """An invoice's number: its PieceRef when that names one document; otherwise (a placeholder such as "-",
    or a reference that other entries or customers carry too: a bank statement number, a reused number)
    its journal entry, plus the customer when the entry has several, plus the line's rank in an opening
    entry (à-nouveaux: one line per open invoice). The earliest entry carrying a shared reference keeps it."""
    if row.piece and row.own_piece:
        return row.piece
    number = _entry_number(row)
    if row.multi_aux:
        number += f"-{row.aux}"
    return f"{number}-{seq}" if seq else number


def allocate_fec(conn, report: ImportReport) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """Turn staged 411 lines into invoices and dated payments, one debtor at a time."""
    current: list[fec_store.FecRow] = []
    for row in fec_store.lines_by_debtor(conn):
        if current and row.aux != current[0].aux:
            yield _allocate_debtor(current, report)
            current = []
        current.append(row)
    if current:
        yield _allocate_debtor(current, report)


def _count(report: ImportReport, rule: str) -> None:
    report.allocation_rules[rule] = report.allocation_rules.get(rule, 0) + 1


def _allocate_debtor(rows: list[fec_store.FecRow], report: ImportReport) -> tuple[list[tuple], list[tuple]]:
    """One customer's invoices (its debits) and what reduced them (its credits).

    A lettered credit settles the debits lettered with it (the one it names first, then the oldest), on its
    own date; an open one goes to the invoice it names, else to the oldest open invoice, and what is left
    is an unapplied credit (a negative invoice). A credit from a credit note (``note``) is staged with
    kind 'credit', a payment with kind 'payment'."""
    debtor = _Debtor(rows, report)
    open_credits = debtor.letterings()
    debtor.allocate_open(open_credits)
    return debtor.staged()


class _Debtor:
    """One customer's lines being allocated: its invoices by number (``line``, ``issue``, ``amount``,
    ``paid``), the parts of credits applied to them, its unapplied credits."""

    def __init__(self, rows: list[fec_store.FecRow], report: ImportReport):
        self.rows = rows
        self.report = report
        self.aux, self.auxlib = rows[0].aux, rows[0].auxlib
        self.invoices: dict[str, dict] = {}
        self.number_of: dict[int, str] = {}  # debit line -> its invoice
        self.parts: dict[tuple, list[int]] = {}  # (number, day, kind, reference, rule) -> [line, cents]
        self.credit_notes: dict[str, list] = {}  # unapplied credits: number -> [line, day, cents, origin]
        self._number_debits()

    def _number_debits(self) -> None:
        rows, invoices = self.rows, self.invoices
        # an opening entry without usable references: each of its lines is an invoice of its own
        unnamed_opening = Counter((r.journal, r.num) for r in rows
                                  if r.debit and is_opening(r.journal) and not (r.piece and r.own_piece))
        rank: Counter[tuple[str, str]] = Counter()
        for row in rows:
            if not row.debit:
                continue
            seq = 0
            entry = (row.journal, row.num)
            if unnamed_opening[entry] > 1 and not (row.piece and row.own_piece):
                rank[entry] += 1
                seq = rank[entry]
            number = self.number_of[row.line] = _fec_invoice_number(row, seq)
            issue = row.piece_day or row.day
            inv = invoices.setdefault(number, {"line": row.line, "issue": issue, "amount": 0, "paid": 0})
            inv["amount"] += row.debit
            inv["issue"] = min(inv["issue"], issue)
            if is_opening(row.journal):
                self.report.opening_lines += 1

    def apply(self, number: str, cents: int, day: str, kind: str, reference: str, rule: str, line: int) -> None:
        self.invoices[number]["paid"] += cents
        part = self.parts.setdefault((number, day, kind, reference, rule), [line, 0])
        part[1] += cents

    def settle(self, number: str, credit: fec_store.FecRow, cents: int, reference: str, rule: str,
               line: int) -> None:
        if credit.note:  # a credit note reduces the invoice from its own date, or the invoice's when later
            self.apply(number, cents, max(credit.day, self.invoices[number]["issue"]), "credit", reference, rule,
                       line)
        else:
            self.apply(number, cents, credit.day, "payment", reference, rule, line)

    # -- lettered lines: each lettering settles its debits with its credits ------------------------------
    def letterings(self) -> list[tuple[fec_store.FecRow, int]]:
        """Apply each lettering; returns the open credits: the unlettered ones, and what is left of lettered
        credits larger than their debits."""
        open_credits: list[tuple[fec_store.FecRow, int]] = []
        lettered: dict[str, list[fec_store.FecRow]] = {}
        for row in self.rows:
            if row.open:
                if row.credit:
                    open_credits.append((row, row.credit))
            else:
                lettered.setdefault(row.letter, []).append(row)
        for letter, lines in lettered.items():
            open_credits += self._lettering(letter, lines)
        return open_credits

    def _lettering(self, letter: str, lines: list[fec_store.FecRow]) -> list[tuple[fec_store.FecRow, int]]:
        # Not domain/credits.allocate: a lettering is the accounts' own decision of which lines settle which,
        # and several of its debit lines may make one invoice; only its order (named first, then oldest)
        # is the same rule.
        invoices, number_of = self.invoices, self.number_of
        debits = [r for r in lines if r.debit]  # oldest first
        debts = {r.line: r.debit for r in debits}  # what each lettered debit line still awaits
        by_number: dict[str, list[int]] = {}
        for r in debits:
            by_number.setdefault(number_of[r.line], []).append(r.line)
        credits = [[r, r.credit] for r in lines if r.credit]
        reference = f"lettrage {letter}"

        def take(line: int, credit: fec_store.FecRow, rest: int) -> int:
            part = min(debts[line], rest)
            if part > 0:
                debts[line] -= part
                number = number_of[line]
                ref = f"avoir {_credit_ref(credit, invoices)} ({reference})" if credit.note else reference
                self.settle(number, credit, part, ref, "lettrage", invoices[number]["line"])
            return part

        for entry in credits:  # first what each credit names
            for line in by_number.get(_named(entry[0], by_number) or "", ()):
                entry[1] -= take(line, entry[0], entry[1])
        oldest = 0
        for entry in credits:  # then the oldest debits
            while entry[1] and oldest < len(debits):
                line = debits[oldest].line
                if not debts[line]:
                    oldest += 1
                    continue
                entry[1] -= take(line, entry[0], entry[1])
        left = []
        for credit, rest in credits:
            self.report.credit_notes_lettered += credit.note
            if rest:  # more than the debits lettered with it up to --as-of: an open credit
                left.append((credit, rest))
        for r in debits:
            if debts[r.line]:  # its credit is not in the file up to --as-of: paid when it was lettered
                self.apply(number_of[r.line], debts[r.line], r.datelet or r.day, "payment", reference, "lettrage",
                           invoices[number_of[r.line]]["line"])
        return left

    # -- open credits: the invoice they name, else the oldest open ones ------------------------------------
    def allocate_open(self, open_credits: list[tuple[fec_store.FecRow, int]]) -> None:
        """Credits the accounts left open, payments and credit notes alike, by relance's own rule for credit
        notes (domain/credits.allocate): the invoice a credit names, else the oldest open invoices; what no
        invoice can take stays as an unapplied credit. A payment counts from its own day (``settle``)."""
        invoices, report = self.invoices, self.report
        oldest_first = sorted(invoices, key=lambda n: (invoices[n]["issue"], invoices[n]["line"]))
        rank = {number: i for i, number in enumerate(oldest_first)}  # an invoice's id for the rule
        credits = sorted(open_credits, key=lambda c: (c[0].day, c[0].line))  # a credit's id: its place here
        named = [_named(credit, invoices) for credit, _rest in credits]
        opens = [OpenInvoice(rank[n], n, _day(invoices[n]["issue"]), _day(invoices[n]["issue"]),
                             invoices[n]["amount"] - invoices[n]["paid"])
                 for n in oldest_first if invoices[n]["amount"] > invoices[n]["paid"]]
        allocations, _left = allocate([CreditNote(i, "", _day(credit.day), rest, rank.get(named[i] or ""))
                                       for i, (credit, rest) in enumerate(credits)], opens)
        by_credit: dict[int, list[Allocation]] = {}
        for a in allocations:
            by_credit.setdefault(a.credit_note_id, []).append(a)
        for i, (credit, rest) in enumerate(credits):
            what = "avoir" if credit.note else "paiement"
            for a in by_credit.get(i, ()):
                rule = _RULES[a.rule]
                _count(report, rule)
                report.allocations.append(f"{self.aux} ligne {credit.line} : {what} {format_cents(a.cents)} "
                                          f"({credit.piece or credit.label}) → {a.invoice_number} ({rule})")
                self.settle(a.invoice_number, credit, a.cents,
                            credit.piece or credit.label or f"{credit.journal} {credit.num}", rule, credit.line)
                rest -= a.cents
            if rest > 0:  # more than all it owes: an unapplied credit reduces the balance as a credit note
                self._unapplied(credit, rest, named[i])

    def _unapplied(self, credit: fec_store.FecRow, rest: int, named: str | None) -> None:
        ref = _credit_ref(credit, self.invoices)
        # a credit note keeps its own number ("AV-2026-005"); any other credit is marked as one ("AV-VIR999")
        number = ref if credit.note and key(ref).startswith("av") and ref not in self.invoices else f"AV-{ref}"
        rule = "avoir non affecté"
        _count(self.report, rule)
        what = "avoir" if credit.note else "paiement"
        self.report.allocations.append(f"{self.aux} ligne {credit.line} : {what} {format_cents(rest)} "
                                       f"({credit.piece or credit.label}) → {number} ({rule})")
        note = self.credit_notes.setdefault(number, [credit.line, credit.day, 0, ""])
        note[1] = min(note[1], credit.day)
        note[2] -= rest
        if credit.note and named:
            note[3] = named

    def staged(self) -> tuple[list[tuple], list[tuple]]:
        """The invoices and unapplied credits as store/staging.py stages them (INVOICE_COLUMNS), and the
        dated payments and credits applied (PAYMENT_COLUMNS)."""
        aux, auxlib = self.aux, self.auxlib
        payments = [(line, number, aux, "", day, cents, reference, rule, "", kind)
                    for (number, day, kind, reference, rule), (line, cents) in self.parts.items()]
        last_day: dict[str, str] = {}
        for p in payments:
            last_day[p[1]] = max(last_day.get(p[1], p[4]), p[4])
        nkey = name_key(auxlib)
        staged = []
        for number, inv in self.invoices.items():
            paid_date = last_day.get(number) if inv["paid"] >= inv["amount"] else None
            fingerprint = f"{aux}|{inv['issue']}|{inv['amount']}|{inv['paid']}"
            staged.append((inv["line"], number, aux, auxlib, nkey, "", "", inv["issue"], None, inv["amount"],
                           inv["paid"], paid_date, "", "", "", "", "", "", "EUR", fingerprint,
                           pack_raw([aux, number]), f"C{aux}", "", "", "", None, ""))
        for number, (line, day, cents, origin) in self.credit_notes.items():
            staged.append((line, number, aux, auxlib, nkey, "", "", day, day, cents, None, None, "", "", "", "",
                           "", "", "EUR", f"{aux}|{day}|{cents}", pack_raw([aux, number]), f"C{aux}", origin,
                           "", "", None, ""))
        return staged, payments


_LABEL_WORDS = re.compile(r"[\s,;:()\[\]°#]+")


def _named(credit: fec_store.FecRow, numbers: Container[str]) -> str | None:
    """The invoice a credit line names: its PieceRef, else a word of its label ("Règlement FA-2026-001")."""
    if credit.piece in numbers:
        return credit.piece
    return next((w for w in _LABEL_WORDS.split(credit.label) if w and w in numbers), None)


def _credit_ref(credit: fec_store.FecRow, invoices: dict) -> str:
    """What names a credit line's own document: its PieceRef when that is its own and names no invoice of
    this customer (a credit note's PieceRef often is the invoice it cancels), else its journal entry."""
    if credit.piece and credit.own_piece and credit.piece not in invoices:
        return credit.piece
    return _entry_number(credit) + (f"-{credit.aux}" if credit.multi_aux else "")
