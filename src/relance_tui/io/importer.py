"""``relance import``: accounting exports (CSV, FEC, payments) into the shared database.

Flow, all or nothing:
1. detect the format from the file's head (encoding, separator, columns,
   decimal mark, date formats) and report it before anything is written;
2. stream every row, check it, stage the valid ones in TEMP tables (no lock
   on the shared file), collect every problem as ``file:line: field: what``;
3. unless there were problems (or ``--skip-invalid`` says to set them aside),
   merge in one write transaction (``Store.write``) that also writes the events.

This module runs those steps; each concern has its own: the report and its problems (import_report), the
rows of a CSV export (import_rows), a FEC (import_fec, import_fec_allocation), the columns (columns); the
SQL and the transactions are store's (store/staging.py, store/fec.py, store/imports.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from relance_tui.domain.money import format_cents
from relance_tui.domain.parsing import detect_date_format, detect_number_format
from relance_tui.domain.text import count, key
from relance_tui.io.column_names import FIELD_LABELS, INVOICE_LABELS, PAYMENT_LABELS
from relance_tui.io.columns import (
    IGNORE,
    INVOICE_FIELDS,
    PAYMENT_FIELDS,
    ColumnMap,
    MappingProblem,
    UnplacedColumns,
    absent_columns,
    header_key,
    known_names,
    map_columns,
    split_ignored,
)
from relance_tui.io.import_fec import (
    FecReader,
    check_lettering,
    classify_fec,
    detect_fec,
    is_fec_header,
    is_placeholder_piece,
)
from relance_tui.io.import_fec_allocation import allocate_fec
from relance_tui.io.import_report import (
    MAX_PROBLEMS_SHOWN,
    Detection,
    ImportRefused,
    ImportReport,
    Problem,
    RejectsWriter,
    free_rejects_name,
)
from relance_tui.io.import_rows import (
    INVOICE_REQUIRED,
    CsvRows,
    InvoiceRowParser,
    PaymentRowParser,
    cell,
    is_total_row,
    unpack_raw,
)
from relance_tui.io.outputs import Protected, check_output_target
from relance_tui.io.textfile import (
    MAX_COLUMNS,
    FileProblem,
    Rows,
    detect_format,
    sha256_of,
)
from relance_tui.store import fec as fec_store
from relance_tui.store import imports as st
from relance_tui.store import staging
from relance_tui.store.connection import Store

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = [  # what the app, the command line and the tests import from here; the rest is this module's own
    "MAX_PROBLEMS_SHOWN", "Detection", "ImportRefused", "ImportReport", "InvoiceRowParser", "Problem", "detect",
    "import_file", "is_placeholder_piece",
]

SAMPLE_ROWS = 500
BATCH = 2_000
HEADER_SCAN = 30  # a report-style export: the header is found within its first lines, below the titles

Progress = Callable[[int, int], None]


class _DryRun(Exception):
    """Raised at the end of a --dry-run merge, so that its transaction rolls back."""


def count_lines(path: Path) -> int:
    n = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            n += chunk.count(b"\n")
    return max(n, 1)


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
        raise FileProblem(f"ligne {header_line} : {count(len(headers), 'colonne')} (au plus {MAX_COLUMNS}) : "
                          "ce n'est pas un export CSV ou FEC ordinaire")
    after = [f for _, f in head[at + 1:]]
    sample = [f for f in (*after, *(f for _, f in islice(rows, max(0, SAMPLE_ROWS - len(after)))))
              if not is_total_row(f)]
    if kind == "fec" or (kind is None and is_fec_header(headers)):
        return detect_fec(fmt, headers, sample, header_line), headers
    unknown = set(forced_map) - set(INVOICE_LABELS) - set(PAYMENT_LABELS)
    if unknown:
        raise MappingProblem(f"champ {sorted(unknown)[0]!r} inconnu (champs possibles : "
                             f"{', '.join(sorted(set(INVOICE_LABELS) | set(PAYMENT_LABELS)))}, ou ignore)")
    cmaps = {name: map_columns(headers, fields, {k: v for k, v in forced_map.items() if k in labels}, ignore)
             for name, fields, labels in (("invoices", INVOICE_FIELDS, INVOICE_LABELS),
                                          ("payments", PAYMENT_FIELDS, PAYMENT_LABELS))}
    if kind is None:
        kind = _guess_kind(cmaps, headers)
    cmap = cmaps[kind]
    _check_columns(kind, cmap, headers, header_line)
    amount_fields = [f for f in ("amount", "paid", "remaining", "pay_amount") if f in cmap.fields]
    numbers = detect_number_format(cell(f, cmap.fields, name) for f in sample for name in amount_fields)
    dates = {}
    for name in ("issue_date", "due_date", "pay_date", "last_pay_date", "delivery_date"):
        if name in cmap.fields:
            found = detect_date_format(cell(f, cmap.fields, name) for f in sample)
            if found:
                dates[name] = found
    field_set = INVOICE_FIELDS if kind == "invoices" else PAYMENT_FIELDS
    return Detection(kind, fmt, numbers, dates, cmap.describe(field_set), cmap.ignored_columns(), cmap,
                     header_line), headers


def _guess_kind(cmaps: dict[str, ColumnMap], headers: list[str]) -> str:
    """'payments' for a file whose columns make a payment and not an invoice, else 'invoices'."""
    inv = cmaps["invoices"].fields
    pay = cmaps["payments"].fields
    looks_invoices = all(f in inv for f in INVOICE_REQUIRED)
    looks_payments = "pay_date" in pay and "amount" in pay and key(headers[pay["pay_date"]]) != "date facture"
    if not looks_invoices and looks_payments and "issue_date" not in inv:
        return "payments"
    return "invoices"


def _check_columns(kind: str, cmap: ColumnMap, headers: list[str], header_line: int) -> None:
    """The columns an import of ``kind`` needs are there, and every column that names money or a date is
    placed or ignored on purpose; otherwise a MappingProblem (an UnplacedColumns) on the header's line."""
    required = INVOICE_REQUIRED if kind == "invoices" else ("pay_date", "amount")
    labels = INVOICE_LABELS if kind == "invoices" else PAYMENT_LABELS
    missing = [labels[f] for f in required if f not in cmap.fields]
    if kind == "invoices" and "debtor_name" not in cmap.fields and "debtor_code" not in cmap.fields:
        missing.append("client (raison sociale ou code client)")
    missing_text = (f"{absent_columns(missing)} (en-têtes trouvés : "
                    f"{', '.join(h for h in headers if h.strip())}). Indiquez-les avec --map CHAMP=COLONNE.")
    problem = None
    if cmap.unplaced:
        problem = UnplacedColumns(list(cmap.unplaced), labels, missing_text if missing else "")
    elif missing:
        problem = MappingProblem(missing_text)
    elif kind == "invoices" and "pay_amount" in cmap.fields and "pay_date" not in cmap.fields:
        problem = MappingProblem(f"colonne « {headers[cmap.fields['pay_amount']]} » (montant du paiement) sans "
                                 "la date du paiement : indiquez-la avec --map pay_date=COLONNE")
    if problem is not None:
        problem.line = header_line
        raise problem


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
    detection, headers = _detect_or_refuse(report, kind=kind, forced_map=forced_map, encoding=encoding,
                                           separator=separator, ignore=ignore_columns)
    report.detection = detection
    if on_detection:
        on_detection(detection)
    rejects = _rejects_writer(report, headers, rejects_path, protected, overwrite_rejects) if skip_invalid else None
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
        _merge_staged(store, detection, report, as_of=as_of, full=full, allow_mass_close=allow_mass_close,
                      default_terms=default_terms, skip_invalid=skip_invalid, dry_run=dry_run)
        if rejects is not None:
            _write_rejects(report, rejects)
        if progress:
            progress(total, total)
        return report
    finally:
        staging.drop_staging(conn)
        fec_store.drop_staging(conn)


