"""``relance export debtors`` (the aged balance) and ``export invoices`` on the one definition of an invoice's
figures (store/figures.py): credit notes, waivers, undated payments, --as-of.

The fixture (tests/io/fixtures/balance_agee_factures.csv, then balance_agee_paiements.csv), on 23/11/2026:
- Boulangerie Martin (BM): FA-101 1,200 € due 01/07 (145 days late); FA-102 500 € due 31/10 (23 days), less
  the credit note AV-103 (200 €, 02/11) that names it: 300 €; FA-104 300 € due 15/12 (not due). Owes 1,800 €.
- Garage Dupont (GD): FA-201 400 € due 31/08; AV-202 650 € names nothing and goes to FA-201 from 10/09:
  FA-201 is settled by the credit note alone (no penalty), 250 € of credit are left: "créditeur".
- Hôtel du Lac (HL): FA-301 1,000 € shown paid, no date (penalty not computable); FA-302 800 € due 15/10,
  300 € paid on 10/11 (payments file): 500 € left, 39 days late.
Penalties at 12.15 % (ECB 2.15 % + 10 points, the seeded rates), simple interest over 365 days:
- FA-101: 120000 x 1215 x 145 / 3650000 = 5792.05 -> 57.92 € + 40 €;
- FA-102: 500 € on 01-02/11 (2 days), 300 € from 03/11 to 23/11 (21 days):
  (50000 x 1215 x 2 + 30000 x 1215 x 21) / 3650000 = 243.0 -> 2.43 € + 40 €;
- FA-302: 800 € from 16/10 to 10/11 (26 days), 500 € from 11/11 to 23/11 (13 days):
  (80000 x 1215 x 26 + 50000 x 1215 x 13) / 3650000 = 908.75 -> 9.09 € + 40 €.
"""

from __future__ import annotations

import csv
import io

import pytest

from relance_tui.store import open_store
from relance_tui.store.cards import waive_penalties
from relance_tui.store.queries import append_event
from tests.io.conftest import FIXTURES
from tests.io.test_cli_import_export import run

# the seeds stop at the ECB rate of the first half of 2026: the second half's penalties are "à confirmer"
ECB_H2_2026 = "Taux de refinancement BCE du 2e semestre 2026 non saisi (relance rates set ecb 2026-07-01 TAUX)"


@pytest.fixture
def office(tmp_path, capsys):
    db = tmp_path / "r.db"
    run(capsys, "--db", str(db), "init")
    for name in ("balance_agee_factures.csv", "balance_agee_paiements.csv"):
        assert run(capsys, "--db", str(db), "import", str(FIXTURES / name), "--as-of", "2026-11-23")[0] == 0
    return db


def rows_of(out: str, delimiter: str = ",") -> list[dict]:
    return list(csv.DictReader(io.StringIO(out), delimiter=delimiter))


def export(capsys, db, *argv) -> list[dict]:
    code, out, err = run(capsys, "--db", str(db), "export", *argv)
    assert code == 0, err
    return rows_of(out)


