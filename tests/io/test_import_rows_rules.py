"""The rules of an export's rows, pinned one by one (io/import_rows.py): what a status says against the figures,
the enterprise number a VAT number gives, a row's raw cells kept for the rejects file; then what the importer
checks once a file with one row per payment is staged (io/importer.py) and which journal of a customer-ledger
FEC holds the invoices (io/import_fec.py)."""

from __future__ import annotations

import csv

import pytest

from relance_tui.domain.parsing import NumberFormat
from relance_tui.io.columns import ColumnMap
from relance_tui.io.import_fec import _is_sales_journal
from relance_tui.io.import_rows import InvoiceRowParser, _enterprise_number_of_vat, pack_raw, unpack_raw
from relance_tui.io.importer import ImportRefused
from tests.io.conftest import FIXTURES, invoices

NBSP = "\u00a0"


def parser(*fields: str) -> InvoiceRowParser:
    names = ("number", "debtor_name", "issue_date", "amount", "status", *fields)
    cmap = ColumnMap(fields={name: i for i, name in enumerate(names)}, headers=list(names), forced=frozenset())
    return InvoiceRowParser(cmap, NumberFormat(","), {})


PLAIN = parser("paid")  # one row per invoice
PER_PAYMENT = parser("pay_date", "pay_amount")  # one row per payment of an invoice


def says(p: InvoiceRowParser, status: str, text: str, amount: int, paid: int | None):
    """What ``_status_says`` returns, and the problems it raises as (field, message)."""
    problems: list[tuple[str, str]] = []

    def bad(name: str, message: str) -> None:
        problems.append((name, message))

    return p._status_says(status, text, amount, paid, bad), problems


# -- a status against the figures ---------------------------------------------------------------------------


def test_a_paid_status_with_the_whole_amount_paid_is_no_problem():
    assert says(PLAIN, "paid", "Payée", 10_000, 10_000) == (10_000, [])


def test_a_paid_status_with_less_paid_is_a_problem_of_the_status():
    assert says(PLAIN, "paid", "Payée", 10_000, 9_999) == (
        9_999, [("status", f"« Payée » mais réglé 99,99{NBSP}€ sur 100,00{NBSP}€")])


def test_a_paid_status_without_a_paid_figure_means_the_whole_amount():
    assert says(PLAIN, "paid", "Payée", 10_000, None) == (10_000, [])


def test_a_partial_status_between_nothing_and_all_is_no_problem():
    assert says(PLAIN, "partial", "Partiellement payée", 10_000, 4_000) == (4_000, [])
    assert says(PLAIN, "partial", "Partiellement payée", 10_000, 1) == (1, [])  # one cent paid is partial


@pytest.mark.parametrize(("paid", "said"), [(0, "0,00"), (10_000, "100,00")])
def test_a_partial_status_with_nothing_or_everything_paid_is_a_problem(paid, said):
    assert says(PLAIN, "partial", "Partiellement payée", 10_000, paid) == (
        paid, [("status", f"« Partiellement payée » mais réglé {said}{NBSP}€ sur 100,00{NBSP}€")])


def test_a_partial_status_without_any_figure_asks_for_the_remaining_column():
    assert says(PLAIN, "partial", "Partiel", 10_000, None) == (None, [(
        "status", "« Partiel » sans le montant réglé ni le reste dû : ajoutez la colonne du reste dû à l'export "
                  "(ou --map remaining=COLONNE)")])


def test_a_partial_status_in_an_export_of_payments_waits_for_its_payments():
    # one row per payment: the invoice's paid figure is the sum of its payments, settled once staged
    assert says(PER_PAYMENT, "partial", "Partiel", 10_000, None) == (None, [])


def test_an_open_status_fully_paid_is_a_problem():
    assert says(PLAIN, "open", "À régler", 10_000, 10_000) == (
        10_000, [("status", f"« À régler » mais entièrement réglée (100,00{NBSP}€)")])
    assert says(PLAIN, "open", "À régler", 10_000, 9_999) == (9_999, [])


UNKNOWN = ("statut inconnu « Lettrée » : relance ne sait pas si la facture est payée (statuts compris : payée, "
           "partiellement payée, en retard, à régler, brouillon, annulée...) ; ou donnez le reste dû "
           "(--map remaining=COLONNE)")


def test_an_unknown_status_without_a_figure_is_a_problem_said_word_for_word():
    assert says(PLAIN, "", "Lettrée", 10_000, None) == (None, [("status", UNKNOWN)])


def test_an_unknown_status_is_no_problem_when_a_figure_says_what_was_paid():
    assert says(PLAIN, "", "Lettrée", 10_000, 2_500) == (2_500, [])
    assert says(PER_PAYMENT, "", "Lettrée", 10_000, None) == (None, [])  # its payments will say


def test_an_empty_status_cell_says_nothing():
    assert says(PLAIN, "", "", 10_000, 2_500) == (2_500, [])
    assert says(PLAIN, "", "", 10_000, None) == (None, [])


# -- the enterprise number a VAT number gives ---------------------------------------------------------------


