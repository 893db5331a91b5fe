"""FEC (fichier des écritures comptables) imports: reading its customer-account (411) lines, and what
their entries' other lines and journals say they are (a sale, a credit note, a payment).

The lines are staged in store/fec.py; io/import_fec_allocation.py then turns each customer's lines into
invoices and dated payments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from relance_tui.domain.money import format_cents
from relance_tui.domain.parsing import NumberFormat, detect_date_format, detect_number_format, parse_amount, parse_date
from relance_tui.domain.text import key
from relance_tui.io.columns import MappingProblem, absent_columns
from relance_tui.io.import_report import Detection, ImportReport, Problem
from relance_tui.io.textfile import TextFormat
from relance_tui.store import fec as fec_store

FEC_COLUMNS = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
               "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
               "ValidDate", "Montantdevise", "Idevise")
FEC_REQUIRED = ("JournalCode", "EcritureNum", "EcritureDate", "CompteNum", "PieceRef", "EcritureLet")
OPENING_JOURNALS = {"an", "ran", "anouv", "ouv", "a nouveaux"}


# What the columns mean: LPF art. A47 A-1 (VII, 1°) and BOI-CF-IOR-60-40-20
# (https://bofip.impots.gouv.fr/bofip/9028-PGP.html): EcritureNum is "le numéro sur une séquence continue
# de l'écriture comptable", a numbering that "peut être unique sur l'ensemble du fichier ou être propre à
# chaque journal" (§ 100); PieceRef is "la référence de la pièce justificative", free text the law does not
# make unique. So a journal entry is (JournalCode, EcritureNum), and an invoice is named by its PieceRef only
# when that names one document: see io/import_fec_allocation.py.
def is_fec_header(headers: list[str]) -> bool:
    names = {h.strip().lower() for h in headers}
    return {"journalcode", "ecriturenum", "comptenum", "ecriturelet"} <= names


# PieceRef values that name no document, as exports fill a mandatory column: punctuation alone ("-", "/",
# ".", "*"), zeros ("0", "000"), and these words (folded by domain.text.key).
PIECE_PLACEHOLDERS = frozenset({"nc", "n c", "na", "n a", "nd", "n d", "sans", "sans ref", "sans reference",
                                "sans piece", "neant", "aucun", "aucune", "none", "null", "nil", "x", "xx", "xxx"})


def is_placeholder_piece(text: str) -> bool:
    folded = key(text)
    return not folded or set(folded) <= {"0"} or folded in PIECE_PLACEHOLDERS


# Which other lines of an entry say what its customer-account lines are (plan comptable général):
# revenue (class 7, 709 "rabais, remises et ristournes accordés" included) or output VAT (4457) make it a
# sale or a credit note; a treasury account (class 5: banks 512, cash 53, cheques to cash 5112) a payment.
SALES_ACCOUNTS = ("7", "4457")
TREASURY_ACCOUNTS = ("5",)
# For a file without those other lines (an extract of the customer ledger), journals by code or label.
TREASURY_JOURNAL_WORDS = ("banque", "caisse", "tresorerie", "reglement", "encaissement", "cheque", "virement",
                          "effet", "lcr", "prelevement")
TREASURY_JOURNAL_CODES = ("bq", "bnq", "bk", "bank", "ban", "ca", "cai", "caisse", "cs", "ch", "chq", "lcr", "tr")
MISC_JOURNAL_WORDS = ("operations diverses", "od", "divers")


@dataclass
class FecLine:
    line: int
    aux: str
    auxlib: str
    journal: str
    num: str
    date: dt.date
    piece: str  # '' when the file has a placeholder
    piece_date: dt.date | None
    label: str
    debit: int
    credit: int
    letter: str
    datelet: dt.date | None
    open: bool
    after: bool  # dated after --as-of: counts for the lettering check only

    def staged(self) -> tuple:
        """The line as store/fec.py stages it (LINE_COLUMNS)."""
        return (self.line, self.aux, self.auxlib, self.journal, self.num, self.date.isoformat(), self.piece,
                self.piece_date.isoformat() if self.piece_date else None, self.label, self.debit, self.credit,
                self.letter, self.datelet.isoformat() if self.datelet else None, int(self.open), int(self.after))


class FecReader:
    """Reads the customer-account (411) lines of a FEC, and what the other lines of their entries are."""

    def __init__(self, headers: list[str], number: NumberFormat, date_format: str, as_of: dt.date):
        lower = {h.strip().lower(): i for i, h in enumerate(headers)}
        self.idx = {name: lower.get(name.lower()) for name in (*FEC_COLUMNS, "Montant", "Sens")}
        self.decimal = number.decimal
        self.date_format = date_format
        self.as_of = as_of
        self.signed = self.idx["Debit"] is None or self.idx["Credit"] is None
        self.journal_labels: dict[str, str] = {}  # the journals of customer-account lines
        self.marks: list[tuple[str, str, int, int]] = []  # (journal, num, sales, treasury): drained by the caller
        self.other_lines = False  # the file has lines outside customer accounts (a whole FEC, not an extract)
        self._entry: tuple[str, str] | None = None
        self._flags = (0, 0)

    @staticmethod
    def missing_columns(headers: list[str]) -> list[str]:
        lower = {h.strip().lower() for h in headers}
        missing = [c for c in FEC_REQUIRED if c.lower() not in lower]
        if not ({"debit", "credit"} <= lower or {"montant", "sens"} <= lower):
            missing.append("Debit/Credit (ou Montant/Sens)")
        return missing

    def get(self, fields: list[str], name: str) -> str:
        i = self.idx[name]
        return fields[i].strip() if i is not None and i < len(fields) else ""

    def _mark(self, fields: list[str], account: str) -> None:
        sales, treasury = int(account.startswith(SALES_ACCOUNTS)), int(account.startswith(TREASURY_ACCOUNTS))
        if not (sales or treasury):
            return
        entry = (self.get(fields, "JournalCode"), self.get(fields, "EcritureNum"))
        if entry != self._entry:  # the lines of an entry usually follow one another: one mark per entry
            self.flush_marks()
            self._entry = entry
        self._flags = (self._flags[0] | sales, self._flags[1] | treasury)

    def flush_marks(self) -> None:
        if self._entry is not None and any(self._flags):
            self.marks.append((*self._entry, *self._flags))
        self._entry, self._flags = None, (0, 0)

    def parse(self, line: int, fields: list[str]) -> tuple[FecLine | None, list[Problem]]:
        account = self.get(fields, "CompteNum")
        if not account.startswith("411"):
            self.other_lines = True
            self._mark(fields, account)
            return None, []
        problems: list[Problem] = []

        def date_of(name: str, required: bool) -> dt.date | None:
            text = self.get(fields, name)
            if not text:
                if required:
                    problems.append(Problem(line, name, "date vide"))
                return None
            try:
                return parse_date(text, self.date_format)
            except ValueError as exc:
                problems.append(Problem(line, name, str(exc)))
                return None

        def amount_of(name: str) -> int:
            text = self.get(fields, name)
            if not text:
                return 0
            try:
                return parse_amount(text, self.decimal)
            except ValueError as exc:
                problems.append(Problem(line, name, str(exc)))
                return 0

        date = date_of("EcritureDate", True)
        piece_date = date_of("PieceDate", False)
        datelet = date_of("DateLet", False)
        if self.signed:
            amount = amount_of("Montant")
            sens = self.get(fields, "Sens").upper()
            if sens in ("D", "+1", "1"):
                debit, credit = amount, 0
            elif sens in ("C", "-1"):
                debit, credit = 0, amount
            else:
                problems.append(Problem(line, "Sens", f"attendu D ou C (ou +1/-1) ({self.get(fields, 'Sens')})"))
                debit = credit = 0
        else:
            debit, credit = amount_of("Debit"), amount_of("Credit")
        if debit < 0 or credit < 0:  # a negative debit is a credit, and vice versa
            debit, credit = max(debit, 0) - min(credit, 0), max(credit, 0) - min(debit, 0)
        if problems or date is None:
            return None, problems
        letter = self.get(fields, "EcritureLet")
        is_open = not letter or (datelet is not None and datelet > self.as_of)
        aux = self.get(fields, "CompAuxNum") or account
        auxlib = self.get(fields, "CompAuxLib") or self.get(fields, "CompteLib") or aux
        journal = self.get(fields, "JournalCode")
        if journal not in self.journal_labels:
            self.journal_labels[journal] = self.get(fields, "JournalLib")
        piece = self.get(fields, "PieceRef")
        return FecLine(line, aux, auxlib, journal, self.get(fields, "EcritureNum"), date,
                       "" if is_placeholder_piece(piece) else piece, piece_date, self.get(fields, "EcritureLib"),
                       debit, credit, letter, datelet, is_open, date > self.as_of), []


def detect_fec(fmt: TextFormat, headers: list[str], sample: list[list[str]], header_line: int) -> Detection:
    """A FEC's number and date formats, from a sample of its rows; a required column missing refuses it."""
    missing = FecReader.missing_columns(headers)
    if missing:
        raise MappingProblem(f"FEC : {absent_columns(missing)}")
    lower = [h.strip().lower() for h in headers]
    amount_cols = [lower.index(c) for c in ("debit", "credit", "montant") if c in lower]
    numbers = detect_number_format(f[i] for f in sample for i in amount_cols if i < len(f))
    date_i = lower.index("ecrituredate")
    date_fmt = detect_date_format(f[date_i] for f in sample if date_i < len(f)) or "YYYYMMDD"
    return Detection("fec", fmt, numbers, {"EcritureDate": date_fmt},
                     [f"{len(headers)} colonnes FEC" + (" (Montant + Sens)" if "sens" in lower else "")],
                     header_line=header_line)


