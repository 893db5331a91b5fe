"""io/columns.py, rule by rule: how a header names a field, what a column that names money or a date is taken
for, what --map, --ignore and a mapping file say, how a status, a document type, a credit note's label and a
country cell are read, and the words each message uses (issue 14: tests that state the rule)."""

from __future__ import annotations

import pytest

from relance_tui.io.columns import (
    IGNORE,
    INVOICE_FIELDS,
    ColumnMap,
    MappingProblem,
    Unplaced,
    UnplacedColumns,
    absent_columns,
    classify_doc_type,
    classify_status,
    header_key,
    load_mapping_file,
    looks_like,
    map_columns,
    mapping_file_text,
    origin_in_label,
    parse_map_options,
    split_ignored,
    suggest_field,
)

# -- a header's folded name --------------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "folded"), [
    ("Montant TTC (€)", "montant ttc"), ("Due Date (UTC)", "due date"), ("  N° Facture ", "n facture"),
    ("Montant EUR", "montant"), ("EUR", "eur"), ("", ""), (None, ""), ("Échéance", "echeance"),
])
def test_a_header_is_folded_and_loses_a_trailing_unit(header, folded) -> None:
    assert header_key(header) == folded


@pytest.mark.parametrize(("folded", "looks"), [
    ("date de paiement", "date"), ("montant regle", "amount"), ("prix", "amount"), ("reference", ""), ("client", ""),
    ("total ttc", "amount"), ("date montant", "date"),  # a date word wins
])
def test_a_header_that_names_money_or_a_date(folded, looks) -> None:
    assert looks_like(folded) == looks


# -- the field a column of money or dates most probably holds ---------------------------------------------

DATE_GUESSES = {
    "due_date": ("echeance", "verval", "vervaldatum", "vervaldag", "due", "limite", "expiry"),
    "delivery_date": ("livraison", "prestation", "execution", "delivery", "delivered", "supply", "levering",
                      "leveringsdatum", "uitvoering"),
    "pay_date": ("paiement", "reglement", "encaissement", "payment", "paid", "betaling", "betaaldatum", "regle",
                 "paye", "virement", "versement", "cheque", "recu", "received", "ontvangen"),
}
AMOUNT_GUESSES = {
    "pay_amount": ("paiement", "reglement", "payment", "betaling"),
    "remaining": ("reste", "restant", "solde", "saldo", "openstaand", "uitstaand", "outstanding", "remaining",
                  "balance", "open", "ouvert", "encours", "due", "du", "verschuldigd", "owed", "owing",
                  "a payer", "a regler", "a encaisser", "to pay", "te betalen"),
    "paid": ("regle", "paye", "encaisse", "paid", "betaald", "voldaan", "ontvangen", "recu", "received"),
}


@pytest.mark.parametrize(("word", "expected"), [(w, f) for f, ws in DATE_GUESSES.items() for w in ws])
def test_a_date_column_is_taken_for_the_date_its_words_name(word, expected) -> None:
    assert suggest_field(f"date {word} prevue", "date") == expected


def test_a_date_column_naming_nothing_else_is_the_issue_date() -> None:
    assert suggest_field("date", "date") == "issue_date"
    assert suggest_field("date de saisie", "date") == "issue_date"


@pytest.mark.parametrize(("words", "expected"), [(w, f) for f, ws in AMOUNT_GUESSES.items() for w in ws])
def test_an_amount_column_is_taken_for_the_amount_its_words_name(words, expected) -> None:
    assert suggest_field(f"montant {words} eur", "amount") == expected


def test_an_amount_column_naming_nothing_else_is_the_amount_and_a_payment_wins_over_what_is_left() -> None:
    assert suggest_field("montant", "amount") == "amount"
    assert suggest_field("montant ttc", "amount") == "amount"
    assert suggest_field("reste du paiement", "amount") == "pay_amount"  # "paiement" is looked for first
    assert suggest_field("montant regle restant", "amount") == "remaining"  # what is left before what was paid


# -- an unplaced column's hint ----------------------------------------------------------------------------