def _rejects_writer(report: ImportReport, headers: list[str], rejects_path: Path | None,
                    protected: Protected | None, overwrite_rejects: bool) -> RejectsWriter:
    """--skip-invalid: where the rows set aside go, checked before any work (see ``import_file``)."""
    report.rejects_path = rejects_path or free_rejects_name(report.path)
    overwrite = overwrite_rejects and rejects_path is not None
    check_output_target(report.rejects_path, protected or Protected(), overwrite=overwrite)
    return RejectsWriter(report.rejects_path, headers, report.detection.text.separator, protected,
                         overwrite=overwrite)


def _write_rejects(report: ImportReport, rejects: RejectsWriter) -> None:
    """The rows staging set aside are in ``rejects`` already; add those the merge set aside, then write."""
    for line, raw, reason in report.counts.rejected_lines if report.counts else ():
        rejects.add(line, unpack_raw(raw), reason)
    report.rejected = len(rejects.rows)
    if rejects.rows:
        rejects.write()


def _detect_or_refuse(report: ImportReport, **options) -> tuple[Detection, list[str]]:
    """``detect`` (and the file's SHA-256), each problem of the file or its columns in ``report``, which
    ImportRefused carries."""
    try:
        report.sha256 = sha256_of(report.path)
        return detect(report.path, **options)
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


def _merge_staged(store: Store, detection: Detection, report: ImportReport, *, as_of: dt.date, full: bool,
                  allow_mass_close: bool, default_terms: int, skip_invalid: bool, dry_run: bool) -> None:
    """Merge the staged rows in one write transaction (store.write); with ``skip_invalid``, the rows the
    merge finds wrong are set aside and the rest merged again; ``dry_run`` rolls it all back."""
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
        store.write(merge, what=f"import de {report.path.name}")
    except _DryRun:
        pass  # rolled back on purpose: --dry-run reports what would change and writes nothing


