"""What an import says, word for word (io/import_report.py; issue 14: tests that state the rule): where each
problem is (file:line: field: what), how many are shown, what the file was found to be, the summary after a
run, and the rejects file --skip-invalid writes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from relance_tui.domain.parsing import NumberFormat
from relance_tui.io.column_names import FIELD_LABELS
from relance_tui.io.import_report import (
    MAX_PROBLEMS_SHOWN,
    Detection,
    ImportRefused,
    ImportReport,
    Problem,
    RejectsWriter,
    free_rejects_name,
)
from relance_tui.io.outputs import Protected
from relance_tui.io.textfile import TextFormat
from relance_tui.store.imports import MergeCounts


def test_a_problem_says_file_line_field_and_what_or_the_file_alone_when_it_has_no_line() -> None:
    assert Problem(12, "montant", "pas un montant").format("export.csv") == "export.csv:12: montant: pas un montant"
    assert Problem(0, "en-tête", "colonne absente").format("export.csv") == "export.csv: en-tête: colonne absente"


def test_the_file_s_name_is_printed_as_text() -> None:
    assert ImportReport(Path("/tmp/fac\x1b[31mtures.csv")).label == "fac[31mtures.csv"


def test_the_first_fifty_problems_are_shown_then_how_many_more() -> None:
    report = ImportReport(Path("f.csv"), problems=[Problem(n, "montant", "vide") for n in range(2, 2 + 53)])
    lines = report.problem_lines()
    assert len(lines) == MAX_PROBLEMS_SHOWN + 1 == 51
    assert lines[0] == "f.csv:2: montant: vide" and lines[49] == "f.csv:51: montant: vide"
    assert lines[-1] == "... et 3 autres problèmes (53 en tout)"
    assert report.problem_lines(limit=52)[-1] == "... et 1 autre problème (53 en tout)"
    assert report.problem_lines(limit=53)[-1] == "f.csv:54: montant: vide"  # all shown: nothing more said
    assert ImportReport(Path("f.csv"), problems=[]).problem_lines() == []


def test_a_refused_import_says_nothing_was_imported_how_many_problems_and_each() -> None:
    report = ImportReport(Path("dir/f.csv"), problems=[Problem(3, "date", "date impossible : 31/02/2026")])
    assert report.problem_summary() == ("f.csv : import refusé, rien n'a été importé (1 problème).\n"
                                        "f.csv:3: date: date impossible : 31/02/2026")
    refused = ImportRefused(report)
    assert str(refused) == report.problem_summary() and refused.report is report and refused.exit_code == 11
    two = ImportReport(Path("f.csv"), problems=[Problem(3, "a", "x"), Problem(4, "b", "y")])
    assert two.problem_summary().startswith("f.csv : import refusé, rien n'a été importé (2 problèmes).\n")


def test_what_the_file_was_found_to_be_line_by_line() -> None:
    found = Detection("invoices", TextFormat("cp1252", ";"), NumberFormat(",", frozenset({" "})),
                      {"issue_date": "DD/MM/YYYY", "due_date": "YYYY-MM-DD"}, ["N° → numéro"], ["HT", "TVA"],
                      header_line=3)
    lines = found.lines()
    assert lines[0] == "Type : factures"
    assert lines[1] == "Format : encodage Windows-1252, séparateur point-virgule"
    assert lines[2] == "En-tête : ligne 3 (les lignes de titre au-dessus sont ignorées)"
    assert lines[3].startswith("Nombres : décimales : virgule, milliers : ")
    assert lines[4] == f"Dates : {FIELD_LABELS['issue_date']} JJ/MM/AAAA, {FIELD_LABELS['due_date']} AAAA-MM-JJ"
    assert FIELD_LABELS["issue_date"] != "issue_date"  # the label, not the field's code
    other = Detection("invoices", TextFormat("utf-8", ";"), dates={"x_date": "YYYYMMDD"}, header_line=2).lines()
    assert other[2:] == ["En-tête : ligne 2 (les lignes de titre au-dessus sont ignorées)", "Dates : x_date AAAAMMJJ"]
    assert lines[5:] == ["Colonnes : N° → numéro", "Colonnes ignorées : HT, TVA"]
    bare = Detection("fec", TextFormat("utf-8", "\t")).lines()
    assert bare == ["Type : FEC (écritures comptables)", "Format : encodage UTF-8, séparateur tabulation"]
    assert Detection("payments", TextFormat("utf-8", "|")).lines()[0] == "Type : paiements"
    two_columns = Detection("invoices", TextFormat("utf-8", ","), columns=["A → a", "B → b"]).lines()
    assert two_columns[-1] == "Colonnes : A → a ; B → b"


def full_counts() -> MergeCounts:
    return MergeCounts(debtors_created=2, debtors_updated=1, contacts_created=3, invoices_created=5, credit_notes=1,
                       invoices_updated=2, invoices_paid=4, payments_created=6, payments_skipped=2,
                       closed_by_full=3, unchanged=7, events=9)


def test_the_summary_of_a_run_says_every_count_agreeing_with_its_noun(tmp_path) -> None:
    report = ImportReport(Path("f.csv"), detection=Detection("invoices", TextFormat("utf-8", ";")), rows=12,
                          valid=10, duplicates=2, rejected=2, rejects_path=tmp_path / "f.rejets.csv",
                          counts=full_counts())
    lines = report.summary_lines()
    assert lines[0] == (f"Import terminé. 12 lignes lues, 10 valides, 2 doublons identiques ignorés, "
                        f"2 rejetées vers {tmp_path / 'f.rejets.csv'}.")
    assert lines[1] == "Débiteurs : 2 créés, 1 complété ; contacts créés : 3"
    assert lines[2] == ("Factures : 5 nouvelles (dont 1 avoir), 2 modifiées, 7 inchangées, 4 soldées, 3 absentes de "
                        "l'export complet considérées payées")
    assert lines[3] == "Paiements enregistrés : 6 (2 déjà connus) ; événements ajoutés à la chronologie : 9"
    assert len(lines) == 4


def test_a_run_with_little_to_say_says_it_in_the_singular_and_leaves_out_what_did_not_happen() -> None:
    counts = MergeCounts(debtors_created=1, invoices_created=1, invoices_updated=1, unchanged=1, invoices_paid=1,
                         closed_by_full=1, payments_created=1, payments_skipped=1, events=1)
    report = ImportReport(Path("f.csv"), rows=1, valid=1, counts=counts, dry_run=True)
    lines = report.summary_lines()
    assert lines[0] == "Simulation (--dry-run) : rien n'a été écrit. 1 ligne lue, 1 valide."
    assert lines[1] == "Débiteurs : 1 créé, 0 complété ; contacts créés : 0"
    assert lines[2] == ("Factures : 1 nouvelle (dont 0 avoir), 1 modifiée, 1 inchangée, 1 soldée, 1 absente de "
                        "l'export complet considérée payée")
    assert lines[3] == "Paiements enregistrés : 1 (1 déjà connu) ; événements ajoutés à la chronologie : 1"
    none = ImportReport(Path("f.csv"), rows=0, valid=0, counts=MergeCounts()).summary_lines()
    assert none[0] == "Import terminé. 0 ligne lue, 0 valide."
    assert none[2] == "Factures : 0 nouvelle (dont 0 avoir), 0 modifiée, 0 inchangée, 0 soldée"
    assert none[3] == "Paiements enregistrés : 0 ; événements ajoutés à la chronologie : 0"
    assert ImportReport(Path("f.csv"), rows=2, valid=2).summary_lines() == ["Import terminé. 2 lignes lues, 2 valides."]


def test_a_fec_says_what_it_kept_were_customer_accounts() -> None:
    report = ImportReport(Path("f.txt"), detection=Detection("fec", TextFormat("utf-8", "\t")), rows=40, valid=12)
    assert report.summary_lines()[0] == "Import terminé. 40 lignes lues, 12 sur des comptes clients (411)."


def test_notes_opening_lines_lettered_credit_notes_and_allocations_are_said_with_their_counts() -> None:
    report = ImportReport(Path("f.csv"), rows=3, valid=3, notes=[f"ligne {n} : total" for n in range(53)],
                          opening_lines=2, credit_notes_lettered=1,
                          allocation_rules={"plus ancienne": 2, "montant exact": 21},
                          allocations=[f"crédit {n}" for n in range(23)])
    lines = report.summary_lines()
    assert lines[1] == "Remarques (53) :" and lines[2] == "  ligne 0 : total" and lines[51] == "  ligne 49 : total"
    assert lines[52] == "  ... et 3 autres"
    assert lines[53] == "À-nouveaux : 2 lignes d'ouverture reprises comme factures"
    assert lines[54] == "Avoirs lettrés : 1 imputé sur les factures lettrées avec eux"
    assert lines[55] == "Crédits non lettrés affectés : 21 montant exact, 2 plus ancienne"
    assert lines[56:76] == [f"  crédit {n}" for n in range(20)]
    assert lines[76:] == ["  ... et 3 autres"]
    few = ImportReport(Path("f.csv"), notes=["a"], opening_lines=1, credit_notes_lettered=2,
                       allocation_rules={"x": 1}, allocations=["c"] * 21).summary_lines()
    assert few[1:3] == ["Remarques (1) :", "  a"]
    assert few[3] == "À-nouveaux : 1 ligne d'ouverture reprise comme factures"
    assert few[4] == "Avoirs lettrés : 2 imputés sur les factures lettrées avec eux"
    assert few[-1] == "  ... et 1 autre" and few.count("  c") == 20
    two_more = ImportReport(Path("f.csv"), allocation_rules={"x": 22}, allocations=["c"] * 22).summary_lines()
    assert two_more[-1] == "  ... et 2 autres"
    twenty = ImportReport(Path("f.csv"), allocation_rules={"x": 20}, allocations=["c"] * 20).summary_lines()
    assert twenty[-1] == "  c" and twenty.count("  c") == 20  # all shown: no "... et 0 autre"
    assert not any(line.startswith("  ... et") for line in ImportReport(Path("f.csv"), notes=["a"] * 50).summary_lines())


def test_the_rejects_file_lists_each_row_by_line_with_its_reason(tmp_path) -> None:
    path = tmp_path / "f.rejets.csv"
    writer = RejectsWriter(path, ["N°", "Montant"], ";")
    writer.add(9, ["A9", "abc"], "montant : pas un montant")  # by line, whatever the cells
    writer.add(3, ["Z3", ""], "montant : vide")
    writer.write()
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel opens it in UTF-8
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows == [["ligne", "N°", "Montant", "motif du rejet"], ["3", "Z3", "", "montant : vide"],
                    ["9", "A9", "abc", "montant : pas un montant"]]
    with pytest.raises(Exception, match="existe"):  # an existing file only when the person said so
        RejectsWriter(path, ["N°"], ";").write()
    again = RejectsWriter(path, ["N°"], ",", overwrite=True)
    again.add(1, ["F1"], "x")
    again.write()
    assert path.read_text(encoding="utf-8-sig").splitlines() == ["ligne,N°,motif du rejet", "1,F1,x"]


def test_the_rejects_file_is_never_the_base(tmp_path) -> None:
    base = tmp_path / "relance.db"
    base.write_bytes(b"SQLite format 3\x00")
    with pytest.raises(Exception):  # noqa: B017 - refused whatever the message: the base is untouched
        RejectsWriter(base, ["N°"], ";", Protected(frozenset({base.resolve()})), overwrite=True).write()
    assert base.read_bytes() == b"SQLite format 3\x00"


def test_a_rejects_file_s_name_is_free_beside_the_import(tmp_path) -> None:
    source = tmp_path / "export.csv"
    assert free_rejects_name(source) == tmp_path / "export.rejets.csv"
    (tmp_path / "export.rejets.csv").write_text("", encoding="utf-8")
    assert free_rejects_name(source) == tmp_path / "export.rejets-2.csv"
    (tmp_path / "export.rejets-3.csv").symlink_to(tmp_path / "nowhere")  # a link, even broken, is taken
    (tmp_path / "export.rejets-2.csv").write_text("", encoding="utf-8")
    assert free_rejects_name(source) == tmp_path / "export.rejets-4.csv"

