"""FEC imports: references that name no invoice, and credit notes applied through the lettering.

Fixtures (tab-separated, every line of every entry, as accounting packages export them):
- fec_tirets.txt: PieceRef "-" on every line; a detailed opening entry (AN) for two customers, invoices
  lettered with bank payments, a credit note lettered with an invoice and a payment, an open cheque;
- fec_repetee.txt: "F001" on three invoices of two customers, a bank statement number on the payments of
  both customers;
- fec_avoirs.txt: credit notes (journals AV and VT) lettered or not, naming their invoice in their label,
  one larger than its invoice, and bank payments lettered or not.
"""

import datetime as dt

import pytest

from relance_tui.domain.money import format_cents
from relance_tui.io.importer import ImportRefused, import_file, is_placeholder_piece
from relance_tui.store import staging
from tests.io.conftest import AS_OF, FIXTURES, invoices


@pytest.fixture
def staged(monkeypatch):
    """The payments the importer stages: (number, day, cents, reference, kind) in staging order."""
    rows: list[tuple] = []
    original = staging.stage_payments

    def spy(conn, batch):
        batch = list(batch)
        rows.extend((r[1], r[4], r[5], r[6], r[9]) for r in batch)
        original(conn, batch)

    monkeypatch.setattr(staging, "stage_payments", spy)
    return rows


def payments(store):
    return sorted(store.db.execute("SELECT i.number, p.day, p.amount_cents, p.reference FROM payments p "
                                   "JOIN invoices i ON i.id = p.invoice_id").fetchall())


def debtor_of(store, number):
    return store.db.execute("SELECT d.code FROM invoices i JOIN debtors d ON d.id = i.debtor_id "
                            "WHERE i.number = ?", [number]).fetchone()[0]


@pytest.mark.parametrize("text", ["", "-", "/", ".", "--", "*", "0", "000", "NC", "N/C", "N/A", "n.a.", "SANS",
                                  "Sans réf.", "néant"])
def test_placeholders_name_no_document(text):
    assert is_placeholder_piece(text)


@pytest.mark.parametrize("text", ["F001", "FA-2026-001", "10", "AN", "VIR123", "A"])
def test_references_name_a_document(text):
    assert not is_placeholder_piece(text)


# -- PieceRef "-" everywhere -----------------------------------------------------------------------
def test_placeholder_pieces_one_invoice_per_journal_entry_with_its_lettering(imp, store, staged):
    report = imp("fec_tirets.txt")
    assert report.detection.kind == "fec"
    inv = invoices(store)
    # one invoice per sales entry, named by journal, year and EcritureNum; "-" is never a number
    assert set(inv) == {"AN-2026-1-DUR-1", "AN-2026-1-DUR-2", "AN-2026-1-MOR", "VT-2026-12", "VT-2026-13",
                        "VT-2026-15"}
    # the opening entry holds one line per open invoice of two customers: each line is its own invoice,
    # dated by its PieceDate (the original invoice), on its own customer
    assert report.opening_lines == 3
    assert inv["AN-2026-1-DUR-1"][:4] == (150000, 150000, "paid", "2025-11-15")
    assert inv["AN-2026-1-DUR-2"][:4] == (60000, 0, "open", "2025-12-10")
    assert debtor_of(store, "AN-2026-1-MOR") == "MOR"
    # lettered with its bank payment: paid on the payment's date
    assert inv["VT-2026-12"][:3] == (120000, 120000, "paid")
    assert store.db.execute("SELECT paid_date FROM invoices WHERE number = 'VT-2026-12'").fetchone()[0] \
        == "2026-02-16"
    # lettered with a credit note and a payment: both settle it, the credit note as a credit note
    assert inv["VT-2026-13"][:3] == (96000, 96000, "paid")
    assert ("VT-2026-13", "2026-02-10", 24000, "avoir VT-2026-14 (lettrage AB)", "credit") in staged
    assert ("VT-2026-13", "2026-03-05", 72000, "lettrage AB", "payment") in staged
    assert report.credit_notes_lettered == 1
    # an open cheque: partial payment of the customer's oldest invoices (the opening balance first)
    assert inv["AN-2026-1-MOR"][:3] == (80000, 80000, "paid")
    assert inv["VT-2026-15"][:3] == (240000, 20000, "open")
    assert report.allocation_rules == {"plus ancienne facture": 2}
    assert not report.problems
    assert ("AN-2026-1-DUR-1", "2026-01-25", 150000, "lettrage AC") in payments(store)


