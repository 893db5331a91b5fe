"""A row of an export, read cell by cell (io/import_rows.py): what a payment row and an invoice row become once
staged, and each problem a row can have, said as the agent reads it (line, field, exact French words)."""

from __future__ import annotations

import datetime as dt

import pytest

from relance_tui.domain.parsing import NumberFormat
from relance_tui.io.columns import ColumnMap
from relance_tui.io.import_report import Problem
from relance_tui.io.import_rows import InvoiceRowParser, PaymentRowParser, cell, pack_raw

NBSP = "\u00a0"
DAY_FIRST = "DD/MM/YYYY"


def cmap(*names: str) -> ColumnMap:
    return ColumnMap(fields={name: i for i, name in enumerate(names)}, headers=list(names), forced=frozenset())


# -- a cell ---------------------------------------------------------------------------------------------------


def test_a_cell_is_its_text_without_surrounding_spaces():
    assert cell([" FA-1 ", "x"], {"number": 0}, "number") == "FA-1"
    assert cell(["FA-1", " Garage  Martin "], {"number": 0, "debtor_name": 1}, "debtor_name") == "Garage  Martin"


def test_a_cell_the_map_does_not_place_or_the_row_does_not_reach_is_empty():
    assert cell(["FA-1"], {"number": 0}, "amount") == ""
    assert cell(["FA-1"], {"number": 0, "amount": 1}, "amount") == ""  # the row stops just before it
    assert cell(["FA-1", "12,00"], {"number": 0, "amount": 1}, "amount") == "12,00"


# -- a payment row --------------------------------------------------------------------------------------------

PAYMENT_COLUMNS = ("pay_date", "number", "debtor_code", "debtor_name", "amount", "reference")


def pay(*fields: str, line: int = 7, columns=PAYMENT_COLUMNS, date_format: str | None = DAY_FIRST,
        decimal: str = ","):
    dates = {"pay_date": date_format} if date_format else {}
    return PaymentRowParser(cmap(*columns), NumberFormat(decimal), dates).parse(line, list(fields))


def test_a_payment_row_is_staged_with_its_day_amount_reference_and_raw_cells():
    fields = [" 15/03/2026 ", " FA-1 ", " C042 ", " SARL Garage Martin ", " 1 200,50 ", " VIR 889 "]
    assert pay(*fields) == ((7, "FA-1", "C042", "garage martin", "2026-03-15", 120_050, "VIR 889", "",
                             pack_raw(fields), "payment"), [])


def test_a_payment_row_in_points_and_another_date_order():
    fields = ["2026-03-15", "FA-1", "", "", "1200.5", ""]
    assert pay(*fields, date_format="YYYY-MM-DD", decimal=".") == (
        (7, "FA-1", "", "", "2026-03-15", 120_050, "", "", pack_raw(fields), "payment"), [])


def test_a_payment_file_without_a_reference_column_stages_an_empty_reference():
    fields = ["15/03/2026", "FA-1", "", "", "10,00"]
    parsed, problems = pay(*fields, columns=PAYMENT_COLUMNS[:5])
    assert problems == [] and parsed[6] == ""


@pytest.mark.parametrize("who", [("FA-1", "", ""), ("", "C042", ""), ("", "", "Garage Martin")])
def test_a_payment_names_its_invoice_or_its_debtor_by_code_or_name(who):
    parsed, problems = pay("15/03/2026", *who, "10,00", "")
    assert problems == [] and parsed[1:4] == (who[0], who[1], who[2].lower())


NOTHING_NAMED = "ni numéro de facture ni client : impossible de savoir ce que ce paiement règle"


def test_a_payment_naming_neither_invoice_nor_debtor_is_refused_saying_why():
    assert pay("15/03/2026", " ", "", "", "10,00", "VIR 1", line=12) == (
        None, [Problem(12, "numéro de facture", NOTHING_NAMED)])


