"""Real exports come in classes: Dutch headers, report-style files, status and document-type columns,
one row per payment; and a column the importer cannot place stops the import with the --map line."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relance_tui.domain.text import key
from relance_tui.io.columns import INVOICE_FIELDS, PAYMENT_FIELDS, map_columns
from relance_tui.io.import_rows import TOTAL_WORDS, _may_be_total, is_total_row
from relance_tui.io.importer import ImportRefused, InvoiceRowParser, detect
from relance_tui.store.staging import INVOICE_COLUMNS
from tests.io.conftest import FIXTURES, db_state, invoices

ORIGIN = INVOICE_COLUMNS.index("origin")  # where a staged row holds the invoice a credit note names

AS_OF = dt.date(2026, 11, 30)


def payments(store):
    return store.db.execute("SELECT i.number, p.day, p.amount_cents, p.reference FROM payments p "
                            "JOIN invoices i ON i.id = p.invoice_id ORDER BY i.number, p.day").fetchall()


# -- a column the importer cannot place ----------------------------------------------------------------
UNPLACED = ("N° facture;Client;Date facture;Montant TTC;Montant restant à encaisser\n"
            "FA-1;Garage Martin;15/01/2026;100,00;40,00\n")


def test_an_unplaced_amount_column_stops_the_import_with_the_map_line(imp, store, write):
    path = write("f.csv", UNPLACED)
    before = db_state(store)
    with pytest.raises(ImportRefused) as err:
        imp(path)
    assert db_state(store) == before  # nothing written
    message = str(err.value)
    assert 'f.csv:1: colonnes: colonne « Montant restant à encaisser » : un montant' in message
    assert '--map remaining="Montant restant à encaisser"' in message
    assert '--ignore "Montant restant à encaisser"' in message
    assert [(u.column, u.looks, u.suggestion) for u in err.value.report.unplaced] == [
        ("Montant restant à encaisser", "amount", "remaining")]
    assert err.value.exit_code == 11


def test_the_map_line_places_it_and_ignore_sets_it_aside(imp, store, write):
    path = write("f.csv", UNPLACED)
    imp(path, forced_map={"remaining": "Montant restant à encaisser"})
    assert invoices(store)["FA-1"][:3] == (10000, 6000, "open")  # 40 left: 60 paid
    path2 = write("g.csv", UNPLACED.replace("FA-1", "FA-2"))
    report = imp(path2, ignore_columns=["Montant restant à encaisser"])
    assert invoices(store)["FA-2"][:2] == (10000, 0)
    assert "Montant restant à encaisser (ignorée à la demande)" in report.detection.ignored
    imp(write("h.csv", UNPLACED.replace("FA-1", "FA-3")), forced_map={"ignore": "Montant restant à encaisser"})
    assert "FA-3" in invoices(store)


def test_unplaced_dates_are_named_too_and_known_unused_columns_are_not(write):
    path = write("f.csv", "N° facture;Client;Date facture;Montant TTC;Montant HT;TVA;Date de création;"
                          "Date de l'avenant\nFA-1;X;15/01/2026;120,00;100,00;20,00;14/01/2026;20/01/2026\n")
    with pytest.raises(Exception) as err:
        detect(path)
    assert [(u.column, u.looks, u.suggestion) for u in err.value.columns] == [
        ("Date de l'avenant", "date", "issue_date")]


@pytest.mark.parametrize(("header", "field"), [
    ("Solde client restant", "remaining"), ("Still left to pay (EUR)", "remaining"),
    ("Nog openstaand saldo", "remaining"), ("Montant déjà encaissé", "paid"), ("Somme facturée", "amount"),
    ("Date du virement reçu", "pay_date"), ("Date de la commande", "issue_date"),
    ("Date d'échéance contractuelle", "due_date"), ("Montant du règlement reçu", "pay_amount"),
])
def test_the_suggested_field_follows_the_words_of_the_header(header, field):
    cmap = map_columns(["N° facture", "Client", "Date facture", "Montant TTC", header], INVOICE_FIELDS)
    assert [u.suggestion for u in cmap.unplaced] == [field]


# -- real exports' header sets ----------------------------------------------------------------------
REAL_HEADERS = {
    # Odoo invoice list, English, French and Dutch (addons/account/i18n/fr.po, nl.po)
    "odoo en": (["Number", "Partner", "Invoice Date", "Due Date", "Tax Excluded", "Total", "Amount Due",
                 "Payment Status", "Status", "Reversal of"],
                {"number": "Number", "debtor_name": "Partner", "issue_date": "Invoice Date",
                 "due_date": "Due Date", "amount": "Total", "remaining": "Amount Due",
                 "status": "Payment Status", "state": "Status", "origin": "Reversal of"}),
    "odoo fr": (["Numéro", "Partenaire", "Date de facturation", "Date d'échéance", "Total", "Montant dû",
                 "État du paiement", "Extourne de"],
                {"number": "Numéro", "debtor_name": "Partenaire", "issue_date": "Date de facturation",
                 "due_date": "Date d'échéance", "amount": "Total", "remaining": "Montant dû",
                 "status": "État du paiement", "origin": "Extourne de"}),
    "odoo nl": (["Nummer", "Relatie", "Factuurdatum", "Vervaldatum", "Totaal", "Openstaand bedrag",
                 "Status betaling"],
                {"number": "Nummer", "debtor_name": "Relatie", "issue_date": "Factuurdatum",
                 "due_date": "Vervaldatum", "amount": "Totaal", "remaining": "Openstaand bedrag",
                 "status": "Status betaling"}),
    # Dolibarr customer invoices (bills.lang fr_FR)
    "dolibarr": (["Réf. facture", "Nom tiers", "Code client", "Date facturation", "Date limite règlement",
                  "Total HT", "Total TTC", "Déjà réglé", "Reste à payer", "Statut facture"],
                 {"number": "Réf. facture", "debtor_name": "Nom tiers", "debtor_code": "Code client",
                  "issue_date": "Date facturation", "due_date": "Date limite règlement", "amount": "Total TTC",
                  "paid": "Déjà réglé", "remaining": "Reste à payer", "status": "Statut facture"}),
    # Stripe Dashboard invoice export
    "stripe": (["id", "Number", "Customer", "Customer Name", "Customer Email", "Date (UTC)", "Due Date (UTC)",
                "Subtotal", "Tax", "Total", "Amount Due", "Amount Paid", "Amount Remaining", "Paid", "Status",
                "Currency"],
               {"number": "Number", "debtor_name": "Customer Name", "email": "Customer Email",
                "issue_date": "Date (UTC)", "due_date": "Due Date (UTC)", "amount": "Total",
                "paid": "Amount Paid", "remaining": "Amount Remaining", "status": "Status",
                "currency": "Currency"}),
    # Zoho Invoice / Books
    "zoho": (["Invoice Date", "Invoice Number", "Invoice Status", "Customer Name", "Due Date", "Total",
              "Balance", "Currency Code"],
             {"issue_date": "Invoice Date", "number": "Invoice Number", "status": "Invoice Status",
              "debtor_name": "Customer Name", "due_date": "Due Date", "amount": "Total", "remaining": "Balance"}),
    # Yuki, Belgium (Te herinneren facturen)
    "yuki": (["Factuurnr.", "Relatie", "Onderwerp", "Factuurdatum", "Vervaldatum", "Btw-bedrag", "Bedrag",
              "Uitstaand", "Dagen achterstallig"],
             {"number": "Factuurnr.", "debtor_name": "Relatie", "label": "Onderwerp",
              "issue_date": "Factuurdatum", "due_date": "Vervaldatum", "amount": "Bedrag",
              "remaining": "Uitstaand"}),
    # labels of Sage 100, EBP, QuickBooks FR, Pennylane, Sellsy and Exact Online screens (to be confirmed)
    "sage 100": (["N° compte tiers", "Intitulé", "Date pièce", "N° pièce", "Libellé écriture", "Date échéance",
                  "Montant", "Reste à régler"],
                 {"debtor_code": "N° compte tiers", "issue_date": "Date pièce", "number": "N° pièce",
                  "label": "Libellé écriture", "due_date": "Date échéance", "amount": "Montant",
                  "remaining": "Reste à régler"}),
    "ebp": (["N° document", "Date", "Code client", "Nom client", "Date d'échéance", "Montant TTC",
             "Montant réglé", "Reste à régler", "État"],
            {"number": "N° document", "issue_date": "Date", "debtor_code": "Code client", "debtor_name": "Nom client",
             "due_date": "Date d'échéance", "amount": "Montant TTC", "paid": "Montant réglé",
             "remaining": "Reste à régler", "status": "État"}),
    "quickbooks fr": (["Date", "Type de transaction", "N°", "Client", "Date d'échéance", "Montant",
                       "Solde ouvert"],
                      {"issue_date": "Date", "doc_type": "Type de transaction", "number": "N°",
                       "debtor_name": "Client", "due_date": "Date d'échéance", "amount": "Montant",
                       "remaining": "Solde ouvert"}),
    "pennylane": (["Numéro de facture", "Client", "Date de facturation", "Date d'échéance", "Montant HT",
                   "Montant TTC", "Reste à payer", "Statut"],
                  {"number": "Numéro de facture", "debtor_name": "Client", "issue_date": "Date de facturation",
                   "due_date": "Date d'échéance", "amount": "Montant TTC", "remaining": "Reste à payer",
                   "status": "Statut"}),
    "sellsy": (["Numéro", "Date", "Client", "Total HT", "Total TTC", "Reste à payer", "Statut", "Objet"],
               {"number": "Numéro", "issue_date": "Date", "debtor_name": "Client", "amount": "Total TTC",
                "remaining": "Reste à payer", "status": "Statut", "label": "Objet"}),
    "exact online": (["Factuurnummer", "Klantnummer", "Klantnaam", "Factuurdatum", "Vervaldatum", "Bedrag",
                      "Openstaand", "Omschrijving"],
                     {"number": "Factuurnummer", "debtor_code": "Klantnummer", "debtor_name": "Klantnaam",
                      "issue_date": "Factuurdatum", "due_date": "Vervaldatum", "amount": "Bedrag",
                      "remaining": "Openstaand", "label": "Omschrijving"}),
}


@pytest.mark.parametrize("name", sorted(REAL_HEADERS))
def test_each_real_export_header_set_maps(name):
    headers, expected = REAL_HEADERS[name]
    cmap = map_columns(headers, INVOICE_FIELDS)
    assert {f: headers[i] for f, i in cmap.fields.items()} == expected
    assert not cmap.unplaced, [u.column for u in cmap.unplaced]


def test_generic_names_never_take_a_column_another_field_names_exactly():
    # 'Montant' is generic for the amount: the specific 'Montant TTC' wins, 'Montant' is left to nobody
    cmap = map_columns(["Facture", "Client", "Date", "Montant", "Montant TTC", "Montant dû"], INVOICE_FIELDS)
    headers = cmap.headers
    assert {f: headers[i] for f, i in cmap.fields.items()}["amount"] == "Montant TTC"
    assert {f: headers[i] for f, i in cmap.fields.items()}["remaining"] == "Montant dû"
    # 'Date' alone is the invoice date in an invoice export, the payment date in a payments file
    assert map_columns(["Date", "N° facture", "Montant"], PAYMENT_FIELDS).fields["pay_date"] == 0


# -- Dutch ----------------------------------------------------------------------------------------------
def test_dutch_export_belgian_office(imp, store):
    report = imp("facturen_nl.csv", as_of=AS_OF)
    assert report.detection.number.thousands == {"."}
    inv = invoices(store)
    assert inv["2026/0101"][:3] == (121000, 0, "open")
    assert inv["2026/0102"][:2] == (181500, 100000)  # 815 outstanding of 1 815
    assert inv["2026/0107"][:3] == (242000, 242000, "paid")
    assert inv["2026/C003"][0] == -24200
    assert "Btw-bedrag (inutile à relance)" in report.detection.ignored
    names = {r[0] for r in store.db.execute("SELECT code FROM debtors")}
    assert names == {"K0012", "K0031", "K0044"}


def test_a_credit_note_names_its_invoice_from_its_label(tmp_path):
    det, _ = detect(FIXTURES / "facturen_nl.csv")
    parser = InvoiceRowParser(det.cmap, det.number, det.dates)
    row, problems = parser.parse(5, "2026/C003;Brouwerij De Smet NV;K0031;Creditnota op factuur 2026/0107 "
                                    "(beschadigde vaten);09/02/2026;09/02/2026;-42,00;-242,00;-242,00".split(";"))
    assert not problems and row[ORIGIN] == "2026/0107"
    row, _ = parser.parse(2, "2026/0101;Bakkerij Peeters BV;K0012;Levering brood januari;12/01/2026;11/02/2026;"
                             "210,00;1.210,00;1.210,00".split(";"))
    assert row[ORIGIN] == ""  # an invoice names no origin


# -- report-style files ------------------------------------------------------------------------------
def test_report_with_title_lines_and_a_totals_line(imp, store):
    report = imp("balance_agee_rapport.csv", as_of=AS_OF)
    d = report.detection
    assert (d.text.encoding, d.text.separator, d.header_line) == ("cp1252", ";", 4)
    assert report.rows == 4 and report.valid == 4 and not report.problems
    inv = invoices(store)
    assert inv["FA-2026-201"][:3] == (144000, 0, "open")
    assert inv["FA-2026-214"][:2] == (96000, 36000)
    assert inv["FA-2026-188"][:3] == (228000, 228000, "paid")
    assert inv["FA-2026-230"][:2] == (312000, 100000)
    assert "Total général" not in {r[0] for r in store.db.execute("SELECT name FROM debtors")}
    notes = " | ".join(report.notes).replace("\u00a0", " ")
    assert "ligne 9 : ligne de total « Total général » ignorée (7 800,00 €)" in notes
    assert "le total du fichier concorde avec la somme des lignes importées (7 800,00 €)" in notes


def test_a_total_that_does_not_add_up_is_reported(imp, write):
    text = (FIXTURES / "balance_agee_rapport.csv").read_bytes().replace(b"7 800,00", b"7 900,00")
    report = imp(write("r.csv", text), as_of=AS_OF)
    assert any("écart 100,00" in n.replace("\u00a0", " ") for n in report.notes)


def test_repeated_header_and_subtotals_of_a_multi_page_report(imp, store, write):
    text = ("Relevé des factures ouvertes\n\nN° facture;Client;Date facture;Montant TTC;Reste dû\n"
            "F-1;Garage Martin;15/01/2026;100,00;100,00\nSous-total Garage Martin;;;100,00;100,00\n"
            "N° facture;Client;Date facture;Montant TTC;Reste dû\nF-2;Bar du Port;16/01/2026;50,00;20,00\n"
            "Totaal;;;150,00;120,00\n")
    report = imp(write("r.csv", text), as_of=AS_OF)
    assert report.detection.header_line == 3 and set(invoices(store)) == {"F-1", "F-2"}
    assert any("en-tête répété" in n for n in report.notes)
    assert sum("ligne de total" in n for n in report.notes) == 2


# -- status and document-type columns ------------------------------------------------------------------
def test_status_and_document_type_columns(imp, store):
    report = imp("factures_statut_type.csv", as_of=AS_OF)
    inv = invoices(store)
    assert inv["FA-2026-010"][:3] == (120000, 120000, "paid")  # "Payée": never imported as open
    assert inv["FA-2026-011"][:3] == (85000, 0, "open")
    assert inv["FA-2026-012"][0] == 240000
    assert inv["AV-2026-002"][0] == -40000  # an "Avoir" with a positive amount is a credit note
    assert "FA-2026-013" not in inv and "FA-2026-014" not in inv  # a draft, a cancelled invoice
    notes = " | ".join(report.notes)
    assert "FA-2026-013 brouillon" in notes and "FA-2026-014 annulée" in notes


def test_credit_note_origin_is_staged_from_the_label(tmp_path):
    det, _ = detect(FIXTURES / "factures_statut_type.csv")
    parser = InvoiceRowParser(det.cmap, det.number, det.dates)
    row, problems = parser.parse(7, "AV-2026-002;Avoir;03/02/2026;03/02/2026;Hôtel du Lac;400,00;Payée;"
                                    "Avoir sur facture FA-2026-012 (draps abîmés)".split(";"))
    assert not problems and row[9] == -40000 and row[ORIGIN] == "FA-2026-012"


def test_origin_column_wins_over_the_label(imp, store, write):
    det, _ = detect(write("o.csv", "N° facture;Type;Client;Date facture;Montant TTC;Facture d'origine;Libellé\n"
                                   "AV-1;Avoir;X;15/01/2026;10,00;FA-9;Avoir sur facture FA-8\n"))
    parser = InvoiceRowParser(det.cmap, det.number, det.dates)
    row, _ = parser.parse(2, "AV-1;Avoir;X;15/01/2026;10,00;FA-9;Avoir sur facture FA-8".split(";"))
    assert row[ORIGIN] == "FA-9"


@pytest.mark.parametrize(("status", "figures", "expected"), [
    ("Payée", ";40,00", "« Payée » mais réglé 60,00 € sur 100,00 €"),
    ("Partiellement payée", ";", "« Partiellement payée » sans le montant réglé ni le reste dû"),
    ("En retard", "100,00;0,00", "« En retard » mais entièrement réglée"),
    ("Litigieuse ?", ";", "statut inconnu « Litigieuse ? »"),
])
def test_a_status_that_contradicts_or_lacks_the_figures_is_a_problem(imp, store, write, status, figures,
                                                                      expected):
    text = (f"N° facture;Client;Date facture;Montant TTC;Statut;Réglé;Reste dû\n"
            f"FA-1;X;15/01/2026;100,00;{status};{figures}\n")
    with pytest.raises(ImportRefused) as err:
        imp(write("s.csv", text))
    assert expected in str(err.value).replace("\u00a0", " ")


def test_a_payment_row_in_an_invoice_export_is_refused(imp, write):
    text = ("Date;Type de transaction;N°;Client;Montant\n15/01/2026;Facture;F-1;X;100,00\n"
            "20/01/2026;Paiement;P-1;X;100,00\n")
    with pytest.raises(ImportRefused, match="ligne de paiement"):
        imp(write("q.csv", text))


# -- one row per payment -------------------------------------------------------------------------------
def test_one_row_per_payment_is_one_invoice_with_dated_payments(imp, store):
    report = imp("reglements_par_facture.csv", as_of=AS_OF)
    inv = invoices(store)
    assert inv["FA2026-0021"][:3] == (120000, 120000, "paid")
    assert inv["FA2026-0022"][:3] == (300000, 100000, "open")
    assert inv["FA2026-0023"][:3] == (90000, 0, "open")
    assert store.db.execute("SELECT paid_date FROM invoices WHERE number = 'FA2026-0021'").fetchone()[0] \
        == "2026-03-15"  # the day the last payment made it whole, not the day of the import
    assert payments(store) == [
        ("FA2026-0021", "2026-02-20", 50000, "PAY2602-0004"), ("FA2026-0021", "2026-03-15", 70000, "PAY2603-0011"),
        ("FA2026-0022", "2026-04-01", 100000, "PAY2604-0002")]
    assert report.duplicates == 0 and any("regroupée sur sa facture" in n for n in report.notes)  # one line: one invoice
    # the same file again: nothing doubles
    again = imp("reglements_par_facture.csv", as_of=AS_OF)
    assert again.counts.payments_created == 0 and len(payments(store)) == 3


def test_payments_that_disagree_with_the_invoice_status_are_refused(imp, write):
    text = (FIXTURES / "reglements_par_facture.csv").read_text().replace("15/03/2026;700,00", "15/03/2026;600,00")
    with pytest.raises(ImportRefused) as err:
        imp(write("p.csv", text), as_of=AS_OF)
    assert "facture FA2026-0021 : réglé 1 200,00 € selon le fichier, mais ses paiements font 1 100,00 €" in \
        str(err.value).replace("\u00a0", " ")


def test_one_row_per_payment_with_the_paid_column_holding_each_payment(imp, store, write):
    text = ("N° facture;Client;Date facture;Échéance;Montant TTC;Date de règlement;Réglé\n"
            "F-1;Garage Martin;15/01/2026;14/02/2026;1 000,00;01/03/2026;400,00\n"
            "F-1;Garage Martin;15/01/2026;14/02/2026;1 000,00;02/04/2026;600,00\n")
    imp(write("p.csv", text), as_of=AS_OF)
    assert invoices(store)["F-1"][:3] == (100000, 100000, "paid")
    assert [p[1:3] for p in payments(store)] == [("2026-03-01", 40000), ("2026-04-02", 60000)]


# -- the command line ---------------------------------------------------------------------------------
def test_cli_unplaced_column_exit_11_with_the_map_line_then_map_and_ignore(tmp_path, capsys):
    from relance_tui import cli

    db = tmp_path / "r.db"
    assert cli.main(["--db", str(db), "init"]) == 0
    f = tmp_path / "f.csv"
    f.write_text(UNPLACED)
    capsys.readouterr()
    assert cli.main(["--db", str(db), "import", str(f)]) == 11
    err = capsys.readouterr().err
    assert "rien n'a été importé" in err
    assert 'f.csv:1: colonnes: colonne « Montant restant à encaisser »' in err
    assert '--map remaining="Montant restant à encaisser"' in err
    assert cli.main(["--db", str(db), "import", str(f), "--ignore", "Montant restant à encaisser",
                     "--dry-run"]) == 0
    assert "Montant restant à encaisser (ignorée à la demande)" in capsys.readouterr().out
    mapping = tmp_path / "map.toml"
    assert cli.main(["--db", str(db), "import", str(f), "--map", "ignore=Montant restant à encaisser",
                     "--save-mapping", str(mapping), "--dry-run"]) == 0
    assert 'ignore = ["Montant restant à encaisser"]' in mapping.read_text()
    assert cli.main(["--db", str(db), "import", str(f), "--mapping", str(mapping)]) == 0
    assert cli.main(["--db", str(db), "import", str(f), "--map", "remaining=Montant restant à encaisser"]) == 0
    assert "1 modifiée" in capsys.readouterr().out  # now 60 of 100 paid


def test_an_invoice_whose_label_or_client_starts_with_total_is_an_invoice(imp, store, write):
    text = ("N° facture;Client;Libellé;Date facture;Montant TTC\n"
            "F-1;Garage Martin;Total des travaux du chantier;15/01/2026;100,00\n"
            "F-2;Totalgaz Distribution;Livraison;16/01/2026;50,00\n"
            "F-3;Total Energies Services;Entretien;17/01/2026;70,00\n"
            "Total;;;;220,00\n")
    report = imp(write("t.csv", text), as_of=AS_OF)
    assert set(invoices(store)) == {"F-1", "F-2", "F-3"}
    assert sum("ligne de total" in n for n in report.notes) == 1


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" *-(:\t0123456789abcdefghijklmnopqrstuvwxyzÀÉÈàéèŒœß汉²—TSGARE")),
               max_size=14) | st.sampled_from([
                   prefix + word.upper() + suffix for word in TOTAL_WORDS
                   for prefix in ("", "  ", "** ", "(", "汉 ", "— ") for suffix in ("", " 2025", " :")]))
def test_the_quick_look_at_a_cell_never_misses_a_totals_line(cell):
    """A 200,000-row import folds only the cells that may be a total (io/import_rows._may_be_total): every cell
    that folds to a word of TOTAL_WORDS is still looked at."""
    folded = key(cell)
    is_total = bool(folded) and any(folded == w or folded.startswith(w + " ") for w in TOTAL_WORDS)
    assert not is_total or _may_be_total(cell)
    assert bool(is_total_row([cell])) == is_total


def test_skip_invalid_sets_aside_every_payment_row_of_an_invoice_whose_paid_figure_disagrees(imp, store, write):
    text = (FIXTURES / "reglements_par_facture.csv").read_text().replace("15/03/2026;700,00", "15/03/2026;600,00")
    report = imp(write("p.csv", text), as_of=AS_OF, skip_invalid=True)
    assert "FA2026-0021" not in invoices(store) and "FA2026-0022" in invoices(store)
    with open(report.rejects_path, encoding="utf-8-sig", newline="") as fh:
        rows = [line.rstrip("\r\n").split(";") for line in fh][1:]
    assert [r[1] for r in rows] == ["FA2026-0021", "FA2026-0021"]  # both of its payment rows, nothing else
    reason = ("montant réglé: facture FA2026-0021 : réglé 1\u00a0200,00\u00a0€ selon le fichier, "
              "mais ses paiements font 1\u00a0100,00\u00a0€")
    assert [r[-1] for r in rows] == [reason, reason]
    assert report.rejected == 2
