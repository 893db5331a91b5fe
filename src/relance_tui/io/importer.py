"""``relance import``: accounting exports (CSV, FEC, payments) into the shared database.

Flow, all or nothing:
1. detect the format from the file's head (encoding, separator, columns,
   decimal mark, date formats) and report it before anything is written;
2. stream every row, check it, stage the valid ones in TEMP tables (no lock
   on the shared file), collect every problem as ``file:line: field: what``;
3. unless there were problems (or ``--skip-invalid`` says to set them aside),
   merge in one ``BEGIN IMMEDIATE`` transaction that also writes the events.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from collections import Counter
from collections.abc import Callable, Container, Iterator
from contextlib import suppress
from itertools import islice
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from relance_tui.domain.identifiers import bce_valid, format_bce, normalise_bce, siren_valid, siret_valid
from relance_tui.domain.money import format_cents
from relance_tui.domain.parsing import (
    DATE_LABELS,
    NumberFormat,
    detect_date_format,
    detect_number_format,
    parse_amount,
    parse_date,
)
from relance_tui.domain.text import clean, key, name_key
from relance_tui.errors import RelanceError
from relance_tui.io.columns import (
    IGNORE,
    INVOICE_FIELDS,
    PAYMENT_FIELDS,
    ColumnMap,
    MappingProblem,
    Unplaced,
    UnplacedColumns,
    classify_doc_type,
    classify_status,
    country_code,
    header_key,
    known_names,
    map_columns,
    origin_in_label,
    split_ignored,
)
from relance_tui.io.outputs import Protected, check_output_target, open_output_file
from relance_tui.io.textfile import MAX_COLUMNS, FileProblem, Rows, TextFormat, detect_format, sha256_of
from relance_tui.store import fec as fec_store
from relance_tui.store import imports as st
from relance_tui.store import staging
from relance_tui.store.connection import Store

if TYPE_CHECKING:
    from sqlite_utils import Database

MAX_PROBLEMS_SHOWN = 50
SAMPLE_ROWS = 500
BATCH = 2_000
KINDS = ("invoices", "payments", "fec")
KIND_LABELS = {"invoices": "factures", "payments": "paiements", "fec": "FEC (écritures comptables)"}

FEC_COLUMNS = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
               "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
               "ValidDate", "Montantdevise", "Idevise")
FEC_REQUIRED = ("JournalCode", "EcritureNum", "EcritureDate", "CompteNum", "PieceRef", "EcritureLet")
OPENING_JOURNALS = {"an", "ran", "anouv", "ouv", "a nouveaux"}


class ImportRefused(RelanceError):
    """Nothing was imported; ``problems`` says why, line by line."""

    exit_code = 11

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(report.problem_summary())


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    message: str

    def format(self, file_label: str) -> str:
        where = f"{file_label}:{self.line}" if self.line else file_label
        return f"{where}: {self.field}: {self.message}"


@dataclass
class Detection:
    kind: str
    text: TextFormat
    number: NumberFormat | None = None
    dates: dict[str, str] = field(default_factory=dict)  # field name -> format
    columns: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    cmap: ColumnMap | None = None
    header_line: int = 1  # a report-style export has title lines above its header

    def lines(self) -> list[str]:
        out = [f"Type : {KIND_LABELS[self.kind]}", f"Format : {self.text.describe()}"]
        if self.header_line > 1:
            out.append(f"En-tête : ligne {self.header_line} (les lignes de titre au-dessus sont ignorées)")
        if self.number:
            out.append(f"Nombres : {self.number.describe()}")
        if self.dates:
            out.append("Dates : " + ", ".join(f"{LABEL.get(k, k)} {DATE_LABELS[v]}" for k, v in self.dates.items()))
        if self.columns:
            out.append("Colonnes : " + " ; ".join(self.columns))
        if self.ignored:
            out.append("Colonnes ignorées : " + ", ".join(self.ignored))
        return out


@dataclass
class ImportReport:
    path: Path
    sha256: str = ""
    detection: Detection | None = None
    rows: int = 0
    valid: int = 0
    duplicates: int = 0
    problems: list[Problem] = field(default_factory=list)
    counts: st.MergeCounts | None = None
    allocations: list[str] = field(default_factory=list)
    allocation_rules: dict[str, int] = field(default_factory=dict)
    opening_lines: int = 0
    credit_notes_lettered: int = 0  # FEC: credits from credit notes lettered with their invoices
    rejects_path: Path | None = None
    rejected: int = 0
    dry_run: bool = False
    previous_import: tuple[str, str] | None = None
    fatal: bool = False  # a problem --skip-invalid cannot set aside (the file as a whole is wrong)
    notes: list[str] = field(default_factory=list)  # rows set aside on purpose (totals, drafts...), and why
    unplaced: list[Unplaced] = field(default_factory=list)  # columns to place before the import can run

    @property
    def label(self) -> str:
        return clean(self.path.name)  # a file's name is the sender's text too: it is printed

    def problem_lines(self, limit: int = MAX_PROBLEMS_SHOWN) -> list[str]:
        lines = [p.format(self.label) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"... et {len(self.problems) - limit} autre(s) problème(s) ({len(self.problems)} en tout)")
        return lines

    def problem_summary(self) -> str:
        return (f"{self.label} : import refusé, rien n'a été importé ({len(self.problems)} problème(s)).\n"
                + "\n".join(self.problem_lines()))

    def summary_lines(self) -> list[str]:
        c = self.counts
        head = "Simulation (--dry-run) : rien n'a été écrit." if self.dry_run else "Import terminé."
        kept = "sur des comptes clients (411)" if self.detection and self.detection.kind == "fec" else "valides"
        out = [f"{head} {self.rows} ligne(s) lues, {self.valid} {kept}"
               + (f", {self.duplicates} doublon(s) identique(s) ignoré(s)" if self.duplicates else "")
               + (f", {self.rejected} rejetée(s) vers {clean(str(self.rejects_path))}" if self.rejected else "")
               + "."]
        if c:
            out.append(f"Débiteurs : {c.debtors_created} créé(s), {c.debtors_updated} complété(s) ; "
                       f"contacts créés : {c.contacts_created}")
            out.append(f"Factures : {c.invoices_created} nouvelle(s) (dont {c.credit_notes} avoir(s)), "
                       f"{c.invoices_updated} modifiée(s), {c.unchanged} inchangée(s), "
                       f"{c.invoices_paid} soldée(s)" + (f", {c.closed_by_full} absente(s) de l'export complet "
                                                         "considérée(s) payée(s)" if c.closed_by_full else ""))
            out.append(f"Paiements enregistrés : {c.payments_created}"
                       + (f" ({c.payments_skipped} déjà connu(s))" if c.payments_skipped else "")
                       + f" ; événements ajoutés à la chronologie : {c.events}")
        if self.notes:
            out.append(f"Remarques ({len(self.notes)}) :")
            out += [f"  {n}" for n in self.notes[:MAX_PROBLEMS_SHOWN]]
            if len(self.notes) > MAX_PROBLEMS_SHOWN:
                out.append(f"  ... et {len(self.notes) - MAX_PROBLEMS_SHOWN} autre(s)")
        if self.opening_lines:
            out.append(f"À-nouveaux : {self.opening_lines} ligne(s) d'ouverture reprises comme factures")
        if self.credit_notes_lettered:
            out.append(f"Avoirs lettrés : {self.credit_notes_lettered} imputé(s) sur les factures lettrées avec eux")
        if self.allocation_rules:
            rules = ", ".join(f"{n} {r}" for r, n in sorted(self.allocation_rules.items()))
            out.append(f"Crédits non lettrés affectés : {rules}")
            out += [f"  {a}" for a in self.allocations[:20]]
            if len(self.allocations) > 20:
                out.append(f"  ... et {len(self.allocations) - 20} autre(s)")
        return out


class _DryRun(Exception):
    """Raised at the end of a --dry-run merge, so that its transaction rolls back."""


# -- rejects -----------------------------------------------------------------------------------
class RejectsWriter:
    """The rows set aside by --skip-invalid, as CSV with the reason per row."""

    def __init__(self, path: Path, headers: list[str], separator: str, protected: Protected | None = None,
                 *, overwrite: bool = False):
        self.path = path
        self.overwrite = overwrite
        self.headers = headers
        self.separator = separator
        self.protected = protected or Protected()
        self.rows: list[tuple[int, list[str], str]] = []

    def add(self, line: int, fields: list[str], reason: str) -> None:
        self.rows.append((line, fields, reason))

    def write(self) -> None:
        # an existing file only when the person said so; never the database, the settings or the templates
        with open_output_file(self.path, self.protected, overwrite=self.overwrite, encoding="utf-8-sig") as fh:
            out = csv.writer(fh, delimiter=self.separator)
            out.writerow(["ligne", *self.headers, "motif du rejet"])
            for line, fields, reason in sorted(self.rows, key=lambda r: r[0]):
                out.writerow([line, *fields, reason])


def _free_rejects_name(path: Path) -> Path:
    """``<file>.rejets.csv`` beside ``path``, or the first ``<file>.rejets-N.csv`` nothing (not even a link)
    holds yet."""
    n = 1
    while True:
        name = path.with_name(f"{path.stem}.rejets{'' if n == 1 else f'-{n}'}.csv")
        if not os.path.lexists(name):
            return name
        n += 1


# -- CSV invoices ------------------------------------------------------------------------------
INVOICE_REQUIRED = ("number", "issue_date", "amount")
INVOICE_LABELS = {f.name: f.label for f in INVOICE_FIELDS}
PAYMENT_LABELS = {f.name: f.label for f in PAYMENT_FIELDS}
LABEL = PAYMENT_LABELS | INVOICE_LABELS  # for headings; parsers use their own set


def _get(fields: list[str], cmap: dict[str, int], name: str) -> str:
    i = cmap.get(name)
    if i is None or i >= len(fields):
        return ""
    return fields[i].strip()


RAW_SEP = "\x1f"  # ASCII unit separator: the raw fields of a row, kept for the rejects file


def pack_raw(fields: list[str]) -> str:
    return RAW_SEP.join(fields)


def unpack_raw(raw: str) -> list[str]:
    return raw.split(RAW_SEP)


def _parse_siren(text: str) -> tuple[str, str]:
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 9 and siren_valid(digits):
        return digits, ""
    if len(digits) == 14 and siret_valid(digits):
        return digits[:9], digits
    if len(digits) in (9, 14):
        raise ValueError(f"{'SIREN' if len(digits) == 9 else 'SIRET'} invalide, clé de contrôle fausse ({text})")
    raise ValueError(f"SIREN ou SIRET attendu (9 ou 14 chiffres) ({text})")


def _parse_enterprise_number(text: str, what: str = "numéro d'entreprise") -> str:
    """A Belgian enterprise number (BCE/KBO) as its ten digits, its check digits verified; a VAT number
    'BE0123456749' gives the same digits."""
    number = normalise_bce(text)
    if number[:2].isalpha():
        raise ValueError(f"{what} belge attendu, comme 0123.456.749 ou BE0123456749 ({text})")
    if len(number) != 10 or not number.isdigit():
        raise ValueError(f"{what} belge attendu : 10 chiffres, comme 0123.456.749 ({text})")
    if number[0] not in "01":
        raise ValueError(f"{what} invalide : un numéro belge commence par 0 ou 1 ({text})")
    if not bce_valid(number):
        raise ValueError(f"{what} invalide, clé de contrôle fausse ({text})")
    return number


def _enterprise_number_of_vat(text: str, country: str) -> str:
    """The enterprise number a VAT number gives: a Belgian one ('BE0123456749', or its digits alone for a
    debtor the file places in Belgium); '' for another country's, which relance does not keep."""
    compact = "".join(ch for ch in text if ch.isalnum()).upper()
    if compact.startswith("BE") or (country == "BE" and compact.isdigit()):
        return _parse_enterprise_number(text, "numéro de TVA")
    return ""