def test_placeholder_pieces_reimport_changes_nothing(imp, store):
    imp("fec_tirets.txt")
    before = invoices(store), payments(store)
    report = imp("fec_tirets.txt")
    assert (invoices(store), payments(store)) == before
    assert report.counts.invoices_created == 0


def test_placeholder_pieces_a_later_as_of_sees_the_same_invoices(store):
    import_file(store, FIXTURES / "fec_tirets.txt", as_of=dt.date(2026, 1, 31))
    early = invoices(store)
    assert set(early) == {"AN-2026-1-DUR-1", "AN-2026-1-DUR-2", "AN-2026-1-MOR", "VT-2026-12"}
    assert early["VT-2026-12"][1:3] == (0, "open")  # lettered on 28/02: still owed on 31/01
    import_file(store, FIXTURES / "fec_tirets.txt", as_of=AS_OF)
    assert invoices(store)["VT-2026-12"][1:3] == (120000, "paid")
    assert store.db.execute("SELECT COUNT(*) FROM invoices").fetchone()[0] == 6


# -- one PieceRef on several invoices --------------------------------------------------------------
def test_repeated_piece_distinct_invoices(imp, store, staged):
    report = imp("fec_repetee.txt")
    inv = invoices(store)
    # F001 on three entries of two customers: the first keeps it, the others are named by their entry
    assert {n: v[:4] for n, v in inv.items() if v[0] > 0} == {
        "F001": (180000, 180000, "paid", "2026-01-05"),
        "VE-2026-102": (60000, 60000, "paid", "2026-02-12"),
        "VE-2026-140": (36000, 36000, "paid", "2026-03-10"),
    }
    assert (debtor_of(store, "F001"), debtor_of(store, "VE-2026-102"), debtor_of(store, "VE-2026-140")) \
        == ("BER", "CAS", "BER")
    # one bank statement number on payments of both customers: what is left of each is its own credit
    assert inv["AV-RLV-0316"][0] == -84000
    assert debtor_of(store, "AV-RLV-0316") == "BER"
    assert inv["AV-BQ-2026-204"][0] == -10000
    assert debtor_of(store, "AV-BQ-2026-204") == "CAS"
    assert not report.problems
    # the payments went where the lettering or the age says, as payments
    assert ("VE-2026-102", "2026-02-20", 60000, "lettrage A", "payment") in staged
    assert ("F001", "2026-02-25", 100000, "RLV-0226", "payment") in staged
    assert {r[4] for r in staged} == {"payment"}


def test_repeated_piece_keeps_its_owner_when_a_later_entry_reuses_it(store, write):
    """An office imports its FEC every week: an invoice named F001 stays F001 when a later entry reuses F001."""
    text = (FIXTURES / "fec_repetee.txt").read_text(encoding="utf-8")
    first_weeks = "".join(line for line in text.splitlines(keepends=True)
                          if "\t20260105\t" in line or line.startswith("JournalCode"))
    import_file(store, write("fec_janvier.txt", first_weeks), as_of=dt.date(2026, 1, 31))
    assert set(invoices(store)) == {"F001"}
    import_file(store, FIXTURES / "fec_repetee.txt", as_of=AS_OF)
    inv = invoices(store)
    assert inv["F001"][:2] == (180000, 180000)
    assert store.db.execute("SELECT COUNT(*) FROM invoices WHERE amount_cents > 0").fetchone()[0] == 3


