"""Rows of an invoice or payment export: cells -> typed rows to stage, each problem with its line and
field (``Problem``); and what such an export holds besides its rows (totals lines, repeated headers)."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress

from relance_tui.domain.identifiers import bce_valid, format_bce, normalise_bce, siren_valid, siret_valid
from relance_tui.domain.language import UnknownLanguage, parse_language
from relance_tui.domain.money import format_cents
from relance_tui.domain.parsing import NumberFormat, parse_amount, parse_date
from relance_tui.domain.text import count, key, name_key
from relance_tui.io.column_names import INVOICE_LABELS, PAYMENT_LABELS
from relance_tui.io.columns import ColumnMap, classify_doc_type, classify_status, country_code, origin_in_label
from relance_tui.io.import_report import Detection, ImportReport, Problem

INVOICE_REQUIRED = ("number", "issue_date", "amount")


def cell(fields: list[str], cmap: dict[str, int], name: str) -> str:
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
        self.notes: list[tuple[int, str]] = []
        self.payments: list[tuple] = []
        self.paid_undated = 0  # invoices with a paid figure and no payment date

    def parse(self, line: int, fields: list[str]) -> tuple[tuple | None, list[Problem]]:
        return _InvoiceRow(self, line, fields).parse()

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


class _InvoiceRow:
    """One row of an invoice export being read: its cells by field, what it says so far, its problems (in
    the order of its checks)."""

    def __init__(self, parser: InvoiceRowParser, line: int, fields: list[str]):
        self.parser = parser
        self.line = line
        self.fields = fields
        width = len(fields)
        self.values = {name: fields[i].strip() for name, i in parser.pairs if i < width}
        self.problems: list[Problem] = []
        self.siren = self.siret = self.country = self.bce = self.language = ""
        self.days: dict[str, dt.date | None] = {}
        self.payment: int | None = None

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def bad(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.line, INVOICE_LABELS[name], message))

    def parse(self) -> tuple[tuple | None, list[Problem]]:
        number = self.get("number")
        # what the export says of the document: never issued or cancelled -> not owed, set aside with a note
        status_text = self.get("status")
        status = classify_status(status_text)
        states = {status, classify_status(self.get("state"))}
        if "draft" in states or "void" in states:
            what = "brouillon (jamais émise)" if "draft" in states else "annulée"
            self.parser.notes.append((self.line, f"facture {number or '?'} {what} selon l'export : non importée"))
            return None, []
        kind = classify_doc_type(self.get("doc_type")) if "doc_type" in self.values else "invoice"
        if kind == "payment":
            self.bad("doc_type", f"ligne de paiement ({self.get('doc_type')}) dans un export de factures : "
                                 "importez les paiements dans un fichier à part (--kind payments)")
        elif not kind:
            self.bad("doc_type", f"type de pièce inconnu ({self.get('doc_type')}) : attendu facture ou avoir")
        if not number:
            self.bad("number", "numéro de facture vide")
        if not self.get("debtor_name") and not self.get("debtor_code"):
            self.bad("debtor_name", "ni nom ni code client")
        self._identity()
        self._dates()
        amounts = self._amounts(kind)
        paid = self._reconcile(amounts, status, status_text)
        if self.problems:
            return None, self.problems
        return self._staged(number, amounts["amount"], paid), []

    def _identity(self) -> None:
        """SIREN/SIRET, country, Belgian enterprise number (its own column or a Belgian VAT number)."""
        raw_siren = self.get("siren")
        if raw_siren:
            try:
                self.siren, self.siret = _parse_siren(raw_siren)
            except ValueError as exc:
                self.bad("siren", str(exc))
        # '' when the file does not say (the merge then decides: Belgium for a BCE number, else as is)
        raw_country = self.get("country")
        if raw_country:
            found = country_code(raw_country)
            if found is None:
                self.bad("country", f"pays inconnu ({raw_country}) : attendu un code ISO (FR, BE, LU...) ou un "
                                    "nom de pays (France, Belgique, België, Belgium...)")
            else:
                self.country = found
        raw_language = self.get("language")
        if raw_language:
            try:
                self.language = parse_language(raw_language)
            except UnknownLanguage as exc:
                self.bad("language", str(exc))
        raw_bce = self.get("enterprise_number")
        if raw_bce:
            try:
                self.bce = _parse_enterprise_number(raw_bce)
            except ValueError as exc:
                self.bad("enterprise_number", str(exc))
        raw_vat = self.get("vat_number")
        if raw_vat:
            try:
                from_vat = _enterprise_number_of_vat(raw_vat, self.country)
            except ValueError as exc:
                self.bad("vat_number", str(exc))
            else:
                if from_vat and self.bce and from_vat != self.bce:
                    self.bad("vat_number", f"{raw_vat} ne correspond pas au numéro d'entreprise "
                                           f"{format_bce(self.bce)}")
                self.bce = self.bce or from_vat

    def _dates(self) -> None:
        days = self.days
        for fname in ("issue_date", "due_date", "pay_date", "last_pay_date", "delivery_date"):
            days[fname] = None
            text = self.get(fname)
            if not text:
                if fname == "issue_date":
                    self.bad(fname, "date vide")
                continue
            fmt = self.parser.dates.get(fname)
            try:
                value = parse_date(text, fmt) if fmt else None
                if value is None:
                    raise ValueError(f"date illisible ({text})")
            except ValueError as exc:
                self.bad(fname, str(exc))
                continue
            days[fname] = value
        issue, due = days["issue_date"], days["due_date"]
        if issue and due and due < issue:
            self.bad("due_date", f"échéance {due:%d/%m/%Y} antérieure à la date de facture {issue:%d/%m/%Y}")

    def _amounts(self, kind: str) -> dict[str, int | None]:
        """The row's figures (a credit note's negative), and its payment when the export has one row per
        payment (``self.payment``)."""
        parser = self.parser
        amounts: dict[str, int | None] = {}
        for fname in ("amount", "paid", "remaining", "pay_amount"):
            text = self.get(fname)
            if not text:
                if fname == "amount":
                    self.bad(fname, "montant vide")
                amounts[fname] = None
                continue
            try:
                amounts[fname] = parse_amount(text, parser.decimal)
            except ValueError as exc:
                self.bad(fname, str(exc))
                amounts[fname] = None
        if kind == "credit":  # an "Avoir" row with a positive amount is a credit note: its figures are negative
            amounts = {k: (-abs(v) if v is not None and k in ("amount", "remaining") else v)
                       for k, v in amounts.items()}
        if parser.per_payment and kind != "credit":
            # this row's payment; the invoice's paid figure is the sum of its payments (settled after staging)
            self.payment = amounts[parser.payment_field] if self.days["pay_date"] else None
            if parser.payment_field == "paid":
                amounts["paid"] = None
            if self.payment is not None and self.payment < 0:
                self.bad(parser.payment_field, f"paiement négatif ({format_cents(self.payment)})")
                self.payment = None
        return amounts

    def _reconcile(self, amounts: dict[str, int | None], status: str, status_text: str) -> int | None:
        """What was paid of the invoice, from its paid or remaining figure and its status; their
        contradictions are problems."""
        amount, paid, remaining = amounts["amount"], amounts["paid"], amounts["remaining"]
        if amount is None:
            return paid
        if paid is None and remaining is not None:
            paid = amount - remaining
        elif paid is not None and remaining is not None and paid + remaining != amount:
            self.bad("remaining", f"réglé {format_cents(paid)} + reste dû {format_cents(remaining)} "
                                  f"≠ montant {format_cents(amount)}")
        if amount > 0 and paid is not None:
            if paid > amount:
                self.bad("paid", f"réglé {format_cents(paid)} supérieur au montant {format_cents(amount)}")
            elif paid < 0:
                self.bad("paid", f"montant réglé négatif ({format_cents(paid)})")
        if amount > 0 and "status" in self.values:
            paid = self.parser._status_says(status, status_text, amount, paid, self.bad)
        if amount < 0:
            # a credit note: what the accounts already applied of it is (amount - remaining), between
            # the amount and zero; without a remaining figure relance applies all of it (domain/credits.py)
            paid = amount - remaining if remaining is not None else None
            if paid is not None and not amount <= paid <= 0:
                self.bad("remaining", f"reste {format_cents(remaining)} hors de l'avoir {format_cents(amount)}")
        if amount == 0:
            self.bad("amount", "montant nul")
        return paid

    def _staged(self, number: str, amount: int, paid: int | None) -> tuple:
        """The row as store/staging.py stages it (INVOICE_COLUMNS); its payment, if any, to ``payments``."""
        parser, get, days = self.parser, self.get, self.days
        name, code = get("debtor_name"), get("debtor_code")
        issue, due, delivery = days["issue_date"], days["due_date"], days["delivery_date"]
        nkey = name_key(name)
        debtor_key = (f"C{code}" if code else f"S{self.siren}" if self.siren else f"B{self.bce}" if self.bce
                      else f"N{nkey}")
        currency = get("currency").upper().replace("€", "EUR") or "EUR"
        fingerprint = "|".join(str(x) for x in (debtor_key, issue, due, amount,
                                                None if parser.per_payment else paid, delivery))
        paid_on = days["last_pay_date"] or (days["pay_date"] if not parser.per_payment else None)
        paid_date = paid_on.isoformat() if paid_on and amount > 0 and paid is not None and paid >= amount else None
        if amount > 0 and paid and paid_on is None and not parser.per_payment:
            parser.paid_undated += 1
        origin = ""
        if amount < 0:  # the invoice a credit note reduces: its own column, else its label names it
            origin = get("origin") or origin_in_label(get("label"), number)
        if self.payment:
            parser.payments.append((self.line, number, code, nkey, days["pay_date"].isoformat(), self.payment,
                                    get("pay_reference"), "", pack_raw(self.fields), "payment"))
        return (self.line, number, code, name or code, nkey, self.siren, self.siret, issue.isoformat(),
                due.isoformat() if due else None, amount, paid, paid_date, get("email"),
                get("phone"), get("contact"), get("address"),
                get("postcode"), get("city"), currency[:3], fingerprint,
                pack_raw(self.fields), debtor_key, origin, self.country, self.bce,
                delivery.isoformat() if delivery else None, self.language)


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

        number = cell(fields, cols, "number")
        code = cell(fields, cols, "debtor_code")
        name = cell(fields, cols, "debtor_name")
        if not (number or code or name):
            bad("number", "ni numéro de facture ni client : impossible de savoir ce que ce paiement règle")
        day = None
        text = cell(fields, cols, "pay_date")
        try:
            if not text:
                raise ValueError("date vide")
            day = parse_date(text, self.date_format) if self.date_format else None
            if day is None:
                raise ValueError(f"date illisible ({text})")
        except ValueError as exc:
            bad("pay_date", str(exc))
        amount = None
        text = cell(fields, cols, "amount")
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
        return (line, number, code, name_key(name), day.isoformat(), amount, cell(fields, cols, "reference"), "",
                pack_raw(fields), "payment"), []


# -- what an export holds besides its rows --------------------------------------------------------------
TOTAL_WORDS = ("total", "totaux", "totaal", "sous total", "grand total", "total general", "subtotal",
               "totalen", "eindtotaal", "a reporter", "report")


# The first letters, folded, of TOTAL_WORDS: a cell starting otherwise (a number, a date, an amount, a name) is
# not folded at all (folding every cell of every row was a third of a 200,000-row import's time)
TOTAL_INITIALS = frozenset(w[0] for w in TOTAL_WORDS)


def _may_be_total(cell: str) -> bool:
    """Whether ``key(cell)`` can start with the first letter of a word of TOTAL_WORDS: its first letter or
    digit once folded, found as ``key`` finds it (what is not one is skipped: "** Total", "(Totaal)")."""
    for char in cell:
        if char.isascii():
            if char.isalnum():
                return char.lower() in TOTAL_INITIALS
            continue
        folded = key(char)  # an accented letter, a ligature: folded as key folds it ("À reporter")
        if folded:
            return folded[0] in TOTAL_INITIALS
    return False


def is_total_row(fields: list[str], skip: frozenset[int] = frozenset()) -> str:
    """The cell that makes this row a totals line of a report ('Total', 'Totaal', 'Total général'...), or ''.
    ``skip``: columns whose text does not count (a label may well start with "Total")."""
    for i, cell in enumerate(fields):
        if i in skip or not _may_be_total(cell):
            continue
        folded = key(cell)
        if folded and any(folded == w or folded.startswith(w + " ") for w in TOTAL_WORDS):
            return cell.strip()
    return ""


class CsvRows:
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
        # a report's header repeated on a new page: its first cell first (folding every cell of every row
        # cost a 200,000-row import 2 s)
        if (len(fields) == len(self.header_keys) and fields and key(fields[0]) == self.header_keys[0]
                and [key(f) for f in fields] == self.header_keys):
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

    def finish(self, parser: InvoiceRowParser) -> None:
        """Once every row is read: the notes on undated payments and on the file's grand total (the dated
        payments in ``payments`` are the caller's to stage)."""
        if parser.paid_undated:
            self.report.notes.append(
                f"{count(parser.paid_undated, 'facture')} avec un montant réglé mais sans date de paiement : les "
                f"pénalités {'de ces paiements' if parser.paid_undated > 1 else 'de ce paiement'} ne se calculent "
                "qu'avec leur date (fichier de paiements ou FEC)")
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