class InvoiceRowParser:
    """One row of an invoice export -> one staged invoice; rows set aside on purpose (a draft, a cancelled
    invoice) leave a note in ``notes``. An export with one row per payment of an invoice (a payment date
    column) also gives dated payments, in ``payments``: the same invoice on several rows becomes one
    invoice, its payments dated, so that penalties run on real payment dates."""

    def __init__(self, cmap: ColumnMap, number: NumberFormat, dates: dict[str, str]):
        self.pairs = tuple(cmap.fields.items())
        self.decimal = number.decimal
        self.dates = dates
        names = set(cmap.fields)
        self.per_payment = "pay_date" in names and bool(names & {"pay_amount", "paid"})
        self.payment_field = "pay_amount" if "pay_amount" in names else "paid"
        self.has_amounts = bool(names & {"paid", "remaining", "pay_amount"})
        self.notes: list[tuple[int, str]] = []
        self.payments: list[tuple] = []
        self.paid_undated = 0  # invoices with a paid figure and no payment date

    def parse(self, line: int, fields: list[str]) -> tuple[tuple | None, list[Problem]]:
        problems: list[Problem] = []
        width = len(fields)
        values = {name: fields[i].strip() for name, i in self.pairs if i < width}
        get = values.get

        def bad(name: str, message: str) -> None:
            problems.append(Problem(line, INVOICE_LABELS[name], message))

        number = get("number", "")
        # what the export says of the document: never issued or cancelled -> not owed, set aside with a note
        status_text = get("status", "")
        status = classify_status(status_text)
        states = {status, classify_status(get("state", ""))}
        if "draft" in states or "void" in states:
            what = "brouillon (jamais émise)" if "draft" in states else "annulée"
            self.notes.append((line, f"facture {number or '?'} {what} selon l'export : non importée"))
            return None, []
        kind = classify_doc_type(get("doc_type", "")) if "doc_type" in values else "invoice"
        if kind == "payment":
            bad("doc_type", f"ligne de paiement ({get('doc_type')}) dans un export de factures : importez les "
                            "paiements dans un fichier à part (--kind payments)")
        elif not kind:
            bad("doc_type", f"type de pièce inconnu ({get('doc_type')}) : attendu facture ou avoir")
        if not number:
            bad("number", "numéro de facture vide")
        name = get("debtor_name", "")
        code = get("debtor_code", "")
        if not name and not code:
            bad("debtor_name", "ni nom ni code client")
        siren = siret = ""
        raw_siren = get("siren", "")
        if raw_siren:
            try:
                siren, siret = _parse_siren(raw_siren)
            except ValueError as exc:
                bad("siren", str(exc))
        country = ""  # '' when the file does not say (the merge then decides: Belgium for a BCE number, else as is)
        raw_country = get("country", "")
        if raw_country:
            found = country_code(raw_country)
            if found is None:
                bad("country", f"pays inconnu ({raw_country}) : attendu un code ISO (FR, BE, LU...) ou un nom de "
                               "pays (France, Belgique, België, Belgium...)")
            else:
                country = found
        bce = ""
        raw_bce = get("enterprise_number", "")
        if raw_bce:
            try:
                bce = _parse_enterprise_number(raw_bce)
            except ValueError as exc:
                bad("enterprise_number", str(exc))
        raw_vat = get("vat_number", "")
        if raw_vat:
            try:
                from_vat = _enterprise_number_of_vat(raw_vat, country)
            except ValueError as exc:
                bad("vat_number", str(exc))
            else:
                if from_vat and bce and from_vat != bce:
                    bad("vat_number", f"{raw_vat} ne correspond pas au numéro d'entreprise {format_bce(bce)}")
                bce = bce or from_vat
        days: dict[str, dt.date | None] = {}
        for fname in ("issue_date", "due_date", "pay_date", "last_pay_date", "delivery_date"):
            days[fname] = None
            text = get(fname, "")
            if not text:
                if fname == "issue_date":
                    bad(fname, "date vide")
                continue
            fmt = self.dates.get(fname)
            try:
                value = parse_date(text, fmt) if fmt else None
                if value is None:
                    raise ValueError(f"date illisible ({text})")
            except ValueError as exc:
                bad(fname, str(exc))
                continue
            days[fname] = value
        issue, due = days["issue_date"], days["due_date"]
        if issue and due and due < issue:
            bad("due_date", f"échéance {due:%d/%m/%Y} antérieure à la date de facture {issue:%d/%m/%Y}")
        amounts: dict[str, int | None] = {}
        for fname in ("amount", "paid", "remaining", "pay_amount"):
            text = get(fname, "")
            if not text:
                if fname == "amount":
                    bad(fname, "montant vide")
                amounts[fname] = None
                continue
            try:
                amounts[fname] = parse_amount(text, self.decimal)
            except ValueError as exc:
                bad(fname, str(exc))
                amounts[fname] = None
        if kind == "credit":  # an "Avoir" row with a positive amount is a credit note: its figures are negative
            amounts = {k: (-abs(v) if v is not None and k in ("amount", "remaining") else v)
                       for k, v in amounts.items()}
        payment = None
        if self.per_payment and kind != "credit":
            # this row's payment; the invoice's paid figure is the sum of its payments (settled after staging)
            payment = amounts[self.payment_field] if days["pay_date"] else None
            if self.payment_field == "paid":
                amounts["paid"] = None
            if payment is not None and payment < 0:
                bad(self.payment_field, f"paiement négatif ({format_cents(payment)})")
                payment = None
        amount, paid, remaining = amounts["amount"], amounts["paid"], amounts["remaining"]
        if amount is not None:
            if paid is None and remaining is not None:
                paid = amount - remaining
            elif paid is not None and remaining is not None and paid + remaining != amount:
                bad("remaining", f"réglé {format_cents(paid)} + reste dû {format_cents(remaining)} "
                                 f"≠ montant {format_cents(amount)}")
            if amount > 0 and paid is not None:
                if paid > amount:
                    bad("paid", f"réglé {format_cents(paid)} supérieur au montant {format_cents(amount)}")
                elif paid < 0:
                    bad("paid", f"montant réglé négatif ({format_cents(paid)})")
            if amount > 0 and "status" in values:
                paid = self._status_says(status, status_text, amount, paid, bad)
            if amount < 0:
                # a credit note: what the accounts already applied of it is (amount - remaining), between
                # the amount and zero; without a remaining figure relance applies all of it (domain/credits.py)
                paid = amount - remaining if remaining is not None else None
                if paid is not None and not amount <= paid <= 0:
                    bad("remaining", f"reste {format_cents(remaining)} hors de l'avoir {format_cents(amount)}")
            if amount == 0:
                bad("amount", "montant nul")
        if problems:
            return None, problems
        nkey = name_key(name)
        debtor_key = f"C{code}" if code else f"S{siren}" if siren else f"B{bce}" if bce else f"N{nkey}"
        currency = get("currency", "").upper().replace("€", "EUR") or "EUR"
        delivery = days["delivery_date"]
        fingerprint = "|".join(str(x) for x in (debtor_key, issue, due, amount,
                                                None if self.per_payment else paid, delivery))
        paid_on = days["last_pay_date"] or (days["pay_date"] if not self.per_payment else None)
        paid_date = paid_on.isoformat() if paid_on and amount > 0 and paid is not None and paid >= amount else None
        if amount > 0 and paid and paid_on is None and not self.per_payment:
            self.paid_undated += 1
        origin = ""
        if amount < 0:  # the invoice a credit note reduces: its own column, else its label names it
            origin = get("origin", "") or origin_in_label(get("label", ""), number)
        if payment:
            self.payments.append((line, number, code, nkey, days["pay_date"].isoformat(), payment,
                                  get("pay_reference", ""), "", pack_raw(fields), "payment"))
        return (line, number, code, name or code, nkey, siren, siret, issue.isoformat(),
                due.isoformat() if due else None, amount, paid, paid_date, get("email", ""),
                get("phone", ""), get("contact", ""), get("address", ""),
                get("postcode", ""), get("city", ""), currency[:3], fingerprint,
                pack_raw(fields), debtor_key, origin, country, bce,
                delivery.isoformat() if delivery else None), []

    def _status_says(self, status: str, text: str, amount: int, paid: int | None, bad) -> int | None:
        """An invoice the export calls paid is never imported as open; a status that contradicts the
        figures is a problem, not a guess."""
        if status == "paid":
            if paid is None:
                return amount  # a payments column, if any, is checked against it once staged
            if paid < amount:
                bad("status", f"« {text} » mais réglé {format_cents(paid)} sur {format_cents(amount)}")
        elif status == "partial":
            if paid is None and not self.per_payment:
                bad("status", f"« {text} » sans le montant réglé ni le reste dû : ajoutez la colonne du reste "
                              "dû à l'export (ou --map remaining=COLONNE)")
            elif paid is not None and not 0 < paid < amount:
                bad("status", f"« {text} » mais réglé {format_cents(paid)} sur {format_cents(amount)}")
        elif status == "open":
            if paid is not None and paid >= amount:
                bad("status", f"« {text} » mais entièrement réglée ({format_cents(paid)})")
        elif text and paid is None and not self.per_payment:
            bad("status", f"statut inconnu « {text} » : relance ne sait pas si la facture est payée "
                          "(statuts compris : payée, partiellement payée, en retard, à régler, brouillon, "
                          "annulée...) ; ou donnez le reste dû (--map remaining=COLONNE)")
        return paid