def test_aged_balance_one_row_per_debtor_with_buckets_credit_penalties_and_a_total(office, capsys):
    rows = export(capsys, office, "debtors", "--as-of", "2026-11-23")
    by_code = {r["Code client"]: r for r in rows[:-1]}
    assert list(by_code) == ["BM", "GD", "HL"]  # by name
    bm, gd, hl = by_code["BM"], by_code["GD"], by_code["HL"]
    assert (bm["Client"], bm["SIREN"], bm["Pays"]) == ("Boulangerie Martin", "443061841", "FR")
    buckets = ("Non échu", "1-30 j", "31-60 j", "61-90 j", "Plus de 90 j")
    assert [bm[b] for b in buckets] == ["300.00", "300.00", "0.00", "0.00", "1200.00"]
    assert (bm["Avoirs non imputés"], bm["Total dû net des avoirs"]) == ("0.00", "1800.00")
    assert bm["Pénalités et indemnités"] == "140.35"  # 57.92 + 40 + 2.43 + 40
    # 145 days late and no formal notice ever recorded: the notice, not the court (issue 15: from what was done)
    assert bm["Prochaine action"] == "Mise en demeure (recommandé) (en retard de 115 j)"
    # a debtor in credit: its credit in its own column, negative, and the line's total is the sum of the line
    assert [gd[b] for b in buckets] == ["0.00"] * 5
    assert (gd["Avoirs non imputés"], gd["Total dû net des avoirs"]) == ("-250.00", "-250.00")
    assert gd["Pénalités et indemnités"] == "0.00"  # settled by a credit note alone: nothing was paid late
    assert gd["Prochaine action"] == "Créditeur : rien à relancer"
    # FA-302 is open and known; FA-301 (paid, no date) is named, the way the card lists it apart
    assert (hl["31-60 j"], hl["Total dû net des avoirs"], hl["Pénalités et indemnités"]) == ("500.00", "500.00",
                                                                                           "49.09")
    assert hl["Remarque"].startswith("FA-2026-301 : paiement sans date")
    total = rows[-1]
    assert total["Client"] == "Total (3 débiteurs) au 23/11/2026"
    assert [total[b] for b in buckets] == ["300.00", "300.00", "500.00", "0.00", "1200.00"]
    assert (total["Avoirs non imputés"], total["Total dû net des avoirs"], total["Pénalités et indemnités"]) == \
        ("-250.00", "2050.00", "189.44")
    # each line sums across: buckets + unapplied credit = total
    for r in rows:
        cents = [round(float(r[b]) * 100) for b in (*buckets, "Avoirs non imputés")]
        assert sum(cents) == round(float(r["Total dû net des avoirs"]) * 100)


def test_aged_balance_reconciles_with_the_open_invoices_export(office, capsys):
    debtors = export(capsys, office, "debtors", "--as-of", "2026-11-23")
    invoices = export(capsys, office, "invoices", "--open", "--as-of", "2026-11-23")
    open_total = sum(round(float(r["Reste dû"]) * 100) for r in invoices[:-1])
    credit = -sum(round(float(r["Avoirs non imputés"]) * 100) for r in debtors[:-1])
    assert open_total == 230000 and credit == 25000
    assert sum(round(float(r["Total dû net des avoirs"]) * 100) for r in debtors[:-1]) == open_total - credit
    assert [r["Facture"] for r in invoices[:-1]] == ["FA-2026-101", "FA-2026-102", "FA-2026-104", "FA-2026-302"]


def test_waiver_dispute_agent_and_last_contact_reach_the_aged_balance(office, capsys):
    store = open_store(office, agent="marie")
    try:
        bm = store.conn.execute("SELECT id FROM debtors WHERE code = 'BM'").fetchone()[0]
        fa101 = store.conn.execute("SELECT id FROM invoices WHERE number = 'FA-2026-101'").fetchone()[0]
        waive_penalties(store, bm, [fa101], reason="geste commercial, client fidèle")
        store.write(lambda db: db.execute("UPDATE debtors SET account_manager = 'karim' WHERE id = ?", [bm]))
        store.write(lambda db: db.execute("UPDATE invoices SET status = 'disputed' WHERE number = 'FA-2026-302'"))
        store.write(lambda db: append_event(db, at="2026-11-20T09:30:00Z", agent="marie", kind="call",
                                            debtor_id=bm, direction="out", outcome="voicemail"))
    finally:
        store.close()
    rows = {r["Code client"]: r for r in export(capsys, office, "debtors", "--as-of", "2026-11-23")[:-1]}
    bm, hl = rows["BM"], rows["HL"]
    assert bm["Pénalités et indemnités"] == "42.43"  # FA-101's 97.92 waived: FA-102's 2.43 + 40 are left
    # every day charged falls in the second half of 2026, whose ECB rate the seeds do not hold (item 6)
    assert bm["Remarque"] == ("pénalités et indemnité abandonnées sur 1 facture ; pénalités à confirmer : "
                              f"{ECB_H2_2026}")
    assert bm["Pénalités à confirmer"] == "oui"
    assert (bm["Chargé de recouvrement"], bm["Dernier contact"], bm["Type de contact"]) == \
        ("karim", "2026-11-20", "Appel · Messagerie")
    assert (hl["Dont en litige"], hl["Prochaine action"]) == ("500.00", "Litige à traiter")
    invoices = {r["Facture"]: r for r in export(capsys, office, "invoices", "--as-of", "2026-11-23")[:-1]}
    fa101 = invoices["FA-2026-101"]
    assert (fa101["Pénalités de retard"], fa101["Indemnité forfaitaire"], fa101["Total exigible"],
            fa101["Remarque"]) == ("0.00", "0.00", "1200.00", "pénalités et indemnité abandonnées")