def test_repeated_piece_in_opening_and_sales_entries(imp, store, write):
    """The same reference on an opening line and on a new invoice (numbering restarted): two invoices."""
    header = (FIXTURES / "fec_repetee.txt").read_text(encoding="utf-8").splitlines()[0]
    lines = [
        "AN\tA-nouveaux\t1\t20260101\t411000\tClients\tBER\tBernard Menuiserie\t12\t20251201\tReport\t500,00\t0,00"
        "\t\t\t20260101\t\t",
        "AN\tA-nouveaux\t1\t20260101\t890000\tBilan d'ouverture\t\t\t12\t20260101\tReport\t0,00\t500,00"
        "\t\t\t20260101\t\t",
        "VE\tVentes\t3\t20260301\t411000\tClients\tBER\tBernard Menuiserie\t12\t20260301\tFacture 12\t300,00\t0,00"
        "\t\t\t20260301\t\t",
        "VE\tVentes\t3\t20260301\t706000\tPrestations\t\t\t12\t20260301\tFacture 12\t0,00\t300,00"
        "\t\t\t20260301\t\t",
    ]
    imp(write("fec.txt", "\n".join([header, *lines]) + "\n"))
    inv = invoices(store)
    assert inv["12"][:4] == (50000, 0, "open", "2025-12-01")
    assert inv["VE-2026-3"][:4] == (30000, 0, "open", "2026-03-01")


# -- credit notes ------------------------------------------------------------------------------------
def test_credit_note_lettered_with_its_invoice_is_a_credit(imp, store, staged):
    report = imp("fec_avoirs.txt")
    inv = invoices(store)
    assert inv["FA-2026-010"][:3] == (120000, 120000, "paid")
    # lettered AA with the invoice and a transfer: the credit note from its date, the transfer as a payment
    assert ("FA-2026-010", "2026-01-30", 20000, "avoir AV-2026-003 (lettrage AA)", "credit") in staged
    assert ("FA-2026-010", "2026-02-26", 100000, "lettrage AA", "payment") in staged
    assert report.credit_notes_lettered == 1
    assert any(line.startswith("Avoirs lettrés : 1") for line in report.summary_lines())
    # a lettered credit note is applied, not imported as a credit note of its own
    assert "AV-2026-003" not in inv


def test_lettered_credit_note_is_a_credit_in_the_database(imp, store):
    imp("fec_avoirs.txt")
    rows = store.db.execute("SELECT i.number, p.amount_cents, p.kind FROM payments p "
                            "JOIN invoices i ON i.id = p.invoice_id WHERE i.number = 'FA-2026-010'").fetchall()
    assert sorted(rows) == [("FA-2026-010", 20000, "credit"), ("FA-2026-010", 100000, "payment")]


def test_open_credit_note_goes_to_the_invoice_it_names_open_transfer_is_a_payment(imp, store, staged):
    report = imp("fec_avoirs.txt")
    inv = invoices(store)
    assert inv["FA-2026-011"][:3] == (60000, 40000, "open")
    assert ("FA-2026-011", "2026-02-05", 10000, "AV-2026-004", "credit") in staged
    assert ("FA-2026-011", "2026-03-03", 30000, "VIR-0303", "payment") in staged
    lines = report.allocations
    assert f"GIR ligne 16 : avoir {format_cents(10000)} (AV-2026-004) → FA-2026-011 (pièce nommée)" in lines
    assert any(a.startswith("GIR ligne") and f"paiement {format_cents(30000)} (VIR-0303) → FA-2026-011 "
               "(plus ancienne facture)" in a for a in lines)