class PaymentRowParser:
    def __init__(self, cmap: ColumnMap, number: NumberFormat, dates: dict[str, str]):
        self.cols = cmap.fields
        self.decimal = number.decimal
        self.date_format = dates.get("pay_date")

    def parse(self, line: int, fields: list[str]) -> tuple[tuple | None, list[Problem]]:
        problems: list[Problem] = []
        cols = self.cols

        def bad(name: str, message: str) -> None:
            problems.append(Problem(line, PAYMENT_LABELS[name], message))

        number = _get(fields, cols, "number")
        code = _get(fields, cols, "debtor_code")
        name = _get(fields, cols, "debtor_name")
        if not (number or code or name):
            bad("number", "ni numéro de facture ni client : impossible de savoir ce que ce paiement règle")
        day = None
        text = _get(fields, cols, "pay_date")
        try:
            if not text:
                raise ValueError("date vide")
            day = parse_date(text, self.date_format) if self.date_format else None
            if day is None:
                raise ValueError(f"date illisible ({text})")
        except ValueError as exc:
            bad("pay_date", str(exc))
        amount = None
        text = _get(fields, cols, "amount")
        try:
            if not text:
                raise ValueError("montant vide")
            amount = parse_amount(text, self.decimal)
            if amount <= 0:
                raise ValueError(f"un paiement est un montant positif ({text})")
        except ValueError as exc:
            bad("amount", str(exc))
        if problems:
            return None, problems
        return (line, number, code, name_key(name), day.isoformat(), amount, _get(fields, cols, "reference"), "",
                pack_raw(fields), "payment"), []


