import csv
import io

from relance_tui import cli
from tests.io.conftest import FIXTURES


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out.replace("\u00a0", " "), err.replace("\u00a0", " ")


def test_import_prints_detection_then_summary(tmp_path, capsys):
    db = tmp_path / "r.db"
    run(capsys, "--db", str(db), "init")
    code, out, _ = run(capsys, "--db", str(db), "import", str(FIXTURES / "factures_cp1252.csv"),
                       "--as-of", "2026-11-23")
    assert code == 0
    assert out.index("Format : encodage Windows-1252, séparateur point-virgule") < out.index("Import terminé")
    assert "3 nouvelles" in out


def test_refused_import_exit_code_and_lines(tmp_path, capsys):
    db = tmp_path / "r.db"
    run(capsys, "--db", str(db), "init")
    bad = tmp_path / "bad.csv"
    bad.write_text("N° facture;Client;Date facture;Montant TTC\nFA-1;X;31/02/2026;1,00\n")
    code, _, err = run(capsys, "--db", str(db), "import", str(bad))
    assert code == 11
    assert "bad.csv:2: date de facture: date impossible (31/02/2026)" in err
    assert "rien n'a été importé" in err


def test_dry_run_and_map_options(tmp_path, capsys):
    db = tmp_path / "r.db"
    run(capsys, "--db", str(db), "init")
    f = tmp_path / "f.csv"
    f.write_text("Pièce;Tiers;Émis le;Brut\nX-1;Garage;15/01/2026;10,00\n")
    mapping = tmp_path / "map.toml"
    code, out, _ = run(capsys, "--db", str(db), "import", str(f), "--dry-run", "--map", "number=Pièce",
                       "--map", "debtor_name=Tiers", "--map", "issue_date=Émis le", "--map", "amount=Brut",
                       "--save-mapping", str(mapping))
    assert code == 0 and "Simulation" in out and "(imposé)" in out
    code, out, _ = run(capsys, "--db", str(db), "import", str(f), "--mapping", str(mapping))
    assert code == 0 and "1 nouvelle" in out
    code, _, err = run(capsys, "--db", str(db), "import", str(f), "--map", "amount")
    assert code == 2 and "attendu CHAMP=COLONNE" in err


def test_export_invoices_parsed_back_with_penalties(tmp_path, capsys):
    db = tmp_path / "r.db"
    run(capsys, "--db", str(db), "init")
    _, out, _ = run(capsys, "--db", str(db), "export", "invoices", "--as-of", "2026-11-23")
    assert list(csv.DictReader(io.StringIO(out)))[-1]["Client"] == "Total (0 facture) au 23/11/2026"  # not "0 factures"
    run(capsys, "--db", str(db), "import", str(FIXTURES / "fec_tab.txt"), "--as-of", "2026-11-23")
    code, out, _ = run(capsys, "--db", str(db), "export", "invoices", "--as-of", "2026-11-23")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    by_number = {r["Facture"]: r for r in rows}
    a = by_number["FA-2025-090"]
    # 1 500 € due 20/12/2025, 200 € paid 20/03/2026, ECB 2,15 % + 10 points all along:
    # 150000 x 1215 x 90 + 130000 x 1215 x 248, over 3 650 000 = 15 226 cents
    assert (a["Reste dû"], a["Jours de retard"], a["Pénalités de retard"], a["Indemnité forfaitaire"],
            a["Total exigible"]) == ("1300.00", "338", "152.26", "40.00", "1492.26")
    paid_late = by_number["FA-2026-001"]
    assert (paid_late["Reste dû"], paid_late["Jours de retard"], paid_late["Indemnité forfaitaire"]) == \
        ("0.00", "6", "40.00")
    assert rows[-1]["Client"].startswith("Total (5 factures)")
    code, out, _ = run(capsys, "--db", str(db), "export", "invoices", "--open", "--as-of", "2026-11-23")
    numbers = [r["Facture"] for r in csv.DictReader(io.StringIO(out))][:-1]
    assert numbers == ["FA-2025-090", "FA-2026-002"]


def test_export_excel_variant_and_formula_injection(tmp_path, capsys):
    db = tmp_path / "r.db"
    run(capsys, "--db", str(db), "init")
    f = tmp_path / "evil.csv"
    f.write_text('N° facture;Client;Date facture;Montant TTC\n=HYPERLINK("x");@SUM(A1);15/01/2026;1 234,50\n'
                 '+33;-Dupont;15/01/2026;10,00\n')
    assert run(capsys, "--db", str(db), "import", str(f), "--as-of", "2026-11-23")[0] == 0
    out_file = tmp_path / "out.csv"
    code, _, err = run(capsys, "--db", str(db), "export", "invoices", "--excel", "--as-of", "2026-11-23",
                       "-o", str(out_file))
    assert code == 0 and "2 factures exportées" in err
    raw = out_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1] == "'@SUM(A1)" and rows[1][3] == "'=HYPERLINK(\"x\")"
    assert rows[2][1] == "'-Dupont" and rows[2][3] == "'+33"
    assert rows[1][7] == "1234,50" and rows[1][4] == "15/01/2026"
