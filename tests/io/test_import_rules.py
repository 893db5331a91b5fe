"""Bad input is refused whole, with file:line: field: what is wrong; re-import is a sync."""

import csv
import datetime as dt

import pytest

from relance_tui.io.importer import MAX_PROBLEMS_SHOWN, ImportRefused
from tests.io.conftest import db_state, invoices

HEAD = "N° facture;Client;Date facture;Échéance;Montant TTC;Réglé\n"
GOOD = "FA-1;Garage Martin;15/01/2026;14/02/2026;100,00;0\n"


def refused(imp, store, path, **kw):
    before = db_state(store)
    with pytest.raises(ImportRefused) as err:
        imp(path, **kw)
    assert db_state(store) == before, "a refused import must leave the database unchanged"
    return err.value.report, str(err.value).replace("\u00a0", " ")


@pytest.fixture
def seeded(imp, store):
    imp("factures_cp1252.csv")  # something already in the database
    return store


def test_missing_required_column(imp, seeded, write):
    report, message = refused(imp, seeded, write("f.csv", "N° facture;Client;Montant TTC\nFA-1;X;10,00\n"))
    assert "f.csv:1: colonnes: colonne obligatoire absente : date de facture" in message
    assert "en-têtes trouvés : N° facture, Client, Montant TTC" in message and "--map" in message


def test_unreadable_encoding(imp, seeded, write):
    data = (HEAD + GOOD).encode("utf-8") + b"FA-2;Caf\x81 du Port;15/01/2026;14/02/2026;5,00;0\n"
    _, message = refused(imp, seeded, write("f.csv", data))
    assert "f.csv: fichier: encodage illisible (octet 0x81 ligne 3)" in message


def test_encoding_error_after_the_sampled_head(imp, seeded, write):
    body = (HEAD + GOOD * 20000).encode("utf-8") + "FA-X;Café;15/01/2026;14/02/2026;5,00;0\n".encode("cp1252")
    _, message = refused(imp, seeded, write("big.csv", body))
    assert "ligne 20002 : encodage illisible en UTF-8" in message


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "fichier vide"), (b"  \n\n", "fichier vide"),
    (b"\x00\x01\x02binary\x00", "fichier binaire"), (b"PK\x03\x04xlsx", "classeur Excel"),
    (b"just one column\nvalue\n", "séparateur introuvable"),
])
def test_empty_binary_or_shapeless_files(imp, seeded, write, content, expected):
    _, message = refused(imp, seeded, write("f.csv", content))
    assert expected in message


def test_unparseable_and_impossible_dates(imp, seeded, write):
    report, message = refused(imp, seeded, write("f.csv", HEAD + GOOD
                                                 + "FA-2;X;31/02/2026;14/03/2026;5,00;0\n"
                                                 + "FA-3;X;15/01/2026;demain;5,00;0\n"))
    assert "f.csv:3: date de facture: date impossible (31/02/2026)" in message
    assert "f.csv:4: date d'échéance: date illisible, attendu JJ/MM/AAAA (demain)" in message


def test_unparseable_amounts(imp, seeded, write):
    _, message = refused(imp, seeded, write("f.csv", HEAD + GOOD + "FA-2;X;15/01/2026;14/02/2026;douze;0\n"
                                                     + "FA-3;X;15/01/2026;14/02/2026;12€50;0\n"))
    assert "f.csv:3: montant TTC: montant illisible (douze)" in message
    assert "f.csv:4: montant TTC: montant illisible (12€50)" in message


def test_same_number_twice_with_different_data(imp, seeded, write):
    _, message = refused(imp, seeded, write("f.csv", HEAD + GOOD + "FA-1;Garage Martin;15/01/2026;14/02/2026;120,00;0\n"))
    assert "f.csv:3: numéro de facture: facture FA-1 présente plusieurs fois avec des données différentes " \
           "(lignes 2, 3)" in message