# -- FEC ------------------------------------------------------------------------------------------
# What the columns mean: LPF art. A47 A-1 (VII, 1°) and BOI-CF-IOR-60-40-20
# (https://bofip.impots.gouv.fr/bofip/9028-PGP.html): EcritureNum is "le numéro sur une séquence continue
# de l'écriture comptable", a numbering that "peut être unique sur l'ensemble du fichier ou être propre à
# chaque journal" (§ 100); PieceRef is "la référence de la pièce justificative", free text the law does not
# make unique. So a journal entry is (JournalCode, EcritureNum), and an invoice is named by its PieceRef only
# when that names one document: see _fec_invoice_number.
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


def _is_opening(journal: str) -> bool:
    return key(journal) in OPENING_JOURNALS or key(journal).startswith("a nouveau")


def _is_sales_journal(code: str, label: str, debits: bool) -> bool:
    """For a file that holds only customer-account lines: is this the journal of invoices and credit notes?
    One named so (ventes, avoirs, factures), or one that also debits customer accounts, unless it is the
    opening, a treasury or a misc journal."""
    folded_code, folded_label = key(code), key(label)
    if _is_opening(code) or _is_opening(label):
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
    aux, auxlib = rows[0].aux, rows[0].auxlib
    invoices: dict[str, dict] = {}
    number_of: dict[int, str] = {}  # debit line -> its invoice
    # an opening entry without usable references: each of its lines is an invoice of its own
    unnamed_opening = Counter((r.journal, r.num) for r in rows
                              if r.debit and _is_opening(r.journal) and not (r.piece and r.own_piece))
    rank: Counter[tuple[str, str]] = Counter()
    for row in rows:
        if not row.debit:
            continue
        seq = 0
        entry = (row.journal, row.num)
        if unnamed_opening[entry] > 1 and not (row.piece and row.own_piece):
            rank[entry] += 1
            seq = rank[entry]
        number = number_of[row.line] = _fec_invoice_number(row, seq)
        issue = row.piece_day or row.day
        inv = invoices.setdefault(number, {"line": row.line, "issue": issue, "amount": 0, "paid": 0})
        inv["amount"] += row.debit
        inv["issue"] = min(inv["issue"], issue)
        if _is_opening(row.journal):
            report.opening_lines += 1

    parts: dict[tuple, list[int]] = {}  # (number, day, kind, reference, rule) -> [line, cents]

    def apply(number: str, cents: int, day: str, kind: str, reference: str, rule: str, line: int) -> None:
        invoices[number]["paid"] += cents
        part = parts.setdefault((number, day, kind, reference, rule), [line, 0])
        part[1] += cents

    def settle(number: str, credit: fec_store.FecRow, cents: int, reference: str, rule: str, line: int) -> None:
        if credit.note:  # a credit note reduces the invoice from its own date, or the invoice's when later
            apply(number, cents, max(credit.day, invoices[number]["issue"]), "credit", reference, rule, line)
        else:
            apply(number, cents, credit.day, "payment", reference, rule, line)

    # -- lettered lines: each lettering settles its debits with its credits ------------------------------
    open_credits: list[tuple[fec_store.FecRow, int]] = []
    lettered: dict[str, list[fec_store.FecRow]] = {}
    for row in rows:
        if row.open:
            if row.credit:
                open_credits.append((row, row.credit))
        else:
            lettered.setdefault(row.letter, []).append(row)
    for letter, lines in lettered.items():
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
                settle(number, credit, part, ref, "lettrage", invoices[number]["line"])
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
        for credit, rest in credits:
            report.credit_notes_lettered += credit.note
            if rest:  # more than the debits lettered with it up to --as-of: an open credit
                open_credits.append((credit, rest))
        for r in debits:
            if debts[r.line]:  # its credit is not in the file up to --as-of: paid when it was lettered
                apply(number_of[r.line], debts[r.line], r.datelet or r.day, "payment", reference, "lettrage",
                      invoices[number_of[r.line]]["line"])

    # -- open credits: the invoice they name, else the oldest open ones ------------------------------------
    open_numbers = [n for n, inv in sorted(invoices.items(), key=lambda kv: (kv[1]["issue"], kv[1]["line"]))
                    if inv["amount"] > inv["paid"]]
    oldest = 0
    credit_notes: dict[str, list] = {}  # number -> [line, day, cents, origin]
    for credit, rest in sorted(open_credits, key=lambda c: (c[0].day, c[0].line)):
        what = "avoir" if credit.note else "paiement"
        shown = credit.piece or credit.label

        def give(number: str, rest: int, rule: str) -> int:
            inv = invoices[number]
            part = min(inv["amount"] - inv["paid"], rest)
            if part <= 0:
                return 0
            _count(report, rule)
            report.allocations.append(f"{aux} ligne {credit.line} : {what} {format_cents(part)} ({shown}) → "
                                      f"{number} ({rule})")
            settle(number, credit, part, credit.piece or credit.label or f"{credit.journal} {credit.num}", rule,
                   credit.line)
            return part

        named = _named(credit, invoices)
        if named:
            rest -= give(named, rest, "pièce nommée")
        while rest and oldest < len(open_numbers):
            number = open_numbers[oldest]
            if invoices[number]["amount"] <= invoices[number]["paid"]:
                oldest += 1
                continue
            rest -= give(number, rest, "plus ancienne facture")
        if rest > 0:  # more than all it owes: an unapplied credit reduces the balance as a credit note
            ref = _credit_ref(credit, invoices)
            # a credit note keeps its own number ("AV-2026-005"); any other credit is marked as one ("AV-VIR999")
            number = ref if credit.note and key(ref).startswith("av") and ref not in invoices else f"AV-{ref}"
            rule = "avoir non affecté"
            _count(report, rule)
            report.allocations.append(f"{aux} ligne {credit.line} : {what} {format_cents(rest)} ({shown}) → "
                                      f"{number} ({rule})")
            note = credit_notes.setdefault(number, [credit.line, credit.day, 0, ""])
            note[1] = min(note[1], credit.day)
            note[2] -= rest
            if credit.note and named:
                note[3] = named

    payments = [(line, number, aux, "", day, cents, reference, rule, "", kind)
                for (number, day, kind, reference, rule), (line, cents) in parts.items()]
    last_day: dict[str, str] = {}
    for p in payments:
        last_day[p[1]] = max(last_day.get(p[1], p[4]), p[4])
    nkey = name_key(auxlib)
    staged = []
    for number, inv in invoices.items():
        paid_date = last_day.get(number) if inv["paid"] >= inv["amount"] else None
        fingerprint = f"{aux}|{inv['issue']}|{inv['amount']}|{inv['paid']}"
        staged.append((inv["line"], number, aux, auxlib, nkey, "", "", inv["issue"], None, inv["amount"],
                       inv["paid"], paid_date, "", "", "", "", "", "", "EUR", fingerprint,
                       pack_raw([aux, number]), f"C{aux}", "", "", "", None))
    for number, (line, day, cents, origin) in credit_notes.items():
        staged.append((line, number, aux, auxlib, nkey, "", "", day, day, cents, None, None, "", "", "", "",
                       "", "", "EUR", f"{aux}|{day}|{cents}", pack_raw([aux, number]), f"C{aux}", origin,
                       "", "", None))
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


