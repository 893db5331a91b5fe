"""The debtor's country, its Belgian enterprise number (BCE/KBO, check digits verified) and the delivery date
an export gives land on the debtor and the invoice (issue 13, items 1 and 5); a wrong value refuses the file."""

import pytest

from relance_tui.io.columns import country_code, suggest_field
from relance_tui.io.importer import ImportRefused
from relance_tui.store.cards import debtor_card
from relance_tui.store.overdue import OverdueQuery, matching_ids
from relance_tui.store.queries import load_rates
from tests.io.conftest import AS_OF, db_state

HEAD = "N° facture;Client;Pays;N° BCE;Date facture;Date de livraison;Montant TTC\n"


def debtors(store):
    return {r[0]: r[1:] for r in store.db.execute(
        "SELECT name, country, enterprise_number, siren FROM debtors").fetchall()}


def deliveries(store):
    return dict(store.db.execute("SELECT number, delivery_date FROM invoices").fetchall())


def refused(imp, store, path):
    before = db_state(store)
    with pytest.raises(ImportRefused) as err:
        imp(path)
    assert db_state(store) == before, "a refused import must leave the database unchanged"
    return str(err.value).replace("\u00a0", " ")


def test_belgian_export_lands_with_country_enterprise_number_and_delivery_date(imp, store):
    report = imp("factures_be.csv")
    d = report.detection
    assert {"Pays → pays", "N° BCE → numéro d'entreprise (BCE/KBO)",
            "Date de livraison → date de livraison"} <= set(d.columns)
    assert d.dates["delivery_date"] == "DD/MM/YYYY"
    assert debtors(store) == {
        "Boulangerie Dupont SRL": ("BE", "0123456749", None),
        "Brouwerij De Smet NV": ("BE", "0456789034", None),  # "BE 0456.789.034": the VAT writing
        "Crêperie Léon SARL": ("FR", None, "732829320"),
        "Garage Weber SARL": ("LU", None, None),
    }
    assert deliveries(store) == {"2026/0101": "2026-01-08", "2026/0102": None, "2026/0103": "2026-01-30",
                                 "2026/0104": "2026-02-05", "2026/0105": None}


def test_enterprise_number_is_searchable_and_on_the_card(imp, store):
    imp("factures_be.csv")
    for typed in ("0123.456.749", "BE0123456749", "0123 456 749", "0123456749"):
        found = matching_ids(store, OverdueQuery(as_of=AS_OF, text=typed))
        numbers = {r[0] for r in store.db.execute(
            f"SELECT number FROM invoices WHERE id IN ({', '.join(str(i) for i in found)})")}
        assert numbers == {"2026/0101", "2026/0102"}, typed
    debtor_id = store.db.execute("SELECT id FROM debtors WHERE name = 'Boulangerie Dupont SRL'").fetchone()[0]
    assert debtor_card(store, debtor_id, as_of=AS_OF, rates=load_rates(store)).enterprise_number == "0123456749"


def test_a_belgian_vat_number_gives_the_enterprise_number_and_belgium(imp, store):
    """Odoo keeps a Belgian customer's number as its VAT number ("Tax ID"); no country column: a Belgian
    enterprise number places the debtor in Belgium; a French VAT number is not kept and says nothing."""
    report = imp("odoo_invoices_be.csv")
    assert "Tax ID → numéro de TVA" in report.detection.columns
    assert debtors(store) == {"Atelier Lambert SRL": ("BE", "0812345603", None),
                              "Maison Girard SAS": ("", None, None)}  # unknown: the office's country
    assert deliveries(store) == {"INV/2026/00012": "2026-02-27", "INV/2026/00013": "2026-03-03"}