@pytest.mark.parametrize(("day", "date_format", "said"), [
    ("", DAY_FIRST, "date vide"),
    ("  ", DAY_FIRST, "date vide"),
    ("15/03/2026", None, "date illisible (15/03/2026)"),  # no format found for the column: never guessed
    ("31/02/2026", DAY_FIRST, "date impossible (31/02/2026)"),
    ("le 15 mars", DAY_FIRST, "date illisible, attendu JJ/MM/AAAA (le 15 mars)"),
])
def test_a_payment_without_a_readable_day_is_refused_on_its_date(day, date_format, said):
    assert pay(day, "FA-1", "", "", "10,00", "", date_format=date_format) == (
        None, [Problem(7, "date du paiement", said)])


@pytest.mark.parametrize(("amount", "said"), [
    ("", "montant vide"),
    ("0,00", "un paiement est un montant positif (0,00)"),
    ("-10,00", "un paiement est un montant positif (-10,00)"),
    ("dix euros", "montant illisible (dix euros)"),
])
def test_a_payment_without_a_positive_amount_is_refused_on_its_amount(amount, said):
    assert pay("15/03/2026", "FA-1", "", "", amount, "") == (None, [Problem(7, "montant", said)])


def test_one_cent_is_a_payment():
    parsed, problems = pay("15/03/2026", "FA-1", "", "", "0,01", "")
    assert problems == [] and parsed[5] == 1


def test_every_problem_of_a_payment_row_is_said_in_the_order_of_its_cells():
    assert pay("", "", "", "", "", "", line=3) == (None, [
        Problem(3, "numéro de facture", NOTHING_NAMED),
        Problem(3, "date du paiement", "date vide"),
        Problem(3, "montant", "montant vide"),
    ])


def test_a_short_payment_row_lacks_the_cells_it_does_not_reach():
    assert pay("15/03/2026", "FA-1", line=4) == (None, [Problem(4, "montant", "montant vide")])


# -- an invoice row -------------------------------------------------------------------------------------------

ALL_DATES = {f: DAY_FIRST for f in ("issue_date", "due_date", "pay_date", "last_pay_date", "delivery_date")}


def invoice_parser(*names: str, dates=None, decimal: str = ",") -> InvoiceRowParser:
    return InvoiceRowParser(cmap(*names), NumberFormat(decimal), ALL_DATES if dates is None else dates)


def read(cells: dict[str, str], line: int = 7, dates=None, decimal: str = ","):
    """An export whose columns are ``cells``' keys, in order, and its one row: the parser and what it gives."""
    parser = invoice_parser(*cells, dates=dates, decimal=decimal)
    return parser, parser.parse(line, list(cells.values()))


BASE = {"number": "FA-1", "debtor_name": "Garage Martin", "issue_date": "01/03/2026", "amount": "100,00"}


def problems_of(line: int = 7, dates=None, **cells: str) -> list[tuple[str, str]]:
    parsed, problems = read({**BASE, **cells}, line=line, dates=dates)[1]
    assert parsed is None or not problems
    return [(p.field, p.message) for p in problems]


def staged(**cells: str) -> tuple:
    parsed, problems = read({**BASE, **cells})[1]
    assert problems == []
    return parsed


def test_a_plain_invoice_row_is_staged_field_by_field():
    cells = {"number": " FA-1 ", "debtor_name": " SARL Garage Martin ", "issue_date": "01/03/2026",
             "due_date": "31/03/2026", "amount": "1 200,50", "email": " compta@martin.fr ", "phone": "01 02",
             "contact": "M. Martin", "address": "12 rue des Lilas", "postcode": "75011", "city": "Paris",
             "currency": "eur", "delivery_date": "28/02/2026"}
    parser, (parsed, problems) = read(cells, line=9)
    assert problems == []
    assert parsed == (
        9, "FA-1", "", "SARL Garage Martin", "garage martin", "", "", "2026-03-01", "2026-03-31", 120_050, None, None,
        "compta@martin.fr", "01 02", "M. Martin", "12 rue des Lilas", "75011", "Paris", "EUR",
        "Ngarage martin|2026-03-01|2026-03-31|120050|None|2026-02-28", pack_raw(list(cells.values())),
        "Ngarage martin", "", "", "", "2026-02-28", "")
    assert parser.notes == [] and parser.payments == [] and parser.paid_undated == 0