# -- the import ---------------------------------------------------------------------------------------
def count_lines(path: Path) -> int:
    n = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            n += chunk.count(b"\n")
    return max(n, 1)


Progress = Callable[[int, int], None]


HEADER_SCAN = 30  # a report-style export: the header is found within its first lines, below the titles
TOTAL_WORDS = ("total", "totaux", "totaal", "sous total", "grand total", "total general", "subtotal",
               "totalen", "eindtotaal", "a reporter", "report")


def is_total_row(fields: list[str], skip: frozenset[int] = frozenset()) -> str:
    """The cell that makes this row a totals line of a report ('Total', 'Totaal', 'Total général'...), or ''.
    ``skip``: columns whose text does not count (a label may well start with "Total")."""
    for i, cell in enumerate(fields):
        if i in skip:
            continue
        folded = key(cell)
        if folded and any(folded == w or folded.startswith(w + " ") for w in TOTAL_WORDS):
            return cell.strip()
    return ""


def _find_header(head: list[tuple[int, list[str]]], forced: dict[str, str]) -> int:
    """Which of the first rows is the header: the one naming the most known fields (title lines, a company
    name, a blank line above it name none). The first row when none names two."""
    names = known_names()
    wanted = {header_key(c) for c in forced.values() for c in c.split("\n")}
    best, best_score = 0, 1
    for i, (_line, fields) in enumerate(head):
        if is_fec_header(fields):
            return i
        keys = {header_key(f) for f in fields if f.strip()}
        score = len(keys & names) + len(keys & wanted)
        if score > best_score:
            best, best_score = i, score
    return best