def test_same_row_twice_is_only_a_duplicate(imp, store, write):
    report = imp(write("f.csv", HEAD + GOOD + GOOD))
    assert report.duplicates == 1 and report.counts.invoices_created == 1


def test_due_date_before_issue_date(imp, seeded, write):
    _, message = refused(imp, seeded, write("f.csv", HEAD + "FA-9;X;15/01/2026;14/01/2026;5,00;0\n"))
    assert "f.csv:2: date d'échéance: échéance 14/01/2026 antérieure à la date de facture 15/01/2026" in message


def test_paid_more_than_the_invoice(imp, seeded, write):
    _, message = refused(imp, seeded, write("f.csv", HEAD + "FA-9;X;15/01/2026;14/02/2026;5,00;6,00\n"))
    assert "f.csv:2: montant réglé: réglé 6,00 € supérieur au montant 5,00 €" in message


def test_payment_larger_than_what_is_due(imp, seeded, write):
    _, message = refused(imp, seeded, write("p.csv", "Date de règlement;N° facture;Montant\n"
                                                     "01/04/2026;FA-2026-003;351,00\n"))
    assert "p.csv:2: montant: paiement 351,00 € supérieur au reste dû sur la facture FA-2026-003 (350,00 €)" \
        in message


def test_payment_for_an_unknown_invoice(imp, seeded, write):
    _, message = refused(imp, seeded, write("p.csv", "Date de règlement;N° facture;Montant\n01/04/2026;FA-404;1,00\n"))
    assert "p.csv:2: numéro de facture: facture FA-404 inconnue" in message


def test_fec_lettering_that_does_not_balance(imp, seeded, write):
    from tests.io.conftest import FIXTURES

    fec = (FIXTURES / "fec_tab.txt").read_text().replace("\t0,00\t1200,00\tAA", "\t0,00\t1100,00\tAA")
    _, message = refused(imp, seeded, write("fec.txt", fec))
    assert "fec.txt:3: EcritureLet: lettrage « AA » du compte DUP déséquilibré : débit 1 200,00 €, " \
           "crédit 1 100,00 €" in message


def test_fec_lettering_imbalance_is_not_skippable(imp, seeded, write):
    from tests.io.conftest import FIXTURES

    fec = (FIXTURES / "fec_tab.txt").read_text().replace("\t0,00\t1200,00\tAA", "\t0,00\t1100,00\tAA")
    refused(imp, seeded, write("fec.txt", fec), skip_invalid=True)


def test_fec_missing_columns(imp, seeded, write):
    _, message = refused(imp, seeded, write("fec.txt", "JournalCode\tEcritureNum\tCompteNum\tEcritureLet\n"
                                                        "VT\t1\t411\t\n"))
    assert "FEC : colonnes obligatoires absentes : EcritureDate, PieceRef, Debit/Credit" in message


def test_invalid_siren(imp, seeded, write):
    _, message = refused(imp, seeded, write("f.csv", "N° facture;Client;SIREN;Date facture;Montant TTC\n"
                                                     "FA-9;X;732 829 321;15/01/2026;5,00\nFA-8;Y;123;15/01/2026;5,00\n"))
    assert "f.csv:2: SIREN: SIREN invalide, clé de contrôle fausse (732 829 321)" in message
    assert "f.csv:3: SIREN: SIREN ou SIRET attendu (9 ou 14 chiffres) (123)" in message


def test_at_most_fifty_problems_shown_with_a_count(imp, seeded, write):
    rows = "".join(f"FA-{i};X;99/99/2026;14/02/2026;5,00;0\n" for i in range(120))
    report, message = refused(imp, seeded, write("f.csv", HEAD + rows))
    assert len(report.problems) == 120
    lines = message.splitlines()
    assert len([line for line in lines if line.startswith("f.csv:")]) == MAX_PROBLEMS_SHOWN
    assert lines[-1] == "... et 70 autres problèmes (120 en tout)"