def test_an_unplaced_column_says_what_it_looks_like_and_the_exact_options_to_place_or_ignore_it() -> None:
    money = Unplaced("Montant réglé", "amount", "paid")
    assert money.hint() == ("colonne « Montant réglé » : un montant que relance ne sait pas placer. Dites ce "
                            "qu'elle contient, par exemple --map paid=\"Montant réglé\" ; ou --ignore "
                            "\"Montant réglé\" si elle doit être ignorée")
    day = Unplaced("Date_relance-2", "date", "issue_date")
    assert day.hint() == ("colonne « Date_relance-2 » : une date que relance ne sait pas placer. Dites ce "
                          "qu'elle contient, par exemple --map issue_date=Date_relance-2 ; ou --ignore "
                          "Date_relance-2 si elle doit être ignorée")


def test_unplaced_columns_say_each_hint_then_the_other_problem_on_its_own_line() -> None:
    a, b = Unplaced("Payé", "amount", "paid"), Unplaced("Le", "date", "issue_date")
    problem = UnplacedColumns([a, b], {"paid": "montant payé"}, also="colonne obligatoire absente : Client")
    assert str(problem) == f"{a.hint()}\n{b.hint()}\ncolonne obligatoire absente : Client"
    assert problem.columns == [a, b] and problem.labels == {"paid": "montant payé"}
    assert problem.also == "colonne obligatoire absente : Client"
    assert str(UnplacedColumns([a], {})) == a.hint() and isinstance(problem, MappingProblem)


# -- --map, --ignore and a mapping file ------------------------------------------------------------------

def test_map_options_are_field_equals_column_trimmed_and_ignore_gathers_its_columns() -> None:
    assert parse_map_options([" amount = Total TTC ", "number=N°"]) == {"amount": "Total TTC", "number": "N°"}
    assert parse_map_options(["ignore=HT", "-=TVA", "ignore= Remise "]) == {IGNORE: "HT\nTVA\nRemise"}
    assert parse_map_options(["amount=a=b"]) == {"amount": "a=b"}  # the column's own "=" kept
    assert parse_map_options([]) == {}


@pytest.mark.parametrize("option", ["amount", "=Total", "amount=", " =Total", "amount=  "])
def test_a_map_option_that_is_not_field_equals_column_is_refused_with_the_expected_shape(option) -> None:
    with pytest.raises(MappingProblem) as caught:
        parse_map_options([option])
    assert str(caught.value) == f"--map {option!r} : attendu CHAMP=COLONNE, par exemple amount=\"Total TTC\""


def test_split_ignored_gives_the_mapping_and_the_columns_set_aside() -> None:
    forced = {"amount": "Total", IGNORE: "HT\n\nTVA\n  "}
    assert split_ignored(forced) == ({"amount": "Total"}, ["HT", "TVA"])
    assert forced == {"amount": "Total", IGNORE: "HT\n\nTVA\n  "}  # the caller's dict untouched
    assert split_ignored({"amount": "Total"}) == ({"amount": "Total"}, [])


def test_a_mapping_file_gives_its_columns_and_its_ignored_list(tmp_path) -> None:
    path = tmp_path / "map.toml"
    path.write_text('ignore = ["HT", "TVA"]\n[columns]\namount = "Total"\n', encoding="utf-8")
    assert load_mapping_file(path) == {"amount": "Total", IGNORE: "HT\nTVA"}
    path.write_text('[columns]\namount = "Total"\n', encoding="utf-8")
    assert load_mapping_file(path) == {"amount": "Total"}
    path.write_text("", encoding="utf-8")
    assert load_mapping_file(path) == {}


@pytest.mark.parametrize(("text", "said"), [
    ("[columns]\namount = 4\n", "attendu une section [columns] avec des lignes champ = \"Colonne\""),
    ("columns = 3\n", "attendu une section [columns] avec des lignes champ = \"Colonne\""),
    ('ignore = "HT"\n', "attendu ignore = [\"Colonne\", ...] avant la section [columns]"),
    ("ignore = [1]\n", "attendu ignore = [\"Colonne\", ...] avant la section [columns]"),
])
def test_a_mapping_file_of_another_shape_is_refused_saying_the_shape(tmp_path, text, said) -> None:
    path = tmp_path / "map.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingProblem) as caught:
        load_mapping_file(path)
    assert str(caught.value) == f"{path}: {said}"


def test_an_unreadable_mapping_file_is_refused_with_its_path(tmp_path) -> None:
    path = tmp_path / "map.toml"
    path.write_text("[columns\n", encoding="utf-8")
    with pytest.raises(MappingProblem, match=r"map\.toml: fichier de correspondance illisible : "):
        load_mapping_file(path)
    with pytest.raises(MappingProblem, match="fichier de correspondance illisible"):
        load_mapping_file(tmp_path / "absent.toml")