def detect(path: Path, *, kind: str | None = None, forced_map: dict[str, str] | None = None,
           encoding: str | None = None, separator: str | None = None,
           ignore: list[str] | None = None) -> tuple[Detection, list[str]]:
    """What the file is, from its head. Raises ImportRefused-ready problems as FileProblem/MappingProblem
    (``UnplacedColumns`` for a column that names money or a date and that no field names)."""
    fmt = detect_format(path, encoding=encoding, separator=separator)
    rows = iter(Rows(path, fmt))
    forced_map, forced_ignore = split_ignored(forced_map or {})
    ignore = [*(ignore or ()), *forced_ignore]
    head = list(islice(rows, HEADER_SCAN))
    if not head:
        raise FileProblem("fichier vide")
    at = _find_header(head, {**forced_map, **{IGNORE: "\n".join(ignore)}})
    header_line, headers = head[at]
    if len(headers) > MAX_COLUMNS:
        raise FileProblem(f"ligne {header_line} : {len(headers)} colonnes (au plus {MAX_COLUMNS}) : ce n'est pas "
                          "un export CSV ou FEC ordinaire")
    after = [f for _, f in head[at + 1:]]
    sample = [f for f in (*after, *(f for _, f in islice(rows, max(0, SAMPLE_ROWS - len(after)))))
              if not is_total_row(f)]
    if kind == "fec" or (kind is None and is_fec_header(headers)):
        missing = FecReader.missing_columns(headers)
        if missing:
            raise MappingProblem(f"FEC : colonne(s) obligatoire(s) absente(s) : {', '.join(missing)}")
        lower = [h.strip().lower() for h in headers]
        amount_cols = [lower.index(c) for c in ("debit", "credit", "montant") if c in lower]
        numbers = detect_number_format(f[i] for f in sample for i in amount_cols if i < len(f))
        date_i = lower.index("ecrituredate")
        date_fmt = detect_date_format(f[date_i] for f in sample if date_i < len(f)) or "YYYYMMDD"
        det = Detection("fec", fmt, numbers, {"EcritureDate": date_fmt},
                        [f"{len(headers)} colonnes FEC" + (" (Montant + Sens)" if "sens" in lower else "")],
                        header_line=header_line)
        return det, headers
    unknown = set(forced_map) - set(INVOICE_LABELS) - set(PAYMENT_LABELS)
    if unknown:
        raise MappingProblem(f"champ {sorted(unknown)[0]!r} inconnu (champs possibles : "
                             f"{', '.join(sorted(set(INVOICE_LABELS) | set(PAYMENT_LABELS)))}, ou ignore)")
    cmaps = {name: map_columns(headers, fields, {k: v for k, v in forced_map.items() if k in labels}, ignore)
             for name, fields, labels in (("invoices", INVOICE_FIELDS, INVOICE_LABELS),
                                          ("payments", PAYMENT_FIELDS, PAYMENT_LABELS))}
    if kind is None:
        inv = cmaps["invoices"].fields
        pay = cmaps["payments"].fields
        looks_invoices = all(f in inv for f in INVOICE_REQUIRED)
        looks_payments = "pay_date" in pay and "amount" in pay and key(headers[pay["pay_date"]]) != "date facture"
        if not looks_invoices and looks_payments and "issue_date" not in inv:
            kind = "payments"
        else:
            kind = "invoices"
    cmap = cmaps[kind]
    field_set = INVOICE_FIELDS if kind == "invoices" else PAYMENT_FIELDS
    required = INVOICE_REQUIRED if kind == "invoices" else ("pay_date", "amount")
    labels = INVOICE_LABELS if kind == "invoices" else PAYMENT_LABELS
    missing = [labels[f] for f in required if f not in cmap.fields]
    if kind == "invoices" and "debtor_name" not in cmap.fields and "debtor_code" not in cmap.fields:
        missing.append("client (raison sociale ou code client)")
    missing_text = (f"colonne(s) obligatoire(s) absente(s) : {', '.join(missing)} (en-têtes trouvés : "
                    f"{', '.join(h for h in headers if h.strip())}). Indiquez-les avec --map CHAMP=COLONNE.")
    if cmap.unplaced:
        problem = UnplacedColumns(list(cmap.unplaced), labels, missing_text if missing else "")
        problem.line = header_line
        raise problem
    if missing:
        problem = MappingProblem(missing_text)
        problem.line = header_line
        raise problem
    if kind == "invoices" and "pay_amount" in cmap.fields and "pay_date" not in cmap.fields:
        problem = MappingProblem(f"colonne « {headers[cmap.fields['pay_amount']]} » (montant du paiement) sans "
                                 "la date du paiement : indiquez-la avec --map pay_date=COLONNE")
        problem.line = header_line
        raise problem
    amount_fields = [f for f in ("amount", "paid", "remaining", "pay_amount") if f in cmap.fields]
    numbers = detect_number_format(_get(f, cmap.fields, name) for f in sample for name in amount_fields)
    dates = {}
    for name in ("issue_date", "due_date", "pay_date", "last_pay_date", "delivery_date"):
        if name in cmap.fields:
            found = detect_date_format(_get(f, cmap.fields, name) for f in sample)
            if found:
                dates[name] = found
    return Detection(kind, fmt, numbers, dates, cmap.describe(field_set), cmap.ignored_columns(), cmap,
                     header_line), headers