def test_a_wrong_check_digit_refuses_the_file_with_file_line_and_field(imp, store, write):
    imp("factures_be.csv")  # something already in the database
    message = refused(imp, store, write("f.csv", HEAD + "B-1;Dupont;BE;0123.456.749;15/01/2026;;10,00\n"
                                                        "B-2;Peeters;BE;0123.456.748;15/01/2026;;10,00\n"
                                                        "B-3;Janssens;BE;2123.456.791;15/01/2026;;10,00\n"
                                                        "B-4;Maes;BE;12345;15/01/2026;;10,00\n"))
    assert ("f.csv:3: numéro d'entreprise (BCE/KBO): numéro d'entreprise invalide, clé de contrôle fausse "
            "(0123.456.748)") in message
    assert ("f.csv:4: numéro d'entreprise (BCE/KBO): numéro d'entreprise invalide : un numéro belge commence "
            "par 0 ou 1 (2123.456.791)") in message
    assert "f.csv:5: numéro d'entreprise (BCE/KBO): numéro d'entreprise belge attendu : 10 chiffres" in message
    assert "f.csv:2" not in message


def test_a_belgian_vat_number_with_a_wrong_check_digit_is_refused(imp, store, write):
    message = refused(imp, store, write("t.csv", "N° facture;Client;N° TVA;Date facture;Montant TTC\n"
                                                 "T-1;Dupont;BE0123456748;15/01/2026;10,00\n"))
    assert "t.csv:2: numéro de TVA: numéro de TVA invalide, clé de contrôle fausse (BE0123456748)" in message


def test_vat_and_enterprise_numbers_that_disagree_are_refused(imp, store, write):
    message = refused(imp, store, write("t.csv", "N° facture;Client;N° BCE;N° TVA;Date facture;Montant TTC\n"
                                                 "T-1;Dupont;0123.456.749;BE0456789034;15/01/2026;10,00\n"))
    assert "t.csv:2: numéro de TVA: BE0456789034 ne correspond pas au numéro d'entreprise 0123.456.749" in message


@pytest.mark.parametrize("text, code", [
    ("FR", "FR"), ("fr", "FR"), ("France", "FR"), ("FRA", "FR"), ("Frankrijk", "FR"),
    ("BE", "BE"), ("Belgique", "BE"), ("België", "BE"), ("Belgie", "BE"), ("Belgium", "BE"), ("BEL", "BE"),
    ("Luxembourg", "LU"), ("Pays-Bas", "NL"), ("Nederland", "NL"), ("DE", "DE"), ("Royaume-Uni", "GB"),
    ("  ", ""), ("Bruxelles", None), ("XX", None), ("Europe", None),
])
def test_country_words(text, code):
    assert country_code(text) == code


def test_country_words_are_stored_as_iso_codes(imp, store, write):
    imp(write("p.csv", "N° facture;Client;Pays;Date facture;Montant TTC\n"
                       "P-1;Alpha;france;15/01/2026;10,00\nP-2;Beta;België;15/01/2026;10,00\n"
                       "P-3;Gamma;Belgium;15/01/2026;10,00\nP-4;Delta;BEL;15/01/2026;10,00\n"
                       "P-5;Epsilon;;15/01/2026;10,00\n"))
    assert {name: country for name, (country, _, _) in debtors(store).items()} == {
        "Alpha": "FR", "Beta": "BE", "Gamma": "BE", "Delta": "BE", "Epsilon": ""}  # empty: unknown


def test_an_unknown_country_is_an_error(imp, store, write):
    message = refused(imp, store, write("p.csv", "N° facture;Client;Pays;Date facture;Montant TTC\n"
                                                 "P-1;Alpha;Bruxelles;15/01/2026;10,00\n"))
    assert "p.csv:2: pays: pays inconnu (Bruxelles) : attendu un code ISO (FR, BE, LU...)" in message


def test_two_countries_for_one_debtor_in_a_file_are_refused(imp, store, write):
    message = refused(imp, store, write("p.csv", "N° facture;Client;Pays;Date facture;Montant TTC\n"
                                                 "P-1;Alpha;BE;15/01/2026;10,00\nP-2;Alpha;FR;16/01/2026;10,00\n"))
    assert "p.csv:2: pays: pays différents pour le même client Alpha (BE, FR)" in message


