"""Each dialect of export that French offices bring lands correctly."""

from relance_tui.io.importer import import_file
from tests.io.conftest import AS_OF, FIXTURES, invoices


def debtors(store):
    return {r[0]: r[1:] for r in store.db.execute("SELECT name, code, siren, address FROM debtors").fetchall()}


def test_french_spreadsheet_cp1252_semicolon(imp, store):
    report = imp("factures_cp1252.csv")
    d = report.detection
    assert (d.kind, d.text.encoding, d.text.separator, d.number.decimal) == ("invoices", "cp1252", ";", ",")
    assert d.dates == {"issue_date": "DD/MM/YYYY", "due_date": "DD/MM/YYYY"}
    assert invoices(store) == {
        "FA-2026-001": (123456, 0, "open", "2026-01-15", "2026-02-14"),
        "FA-2026-002": (200000, 50000, "open", "2026-02-20", "2026-03-22"),
        "FA-2026-003": (35000, 0, "open", "2026-03-01", "2026-03-31"),
    }
    assert debtors(store)["Crêperie Léon SARL"][1] == "732829320"
    assert "Société Générale d'Entretien" in debtors(store)
    assert store.db.execute("SELECT phone, email FROM contacts").fetchall() == [
        ("01 23 45 67 89", "compta@creperie-leon.fr")]


def test_english_export_utf8_bom_comma_decimal_point(imp, store):
    report = imp("invoices_utf8_bom.csv")
    d = report.detection
    assert (d.text.encoding, d.text.separator, d.number.decimal) == ("utf-8-sig", ",", ".")
    assert d.dates["issue_date"] == "YYYY-MM-DD"
    assert invoices(store)["INV-1001"][:2] == (125000, 25000)
    assert invoices(store)["INV-1003"][0] == 1200050
    assert debtors(store)["Atelier Müller"][0] == "C001"


def test_tab_iso_8859_15_euro_sign_and_credit_note_in_parentheses(imp, store):
    report = imp("factures_iso885915.tsv")
    d = report.detection
    assert (d.text.encoding, d.text.separator) == ("iso-8859-15", "\t")
    assert d.dates["issue_date"] == "DD.MM.YYYY"
    inv = invoices(store)
    # the credit note names no invoice: it reduces the debtor's oldest open one, from its own date
    assert inv["F-501"][:3] == (350000, 1250, "open")
    assert inv["F-502"][:2] == (78000, 70000)  # paid = amount - remaining
    assert inv["AV-503"][:3] == (-1250, -1250, "paid")  # a credit note, wholly applied
    assert "Cœur de Ville" in debtors(store)
    assert report.counts.credit_notes == 1


def test_pipe_narrow_spaces_apostrophes_two_digit_years_quoted_newlines(imp, store):
    report = imp("factures_pipe.csv")
    assert report.detection.dates["issue_date"] == "DD/MM/YY"
    inv = invoices(store)
    assert inv["R-1"][:2] == (150000, 0)
    assert inv["R-2"][:2] == (123450, 100000)
    assert inv["R-3"][:3] == (-1250, 0, "open")  # Bar du Port owes nothing: its credit stays unapplied
    assert debtors(store)["Dupond | Fils"][2] == "12 rue des Lilas\n75011 Paris"
    assert store.db.execute("SELECT name FROM contacts").fetchall() == [("Jean Dupond",)]


def test_dot_thousands(imp, store):
    report = imp("factures_points.csv")
    assert report.detection.number.thousands == {"."}
    assert invoices(store)["P-2"][:2] == (1234567890, 34567890)


def test_credit_notes_are_never_chased_but_reduce_the_balance(imp, store):
    imp("factures_iso885915.tsv")
    from relance_tui.store.overdue import aging_summary

    total = sum(b.due_cents for b in aging_summary(store, AS_OF))
    assert total == 350000 - 1250 + 8000  # the credit note is not chased: it reduces F-501
    balance = store.db.execute("SELECT SUM(amount_cents - paid_cents) FROM invoices").fetchone()[0]
    assert balance == 350000 + 8000 - 1250