def test_invoices_export_takes_its_figures_from_the_card_rules(office, capsys):
    rows = export(capsys, office, "invoices", "--as-of", "2026-11-23")
    by_number = {r["Facture"]: r for r in rows[:-1]}
    fa102, av103, av202 = by_number["FA-2026-102"], by_number["AV-2026-103"], by_number["AV-2026-202"]
    assert (fa102["Réglé"], fa102["Reste dû"], fa102["Pénalités de retard"]) == ("200.00", "300.00", "2.43")
    # credit notes are never late: the used one is settled, the other shows what is left of it
    assert (av103["Statut"], av103["Reste dû"], av103["Jours de retard"]) == ("Avoir imputé", "0.00", "0")
    assert (av202["Statut"], av202["Reste dû"], av202["Jours de retard"]) == ("Avoir à imputer", "-250.00", "0")
    # settled by the credit note alone: no penalty
    assert by_number["FA-2026-201"]["Total exigible"] == "0.00"
    # paid without a date: no invented penalty, the reason instead
    fa301 = by_number["FA-2026-301"]
    assert (fa301["Jours de retard"], fa301["Pénalités de retard"], fa301["Indemnité forfaitaire"]) == ("", "", "")
    assert fa301["Remarque"].startswith("paiement sans date dans l'export")
    assert rows[-1]["Remarque"] == ("hors pénalités non calculables (1 facture) ; "
                                    "pénalités à confirmer sur 3 factures")
    assert (rows[-1]["Reste dû"], rows[-1]["Pénalités de retard"], rows[-1]["Indemnité forfaitaire"]) == \
        ("2050.00", "69.44", "120.00")  # 3 indemnities: FA-101, FA-102, FA-302


def test_as_of_counts_payments_and_credit_notes_up_to_that_day_in_both_exports(office, capsys):
    # 05/11/2026: FA-302's payment (10/11) had not come, FA-104 (15/11) was not issued, AV-103 (02/11) applied;
    # FA-301's undated payment is known from the export of 23/11 only: still owed on 05/11
    rows = export(capsys, office, "debtors", "--as-of", "2026-11-05")
    by_code = {r["Code client"]: r for r in rows[:-1]}
    assert [by_code["BM"][b] for b in ("Non échu", "1-30 j", "Plus de 90 j")] == ["0.00", "300.00", "1200.00"]
    assert (by_code["HL"]["1-30 j"], by_code["HL"]["31-60 j"]) == ("800.00", "1000.00")
    assert rows[-1]["Total dû net des avoirs"] == "3050.00"  # 1,500 + 1,800 - 250
    invoices = export(capsys, office, "invoices", "--open", "--as-of", "2026-11-05")
    assert {r["Facture"]: r["Reste dû"] for r in invoices[:-1]} == {
        "FA-2026-101": "1200.00", "FA-2026-102": "300.00", "FA-2026-301": "1000.00", "FA-2026-302": "800.00"}
    assert invoices[-1]["Reste dû"] == "3300.00"  # 3,050 + the 250 of unapplied credit


def test_excel_variant_to_a_file_and_its_refusals(office, tmp_path, capsys):
    out_file = tmp_path / "balance.csv"
    code, _, err = run(capsys, "--db", str(office), "export", "debtors", "--excel", "--as-of", "2026-11-23",
                       "-o", str(out_file))
    assert code == 0 and "3 débiteurs exportés" in err
    raw = out_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][8] == "Plus de 90 j"  # a header never starts with "+": a spreadsheet would run it
    assert rows[1][:5] == ["BM", "Boulangerie Martin", "443061841", "FR", "300,00"]
    assert rows[2][9] == "-250,00"  # a negative amount stays a number
    # an existing file needs --force; the database itself is never an output
    code, _, err = run(capsys, "--db", str(office), "export", "debtors", "-o", str(out_file))
    assert code == 1 and "--force" in err
    assert run(capsys, "--db", str(office), "export", "debtors", "-o", str(out_file), "--force")[0] == 0
    before = office.read_bytes()
    code, _, _ = run(capsys, "--db", str(office), "export", "debtors", "-o", str(office), "--force")
    assert code == 1 and office.read_bytes() == before