def is_opening(journal: str) -> bool:
    return key(journal) in OPENING_JOURNALS or key(journal).startswith("a nouveau")


def _is_sales_journal(code: str, label: str, debits: bool) -> bool:
    """For a file that holds only customer-account lines: is this the journal of invoices and credit notes?
    One named so (ventes, avoirs, factures), or one that also debits customer accounts, unless it is the
    opening, a treasury or a misc journal."""
    folded_code, folded_label = key(code), key(label)
    if is_opening(code) or is_opening(label):
        return False
    if "vente" in folded_label or "avoir" in folded_label or "factur" in folded_label:
        return True
    if folded_code.replace(" ", "") in TREASURY_JOURNAL_CODES or folded_code.startswith(("bq", "bnq", "bank")):
        return False
    if any(w in folded_label for w in TREASURY_JOURNAL_WORDS) or folded_code == "od" \
            or any(f" {w} " in f" {folded_label} " for w in MISC_JOURNAL_WORDS):
        return False
    return debits


def classify_fec(conn, reader: FecReader) -> None:
    """Once every line is staged: which references name one document, which credits are credit notes."""
    reader.flush_marks()
    if reader.marks:
        fec_store.stage_marks(conn, reader.marks)
        reader.marks.clear()
    fec_store.mark_shared_pieces(conn)
    if reader.other_lines:  # each entry says what it is
        fec_store.mark_credit_notes(conn)
    else:  # an extract of the customer ledger: its journals do
        fec_store.mark_credit_notes(conn, [j for j, debits in fec_store.journals(conn)
                                           if _is_sales_journal(j, reader.journal_labels.get(j, ""), debits)])


def check_lettering(conn, report: ImportReport) -> None:
    """Each lettering balances (its debits and credits agree); one that does not refuses the file."""
    for aux, letter, line, debit, credit in fec_store.unbalanced_letterings(conn):
        report.fatal = True
        report.problems.append(Problem(line, "EcritureLet", (
            f"lettrage « {letter} » du compte {aux} déséquilibré : débit {format_cents(debit)}, "
            f"crédit {format_cents(credit)}")))