def test_fec_tab_debit_credit_lettering_allocation_opening_entries(imp, store):
    report = imp("fec_tab.txt")
    assert report.detection.kind == "fec"
    assert report.opening_lines == 1
    inv = invoices(store)
    # opening entry (à-nouveau) kept with its original number and date; paid 200 by the unnamed cheque
    assert inv["FA-2025-090"] == (150000, 20000, "open", "2025-11-20", "2025-12-20")
    # lettered AA: paid on its lettering date
    assert inv["FA-2026-001"][:3] == (120000, 120000, "paid")
    assert store.db.execute("SELECT paid_date FROM invoices WHERE number = 'FA-2026-001'").fetchone()[0] \
        == "2026-02-20"
    # an unlettered credit naming the invoice in its label goes to it
    assert inv["FA-2026-002"][:2] == (80000, 30000)
    # lettered after --as-of: still open on that date, paid here by the unnamed transfer; the rest is a credit
    assert inv["FA-2026-003"][:3] == (50000, 50000, "paid")
    assert inv["AV-VIR999"][0] == -20000
    assert report.allocation_rules == {"pièce nommée": 1, "plus ancienne facture": 2, "avoir non affecté": 1}
    assert any("VIR456" in a and "FA-2026-002 (pièce nommée)" in a for a in report.allocations)
    # the entry dated after --as-of is ignored
    assert "AV-VIR1000" not in inv
    # dated payments
    pays = store.db.execute("SELECT i.number, p.day, p.amount_cents, p.reference FROM payments p "
                            "JOIN invoices i ON i.id = p.invoice_id ORDER BY p.day").fetchall()
    assert ("FA-2026-001", "2026-02-20", 120000, "lettrage AA") in pays
    assert ("FA-2026-002", "2026-03-15", 30000, "VIR456") in pays
    assert {r[0]: r[1] for r in store.db.execute("SELECT code, name FROM debtors")} == {
        "DUP": "Dupont SARL", "MAR": "Marchand & Cie"}


def test_fec_with_later_as_of_sees_the_later_lettering(store):
    import datetime as dt

    import_file(store, FIXTURES / "fec_tab.txt", as_of=dt.date(2026, 12, 31))
    inv = invoices(store)
    # lettered BB on 30/11: paid by its own transfer, so the earlier 700 is an unapplied credit
    assert inv["FA-2026-003"][:3] == (50000, 50000, "paid")
    assert inv["AV-VIR999"][0] == -70000


def test_fec_montant_sens_pipe_crlf_padding_iso(imp, store):
    report = imp("fec_montant_sens.txt")
    assert (report.detection.text.separator, report.detection.text.encoding) == ("|", "iso-8859-15")
    inv = invoices(store)
    assert inv["V-10"] == (300000, 50000, "open", "2026-01-10", "2026-02-09")  # due from default 30 days
    assert inv["V-11"][:3] == (100000, 100000, "paid")
    assert store.db.execute("SELECT name FROM debtors").fetchone()[0] == "Bœuf & Co"


def test_fec_due_dates_follow_the_debtor_terms(store):
    store.write(lambda db: db.execute(
        "INSERT INTO debtors (code, name, name_key, payment_terms_days, created_at, updated_at) "
        "VALUES ('0001', 'Bœuf & Co', 'boeuf co', 60, 'x', 'x')"))
    import_file(store, FIXTURES / "fec_montant_sens.txt", as_of=AS_OF)
    assert invoices(store)["V-10"][4] == "2026-03-11"  # 10/01 + 60 days


def test_payments_file_marks_invoices_paid_or_partly(imp, store):
    imp("factures_cp1252.csv")
    imp("factures_pipe.csv")
    store.write(lambda db: db.execute("UPDATE debtors SET code = 'DUPOND' WHERE name = 'Dupond | Fils'"))
    report = imp("paiements.csv")
    assert report.detection.kind == "payments"
    inv = invoices(store)
    # the export said 500 paid, without a date; the payments file names the invoice and dates 500 of it:
    # the same money, now dated (the penalty becomes computable), not 500 more
    assert inv["FA-2026-002"][1:3] == (50000, "open")
    assert store.db.execute("SELECT day, p.amount_cents, undated FROM payments p JOIN invoices i ON i.id = "
                            "p.invoice_id WHERE i.number = 'FA-2026-002'").fetchall() == [("2026-04-01", 50000, 0)]
    # no invoice named: to the debtor's oldest open invoice
    assert inv["R-1"][1] == 10000
    assert report.counts.payments_created == 2
    events = store.db.execute("SELECT notes FROM events WHERE kind = 'payment' AND notes LIKE '%importé de%'"
                              ).fetchall()
    assert any("500,00" in n and "01/04/2026" in n for (n,) in events)


def test_payment_to_debtor_goes_to_oldest_invoice(imp, store, write):
    imp("factures_pipe.csv")
    code = store.db.execute("SELECT id FROM debtors WHERE name = 'Dupond | Fils'").fetchone()[0]
    store.write(lambda db: db.execute("UPDATE debtors SET code = 'DUPOND' WHERE id = ?", [code]))
    imp(write("p.csv", "Date de paiement;Code client;Montant;Référence\n03/04/2026;DUPOND;1 600,00;VIR X\n"))
    inv = invoices(store)
    assert inv["R-1"][1:3] == (150000, "paid")  # oldest first
    assert inv["R-2"][1] == 100000 + 10000
