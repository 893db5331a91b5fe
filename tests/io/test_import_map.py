"""--map FIELD=N: a column named by its number (1 for the first), through the public import API."""

import pytest

from relance_tui.io.columns import parse_map_options
from relance_tui.io.importer import ImportRefused
from tests.io.conftest import db_state, invoices

# the fourth column's header says nothing a person or relance would read as the amount
FILE = ("N° facture;Client;Date facture;Colonne D;Échéance\n"
        "FA-1;Garage Martin;15/01/2026;120,00;14/02/2026\n"
        "FA-2;Garage Martin;20/01/2026;35,50;19/02/2026\n")


def test_a_field_mapped_by_column_number_reads_that_column(imp, store, write):
    report = imp(write("f.csv", FILE), forced_map=parse_map_options(["amount=4"]))
    assert report.valid == 2
    found = invoices(store)
    assert (found["FA-1"][0], found["FA-2"][0]) == (12_000, 3_550)
    assert found["FA-1"][4] == "2026-02-14"  # the due date still found by its header


@pytest.mark.parametrize("column", ["6", "0"])
def test_a_column_number_outside_the_header_is_refused_and_names_the_columns(imp, store, write, column):
    before = db_state(store)
    with pytest.raises(ImportRefused) as err:
        imp(write("f.csv", FILE), forced_map=parse_map_options([f"amount={column}"]))
    message = str(err.value)
    assert f"amount={column} : colonne absente de l'en-tête" in message
    assert "N° facture, Client, Date facture, Colonne D, Échéance" in message
    assert db_state(store) == before