def test_an_invoice_row_with_its_identities_is_staged_with_them():
    parsed = staged(debtor_code="C042", siren="732 829 320 00074", country="Belgique",
                    enterprise_number="0123.456.749", language="nl")
    assert parsed[2:7] == ("C042", "Garage Martin", "garage martin", "732829320", "73282932000074")
    assert parsed[21:] == ("CC042", "", "BE", "0123456749", None, "nl")
    assert parsed[19] == "CC042|2026-03-01|None|10000|None|None"


def test_a_debtor_is_keyed_by_its_code_else_siren_else_enterprise_number_else_name():
    assert staged(debtor_code="C042", siren="732829320")[21] == "CC042"
    assert staged(siren="732829320", enterprise_number="0123456749")[21] == "S732829320"
    assert staged(enterprise_number="0123456749")[21] == "B0123456749"
    assert staged()[21] == "Ngarage martin"


def test_a_debtor_named_by_its_code_alone_takes_the_code_as_its_name():
    parsed = staged(debtor_name="", debtor_code="C042")
    assert parsed[2:5] == ("C042", "C042", "")


@pytest.mark.parametrize(("currency", "staged_as"), [("", "EUR"), ("€", "EUR"), ("eur", "EUR"), ("usd", "USD"),
                                                      ("chf francs", "CHF")])
def test_the_currency_is_three_capitals_euros_when_the_file_says_nothing(currency, staged_as):
    assert staged(currency=currency)[18] == staged_as


# -- what a row says was paid, and when --------------------------------------------------------------------


def test_an_invoice_paid_in_full_on_its_last_payment_date_is_dated_paid():
    parsed = staged(paid="100,00", last_pay_date="20/03/2026")
    assert parsed[10:12] == (10_000, "2026-03-20")
    assert parsed[19] == "Ngarage martin|2026-03-01|None|10000|10000|None"


def test_a_payment_date_column_dates_the_payment_of_an_export_of_one_row_per_invoice():
    parser = invoice_parser(*BASE, "remaining", "pay_date")
    parsed, problems = parser.parse(2, [*BASE.values(), "0,00", "20/03/2026"])
    assert problems == [] and parsed[10:12] == (10_000, "2026-03-20")


def test_an_invoice_partly_paid_has_no_paid_date():
    assert staged(paid="40,00", last_pay_date="20/03/2026")[10:12] == (4_000, None)


def test_invoices_paid_without_a_payment_date_are_counted():
    parser = invoice_parser(*BASE, "paid")
    parser.parse(2, [*BASE.values(), "100,00"])
    parser.parse(3, [*BASE.values(), "40,00"])
    parser.parse(4, [*BASE.values(), "0,00"])  # nothing paid: nothing to date
    parser.parse(5, [*BASE.values(), ""])
    assert parser.paid_undated == 2
    parsed, _ = parser.parse(6, [*BASE.values(), "100,00"])
    assert parsed[10:12] == (10_000, None)


def test_a_paid_invoice_with_its_date_is_not_counted_as_undated():
    parser = invoice_parser(*BASE, "paid", "last_pay_date")
    parser.parse(2, [*BASE.values(), "100,00", "20/03/2026"])
    assert parser.paid_undated == 0


def test_a_credit_note_names_the_invoice_it_reduces_by_its_column_else_its_label():
    assert staged(doc_type="Avoir", origin="FA-0", label="Avoir sur facture FA-9")[22] == "FA-0"
    assert staged(doc_type="Avoir", label="Avoir sur facture FA-9")[22] == "FA-9"
    assert staged(label="Facture FA-9")[22] == ""  # an invoice reduces nothing