def _parser_for(detection: Detection, headers: list[str], as_of: dt.date):
    if detection.kind == "fec":
        return FecReader(headers, detection.number, detection.dates["EcritureDate"], as_of)
    if detection.kind == "payments":
        return PaymentRowParser(detection.cmap, detection.number, detection.dates)
    return InvoiceRowParser(detection.cmap, detection.number, detection.dates)


def _stage(conn, path: Path, detection: Detection, headers: list[str], report: ImportReport,
           rejects: RejectsWriter | None, as_of: dt.date, total: int, progress: Progress | None) -> None:
    """Read every row, check it, stage the valid ones (TEMP tables), then what the rows say together:
    a FEC's allocation, dated payments, repeated invoices."""
    parser = _parser_for(detection, headers, as_of)
    csv_rows = CsvRows(detection, headers, report) if detection.kind != "fec" else None
    with staging.staging_transaction(conn, f"import de {path.name}"):  # TEMP tables only: no lock on the shared file
        if detection.kind == "fec":
            fec_store.reset_staging(conn)
        _stage_rows(conn, path, detection, parser, csv_rows, report, rejects, total, progress)
        if detection.kind == "fec":
            check_lettering(conn, report)
            classify_fec(conn, parser)
            for invoices, payments in allocate_fec(conn, report):
                staging.stage_invoices(conn, invoices)
                staging.stage_payments(conn, payments)
        if isinstance(parser, InvoiceRowParser):
            for chunk in range(0, len(csv_rows.payments), BATCH):
                staging.stage_payments(conn, csv_rows.payments[chunk:chunk + BATCH])
            csv_rows.finish(parser)
        staging.index_staging(conn)
        if isinstance(parser, InvoiceRowParser) and parser.per_payment:
            _settle_payments(conn, report, rejects)
        if detection.kind != "payments":
            _drop_duplicates(conn, parser, report, rejects)
    report.problems.sort(key=lambda p: p.line)


def _stage_rows(conn, path: Path, detection: Detection, parser, csv_rows: CsvRows | None, report: ImportReport,
                rejects: RejectsWriter | None, total: int, progress: Progress | None) -> None:
    rows = Rows(path, detection.text, multiline=_address_column(detection))  # two-line addresses
    batch: list[tuple] = []
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
        batch.append(parsed.staged() if detection.kind == "fec" else parsed)
        if len(batch) >= BATCH:
            _flush(conn, detection.kind, batch)
            batch = []
            if progress:
                progress(line, total)
    _flush(conn, detection.kind, batch)


def _address_column(detection: Detection) -> Container[int]:
    cmap = detection.cmap.fields if detection.cmap else {}
    return {cmap["address"]} if "address" in cmap else ()


def _drop_duplicates(conn, parser, report: ImportReport, rejects: RejectsWriter | None) -> None:
    """Identical repeated rows are dropped (counted); an invoice number on rows that differ is a problem."""
    report.duplicates = staging.drop_exact_duplicates(conn)
    if isinstance(parser, InvoiceRowParser) and parser.per_payment and report.duplicates:
        # one row per payment: an invoice on several rows is one invoice, not a duplicate
        one = report.duplicates < 2
        report.notes.append(f"{count(report.duplicates, 'ligne répétant', 'lignes répétant')} une facture pour un "
                            f"autre de ses paiements : {'regroupée sur sa' if one else 'regroupées sur leur'} facture")
        report.duplicates = 0
    for number, lines in staging.staged_duplicates(conn):
        message = (f"facture {number} présente plusieurs fois avec des données différentes "
                   f"(lignes {', '.join(str(x) for x in lines)})")
        report.problems.append(Problem(lines[1], FIELD_LABELS["number"], message))
        if rejects is not None:
            for line, raw in staging.drop_staged_numbers(conn, [number]):
                rejects.add(line, unpack_raw(raw), message)


def _settle_payments(conn, report: ImportReport, rejects: RejectsWriter | None) -> None:
    """One row per payment: each invoice's paid figure is the sum of its dated payments; a file whose own
    paid figure (or status) disagrees with its payments is refused on that invoice."""
    for line, number, amount, given, total in staging.settle_staged_payments(conn):
        if total > amount:
            problem = Problem(line, FIELD_LABELS["pay_amount"], f"paiements de la facture {number} : "
                                                                f"{format_cents(total)}, plus que son montant "
                                                                f"{format_cents(amount)}")
        elif given is not None and given != total:
            problem = Problem(line, FIELD_LABELS["paid"], f"facture {number} : réglé {format_cents(given)} selon "
                                                          f"le fichier, mais ses paiements font {format_cents(total)}")
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