def test_a_belgian_vat_number_gives_its_enterprise_number_whatever_the_country():
    assert _enterprise_number_of_vat("BE 0123.456.749", "") == "0123456749"
    assert _enterprise_number_of_vat("be0123456749", "FR") == "0123456749"


def test_digits_alone_are_a_belgian_vat_number_only_for_a_debtor_placed_in_belgium():
    assert _enterprise_number_of_vat("0123.456.749", "BE") == "0123456749"
    assert _enterprise_number_of_vat("0123.456.749", "FR") == ""  # another country's: not kept
    assert _enterprise_number_of_vat("0123.456.749", "") == ""


def test_a_foreign_vat_number_is_not_kept():
    assert _enterprise_number_of_vat("FR40303265045", "FR") == ""
    assert _enterprise_number_of_vat("FR40303265045", "BE") == ""  # letters: not the digits of a Belgian one


def test_a_wrong_belgian_vat_number_is_said_as_a_vat_number():
    with pytest.raises(ValueError, match=r"^numéro de TVA invalide, clé de contrôle fausse \(0123456748\)$"):
        _enterprise_number_of_vat("0123456748", "BE")


# -- a row's raw cells, kept for the rejects file -------------------------------------------------------------


def test_raw_cells_come_back_as_they_were_spaces_and_empty_cells_included():
    cells = ["FA-1", "Garage  Martin", "", " 12 rue des Lilas ", "100,00"]
    assert unpack_raw(pack_raw(cells)) == cells
    assert unpack_raw("") == [""]


# -- one row per payment: the invoice's payments against its amount (io/importer.py) -------------------------

PER_PAYMENT_FILE = (FIXTURES / "reglements_par_facture.csv").read_text()
# FA2026-0022 (line 4, 3 000,00) paid 4 000,00 in one payment: more than its amount
TOO_MUCH = PER_PAYMENT_FILE.replace("01/04/2026;1 000,00", "01/04/2026;4 000,00")
TOO_MUCH_SAID = f"paiements de la facture FA2026-0022 : 4{NBSP}000,00{NBSP}€, plus que son montant 3{NBSP}000,00{NBSP}€"


def test_payments_beyond_the_invoice_amount_refuse_it_on_its_first_line(imp, store, write):
    with pytest.raises(ImportRefused) as err:
        imp(write("p.csv", TOO_MUCH))
    problems = [(p.line, p.field, p.message) for p in err.value.report.problems]
    # FA2026-0021 before it is right (its payments make its amount): the check goes on past it
    assert problems == [(4, "montant du paiement", TOO_MUCH_SAID)]
    assert invoices(store) == {}


def test_a_paid_figure_its_payments_contradict_refuses_the_invoice_on_its_first_line(imp, store, write):
    # FA2026-0021 (lines 2 and 3) is paid says the file, 1 200,00; its payments make 500,00 + 600,00
    text = PER_PAYMENT_FILE.replace("15/03/2026;700,00", "15/03/2026;600,00")
    with pytest.raises(ImportRefused) as err:
        imp(write("p.csv", text))
    problems = [(p.line, p.field, p.message) for p in err.value.report.problems]
    assert problems == [(2, "montant réglé", f"facture FA2026-0021 : réglé 1{NBSP}200,00{NBSP}€ selon le fichier, "
                                             f"mais ses paiements font 1{NBSP}100,00{NBSP}€")]


def test_skip_invalid_sets_aside_the_rows_of_an_invoice_paid_beyond_its_amount(imp, store, write):
    report = imp(write("p.csv", TOO_MUCH), skip_invalid=True)
    assert set(invoices(store)) == {"FA2026-0021", "FA2026-0023"}
    with open(report.rejects_path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    fields = TOO_MUCH.splitlines()[3].split(";")
    assert rows[1:] == [["4", *fields, f"montant du paiement: {TOO_MUCH_SAID}"]]


# -- which journal of a customer-ledger FEC holds invoices and credit notes (io/import_fec.py) ----------------


@pytest.mark.parametrize(("code", "label", "debits", "sales"), [
    # the opening journal never, by its code or its label, even when it debits customers
    ("AN", "Journal", True, False),
    ("X9", "A nouveaux", True, False),
    ("RAN", "Ventes", True, False),
    # named so: sales, credit notes, invoices, even when it debits nothing
    ("VT", "Ventes", False, True),
    ("AV", "Avoirs clients", False, True),
    ("FA", "Facturation", False, True),
    # a treasury journal by its code (spaces aside) or the start of it
    ("CA", "Journal", True, False),
    ("C A", "Journal", True, False),
    ("BQ2", "Journal", True, False),
    ("BNQ1", "Journal", True, False),
    ("BANK2", "Journal", True, False),
    # a treasury or misc journal by its label, or the code OD
    ("J1", "Règlements clients", True, False),
    ("OD", "Journal", True, False),
    ("J2", "Opérations diverses", True, False),
    ("J3", "Divers", True, False),
    # otherwise: whether it debits customer accounts
    ("VT", "Journal", True, True),
    ("VT", "Journal", False, False),
    ("J4", "Odyssée", True, True),  # "od" inside a word is not the misc journal
])
def test_the_sales_journal_of_a_customer_ledger(code, label, debits, sales):
    assert _is_sales_journal(code, label, debits) is sales