def test_a_credit_note_is_negative_and_what_it_has_applied_is_its_amount_less_its_remaining():
    parsed = staged(doc_type="Avoir", remaining="30,00")
    assert parsed[9:12] == (-10_000, -7_000, None)
    assert staged(doc_type="Avoir")[9:12] == (-10_000, None, None)  # relance applies all of it


# -- one row per payment of an invoice ---------------------------------------------------------------------

PER_PAYMENT = (*BASE, "pay_date", "pay_amount", "pay_reference")


def test_a_row_of_an_export_of_payments_gives_its_dated_payment():
    parser = invoice_parser(*PER_PAYMENT, "debtor_code")
    fields = [*BASE.values(), "15/03/2026", "40,00", "VIR 1", "C042"]
    parsed, problems = parser.parse(5, fields)
    assert problems == []
    assert parser.payments == [(5, "FA-1", "C042", "garage martin", "2026-03-15", 4_000, "VIR 1", "",
                                pack_raw(fields), "payment")]
    # the invoice's paid figure is settled once its rows are staged: not in its fingerprint, not dated here
    assert parsed[10:12] == (None, None) and parsed[19] == "CC042|2026-03-01|None|10000|None|None"
    assert parser.paid_undated == 0


def test_a_row_of_an_export_of_payments_without_a_payment_gives_none():
    parser = invoice_parser(*PER_PAYMENT)
    parser.parse(5, [*BASE.values(), "", "40,00", ""])  # no date: no payment
    parser.parse(6, [*BASE.values(), "15/03/2026", "", ""])
    parser.parse(7, [*BASE.values(), "15/03/2026", "0,00", ""])
    assert parser.payments == []


def test_a_paid_column_with_a_payment_date_is_a_payment_per_row():
    parser = invoice_parser(*BASE, "pay_date", "paid")
    parsed, problems = parser.parse(5, [*BASE.values(), "15/03/2026", "40,00"])
    assert problems == [] and parsed[10] is None
    assert [p[5] for p in parser.payments] == [4_000]


def test_a_negative_payment_is_refused_on_its_column():
    assert problems_of(pay_date="15/03/2026", pay_amount="-40,00") == [
        ("montant du paiement", f"paiement négatif (-40,00{NBSP}€)")]
    assert problems_of(pay_date="15/03/2026", paid="-40,00") == [("montant réglé", f"paiement négatif (-40,00{NBSP}€)")]


# -- what a row cannot be -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("cells", "note"), [
    ({"status": "Brouillon"}, "facture FA-1 brouillon (jamais émise) selon l'export : non importée"),
    ({"status": "Annulée"}, "facture FA-1 annulée selon l'export : non importée"),
    ({"state": "Brouillon"}, "facture FA-1 brouillon (jamais émise) selon l'export : non importée"),
    ({"state": "Annulée"}, "facture FA-1 annulée selon l'export : non importée"),
    ({"status": "Annulée", "state": "Brouillon"}, "facture FA-1 brouillon (jamais émise) selon l'export : non importée"),
    ({"number": "", "status": "Annulée"}, "facture ? annulée selon l'export : non importée"),
])
def test_a_draft_or_cancelled_invoice_is_set_aside_with_a_note(cells, note):
    parser, result = read({**BASE, "amount": "", **cells}, line=8)  # its other cells are not even read
    assert result == (None, [])
    assert parser.notes == [(8, note)]


def test_a_payment_row_in_an_invoice_export_is_refused():
    assert problems_of(doc_type="Règlement") == [(
        "type de pièce", "ligne de paiement (Règlement) dans un export de factures : importez les paiements dans "
                         "un fichier à part (--kind payments)")]


