"""What an import says: what the file was found to be, every problem as ``file:line: field: what``, the
summary once it ran, and the rows ``--skip-invalid`` sets aside (the rejects file)."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

from relance_tui.domain.parsing import DATE_LABELS, NumberFormat
from relance_tui.domain.text import agreed, clean, count
from relance_tui.errors import RelanceError
from relance_tui.io.column_names import FIELD_LABELS
from relance_tui.io.columns import ColumnMap, Unplaced
from relance_tui.io.outputs import Protected, open_output_file
from relance_tui.io.textfile import TextFormat
from relance_tui.store.imports import MergeCounts

MAX_PROBLEMS_SHOWN = 50
KINDS = ("invoices", "payments", "fec")
KIND_LABELS = {"invoices": "factures", "payments": "paiements", "fec": "FEC (écritures comptables)"}


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
            out.append("Dates : " + ", ".join(f"{FIELD_LABELS.get(k, k)} {DATE_LABELS[v]}"
                                              for k, v in self.dates.items()))
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
    counts: MergeCounts | None = None
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
            lines.append(f"... et {count(len(self.problems) - limit, 'autre problème', 'autres problèmes')} "
                         f"({len(self.problems)} en tout)")
        return lines

    def problem_summary(self) -> str:
        return (f"{self.label} : import refusé, rien n'a été importé ({count(len(self.problems), 'problème')}).\n"
                + "\n".join(self.problem_lines()))

    def summary_lines(self) -> list[str]:
        c = self.counts
        head = "Simulation (--dry-run) : rien n'a été écrit." if self.dry_run else "Import terminé."
        kept = "sur des comptes clients (411)" if self.detection and self.detection.kind == "fec" else agreed(self.valid, "valide")
        out = [f"{head} {count(self.rows, 'ligne lue')}, {self.valid} {kept}"
               + (f", {count(self.duplicates, 'doublon identique ignoré')}" if self.duplicates else "")
               + (f", {self.rejected} {agreed(self.rejected, 'rejetée')} vers {clean(str(self.rejects_path))}"
                  if self.rejected else "")
               + "."]
        if c:
            out.append(f"Débiteurs : {c.debtors_created} {agreed(c.debtors_created, 'créé')}, "
                       f"{c.debtors_updated} {agreed(c.debtors_updated, 'complété')} ; "
                       f"contacts créés : {c.contacts_created}")
            gone = c.closed_by_full
            out.append(f"Factures : {c.invoices_created} {agreed(c.invoices_created, 'nouvelle')} (dont "
                       f"{count(c.credit_notes, 'avoir')}), "
                       f"{c.invoices_updated} {agreed(c.invoices_updated, 'modifiée')}, "
                       f"{c.unchanged} {agreed(c.unchanged, 'inchangée')}, "
                       f"{c.invoices_paid} {agreed(c.invoices_paid, 'soldée')}"
                       + (f", {gone} {agreed(gone, 'absente')} de l'export complet "
                          f"{agreed(gone, 'considérée payée', 'considérées payées')}" if gone else ""))
            out.append(f"Paiements enregistrés : {c.payments_created}"
                       + (f" ({c.payments_skipped} déjà {agreed(c.payments_skipped, 'connu')})"
                          if c.payments_skipped else "")
                       + f" ; événements ajoutés à la chronologie : {c.events}")
        if self.notes:
            out.append(f"Remarques ({len(self.notes)}) :")
            out += [f"  {n}" for n in self.notes[:MAX_PROBLEMS_SHOWN]]
            if len(self.notes) > MAX_PROBLEMS_SHOWN:
                more = len(self.notes) - MAX_PROBLEMS_SHOWN
                out.append(f"  ... et {more} {agreed(more, 'autre')}")
        if self.opening_lines:
            taken = count(self.opening_lines, "ligne d'ouverture reprise", "lignes d'ouverture reprises")
            out.append(f"À-nouveaux : {taken} comme factures")
        if self.credit_notes_lettered:
            lettered = self.credit_notes_lettered
            out.append(f"Avoirs lettrés : {lettered} {agreed(lettered, 'imputé')} sur les factures lettrées avec eux")
        if self.allocation_rules:
            rules = ", ".join(f"{n} {r}" for r, n in sorted(self.allocation_rules.items()))
            out.append(f"Crédits non lettrés affectés : {rules}")
            out += [f"  {a}" for a in self.allocations[:20]]
            if len(self.allocations) > 20:
                out.append(f"  ... et {len(self.allocations) - 20} {agreed(len(self.allocations) - 20, 'autre')}")
        return out


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


def free_rejects_name(path: Path) -> Path:
    """``<file>.rejets.csv`` beside ``path``, or the first ``<file>.rejets-N.csv`` nothing (not even a link)
    holds yet."""
    n = 1
    while True:
        name = path.with_name(f"{path.stem}.rejets{'' if n == 1 else f'-{n}'}.csv")
        if not os.path.lexists(name):
            return name
        n += 1