def test_skip_invalid_imports_the_rest_and_writes_rejects(imp, store, write, tmp_path):
    path = write("f.csv", HEAD + GOOD + "FA-2;X;31/02/2026;14/03/2026;5,00;0\n"
                 + "FA-3;Y;15/01/2026;14/02/2026;7,00;0\n" + "FA-4;Z;15/01/2026;14/02/2026;5,00;9,00\n")
    report = imp(path, skip_invalid=True)
    assert set(invoices(store)) == {"FA-1", "FA-3"}
    assert report.rejected == 2 and report.rejects_path == tmp_path / "f.rejets.csv"
    with open(report.rejects_path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == ["ligne", "N° facture", "Client", "Date facture", "Échéance", "Montant TTC", "Réglé",
                       "motif du rejet"]
    assert rows[1][:2] == ["3", "FA-2"] and "date impossible (31/02/2026)" in rows[1][-1]
    assert rows[2][:2] == ["5", "FA-4"] and "supérieur au montant" in rows[2][-1]


def test_skip_invalid_sets_aside_rows_the_database_refuses(imp, seeded, write):
    # FA-2026-002 has 500 paid already: an amount under that is refused at merge time
    path = write("f.csv", HEAD + "FA-2026-002;Crêperie Léon SARL;20/02/2026;22/03/2026;400,00;\n" + GOOD)
    report = imp(path, skip_invalid=True)
    assert report.rejected == 1 and "FA-1" in invoices(seeded)
    assert invoices(seeded)["FA-2026-002"][0] == 200000


def test_dry_run_reads_everything_and_writes_nothing(imp, seeded, write):
    before = db_state(seeded)
    report = imp(write("f.csv", HEAD + GOOD), dry_run=True)
    assert report.dry_run and report.counts.invoices_created == 1
    assert db_state(seeded) == before


def test_detection_is_reported_before_anything_is_written(imp, store, write):
    seen = []

    def on_detection(detection):
        seen.append((detection.kind, store.db.execute("SELECT COUNT(*) FROM invoices").fetchone()[0]))

    imp(write("f.csv", HEAD + GOOD), on_detection=on_detection)
    assert seen == [("invoices", 0)]


def test_map_option_and_mapping_file(imp, store, write, tmp_path):
    from relance_tui.io.columns import load_mapping_file, save_mapping_file

    path = write("f.csv", "Pièce;Tiers;Émis le;Brut\nX-1;Garage;15/01/2026;10,00\n")
    with pytest.raises(ImportRefused):
        imp(path)
    report = imp(path, forced_map={"number": "Pièce", "debtor_name": "Tiers", "issue_date": "Émis le",
                                   "amount": "Brut"})
    assert invoices(store)["X-1"][0] == 1000
    mapping = tmp_path / "map.toml"
    save_mapping_file(mapping, report.detection.cmap)
    assert load_mapping_file(mapping) == {"number": "Pièce", "debtor_name": "Tiers", "issue_date": "Émis le",
                                          "amount": "Brut"}


def test_reimport_is_a_sync_not_a_duplicate(imp, store, write):
    first = HEAD + ("FA-1;Garage Martin;15/01/2026;14/02/2026;100,00;0\n"
                    "FA-2;Garage Martin;20/01/2026;19/02/2026;200,00;0\n"
                    "FA-3;Bar du Port;20/01/2026;19/02/2026;300,00;0\n")
    imp(write("j1.csv", first))
    # next day: FA-1 paid, FA-2 amount and due date corrected, FA-3 gone (paid), FA-4 new
    second = HEAD + ("FA-1;Garage Martin;15/01/2026;14/02/2026;100,00;100,00\n"
                     "FA-2;Garage Martin SARL;20/01/2026;01/03/2026;210,00;0\n"
                     "FA-4;Bar du Port;01/11/2026;01/12/2026;40,00;0\n")
    report = imp(write("j2.csv", second), full=True, allow_mass_close=True, as_of=dt.date(2026, 11, 24))
    c = report.counts
    assert (c.invoices_created, c.invoices_updated, c.invoices_paid, c.closed_by_full, c.debtors_created) == \
        (1, 2, 1, 1, 0)
    inv = invoices(store)
    assert inv["FA-1"][1:3] == (10000, "paid")
    assert inv["FA-2"][0] == 21000 and inv["FA-2"][4] == "2026-03-01"
    assert inv["FA-3"][1:3] == (30000, "paid")
    assert store.db.execute("SELECT COUNT(*) FROM debtors").fetchone()[0] == 2
    notes = [n.replace("\u00a0", " ") for (n,) in store.db.execute(
        "SELECT notes FROM events WHERE kind = 'payment' ORDER BY id")]
    assert "Paiement de 100,00 € sur la facture FA-1 constaté à l'import de j2.csv" in notes
    assert "Facture FA-3 absente de l'export complet j2.csv : considérée payée le 24/11/2026" in notes
    # each payment event is linked to its invoice
    linked = store.db.execute("SELECT COUNT(*) FROM events e JOIN event_invoices l ON l.event_id = e.id "
                              "WHERE e.kind = 'payment'").fetchone()[0]
    assert linked == 2
    # the import event records who, which file, its SHA-256 and counts
    data = store.db.execute("SELECT agent, data FROM events WHERE kind = 'import' AND debtor_id IS NULL "
                            "ORDER BY id DESC").fetchone()
    assert data[0] == "marie" and '"file": "j2.csv"' in data[1] and report.sha256 in data[1]
    # the same file again changes nothing
    before = db_state(store)
    again = imp(write("j2.csv", second), full=True, allow_mass_close=True, as_of=dt.date(2026, 11, 24))
    assert again.counts.invoices_updated == 0 and again.counts.invoices_created == 0
    assert again.previous_import is not None
    assert db_state(store) != before  # only the new import event
    assert store.db.execute("SELECT COUNT(*) FROM invoices").fetchone()[0] == 4


def test_full_refuses_a_file_that_would_close_most_invoices(imp, store, write):
    imp(write("j1.csv", HEAD + "".join(f"FA-{i};X;15/01/2026;14/02/2026;10,00;0\n" for i in range(30))))
    before = db_state(store)
    with pytest.raises(ImportRefused, match="est-ce bien l'export complet"):
        imp(write("j2.csv", HEAD + GOOD), full=True)
    assert db_state(store) == before


def test_debtors_matched_by_siren_then_name(imp, store, write):
    imp("factures_cp1252.csv")
    imp(write("f.csv", "N° facture;Client;SIREN;Date facture;Montant TTC\n"
                       "FA-9;CREPERIE LEON;732829320;15/05/2026;10,00\n"
                       "FA-10;Societe Generale d'Entretien SARL;;15/05/2026;10,00\n"))
    assert store.db.execute("SELECT COUNT(*) FROM debtors").fetchone()[0] == 2


def test_skip_invalid_sets_aside_every_row_of_a_number_given_twice_with_different_data(imp, store, write, tmp_path):
    path = write("f.csv", HEAD + GOOD + "FA-3;Y;15/01/2026;14/02/2026;7,00;0\n"
                 + "FA-1;Garage Martin;15/01/2026;14/02/2026;120,00;0\n")
    report = imp(path, skip_invalid=True)
    assert set(invoices(store)) == {"FA-3"}  # neither FA-1 is taken: the file does not say which is right
    assert report.rejected == 2
    with open(report.rejects_path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    reason = "facture FA-1 présente plusieurs fois avec des données différentes (lignes 2, 4)"
    assert [(r[0], r[1], r[5], r[-1]) for r in rows[1:]] == [("2", "FA-1", "100,00", reason),
                                                              ("4", "FA-1", "120,00", reason)]