def test_credit_note_larger_than_its_invoice(imp, store, staged):
    report = imp("fec_avoirs.txt")
    inv = invoices(store)
    assert inv["FA-2026-012"][:3] == (90000, 90000, "paid")
    assert ("FA-2026-012", "2026-02-06", 90000, "AV-2026-005", "credit") in staged
    # the rest stays a credit note of the customer, under its own number, naming the invoice
    assert inv["AV-2026-005"][0] == -60000
    assert any("avoir" in a and "AV-2026-005 (avoir non affecté)" in a for a in report.allocations)
    assert report.allocation_rules == {"pièce nommée": 2, "plus ancienne facture": 1, "avoir non affecté": 1}


def test_bank_payments_stay_payments(imp, store, staged):
    imp("fec_avoirs.txt")
    kinds = {r[3]: r[4] for r in staged}
    assert kinds["lettrage AA"] == "payment"
    assert kinds["VIR-0303"] == "payment"
    assert {r[4] for r in staged if "AV-" in r[3]} == {"credit"}


def test_ledger_extract_without_counterparts_credit_notes_by_journal(imp, store, staged, write):
    """A FEC cut down to the customer accounts: the journal of invoices (VT) and the credit-note journal
    (AV) still give credit notes, the bank journal payments."""
    text = (FIXTURES / "fec_avoirs.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    extract = "".join([text[0], *(line for line in text[1:] if line.split("\t")[4].startswith("411"))])
    imp(write("grand_livre_clients.txt", extract))
    assert ("FA-2026-010", "2026-01-30", 20000, "avoir AV-2026-003 (lettrage AA)", "credit") in staged
    assert ("FA-2026-011", "2026-02-05", 10000, "AV-2026-004", "credit") in staged
    assert ("FA-2026-011", "2026-03-03", 30000, "VIR-0303", "payment") in staged
    assert ("FA-2026-010", "2026-02-26", 100000, "lettrage AA", "payment") in staged


def test_transfer_between_customer_accounts_is_not_a_credit_note(imp, store, staged, write):
    """An OD entry moving a credit from one customer account to another has no sales line: a payment."""
    header = (FIXTURES / "fec_avoirs.txt").read_text(encoding="utf-8").splitlines()[0]
    row = "{j}\t{lib}\t{n}\t{d}\t{acc}\tClients\t{aux}\t{aux}\t{p}\t{d}\t{lab}\t{deb}\t{cre}\t\t\t{d}\t\t"
    lines = [
        row.format(j="VT", lib="Ventes", n=1, d="20260110", acc="411000", aux="A1", p="FA-1", lab="Facture",
                   deb="100,00", cre="0,00"),
        row.format(j="VT", lib="Ventes", n=1, d="20260110", acc="706000", aux="", p="FA-1", lab="Facture",
                   deb="0,00", cre="100,00"),
        row.format(j="VT", lib="Ventes", n=2, d="20260110", acc="411000", aux="B2", p="FA-2", lab="Facture",
                   deb="50,00", cre="0,00"),
        row.format(j="VT", lib="Ventes", n=2, d="20260110", acc="706000", aux="", p="FA-2", lab="Facture",
                   deb="0,00", cre="50,00"),
        row.format(j="OD", lib="Opérations diverses", n=1, d="20260120", acc="411000", aux="A1", p="OD1",
                   lab="Transfert", deb="0,00", cre="30,00"),
        row.format(j="OD", lib="Opérations diverses", n=1, d="20260120", acc="411000", aux="B2", p="OD1",
                   lab="Transfert", deb="30,00", cre="0,00"),
    ]
    imp(write("fec.txt", "\n".join([header, *lines]) + "\n"))
    assert ("FA-1", "2026-01-20", 3000, "OD1", "payment") in staged


def test_lettering_that_does_not_balance_still_refuses(imp, store, write):
    text = (FIXTURES / "fec_tirets.txt").read_text(encoding="utf-8").replace("\t0,00\t720,00\tAB", "\t0,00\t700,00\tAB")
    with pytest.raises(ImportRefused) as exc:
        imp(write("fec.txt", text))
    assert "lettrage « AB » du compte DUR déséquilibré" in str(exc.value)