def import_file(
    store: Store,
    path: Path,
    *,
    kind: str | None = None,
    as_of: dt.date | None = None,
    full: bool = False,
    allow_mass_close: bool = False,
    dry_run: bool = False,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
    forced_map: dict[str, str] | None = None,
    ignore_columns: list[str] | None = None,
    encoding: str | None = None,
    separator: str | None = None,
    default_terms: int = 30,
    on_detection: Callable[[Detection], None] | None = None,
    progress: Progress | None = None,
    protected: Protected | None = None,
    overwrite_rejects: bool = False,
) -> ImportReport:
    """Import ``path`` whole or not at all. Raises ImportRefused with every problem found.

    ``forced_map``: field -> column (``--map``); ``ignore_columns``: columns set aside on purpose
    (``--ignore``). A column that names money or a date and that neither places stops the import before
    anything is written: ``ImportRefused.report.unplaced`` lists them, each with the field it most probably
    holds.

    ``skip_invalid`` writes the rows set aside to ``rejects_path``, replaced only with ``overwrite_rejects``;
    without a ``rejects_path``, to ``<file>.rejets.csv`` beside the file, or, when that name is taken (a
    file, a link), to the first free ``<file>.rejets-2.csv``, ``-3``…: an existing file is never replaced."""
    path = Path(path)
    as_of = as_of or dt.date.today()
    report = ImportReport(path, dry_run=dry_run)
    try:
        report.sha256 = sha256_of(path)
        detection, headers = detect(path, kind=kind, forced_map=forced_map, encoding=encoding, separator=separator,
                                    ignore=ignore_columns)
    except UnplacedColumns as exc:
        line = getattr(exc, "line", 1)
        report.unplaced = list(exc.columns)
        report.problems += [Problem(line, "colonnes", u.hint()) for u in exc.columns]
        if exc.also:
            report.problems.append(Problem(line, "colonnes", exc.also))
        raise ImportRefused(report) from None
    except (FileProblem, MappingProblem) as exc:
        report.problems.append(Problem(getattr(exc, "line", 1) if isinstance(exc, MappingProblem) else 0,
                                       "colonnes" if isinstance(exc, MappingProblem) else "fichier", str(exc)))
        raise ImportRefused(report) from None
    except OSError as exc:
        report.problems.append(Problem(0, "fichier", f"illisible : {exc.strerror or exc}"))
        raise ImportRefused(report) from None
    report.detection = detection
    if on_detection:
        on_detection(detection)
    rejects = None
    if skip_invalid:
        report.rejects_path = rejects_path or _free_rejects_name(path)
        overwrite = overwrite_rejects and rejects_path is not None
        check_output_target(report.rejects_path, protected or Protected(), overwrite=overwrite)  # before any work
        rejects = RejectsWriter(report.rejects_path, headers, detection.text.separator, protected,
                                overwrite=overwrite)
    conn = store.conn
    total = count_lines(path)
    try:
        staging.drop_staging(conn)
        staging.reset_staging(conn)
        try:
            _stage(conn, path, detection, headers, report, rejects, as_of, total, progress)
        except FileProblem as exc:
            report.problems.append(Problem(0, "fichier", str(exc)))
            report.fatal = True
            raise ImportRefused(report) from None
        if report.problems and (not skip_invalid or report.fatal):
            raise ImportRefused(report)
        report.previous_import = st.same_file_imported(store.db, report.sha256)
        staged_problems = list(report.problems)

        def merge(db: Database) -> None:
            report.problems = list(staged_problems)  # the merge may run again after a lock wait
            set_aside: list[tuple[int, str, str]] = []
            while True:
                report.counts = _merge(db, store, detection, report, as_of=as_of, full=full,
                                       allow_mass_close=allow_mass_close, default_terms=default_terms)
                found = report.counts.problems
                if not found:
                    break
                report.problems += [Problem(line, fname, msg) for line, fname, msg in found]
                if not skip_invalid or any(line == 0 for line, _, _ in found):
                    raise ImportRefused(report)
                # --skip-invalid: set those rows aside and merge the rest again (payments
                # are applied row by row and skipped the bad ones already)
                set_aside += staging.drop_staged_lines(db.conn, {line: f"{fname}: {msg}" for line, fname, msg in found})
                if detection.kind == "payments":
                    break
            report.counts.rejected_lines = set_aside
            _record(db, store, detection, report)
            if dry_run:
                raise _DryRun()

        try:
            store.write(merge, what=f"import de {path.name}")
        except _DryRun:
            pass  # rolled back on purpose: --dry-run reports what would change and writes nothing
        if rejects is not None:
            for line, raw, reason in report.counts.rejected_lines if report.counts else ():
                rejects.add(line, unpack_raw(raw), reason)
            report.rejected = len(rejects.rows)
            if rejects.rows:
                rejects.write()
        if progress:
            progress(total, total)
        return report
    finally:
        staging.drop_staging(conn)
        fec_store.drop_staging(conn)


def _stage(conn, path: Path, detection: Detection, headers: list[str], report: ImportReport,
           rejects: RejectsWriter | None, as_of: dt.date, total: int, progress: Progress | None) -> None:
    cmap = detection.cmap.fields if detection.cmap else {}
    rows = Rows(path, detection.text, multiline={cmap["address"]} if "address" in cmap else ())  # two-line addresses
    if detection.kind == "fec":
        parser = FecReader(headers, detection.number, detection.dates["EcritureDate"], as_of)
    elif detection.kind == "payments":
        parser = PaymentRowParser(detection.cmap, detection.number, detection.dates)
    else:
        parser = InvoiceRowParser(detection.cmap, detection.number, detection.dates)
    batch: list[tuple] = []
    with staging.staging_transaction(conn, f"import de {path.name}"):  # TEMP tables only: no lock on the shared file
        if detection.kind == "fec":
            fec_store.reset_staging(conn)
        csv_rows = _CsvRows(detection, headers, report) if detection.kind != "fec" else None
        for line, fields in rows:
            if line <= detection.header_line:  # the header, and the title lines of a report above it
                continue
            if csv_rows is not None and csv_rows.set_aside(line, fields):
                continue
            report.rows += 1
            parsed, problems = parser.parse(line, fields)
            if isinstance(parser, InvoiceRowParser):
                csv_rows.took(parser, parsed)
            if detection.kind == "fec" and len(parser.marks) >= BATCH:
                fec_store.stage_marks(conn, parser.marks)
                parser.marks.clear()
            if problems:
                report.problems += problems
                if rejects is not None:
                    rejects.add(line, fields, "; ".join(f"{p.field}: {p.message}" for p in problems))
                continue
            if parsed is None:  # a FEC line outside customer accounts
                continue
            report.valid += 1
            if detection.kind == "fec":
                p = parsed
                batch.append((p.line, p.aux, p.auxlib, p.journal, p.num, p.date.isoformat(), p.piece,
                              p.piece_date.isoformat() if p.piece_date else None, p.label, p.debit, p.credit,
                              p.letter, p.datelet.isoformat() if p.datelet else None, int(p.open), int(p.after)))
            else:
                batch.append(parsed)
            if len(batch) >= BATCH:
                _flush(conn, detection.kind, batch)
                batch = []
                if progress:
                    progress(line, total)
        _flush(conn, detection.kind, batch)
        if detection.kind == "fec":
            _check_lettering(conn, report)
            classify_fec(conn, parser)
            for invoices, payments in allocate_fec(conn, report):
                staging.stage_invoices(conn, invoices)
                staging.stage_payments(conn, payments)
        if isinstance(parser, InvoiceRowParser):
            csv_rows.finish(conn, parser)
        staging.index_staging(conn)
        if isinstance(parser, InvoiceRowParser) and parser.per_payment:
            _settle_payments(conn, report, rejects)
        if detection.kind != "payments":
            report.duplicates = staging.drop_exact_duplicates(conn)
            if isinstance(parser, InvoiceRowParser) and parser.per_payment and report.duplicates:
                # one row per payment: an invoice on several rows is one invoice, not a duplicate
                report.notes.append(f"{report.duplicates} ligne(s) répétant une facture pour un autre de ses "
                                    "paiements : regroupées sur leur facture")
                report.duplicates = 0
            for number, lines in staging.staged_duplicates(conn):
                message = (f"facture {number} présente plusieurs fois avec des données différentes "
                           f"(lignes {', '.join(str(x) for x in lines)})")
                report.problems.append(Problem(lines[1], LABEL["number"], message))
                if rejects is not None:
                    for line, raw in staging.drop_staged_numbers(conn, [number]):
                        rejects.add(line, unpack_raw(raw), message)
    report.problems.sort(key=lambda p: p.line)