def test_an_unknown_document_type_is_refused():
    assert problems_of(doc_type="Bon de livraison") == [
        ("type de pièce", "type de pièce inconnu (Bon de livraison) : attendu facture ou avoir")]
    assert problems_of(doc_type="Facture") == []
    assert problems_of(doc_type="") == []


def test_every_problem_of_an_invoice_row_is_said_in_the_order_of_its_checks():
    parser, (parsed, problems) = read({"number": "", "debtor_name": "", "debtor_code": "", "doc_type": "Reçu",
                                       "siren": "123", "issue_date": "", "amount": ""}, line=11)
    assert parsed is None
    assert problems == [
        Problem(11, "type de pièce", "ligne de paiement (Reçu) dans un export de factures : importez les paiements "
                                     "dans un fichier à part (--kind payments)"),
        Problem(11, "numéro de facture", "numéro de facture vide"),
        Problem(11, "client (raison sociale)", "ni nom ni code client"),
        Problem(11, "SIREN", "SIREN ou SIRET attendu (9 ou 14 chiffres) (123)"),
        Problem(11, "date de facture", "date vide"),
        Problem(11, "montant TTC", "montant vide"),
    ]


def test_a_debtor_named_by_its_code_alone_is_enough():
    assert problems_of(debtor_name="", debtor_code="C042") == []


# -- identities -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("siren", "said"), [
    ("732 829 321", "SIREN invalide, clé de contrôle fausse (732 829 321)"),
    ("732 829 320 00075", "SIRET invalide, clé de contrôle fausse (732 829 320 00075)"),
    ("7328293200", "SIREN ou SIRET attendu (9 ou 14 chiffres) (7328293200)"),
])
def test_a_wrong_siren_is_refused_on_its_column(siren, said):
    assert problems_of(siren=siren) == [("SIREN", said)]


def test_an_unknown_country_is_refused_saying_what_is_expected():
    assert problems_of(country="Atlantide") == [(
        "pays", "pays inconnu (Atlantide) : attendu un code ISO (FR, BE, LU...) ou un nom de pays (France, Belgique, "
                "België, Belgium...)")]
    assert staged(country="fr")[23] == "FR"
    assert staged(country="")[23] == ""


def test_an_unknown_language_is_refused_on_its_column():
    [(field, message)] = problems_of(language="klingon")
    assert field == "langue" and "klingon" in message
    assert staged(language="Français")[26] == "fr"


@pytest.mark.parametrize(("number", "said"), [
    ("FR0123456749", "numéro d'entreprise belge attendu, comme 0123.456.749 ou BE0123456749 (FR0123456749)"),
    ("01234567490", "numéro d'entreprise belge attendu : 10 chiffres, comme 0123.456.749 (01234567490)"),
    ("0123.45A.749", "numéro d'entreprise belge attendu : 10 chiffres, comme 0123.456.749 (0123.45A.749)"),
    ("2123.456.749", "numéro d'entreprise invalide : un numéro belge commence par 0 ou 1 (2123.456.749)"),
    ("0123.456.748", "numéro d'entreprise invalide, clé de contrôle fausse (0123.456.748)"),
])
def test_a_wrong_enterprise_number_is_refused_on_its_column(number, said):
    assert problems_of(enterprise_number=number) == [("numéro d'entreprise (BCE/KBO)", said)]


def test_a_belgian_vat_number_gives_the_enterprise_number():
    assert staged(vat_number="BE 0123.456.749")[24] == "0123456749"
    assert staged(vat_number="BE0123456749", enterprise_number="0123.456.749")[24] == "0123456749"
    assert staged(vat_number="FR40303265045")[24] == ""
    # digits alone: Belgian for a debtor the file places in Belgium (the country is read before)
    assert staged(country="BE", vat_number="0123456749")[24] == "0123456749"
    assert staged(country="FR", vat_number="0123456749")[24] == ""