def test_a_mapping_file_written_reads_back_the_same_with_quotes_and_backslashes(tmp_path) -> None:
    headers = ['N° "pièce"', "Tiers\\Client", "HT", "Montant", "TVA"]
    cmap = map_columns(headers, INVOICE_FIELDS, {"number": "1", "debtor_name": "2", "amount": "4"}, ["HT", "TVA"])
    text = mapping_file_text(cmap)
    assert text == ('# relance: which column of the export holds which field\n'
                    'ignore = ["HT", "TVA"]\n'
                    '[columns]\n'
                    'amount = "Montant"\n'
                    'debtor_name = "Tiers\\\\Client"\n'
                    'number = "N° \\"pièce\\""\n')
    path = tmp_path / "map.toml"
    path.write_text(text, encoding="utf-8")
    assert load_mapping_file(path) == {"amount": "Montant", "debtor_name": "Tiers\\Client", "number": 'N° "pièce"',
                                       IGNORE: "HT\nTVA"}
    bare = map_columns(["N°", "Client"], INVOICE_FIELDS, {"number": "N°", "debtor_name": "Client"})
    assert "ignore" not in mapping_file_text(bare)


# -- matching a header to the fields ---------------------------------------------------------------------

def test_columns_are_matched_by_name_forced_by_map_by_name_or_number_and_ignored_on_purpose() -> None:
    headers = ["N° facture", "Client", "Date", "Échéance", "Montant TTC", "HT", "Commentaire", ""]
    cmap = map_columns(headers, INVOICE_FIELDS, {"amount": "5"}, ["Commentaire"])
    assert cmap.fields["number"] == 0 and cmap.fields["debtor_name"] == 1 and cmap.fields["issue_date"] == 2
    assert cmap.fields["due_date"] == 3 and cmap.fields["amount"] == 4
    assert cmap.forced == frozenset({"amount"}) and cmap.ignored_on_purpose == frozenset({6})
    assert cmap.known_unused == frozenset({5}) and cmap.unplaced == ()
    assert cmap.ignored() == ["HT", "Commentaire"]  # an empty header is no column
    assert cmap.ignored_columns() == ["HT (inutile à relance)", "Commentaire (ignorée à la demande)"]
    labels = {f.name: f.label for f in INVOICE_FIELDS}
    assert cmap.describe(INVOICE_FIELDS) == [
        f"N° facture → {labels['number']}", f"Client → {labels['debtor_name']}", f"Date → {labels['issue_date']}",
        f"Échéance → {labels['due_date']}", f"Montant TTC → {labels['amount']} (imposé)"]


def test_an_ignored_column_with_no_reason_is_listed_bare() -> None:
    cmap = ColumnMap({"number": 0}, ["N°", "Remarque", " "], frozenset())
    assert cmap.ignored_columns() == ["Remarque"] and cmap.ignored() == ["Remarque"]


def test_a_specific_name_takes_its_column_before_a_generic_name_of_another_field() -> None:
    # "Montant" is a generic name (the amount); "Reste à payer" names what is left exactly
    cmap = map_columns(["Facture", "Client", "Date facture", "Reste à payer", "Montant"], INVOICE_FIELDS)
    assert cmap.fields["remaining"] == 3 and cmap.fields["amount"] == 4


def test_a_column_of_money_or_dates_no_field_names_is_unplaced_with_a_guess() -> None:
    cmap = map_columns(["Facture", "Client", "Date facture", "Montant", "Montant relancé", "Date relance",
                        "Commercial"], INVOICE_FIELDS)
    assert cmap.unplaced == (Unplaced("Montant relancé", "amount", "amount"),
                             Unplaced("Date relance", "date", "issue_date"))
    assert "Commercial" in cmap.ignored()  # a column of text nobody needs is simply not used


