"""What an invoice export holds besides its rows (io/import_rows.py, CsvRows): a report's repeated header and its
totals lines set aside with a note, the file's grand total checked against the rows read, the notes the invoice
parser leaves, and which exports give one row per payment."""

from __future__ import annotations

from pathlib import Path

from relance_tui.domain.parsing import NumberFormat
from relance_tui.io.columns import ColumnMap
from relance_tui.io.import_report import Detection, ImportReport
from relance_tui.io.import_rows import CsvRows, InvoiceRowParser
from relance_tui.io.textfile import TextFormat

NBSP = "\u00a0"
HEADERS = ["N° facture", "Client", "Libellé", "Date facture", "Montant TTC"]
NAMES = ("number", "debtor_name", "label", "issue_date", "amount")
DATES = {"issue_date": "DD/MM/YYYY"}


def cmap(*names: str) -> ColumnMap:
    return ColumnMap(fields={name: i for i, name in enumerate(names)}, headers=list(names), forced=frozenset())


def rows(decimal: str | None = ",", names=NAMES, headers=HEADERS):
    detection = Detection("invoices", TextFormat("utf-8", ";"), NumberFormat(decimal) if decimal else None, DATES,
                          cmap=cmap(*names) if names else None)
    report = ImportReport(Path("f.csv"))
    return CsvRows(detection, headers, report), report


def test_a_report_s_header_repeated_on_a_new_page_is_set_aside():
    csv_rows, report = rows()
    assert csv_rows.set_aside(12, ["n° facture", " CLIENT ", "Libelle", "Date  facture", "Montant TTC"])
    assert report.notes == ["ligne 12 : en-tête répété (nouvelle page du rapport) ignoré"]


def test_a_row_like_the_header_but_not_it_is_a_row():
    csv_rows, report = rows()
    assert not csv_rows.set_aside(3, ["N° facture", "Client", "Libellé", "Date facture", "Montant"])
    assert not csv_rows.set_aside(3, ["N° facture", "Client", "Libellé", "Date facture"])
    assert not csv_rows.set_aside(3, ["N° facture", "Client", "Libellé", "Date facture", "Montant TTC", ""])
    assert not csv_rows.set_aside(3, ["F-1", "Client", "Libellé", "Date facture", "Montant TTC"])
    assert report.notes == []


def test_a_totals_line_is_set_aside_with_its_amount():
    csv_rows, report = rows()
    assert csv_rows.set_aside(9, ["Total général", "", "", "", "1 234,50"])
    assert csv_rows.totals == [(9, 123_450)]
    assert report.notes == [f"ligne 9 : ligne de total « Total général » ignorée (1{NBSP}234,50{NBSP}€)"]


def test_a_totals_line_in_points_is_read_in_points():
    csv_rows, report = rows(decimal=".")
    assert csv_rows.set_aside(9, ["  Totaal ", "", "", "", "1234.50"])
    assert csv_rows.totals == [(9, 123_450)]
    assert report.notes == [f"ligne 9 : ligne de total « Totaal » ignorée (1{NBSP}234,50{NBSP}€)"]


def test_a_file_without_a_number_format_reads_totals_in_commas():
    csv_rows, _ = rows(decimal=None)
    assert csv_rows.set_aside(9, ["Total", "", "", "", "12,50"])
    assert csv_rows.totals == [(9, 1_250)]


def test_a_totals_line_without_a_readable_amount_is_set_aside_without_one():
    for amount_cell in (["", "", "", ""], ["", "", "", "n/a"], ["", "", "", "  "], []):
        csv_rows, report = rows()
        assert csv_rows.set_aside(9, ["Total", *amount_cell])
        assert csv_rows.totals == [(9, None)]
        assert report.notes == ["ligne 9 : ligne de total « Total » ignorée"]


def test_a_file_without_an_amount_column_sets_totals_aside_without_amount():
    csv_rows, report = rows(names=("number", "debtor_name", "label", "issue_date"))
    assert csv_rows.set_aside(9, ["Total", "", "", "", "12,50"])
    assert csv_rows.totals == [(9, None)]


def test_an_invoice_numbered_like_a_total_word_or_labelled_total_is_an_invoice():
    csv_rows, report = rows()
    assert not csv_rows.set_aside(4, ["F-1", "Total Energies", "", "01/03/2026", "10,00"])  # its own number
    assert not csv_rows.set_aside(5, ["F-2", "Garage", "Total des travaux", "01/03/2026", "10,00"])  # a label
    assert csv_rows.set_aside(6, ["Total", "Total", "", "", "20,00"])  # its number cell says total
    assert csv_rows.set_aside(7, ["", "Sous-total Garage Martin", "", "", "20,00"])
    assert [line for line, _ in csv_rows.totals] == [6, 7]


def test_a_file_without_columns_found_still_sets_totals_aside():
    csv_rows, report = rows(names=None)
    assert csv_rows.set_aside(6, ["Total", "20,00"])
    assert csv_rows.totals == [(6, None)]