def test_a_vat_number_contradicting_the_enterprise_number_is_refused():
    assert problems_of(enterprise_number="0123.456.749", vat_number="BE0202239951") == [
        ("numéro de TVA", "BE0202239951 ne correspond pas au numéro d'entreprise 0123.456.749")]


def test_a_wrong_belgian_vat_number_is_refused_on_its_column():
    assert problems_of(vat_number="BE0123456748") == [
        ("numéro de TVA", "numéro de TVA invalide, clé de contrôle fausse (BE0123456748)")]


# -- dates --------------------------------------------------------------------------------------------------


def test_each_date_of_a_row_is_read_in_its_column_s_format():
    dates = {"issue_date": DAY_FIRST, "due_date": "YYYY-MM-DD", "delivery_date": "DD/MM/YY"}
    parsed, problems = read({**BASE, "due_date": "2026-03-31", "delivery_date": "28/02/26"}, dates=dates)[1]
    assert problems == [] and (parsed[7], parsed[8], parsed[25]) == ("2026-03-01", "2026-03-31", "2026-02-28")


@pytest.mark.parametrize("fname", ["due_date", "pay_date", "last_pay_date", "delivery_date"])
def test_an_empty_date_other_than_the_invoice_s_says_nothing(fname):
    assert problems_of(**{fname: ""}) == []


@pytest.mark.parametrize(("fname", "label"), [("issue_date", "date de facture"), ("due_date", "date d'échéance"),
                                              ("pay_date", "date du paiement"),
                                              ("last_pay_date", "date du dernier paiement"),
                                              ("delivery_date", "date de livraison")])
def test_an_unreadable_date_is_refused_on_its_column(fname, label):
    assert problems_of(**{fname: "31/02/2026"}) == [(label, "date impossible (31/02/2026)")]
    # a column whose format was not found: never guessed
    dates = {f: fmt for f, fmt in ALL_DATES.items() if f != fname}
    assert problems_of(dates=dates, **{fname: "15/03/2026"}) == [(label, "date illisible (15/03/2026)")]


def test_an_empty_invoice_date_is_refused():
    assert problems_of(issue_date=" ") == [("date de facture", "date vide")]


def test_a_due_date_before_the_invoice_date_is_refused():
    assert problems_of(due_date="28/02/2026") == [
        ("date d'échéance", "échéance 28/02/2026 antérieure à la date de facture 01/03/2026")]
    assert problems_of(due_date="01/03/2026") == []  # due the day it is issued


def test_dates_read_once_each_whatever_else_is_wrong():
    parser, (parsed, problems) = read({**BASE, "due_date": "bad", "issue_date": "bad"})
    assert [(p.field, p.message) for p in problems] == [
        ("date de facture", "date illisible, attendu JJ/MM/AAAA (bad)"),
        ("date d'échéance", "date illisible, attendu JJ/MM/AAAA (bad)")]


# -- amounts ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fname", "label"), [("amount", "montant TTC"), ("paid", "montant réglé"),
                                              ("remaining", "reste dû"), ("pay_amount", "montant du paiement")])
def test_an_unreadable_amount_is_refused_on_its_column(fname, label):
    assert problems_of(**{fname: "cent euros"}) == [(label, "montant illisible (cent euros)")]


def test_amounts_in_points_when_the_file_writes_them_so():
    parsed, problems = read({**BASE, "amount": "1200.50", "paid": "200.50"}, decimal=".")[1]
    assert problems == [] and parsed[9:11] == (120_050, 20_050)


def test_an_empty_amount_is_refused_and_a_nil_one_too():
    assert problems_of(amount="") == [("montant TTC", "montant vide")]
    assert problems_of(amount="0,00") == [("montant TTC", "montant nul")]


def test_paid_and_remaining_must_make_the_amount():
    assert problems_of(paid="40,00", remaining="50,00") == [
        ("reste dû", f"réglé 40,00{NBSP}€ + reste dû 50,00{NBSP}€ ≠ montant 100,00{NBSP}€")]
    assert staged(paid="40,00", remaining="60,00")[10] == 4_000
    assert staged(remaining="60,00")[10] == 4_000