def test_a_forced_column_that_is_not_there_or_an_unknown_field_is_refused_naming_the_columns() -> None:
    headers = ["N°", "Client", ""]
    with pytest.raises(MappingProblem) as caught:
        map_columns(headers, INVOICE_FIELDS, {"amount": "Total"})
    assert str(caught.value) == "amount=Total : colonne absente de l'en-tête (colonnes : N°, Client)"
    with pytest.raises(MappingProblem) as caught:
        map_columns(headers, INVOICE_FIELDS, {"amount": "4"})  # past the last column: a name, not a number
    assert str(caught.value).startswith("amount=4 : colonne absente")
    with pytest.raises(MappingProblem) as caught:
        map_columns(headers, INVOICE_FIELDS, ignore=["HT"])
    assert str(caught.value) == "--ignore HT : colonne absente de l'en-tête (colonnes : N°, Client)"
    with pytest.raises(MappingProblem) as caught:
        map_columns(headers, INVOICE_FIELDS, {"montant": "N°"})
    assert str(caught.value).startswith("champ 'montant' inconnu (champs possibles : ") and "amount, " in str(caught.value)
    with pytest.raises(MappingProblem, match="amount=0 : colonne absente"):  # columns count from 1
        map_columns(headers, INVOICE_FIELDS, {"amount": "0"})


def test_a_column_number_counts_from_one() -> None:
    cmap = map_columns(["A", "B", "C"], INVOICE_FIELDS, {"amount": "1", "number": "3"})
    assert cmap.fields["amount"] == 0 and cmap.fields["number"] == 2


# -- a status, a document type, a credit note's origin ------------------------------------------------------

@pytest.mark.parametrize(("cell", "status"), [
    ("", ""), ("   ", ""), ("Oui", "paid"), ("x", "paid"), ("Non", "open"), ("0", "open"),
    ("Brouillon", "draft"), ("Pro forma", "draft"), ("Annulée", "void"), ("Extourné", "void"),
    ("Payée (partiellement)", "partial"), ("Règlement commencé", "partial"),
    ("Impayée", "open"), ("Non payée", "open"), ("Not paid", "open"), ("Nog niet betaald", "open"),
    ("Payée", "paid"), ("Paid", "paid"), ("Betaald", "paid"), ("Lettrée", "paid"),
    ("En retard", "open"), ("Overdue", "open"), ("À régler", "open"), ("Te betalen", "open"),
    ("In payment", "open"), ("Litige", "open"), ("Archivée", ""), ("payeur", ""),  # a word, not a part of one
])
def test_a_status_cell_is_read_as_exports_write_it(cell, status) -> None:
    assert classify_status(cell) == status


@pytest.mark.parametrize(("cell", "kind"), [
    ("", "invoice"), ("Facture", "invoice"), ("Invoice", "invoice"), ("Avoir", "credit"), ("Credit note", "credit"),
    ("Creditnota", "credit"), ("Paiement", "payment"), ("Betaling", "payment"), ("Avoir sur facture", "credit"),
    ("Devis", ""),
])
def test_a_document_type_cell(cell, kind) -> None:
    assert classify_doc_type(cell) == kind


@pytest.mark.parametrize(("label", "own", "origin"), [
    ("Avoir sur facture FA-2026-012", "AV-1", "FA-2026-012"),
    ("Avoir AV-9 sur facture n° FA-12.", "AV-9", "FA-12"),
    ("Creditnota op factuur nr. 2026/045", "CN-3", "2026/045"),
    ("Credit note for invoice #INV-77", "CN-1", "INV-77"),
    ("Remise commerciale", "AV-2", ""),
    ("Avoir AV-3", "AV-3", ""),  # its own number is never its origin
    # a number after an invoice word wins over one after "avoir", wherever each stands
    ("Avoir AV-1 sur facture FA-2", "CN-5", "FA-2"),
    ("Avoir AV-1 / Fact.: FA-7", "CN-5", "FA-7"),
    ("Facture FA-3 (avoir pour FA-4)", "AV-1", "FA-3"),
    ("Avoir AV-1 pour FA-4", "CN-5", "AV-1"),  # neither after an invoice word: the first
    ("Factuur: 2026-17-", "CN-5", "2026-17"),  # cut of its trailing separators
    ("", "AV-4", ""),
])
def test_a_credit_note_s_label_names_the_invoice_it_credits(label, own, origin) -> None:
    assert origin_in_label(label, own) == origin


def test_a_column_name_is_quoted_in_a_hint_unless_it_is_one_word() -> None:
    from relance_tui.io.columns import _quoted

    assert [_quoted(c) for c in ("Montant", "Date_relance-2", "-", "_", "Montant réglé", "N°")] == [
        "Montant", "Date_relance-2", '"-"', '"_"', '"Montant réglé"', '"N°"']


def test_absent_required_columns_agree_in_number() -> None:
    assert absent_columns(["Client"]) == "colonne obligatoire absente : Client"
    assert absent_columns(["Client", "Montant"]) == "colonnes obligatoires absentes : Client, Montant"