def parser(*names: str) -> InvoiceRowParser:
    return InvoiceRowParser(cmap(*names), NumberFormat(","), DATES | {"pay_date": "DD/MM/YYYY"})


def test_rows_taken_add_up_and_leave_their_notes_and_payments():
    csv_rows, report = rows()
    p = parser(*NAMES, "status")
    csv_rows.took(p, p.parse(2, ["F-1", "Garage", "", "01/03/2026", "100,00", ""])[0])
    csv_rows.took(p, p.parse(3, ["F-2", "Garage", "", "01/03/2026", "50,00", "Brouillon"])[0])
    csv_rows.took(p, p.parse(4, ["F-3", "Garage", "", "01/03/2026", "-20,00", ""])[0])
    assert csv_rows.amount_sum == 8_000
    assert report.notes == ["ligne 3 : facture F-2 brouillon (jamais émise) selon l'export : non importée"]
    assert p.notes == []
    q = parser(*NAMES, "pay_date", "pay_amount")
    csv_rows.took(q, q.parse(5, ["F-4", "Garage", "", "01/03/2026", "10,00", "02/03/2026", "4,00"])[0])
    assert [pay[0] for pay in csv_rows.payments] == [5] and q.payments == []
    csv_rows.took(q, q.parse(6, ["F-4", "Garage", "", "01/03/2026", "10,00", "03/03/2026", "6,00"])[0])
    assert [pay[0] for pay in csv_rows.payments] == [5, 6]


def finish(totals, amount_sum: int, p: InvoiceRowParser | None = None) -> list[str]:
    csv_rows, report = rows()
    csv_rows.totals, csv_rows.amount_sum = totals, amount_sum
    csv_rows.finish(p or parser(*NAMES))
    return report.notes


def test_a_grand_total_matching_the_rows_is_said_so():
    assert finish([(9, 15_000)], 15_000) == [
        f"ligne 9 : le total du fichier concorde avec la somme des lignes importées (150,00{NBSP}€)"]


def test_a_grand_total_not_matching_the_rows_says_the_gap():
    assert finish([(9, 15_000)], 14_000) == [
        f"ligne 9 : attention, total du fichier 150,00{NBSP}€, somme des lignes importées 140,00{NBSP}€ "
        f"(écart 10,00{NBSP}€)"]


def test_subtotals_a_total_without_amount_or_an_export_of_payments_are_not_checked():
    assert finish([(5, 100), (9, 200)], 300) == []
    assert finish([(9, None)], 0) == []
    assert finish([(9, 100)], 200, parser(*NAMES, "pay_date", "pay_amount")) == []


def test_invoices_paid_without_a_date_are_said_once_the_file_is_read():
    p = parser(*NAMES)
    p.paid_undated = 1
    assert finish([], 0, p) == [
        "1 facture avec un montant réglé mais sans date de paiement : les pénalités de ce paiement ne se calculent "
        "qu'avec leur date (fichier de paiements ou FEC)"]
    p.paid_undated = 3
    assert finish([], 0, p) == [
        "3 factures avec un montant réglé mais sans date de paiement : les pénalités de ces paiements ne se "
        "calculent qu'avec leur date (fichier de paiements ou FEC)"]


def test_an_export_gives_one_row_per_payment_when_it_has_a_payment_date_and_a_payment_figure():
    assert parser("pay_date", "pay_amount").per_payment
    assert parser("pay_date", "paid").per_payment
    assert not parser("pay_date").per_payment
    assert not parser("pay_amount", "paid").per_payment
    assert parser("pay_date", "pay_amount", "paid").payment_field == "pay_amount"
    assert parser("pay_date", "paid").payment_field == "paid"
    fresh = parser("number")
    assert (fresh.notes, fresh.payments, fresh.paid_undated, fresh.decimal) == ([], [], 0, ",")


def test_a_totals_line_stopping_before_the_amount_or_number_column_is_set_aside_without_amount():
    csv_rows, report = rows()
    assert csv_rows.set_aside(9, ["Total", "", "", ""])  # the row stops just before the amount column
    csv_rows_later, _ = rows(names=("debtor_name", "label", "number", "issue_date", "amount"))
    assert csv_rows_later.set_aside(9, ["Total", ""])  # ... or just before the number column
    assert csv_rows.totals == csv_rows_later.totals == [(9, None)]


def test_a_label_starting_with_total_does_not_make_a_totals_line():
    csv_rows, report = rows()
    assert not csv_rows.set_aside(5, ["", "Garage", "Total des travaux", "01/03/2026", "10,00"])
    assert csv_rows.totals == [] and report.notes == []


def test_two_invoices_paid_without_a_date_are_said_in_the_plural():
    p = parser(*NAMES)
    p.paid_undated = 2
    assert finish([], 0, p) == [
        "2 factures avec un montant réglé mais sans date de paiement : les pénalités de ces paiements ne se "
        "calculent qu'avec leur date (fichier de paiements ou FEC)"]