def test_more_paid_than_the_amount_or_less_than_nothing_is_refused():
    assert problems_of(paid="100,01") == [("montant réglé", f"réglé 100,01{NBSP}€ supérieur au montant 100,00{NBSP}€")]
    assert problems_of(remaining="-0,01") == [
        ("montant réglé", f"réglé 100,01{NBSP}€ supérieur au montant 100,00{NBSP}€")]
    assert problems_of(paid="-0,01") == [("montant réglé", f"montant réglé négatif (-0,01{NBSP}€)")]
    assert staged(paid="0,00")[10] == 0
    assert staged(paid="100,00")[10] == 10_000


def test_a_status_is_checked_against_the_figures_of_an_invoice():
    assert problems_of(status="Payée", paid="40,00") == [
        ("statut", f"« Payée » mais réglé 40,00{NBSP}€ sur 100,00{NBSP}€")]
    assert staged(status="Payée")[10:12] == (10_000, None)
    assert staged(status="")[10] is None


def test_a_credit_note_s_remaining_must_lie_within_it():
    assert problems_of(doc_type="Avoir", remaining="-120,00") == [
        ("reste dû", f"reste -120,00{NBSP}€ hors de l'avoir -100,00{NBSP}€")]
    # its figures are negative whatever the sign the file gives
    assert staged(doc_type="Avoir", amount="-100,00", remaining="-100,00")[9:11] == (-10_000, 0)
    assert staged(doc_type="Avoir", remaining="0,00")[9:11] == (-10_000, -10_000)


def test_a_credit_note_s_status_and_paid_figure_are_not_an_invoice_s():
    # "Payée" on a credit note does not make it an invoice paid in full
    assert staged(doc_type="Avoir", status="Payée", paid="100,00")[9:12] == (-10_000, None, None)


def test_a_credit_note_in_an_export_of_payments_gives_no_payment():
    parser = invoice_parser(*PER_PAYMENT, "doc_type")
    parsed, problems = parser.parse(5, [*BASE.values(), "15/03/2026", "40,00", "", "Avoir"])
    assert problems == [] and parser.payments == [] and parsed[9] == -10_000


def test_the_day_a_row_gives_is_a_date():
    parsed = staged(due_date="31/03/2026")
    assert dt.date.fromisoformat(parsed[8]) == dt.date(2026, 3, 31)


# -- the smallest figures -----------------------------------------------------------------------------------


def test_an_invoice_of_one_cent_is_an_invoice_like_any_other():
    assert staged(amount="0,01", paid="0,01", last_pay_date="20/03/2026")[9:12] == (1, 1, "2026-03-20")
    assert problems_of(amount="0,01", paid="0,02") == [
        ("montant réglé", f"réglé 0,02{NBSP}€ supérieur au montant 0,01{NBSP}€")]
    assert problems_of(amount="0,01", status="Payée", paid="0,00") == [
        ("statut", f"« Payée » mais réglé 0,00{NBSP}€ sur 0,01{NBSP}€")]
    parser = invoice_parser(*BASE, "paid")
    parser.parse(2, ["FA-1", "Garage Martin", "01/03/2026", "0,01", "0,01"])
    assert parser.paid_undated == 1


def test_a_nil_invoice_is_refused_for_its_amount_alone():
    assert problems_of(amount="0,00", paid="10,00") == [("montant TTC", "montant nul")]
    assert problems_of(amount="0,00", paid="0,00", status="À régler") == [("montant TTC", "montant nul")]


def test_a_payment_of_nothing_in_an_export_of_payments_is_no_problem_and_no_payment():
    parser = invoice_parser(*PER_PAYMENT)
    assert parser.parse(7, [*BASE.values(), "15/03/2026", "0,00", ""])[1] == []
    assert parser.payments == []