def test_an_unreadable_delivery_date_is_refused(imp, store, write):
    message = refused(imp, store, write("d.csv", HEAD + "D-1;Dupont;BE;;15/01/2026;31/02/2026;10,00\n"))
    assert "d.csv:2: date de livraison:" in message


def test_reimport_fills_in_country_enterprise_number_and_delivery_date(imp, store, write):
    imp(write("a.csv", "N° facture;Client;Date facture;Montant TTC\nR-1;Dupont;15/01/2026;10,00\n"
                       "R-2;Weber;15/01/2026;10,00\n"))
    assert debtors(store)["Dupont"] == ("", None, None)  # the file said nothing: unknown, the office's applies
    # a Belgian enterprise number without a country column: the debtor is in Belgium
    report = imp(write("b.csv", "N° facture;Client;N° BCE;Date facture;Date de livraison;Montant TTC\n"
                                "R-1;Dupont;0123456749;15/01/2026;10/01/2026;10,00\n"))
    assert report.counts.debtors_updated == 1 and report.counts.invoices_updated == 1
    assert debtors(store)["Dupont"] == ("BE", "0123456749", None)
    assert deliveries(store)["R-1"] == "2026-01-10"
    event = store.db.execute("SELECT kind, outcome, notes FROM events WHERE outcome = 'country' "
                             "ORDER BY id").fetchone()
    assert event == ("edit", "country", "Pays du débiteur : inconnu → BE, selon l'import de b.csv")
    # a file that states the country wins; one that gives no delivery date keeps the known one
    imp(write("c.csv", "N° facture;Client;Pays;Date facture;Montant TTC\nR-1;Dupont;LU;15/01/2026;10,00\n"
                       "R-2;Weber;Luxembourg;15/01/2026;10,00\n"))
    assert debtors(store)["Dupont"][:2] == ("LU", "0123456749")
    assert debtors(store)["Weber"][0] == "LU"
    assert [n for (n,) in store.db.execute("SELECT notes FROM events WHERE outcome = 'country' ORDER BY id")] == [
        "Pays du débiteur : inconnu → BE, selon l'import de b.csv",
        "Pays du débiteur : BE → LU, selon l'import de c.csv", "Pays du débiteur : inconnu → LU, selon l'import de c.csv"]
    assert deliveries(store)["R-1"] == "2026-01-10"
    # a corrected delivery date is taken; the debtor is found again by its enterprise number alone
    imp(write("d.csv", "N° facture;Client;Ondernemingsnummer;Factuurdatum;Leveringsdatum;Bedrag\n"
                       "R-1;Bakkerij Dupont;BE 0123.456.749;15/01/2026;12/01/2026;10,00\n"
                       "R-3;Bakkerij Dupont;0123.456.749;20/01/2026;18/01/2026;20,00\n"))
    assert deliveries(store)["R-1"] == "2026-01-12"
    assert store.db.execute("SELECT COUNT(*) FROM debtors").fetchone()[0] == 2
    assert store.db.execute("SELECT d.name FROM invoices i JOIN debtors d ON d.id = i.debtor_id "
                            "WHERE i.number = 'R-3'").fetchone()[0] == "Dupont"
    # an enterprise number the card already has never flips the country back
    imp(write("e.csv", "N° facture;Client;N° BCE;Date facture;Montant TTC\nR-1;Dupont;0123456749;15/01/2026;10,00\n"))
    assert debtors(store)["Dupont"][0] == "LU"


def test_an_unnamed_delivery_column_is_suggested_as_such():
    assert suggest_field("date d execution prevue", "date") == "delivery_date"
    assert suggest_field("datum levering gepland", "date") == "delivery_date"


def test_a_performance_date_is_a_delivery_date(imp, store, write):
    """A service has no delivery: its performance date starts the limitation period the same way."""
    imp(write("l.csv", "N° facture;Client;Date facture;Date de prestation;Échéance;Montant TTC\n"
                       "L-1;Dupont;15/03/2026;20/12/2025;14/04/2026;10,00\n"))
    assert store.db.execute("SELECT issue_date, delivery_date FROM invoices").fetchone() == (
        "2026-03-15", "2025-12-20")