class _CsvRows:
    """What an invoice or payment export holds besides its rows: totals lines and repeated headers of a
    report (set aside with a note), the notes and the dated payments the invoice parser gives."""

    def __init__(self, detection: Detection, headers: list[str], report: ImportReport):
        self.report = report
        self.header_keys = [key(h) for h in headers]
        cmap = detection.cmap.fields if detection.cmap else {}
        self.amount_at = cmap.get("amount")
        self.number_at = cmap.get("number")
        self.free_text = frozenset(cmap[f] for f in ("label", "origin") if f in cmap)
        self.decimal = detection.number.decimal if detection.number else ","
        self.amount_sum = 0
        self.totals: list[tuple[int, int | None]] = []
        self.payments: list[tuple] = []

    def set_aside(self, line: int, fields: list[str]) -> bool:
        if [key(f) for f in fields] == self.header_keys:
            self.report.notes.append(f"ligne {line} : en-tête répété (nouvelle page du rapport) ignoré")
            return True
        cell = is_total_row(fields, self.free_text)
        if not cell:
            return False
        number = fields[self.number_at].strip() if self.number_at is not None and self.number_at < len(fields) else ""
        if number and key(number) != key(cell):  # a row with its own invoice number is an invoice
            return False
        value = None
        if self.amount_at is not None and self.amount_at < len(fields) and fields[self.amount_at].strip():
            with suppress(ValueError):
                value = parse_amount(fields[self.amount_at], self.decimal)
        self.totals.append((line, value))
        self.report.notes.append(f"ligne {line} : ligne de total « {cell} » ignorée"
                                 + (f" ({format_cents(value)})" if value is not None else ""))
        return True

    def took(self, parser: InvoiceRowParser, parsed: tuple | None) -> None:
        if parsed is not None:
            self.amount_sum += parsed[9]
        for line, note in parser.notes:
            self.report.notes.append(f"ligne {line} : {note}")
        parser.notes.clear()
        self.payments += parser.payments
        parser.payments.clear()

    def finish(self, conn, parser: InvoiceRowParser) -> None:
        for chunk in range(0, len(self.payments), BATCH):
            staging.stage_payments(conn, self.payments[chunk:chunk + BATCH])
        if parser.paid_undated:
            self.report.notes.append(
                f"{parser.paid_undated} facture(s) avec un montant réglé mais sans date de paiement : les "
                "pénalités de ces paiements ne se calculent qu'avec leur date (fichier de paiements ou FEC)")
        # a report's single grand total is checked against the rows read (not with one row per payment,
        # where the invoice amount repeats)
        if len(self.totals) == 1 and self.totals[0][1] is not None and not parser.per_payment:
            line, total = self.totals[0]
            if total == self.amount_sum:
                self.report.notes.append(f"ligne {line} : le total du fichier concorde avec la somme des lignes "
                                         f"importées ({format_cents(total)})")
            else:
                self.report.notes.append(f"ligne {line} : attention, total du fichier {format_cents(total)}, "
                                         f"somme des lignes importées {format_cents(self.amount_sum)} "
                                         f"(écart {format_cents(total - self.amount_sum)})")


def _settle_payments(conn, report: ImportReport, rejects: RejectsWriter | None) -> None:
    """One row per payment: each invoice's paid figure is the sum of its dated payments; a file whose own
    paid figure (or status) disagrees with its payments is refused on that invoice."""
    for line, number, amount, given, total in staging.settle_staged_payments(conn):
        if total > amount:
            problem = Problem(line, LABEL["pay_amount"], f"paiements de la facture {number} : {format_cents(total)}, "
                                                         f"plus que son montant {format_cents(amount)}")
        elif given is not None and given != total:
            problem = Problem(line, LABEL["paid"], f"facture {number} : réglé {format_cents(given)} selon le "
                                                   f"fichier, mais ses paiements font {format_cents(total)}")
        else:
            continue
        report.problems.append(problem)
        if rejects is not None:
            for row_line, raw in staging.drop_staged_numbers(conn, [number]):
                rejects.add(row_line, unpack_raw(raw), f"{problem.field}: {problem.message}")


def _flush(conn, kind: str, batch: list[tuple]) -> None:
    if not batch:
        return
    if kind == "fec":
        fec_store.stage_lines(conn, batch)
    elif kind == "payments":
        staging.stage_payments(conn, batch)
    else:
        staging.stage_invoices(conn, batch)


def _check_lettering(conn, report: ImportReport) -> None:
    for aux, letter, line, debit, credit in fec_store.unbalanced_letterings(conn):
        report.fatal = True
        report.problems.append(Problem(line, "EcritureLet", (
            f"lettrage « {letter} » du compte {aux} déséquilibré : débit {format_cents(debit)}, "
            f"crédit {format_cents(credit)}")))


def _merge(db: Database, store: Store, detection: Detection, report: ImportReport, *, as_of: dt.date, full: bool,
           allow_mass_close: bool, default_terms: int) -> st.MergeCounts:
    at = store.now()
    if detection.kind == "payments":
        return st.merge_payments(db, at=at, agent=store.agent, file_label=report.label)
    return st.merge_invoices(db, at=at, agent=store.agent, as_of=as_of.isoformat(), file_label=report.label,
                             sha256=report.sha256, default_terms=default_terms, full=full,
                             max_full_share=None if allow_mass_close else 0.5)


def _record(db: Database, store: Store, detection: Detection, report: ImportReport) -> None:
    c = report.counts
    st.record_import_event(db, at=store.now(), agent=store.agent, kind=detection.kind, file_label=report.label,
                           sha256=report.sha256, counts={
                               "rows": report.rows, "valid": report.valid, "rejected": len(report.problems),
                               "debtors_created": c.debtors_created, "invoices_created": c.invoices_created,
                               "invoices_updated": c.invoices_updated, "invoices_paid": c.invoices_paid,
                               "payments_created": c.payments_created, "closed_by_full": c.closed_by_full})
