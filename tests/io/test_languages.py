"""The debtor's language (issue 16, item 4): read from an export's language column, changed by an agent, and
followed by every email and document: a Flemish debtor gets Dutch, an English-speaking one English, with the
amounts and dates written as each language writes them and the same figures to the cent."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from relance_tui.config import OfficeSettings
from relance_tui.domain.language import UnknownLanguage, long_date, parse_language, percent
from relance_tui.domain.money import format_cents_in as money
from relance_tui.io import documents
from relance_tui.io.callscript import call_context, email_context, pick_contact
from relance_tui.io.document_data import document_data, document_label, produce_document
from relance_tui.io.documents import DocumentPlace, check_office_documents, render_documents
from relance_tui.io.importer import ImportRefused
from relance_tui.io.mail import make_draft
from relance_tui.io.outputs import Protected
from relance_tui.io.templates import Templates, check_office_templates
from relance_tui.store.cards import debtor_card, set_language
from relance_tui.store.queries import load_rates
from tests.io.conftest import db_state
from tests.io.test_documents import OFFICE, TODAY, debtor_with_invoices, enter_rates, flat, make, text_of

pypdf = pytest.importorskip("pypdf")
D = dt.date
BE_OFFICE = OfficeSettings(name="Bureau Peeters", address="Veldstraat 1", city="Gent", country="BE",
                           enterprise_number="0403.170.701", iban="BE68539007547034")


# -- the domain: reading a language cell, writing amounts and dates -------------------------------------------

@pytest.mark.parametrize(("cell", "code"), [
    ("fr", "fr"), ("FR", "fr"), ("fr_BE", "fr"), ("Français", "fr"), ("F", "fr"), ("french", "fr"),
    ("nl", "nl"), ("nl-BE", "nl"), ("Néerlandais", "nl"), ("Nederlands", "nl"), ("N", "nl"), ("Vlaams", "nl"),
    ("en_GB", "en"), ("English", "en"), ("anglais", "en"), ("E", "en"), ("", ""), ("  ", ""),
])
def test_a_language_cell_is_read_as_exports_write_it(cell, code) -> None:
    assert parse_language(cell) == code


def test_a_language_relance_does_not_write_is_refused_by_name() -> None:
    with pytest.raises(UnknownLanguage, match=r"non prise en charge \(Deutsch, allemand\).*fr, nl ou en"):
        parse_language("Deutsch")
    with pytest.raises(UnknownLanguage, match=r"langue inconnue \(Klingon\) : attendu fr, nl ou en"):
        parse_language("Klingon")


def test_amounts_dates_and_rates_as_each_language_writes_them() -> None:
    assert money(123_456, "fr") == "1\u00a0234,56\u00a0€"
    assert money(123_456, "nl") == "€\u00a01.234,56" and money(-5, "nl") == "-€\u00a00,05"
    assert money(123_456_789, "en") == "€1,234,567.89" and money(-100, "en") == "-€1.00"
    assert long_date(D(2027, 3, 1), "fr") == "1er mars 2027" and long_date(D(2026, 12, 2), "fr") == "2 décembre 2026"
    assert long_date(D(2027, 3, 1), "nl") == "1 maart 2027" and long_date(D(2027, 3, 1), "en") == "1 March 2027"
    assert percent(1215, "fr") == "12,15\u00a0%" and percent(1215, "nl") == "12,15\u00a0%"
    assert percent(1215, "en") == "12.15%" and percent(805, "en") == "8.05%"


# -- imports: the column lands on the debtor; a bad cell refuses the file -----------------------------------

HEAD = "N° facture;Client;Langue;Date facture;Date d'échéance;Montant TTC\n"


def languages(store) -> dict[str, str]:
    return dict(store.db.execute("SELECT name, language FROM debtors").fetchall())


def test_an_export_s_language_column_lands_on_each_debtor(imp, store, write) -> None:
    path = write("langues.csv", HEAD + "F1;Brouwerij De Smet;NL;01/09/2026;01/10/2026;100,00\n"
                                       "F2;Acme Ltd;en_GB;01/09/2026;01/10/2026;200,00\n"
                                       "F3;Crêperie Léon;Français;01/09/2026;01/10/2026;300,00\n"
                                       "F4;Garage Weber;;01/09/2026;01/10/2026;400,00\n")
    report = imp(path)
    assert "Langue → langue" in report.detection.columns
    assert languages(store) == {"Brouwerij De Smet": "nl", "Acme Ltd": "en", "Crêperie Léon": "fr",
                                "Garage Weber": ""}


def test_a_language_nobody_writes_refuses_the_whole_file_with_its_line(imp, store, write) -> None:
    path = write("langues.csv", HEAD + "F1;Brouwerij De Smet;NL;01/09/2026;01/10/2026;100,00\n"
                                       "F2;Weber GmbH;Deutsch;01/09/2026;01/10/2026;200,00\n")
    before = db_state(store)
    with pytest.raises(ImportRefused) as err:
        imp(path)
    assert db_state(store) == before
    assert "langues.csv:3: langue: langue non prise en charge (Deutsch, allemand)" in str(err.value)


def test_two_languages_for_one_debtor_refuse_the_file(imp, store, write) -> None:
    path = write("langues.csv", HEAD + "F1;Brouwerij De Smet;NL;01/09/2026;01/10/2026;100,00\n"
                                       "F2;Brouwerij De Smet;FR;01/09/2026;01/10/2026;200,00\n")
    with pytest.raises(ImportRefused, match="langues différentes pour le même client Brouwerij De Smet"):
        imp(path)


def test_a_later_export_fills_an_empty_language_and_never_undoes_an_agent_s_choice(imp, store, write) -> None:
    imp(write("a.csv", HEAD + "F1;Brouwerij De Smet;;01/09/2026;01/10/2026;100,00\n"
                              "F2;Acme Ltd;;01/09/2026;01/10/2026;200,00\n"))
    acme = store.db.execute("SELECT id FROM debtors WHERE name = 'Acme Ltd'").fetchone()[0]
    assert set_language(store, acme, "en") is True
    assert set_language(store, acme, "en") is False  # already: nothing written
    imp(write("b.csv", HEAD + "F3;Brouwerij De Smet;nl;01/10/2026;01/11/2026;100,00\n"
                              "F4;Acme Ltd;fr;01/10/2026;01/11/2026;200,00\n"))
    assert languages(store) == {"Brouwerij De Smet": "nl", "Acme Ltd": "en"}
    notes = [r[0] for r in store.db.execute("SELECT notes FROM events WHERE kind = 'edit' AND debtor_id = ?", [acme])]
    assert notes == ["Langue des courriers : français → anglais"]
    smet = store.db.execute("SELECT id FROM debtors WHERE name = 'Brouwerij De Smet'").fetchone()[0]
    assert [r[0] for r in store.db.execute("SELECT notes FROM events WHERE kind = 'edit' AND debtor_id = ?",
                                           [smet])] == ["Langue des courriers : néerlandais, selon l'import de b.csv"]


def test_an_export_saying_french_is_kept_for_a_debtor_with_none_chosen(imp, store, write) -> None:
    """French from a file is a choice like any other: it wins over a Flemish address's Dutch default."""
    imp(write("a.csv", HEAD + "F1;Brouwerij De Smet;;01/09/2026;01/10/2026;100,00\n"))
    smet = store.db.execute("SELECT id FROM debtors WHERE name = 'Brouwerij De Smet'").fetchone()[0]
    store.write(lambda db: db.execute("UPDATE debtors SET country = 'BE', postcode = '9000' WHERE id = ?", [smet]))
    assert debtor_card(store, smet, as_of=TODAY, rates=load_rates(store)).writes_in == "nl"
    imp(write("b.csv", HEAD + "F2;Brouwerij De Smet;Français;01/10/2026;01/11/2026;100,00\n"))
    assert languages(store) == {"Brouwerij De Smet": "fr"}
    assert debtor_card(store, smet, as_of=TODAY, rates=load_rates(store)).writes_in == "fr"


# -- emails ----------------------------------------------------------------------------------------------------

def reminder_context(store, debtor: int, office=OFFICE) -> dict:
    card = debtor_card(store, debtor, as_of=TODAY, rates=load_rates(store), country=office.country)
    context = call_context(card, agent="Marie Dubois", office=office, today=TODAY, contact=pick_contact(card))
    listed = context["invoices"]
    context.update(listed=listed, listed_total=sum(i["due_cents"] for i in listed), listed_credit=0, plan={})
    return context


def draft(store, debtor: int, kind: str = "reminder", office=OFFICE, templates=None, context=None):
    context = context or reminder_context(store, debtor, office)
    made, problems = make_draft(templates or Templates(None), context, kind=kind, debtor_id=debtor,
                                to="compta@client.be", files=[])
    assert problems == []
    return made


def test_a_flemish_debtor_s_reminder_is_in_dutch_with_dutch_amounts(store) -> None:
    d, _ = debtor_with_invoices(store, "Brouwerij De Smet", country="BE")
    set_language(store, d, "nl")
    email = draft(store, d, office=BE_OFFICE)
    assert email.subject == "Vervallen facturen — Brouwerij De Smet"
    assert "FA-1 van 01/09/2026, vervallen op 01/10/2026: nog €\u00a01.000,00 verschuldigd" in email.body
    assert "Totaal: €\u00a01.500,00." in email.body
    assert "wet van 2 augustus 2002" in email.body and "IBAN BE68539007547034" in email.body
    assert "Factures" not in email.body and "€ par facture" not in email.body


def test_a_flemish_address_with_no_language_chosen_gets_dutch_until_an_agent_chooses(store) -> None:
    """No language column in the export: the address says Flanders, so Dutch (email and document); Brussels and
    Wallonia stay French; French chosen on the card wins over the region."""
    d, _ = debtor_with_invoices(store, "Brouwerij De Smet", country="BE")
    store.write(lambda db: db.execute("UPDATE debtors SET postcode = '9000', city = 'Gent' WHERE id = ?", [d]))
    assert debtor_card(store, d, as_of=TODAY, rates=load_rates(store)).language == ""
    assert draft(store, d, office=BE_OFFICE).subject == "Vervallen facturen — Brouwerij De Smet"
    data, text = make(store, d, "reminder_letter", office=BE_OFFICE)
    assert data["lang"] == "nl" and data["total"] == money(150_000, "nl") and "1.500,00" in text
    assert "Met vriendelijke groeten" in text
    liege, _ = debtor_with_invoices(store, "Brasserie Lejeune", country="BE", prefix="FB")
    store.write(lambda db: db.execute("UPDATE debtors SET postcode = '4000', city = 'Liège' WHERE id = ?", [liege]))
    assert draft(store, liege, office=BE_OFFICE).subject.startswith("Factures échues")
    set_language(store, d, "fr")
    assert draft(store, d, office=BE_OFFICE).subject == "Factures échues — Brouwerij De Smet"


def test_a_debtor_with_no_country_lives_where_the_office_is_and_the_note_says_the_language_before(store) -> None:
    """A Belgian office's debtor with no country column and a Ghent address: Dutch (it lives in Belgium, as the
    law chosen for it says); confirming Dutch on the card writes the choice without claiming it was French."""
    d, _ = debtor_with_invoices(store, "Brouwerij Peeters", country="")
    store.write(lambda db: db.execute("UPDATE debtors SET country = '', postcode = '9000', city = 'Gent' "
                                      "WHERE id = ?", [d]))
    assert debtor_card(store, d, as_of=TODAY, rates=load_rates(store), country="BE").writes_in == "nl"
    assert debtor_card(store, d, as_of=TODAY, rates=load_rates(store), country="FR").writes_in == "fr"
    assert set_language(store, d, "nl", office_country="BE")
    assert set_language(store, d, "en", office_country="BE")
    notes = [n for (n,) in store.conn.execute(
        "SELECT notes FROM events WHERE debtor_id = ? AND outcome = 'language' ORDER BY id", [d])]
    assert notes == ["Langue des courriers : néerlandais, choisie sur la fiche",
                     "Langue des courriers : néerlandais → anglais"]


def test_an_english_debtor_s_reminder_is_in_english_and_french_stays_french(store) -> None:
    d, _ = debtor_with_invoices(store, "Acme Ltd")
    set_language(store, d, "en")
    email = draft(store, d)
    assert email.subject == "Overdue invoices — Acme Ltd"
    assert "FA-1 of 01/09/2026, due on 01/10/2026: €1,000.00 outstanding" in email.body
    assert "French Commercial Code, art. L441-10" in email.body and "Total: €1,500.00." in email.body
    other, _ = debtor_with_invoices(store, "Garage Dupont", prefix="FB")
    french = draft(store, other)
    assert french.subject == "Factures échues — Garage Dupont" and "Total : 1\u00a0500,00\u00a0€." in french.body


def test_a_recap_after_a_dispute_names_the_reason_in_the_debtor_s_language_and_asks_no_agreement(store) -> None:
    d, _ = debtor_with_invoices(store, "Brouwerij De Smet", country="BE")
    set_language(store, d, "nl")
    card = debtor_card(store, d, as_of=TODAY, rates=load_rates(store), country="BE")
    base = call_context(card, agent="Marie", office=BE_OFFICE, today=TODAY, contact=None)
    context = email_context(base, outcome="dispute", dispute_category="quality", dispute_invoices=["FA-1"])
    body = draft(store, d, kind="recap", office=BE_OFFICE, context=context).body
    assert "u betwist FA-1 (kwaliteit)" in body and "Voor vragen kunt u gewoon op dit bericht antwoorden." in body
    assert "bevestigen" not in body
    promise = email_context(base, outcome="promise")
    assert "Gelieve deze afspraak te bevestigen" in draft(store, d, kind="recap", office=BE_OFFICE,
                                                           context=promise).body
    set_language(store, d, "fr")  # and in French, a dispute is no "accord" to confirm either
    card = debtor_card(store, d, as_of=TODAY, rates=load_rates(store), country="BE")
    base = call_context(card, agent="Marie", office=BE_OFFICE, today=TODAY, contact=None)
    context = email_context(base, outcome="dispute", dispute_category="quality", dispute_invoices=["FA-1"])
    body = draft(store, d, kind="recap", office=BE_OFFICE, context=context).body
    assert "confirmer cet accord" not in body and "Pour toute question" in body


def test_an_office_s_own_dutch_email_is_used_for_dutch_debtors_only(store, tmp_path) -> None:
    office_dir = tmp_path / "templates"
    (office_dir / "email" / "nl").mkdir(parents=True)
    (office_dir / "email" / "nl" / "reminder.txt.j2").write_text(
        '+++\nsubject = "Herinnering {{ debtor.name }}"\n+++\nBeste klant, totaal {{ listed_total|euros }}.\n',
        encoding="utf-8")
    d, _ = debtor_with_invoices(store, "Brouwerij De Smet", country="BE")
    set_language(store, d, "nl")
    email = draft(store, d, office=BE_OFFICE, templates=Templates(office_dir))
    assert email.subject == "Herinnering Brouwerij De Smet" and "totaal €\u00a01.500,00." in email.body
    other, _ = debtor_with_invoices(store, "Garage Dupont", prefix="FB")
    assert draft(store, other, templates=Templates(office_dir)).subject == "Factures échues — Garage Dupont"
    assert dict(check_office_templates(office_dir)) == {"email/nl/reminder.txt.j2": None}


# -- documents ------------------------------------------------------------------------------------------------

def test_a_flemish_business_gets_its_formal_notice_in_dutch_to_the_cent(store) -> None:
    enter_rates(store)
    d, _ = debtor_with_invoices(store, "Brouwerij De Smet", country="BE")
    set_language(store, d, "nl")
    data, text = make(store, d, "formal_notice", office=BE_OFFICE)
    words = flat(text)
    for mention in ("INGEBREKESTELLING TOT BETALING", "Aangetekende brief met ontvangstbewijs", "Betreft:",
                    "Gent, 23 november 2026", "wet van 2 augustus 2002 (art. 5 en 6)",
                    "uiterlijk op 1 december 2026", "onbetwiste geldschulden",
                    "Geachte heer, mevrouw,", "Totaal openstaand: € 1.500,00"):
        assert mention in words, mention
    assert "FA-1 01/09/2026 01/10/2026 € 1.000,00 € 1.000,00" in words
    assert "MISE EN DEMEURE" not in words and "Madame" not in words and "Objet" not in words
    # the same figures as in French: the language changes the words, never the amounts
    set_language(store, d, "fr")
    french, _ = make(store, d, "formal_notice", office=BE_OFFICE)
    assert (data["total_cents"], data["penalties_cents"]) == (french["total_cents"], french["penalties_cents"])
    assert data["lang"] == "nl" and french["lang"] == "fr"
    # and the letter prints those very figures, the Dutch way, to the cent
    assert data["penalties_cents"] > 0
    assert money(french["penalties_cents"], "nl").replace("\u00a0", " ") in words
    assert money(french["total_cents"], "nl").replace("\u00a0", " ") in words


def test_an_english_statement_and_payment_plan_speak_english(store) -> None:
    d, _ = debtor_with_invoices(store, "Acme Ltd")
    set_language(store, d, "en")
    from relance_tui.store.cards import record_payment

    record_payment(store, d, day=D(2026, 11, 2), amount_cents=20_000, reference="VIR 77", today=TODAY)
    _, text = make(store, d, "statement")
    words = flat(text)
    assert "Statement of account as of 23 November 2026" in words and "Dear Sir or Madam," in words
    assert "Invoice FA-1" in words and "Payment VIR 77" in words and "Balance due: €1,300.00" in words
    assert "IBAN: FR76 3000 6000 0112 3456 7890 189 — BIC: BNPAFRPP" in words and "Yours faithfully," in words


def test_a_litigation_file_is_in_a_court_s_language(store) -> None:
    d, _ = debtor_with_invoices(store, "Acme Ltd")
    set_language(store, d, "en")
    data, text = make(store, d, "litigation")
    assert data["lang"] == "fr" and "Dossier contentieux" in text and "Litigation" not in text
    nl, _ = debtor_with_invoices(store, "Brouwerij De Smet", country="BE", prefix="NL")
    set_language(store, nl, "nl")
    data, text = make(store, nl, "litigation", office=BE_OFFICE)
    words = flat(text)
    assert data["lang"] == "nl" and "Geschillendossier" in words and "Onbetaalde facturen NL-1, NL-2" in words
    assert "Factuur NL-1 van 01/09/2026" in words and "Dossier contentieux" not in words


def test_one_print_run_mixes_languages_each_document_in_its_own(store) -> None:
    fr, _ = debtor_with_invoices(store, "Garage Dupont")
    nl, _ = debtor_with_invoices(store, "Brouwerij De Smet", country="BE", prefix="NL")
    set_language(store, nl, "nl")
    items = [(kind, document_data(store, who, kind, office=OFFICE, today=TODAY, agent="Marie"))
             for who in (fr, nl) for kind in ("reminder_letter", "formal_notice")]
    words = flat(text_of(render_documents(items).data))
    assert words.count("MISE EN DEMEURE") == 1 and words.count("INGEBREKESTELLING") == 1
    assert "Facture impayée" not in words and "Factures impayées" in words and "Onbetaalde facturen" in words


def test_the_timeline_says_which_language_a_document_was_made_in(store, tmp_path) -> None:
    d, _ = debtor_with_invoices(store, "Brouwerij De Smet", country="BE")
    set_language(store, d, "nl")
    place = DocumentPlace(None, tmp_path / "documents", Protected(frozenset()))
    _, kept, data = produce_document(store, d, "reminder_letter", office=BE_OFFICE, today=TODAY, agent="Marie",
                                     place=place)
    assert document_label(data) == "Lettre de relance en néerlandais"
    notes = store.db.execute("SELECT notes FROM events WHERE kind = 'letter' AND debtor_id = ?", [d]).fetchone()[0]
    assert notes == f"Lettre de relance en néerlandais produite : {kept}"


def test_an_office_s_dutch_letter_is_checked_and_used(store, tmp_path) -> None:
    office_dir = tmp_path / "templates"
    (office_dir / "documents" / "nl").mkdir(parents=True)
    (office_dir / "documents" / "nl" / "reminder_letter.typ").write_text(
        '#import "../lib.typ": letterhead\n#let document(d) = { letterhead(d); [Eigen brief: #d.total] }\n',
        encoding="utf-8")
    (office_dir / "documents" / "en" ).mkdir()
    (office_dir / "documents" / "en" / "formal_notice.typ").write_text("#let document(d) = { oops( }\n",
                                                                       encoding="utf-8")
    (office_dir / "documents" / "de").mkdir()
    (office_dir / "documents" / "de" / "statement.typ").write_text("#let document(d) = []\n", encoding="utf-8")
    checked = dict(check_office_documents(office_dir))
    assert checked["documents/nl/reminder_letter.typ"] is None
    assert "typst" in checked["documents/en/formal_notice.typ"]
    assert "fichier ignoré" in checked["documents/de/statement.typ"]
    d, _ = debtor_with_invoices(store, "Brouwerij De Smet", country="BE")
    set_language(store, d, "nl")
    data = document_data(store, d, "reminder_letter", office=BE_OFFICE, today=TODAY, agent="Marie")
    assert "Eigen brief: € 1.500,00" in flat(text_of(render_documents([("reminder_letter", data)],
                                                                      office_dir=office_dir).data))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_hostile_name_prints_literally_in_every_language(store, lang) -> None:
    hostile_name = '#set text(red)] *vet* $x$ <l> @ref #pagebreak() #{panic("x")}'
    hostile, _ = debtor_with_invoices(store, hostile_name, country="BE")
    set_language(store, hostile, lang)
    for kind in ("reminder_letter", "formal_notice", "statement"):
        data = document_data(store, hostile, kind, office=BE_OFFICE, today=TODAY, agent="Marie")
        pdf = render_documents([(kind, data)]).data
        assert "".join(hostile_name.split()) in "".join(text_of(pdf).split()), kind
        assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1, kind


def test_an_office_s_own_email_kind_in_french_only_still_reaches_a_dutch_debtor(tmp_path) -> None:
    office_dir = tmp_path / "templates"
    (office_dir / "email").mkdir(parents=True)
    (office_dir / "email" / "relance2.txt.j2").write_text('+++\nsubject = "Relance"\n+++\nSolde {{ 150000|euros }}.\n',
                                                          encoding="utf-8")
    rendered = Templates(office_dir).render("email/relance2.txt.j2", {"lang": "nl"}, lang="nl")
    assert rendered.body == "Solde 1\u00a0500,00\u00a0€.\n"  # the French text, in French figures
    assert rendered.problems == ["email/nl/relance2.txt.j2 : aucun modèle dans cette langue, modèle français utilisé"]


def test_the_call_script_stays_french_for_a_dutch_debtor(store) -> None:
    from relance_tui.io.callscript import load_script

    d, _ = debtor_with_invoices(store, "Brouwerij De Smet", country="BE")
    set_language(store, d, "nl")
    phases, _, _ = load_script(Templates(None), reminder_context(store, d, BE_OFFICE))
    text = " ".join(p.body for p in phases)
    assert "1\u00a0500,00\u00a0€" in text and "€\u00a01.500,00" not in text


def test_french_chosen_for_a_debtor_without_a_language_is_kept_against_a_later_import(imp, store, write) -> None:
    imp(write("a.csv", HEAD + "F1;Garage Dupont;;01/09/2026;01/10/2026;100,00\n"))
    d = store.db.execute("SELECT id FROM debtors WHERE name = 'Garage Dupont'").fetchone()[0]
    assert set_language(store, d, "fr") is True  # the agent's choice, written and on the timeline
    assert set_language(store, d, "fr") is False  # already: nothing written
    imp(write("b.csv", HEAD + "F2;Garage Dupont;nl;01/10/2026;01/11/2026;100,00\n"))
    assert languages(store) == {"Garage Dupont": "fr"}
    notes = [r[0] for r in store.db.execute("SELECT notes FROM events WHERE outcome = 'language'")]
    assert notes == ["Langue des courriers : français, choisie sur la fiche"]


# -- a document's language, where the office's templates or the court decide it -----------------------------

def test_a_litigation_file_follows_the_court_s_region_not_the_debtor_s_language(store) -> None:
    walloon, _ = debtor_with_invoices(store, "Brouwerij Lambert", country="BE")
    store.write(lambda db: db.execute("UPDATE debtors SET postcode = '4000', city = 'Liège' WHERE id = ?",
                                      [walloon]))
    set_language(store, walloon, "nl")
    data, text = make(store, walloon, "litigation", office=BE_OFFICE)
    assert data["lang"] == "fr" and "Dossier contentieux" in text and "Geschillendossier" not in text
    assert document_label(data) == "Dossier contentieux"
    # a French debtor who reads Dutch is sued before a French court: in French
    french, _ = debtor_with_invoices(store, "Transports Vandamme", prefix="TV")
    set_language(store, french, "nl")
    data, _ = make(store, french, "litigation")
    assert data["lang"] == "fr"
    # a Flemish debtor's file, in Dutch, keeps every identifier the court may need
    flemish, _ = debtor_with_invoices(store, "Brouwerij De Smet", country="BE", prefix="NL")
    store.write(lambda db: db.execute("UPDATE debtors SET postcode = '9000', city = 'Gent', "
                                      "enterprise_number = '0403170701' WHERE id = ?", [flemish]))
    data, text = make(store, flemish, "litigation", office=BE_OFFICE)
    words = flat(text)
    joined = "".join(words.replace("- ", "").split())  # typst hyphenates long words in narrow cells
    assert data["lang"] == "nl" and "ondernemingsnummer0403170701—SIREN552100554" in joined
    assert "Nalatigheidsinterestenopvandaag" in joined and "Forfaitaireinvorderingsvergoedingen" in joined
    assert "lopendvanafdedagnadevervaldagvanelkefactuur(wetvan2augustus2002,art.5)" in joined


def test_an_office_letterhead_from_before_the_languages_keeps_the_french_letters_and_says_so(store, tmp_path) -> None:
    office_dir = tmp_path / "templates"
    (office_dir / "documents").mkdir(parents=True)
    builtin = (Path(documents.__file__).parent.parent / "templates" / "documents" / "lib.typ").read_text("utf-8")
    # an office's copy of the letterhead as it was before the languages: no salutation, no words by language
    old = builtin.replace("#let salutation(d) = [#w(d).salutation]\n", "").replace(
        "#text(weight: \"bold\", size: 12pt)[#o.name]", "#text(weight: \"bold\", size: 12pt)[CABINET-MAISON #o.name]")
    (office_dir / "documents" / "lib.typ").write_text(old, encoding="utf-8")
    fr, _ = debtor_with_invoices(store, "Garage Dupont")
    nl, _ = debtor_with_invoices(store, "Brouwerij De Smet", country="BE", prefix="NL")
    set_language(store, nl, "nl")
    items = [(kind, document_data(store, who, kind, office=OFFICE, today=TODAY, agent="Marie"))
             for who in (fr, nl) for kind in ("reminder_letter",)]
    pdf = render_documents(items, office_dir=office_dir)
    pages = [flat(p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(pdf.data)).pages]
    assert "CABINET-MAISON" in pages[0] and "Madame, Monsieur," in pages[0]  # the office's letterhead kept
    assert "CABINET-MAISON" not in pages[1] and "Geachte heer, mevrouw," in pages[1]  # the built-in one
    assert len(pdf.problems) == 1 and "pour les documents en néerlandais et en anglais" in pdf.problems[0]
    assert str(office_dir / "documents" / "lib.typ") in pdf.problems[0]
    # relance doctor says it of the letterhead too
    checked = dict(check_office_documents(office_dir))
    assert "pour les documents en néerlandais et en anglais" in checked["documents/lib.typ"]


def test_an_office_document_in_one_language_is_made_whole_in_that_language(store, tmp_path) -> None:
    office_dir = tmp_path / "templates"
    (office_dir / "documents" / "nl").mkdir(parents=True)
    (office_dir / "documents" / "rappel_special.typ").write_text(
        '#let document(d) = [Rappel spécial : #d.total au #d.date]\n', encoding="utf-8")
    (office_dir / "documents" / "nl" / "herinnering.typ").write_text(
        '#let document(d) = [Bijzondere herinnering: #d.total op #d.date]\n', encoding="utf-8")
    nl, _ = debtor_with_invoices(store, "Brouwerij De Smet", country="BE")
    set_language(store, nl, "nl")
    fr, _ = debtor_with_invoices(store, "Garage Dupont", prefix="GD")
    # French only, for a Dutch debtor: French words and French figures, and the timeline says French
    data = document_data(store, nl, "rappel_special", office=BE_OFFICE, today=TODAY, agent="Marie",
                         office_dir=office_dir)
    assert (data["lang"], data["total"], data["date"]) == ("fr", money(150_000, "fr"), "23 novembre 2026")
    assert document_label(data) == "rappel_special"
    # Dutch only: a document all the same (not "unknown"), made in Dutch for a French debtor too
    data = document_data(store, fr, "herinnering", office=OFFICE, today=TODAY, agent="Marie", office_dir=office_dir)
    assert data["lang"] == "nl" and document_label(data) == "herinnering en néerlandais"
    text = flat(text_of(render_documents([("herinnering", data)], office_dir=office_dir).data))
    assert f"Bijzondere herinnering: {money(150_000, 'nl')} op 23 november 2026".replace("\u00a0", " ") in text


def test_the_preview_of_a_dutch_letter_is_all_french_and_says_the_letter_is_dutch(store) -> None:
    from relance_tui.io.document_data import preview_lines

    d, _ = debtor_with_invoices(store, "Brouwerij De Smet", country="BE")
    set_language(store, d, "nl")
    lines = preview_lines(document_data(store, d, "formal_notice", office=BE_OFFICE, today=TODAY, agent="Marie",
                                        in_french=True))
    assert lines[0] == "(Document en néerlandais : aperçu en français)"
    assert "Total restant dû : 1\u00a0500,00\u00a0€" in lines and "Gent, le 23 novembre 2026" in lines
    assert not any("€ 1.500" in line or "november" in line for line in lines)


def test_an_office_logo_in_a_language_folder_reaches_that_language_s_letters(store, tmp_path) -> None:
    office_dir = tmp_path / "templates"
    (office_dir / "documents" / "nl").mkdir(parents=True)
    (office_dir / "documents" / "nl" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
        encoding="utf-8")
    (office_dir / "documents" / "nl" / "reminder_letter.typ").write_text(
        '#let document(d) = { image("logo.svg", width: 1cm); [Met logo: #d.total] }\n', encoding="utf-8")
    assert dict(check_office_documents(office_dir)) == {"documents/nl/reminder_letter.typ": None}
    d, _ = debtor_with_invoices(store, "Brouwerij De Smet", country="BE")
    set_language(store, d, "nl")
    data = document_data(store, d, "reminder_letter", office=BE_OFFICE, today=TODAY, agent="Marie",
                         office_dir=office_dir)
    pdf = render_documents([("reminder_letter", data)], office_dir=office_dir)
    assert pdf.problems == [] and "Met logo: € 1.500,00" in flat(text_of(pdf.data))


def test_a_later_export_corrects_a_language_an_earlier_one_set_and_says_so(imp, store, write) -> None:
    imp(write("a.csv", HEAD + "F1;Brouwerij De Smet;nl;01/09/2026;01/10/2026;100,00\n"))
    imp(write("b.csv", HEAD + "F2;Brouwerij De Smet;fr;01/10/2026;01/11/2026;100,00\n"))
    assert languages(store) == {"Brouwerij De Smet": "fr"}
    notes = [r[0] for r in store.db.execute("SELECT notes FROM events WHERE kind = 'edit' AND outcome = 'language'")]
    assert notes == ["Langue des courriers : néerlandais → français, selon l'import de b.csv"]
    imp(write("c.csv", HEAD + "F3;Brouwerij De Smet;;01/11/2026;01/12/2026;100,00\n"))  # says nothing: kept
    assert languages(store) == {"Brouwerij De Smet": "fr"}


def test_the_day_s_letters_mix_languages_and_the_timeline_names_each_one(store, tmp_path) -> None:
    from relance_tui.io.letters import print_letters
    from relance_tui.store.agenda import agenda

    fr, _ = debtor_with_invoices(store, "Garage Dupont")
    nl, _ = debtor_with_invoices(store, "Brouwerij De Smet", country="BE", prefix="NL")
    set_language(store, nl, "nl")
    steps = [i for i in agenda(store, TODAY) if i.channel in ("letter", "registered")]
    assert {s.debtor_id for s in steps} == {fr, nl}
    printed = print_letters(store, steps, office=OFFICE, agent="Marie", today=TODAY, book=None,
                            place=DocumentPlace(None, tmp_path / "documents", Protected(), 8))
    assert printed.count == 2 and printed.failed == []
    pages = [flat(p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(printed.pdf.data)).pages]
    by_debtor = {who: next(p for p in pages if name in p) for who, name in ((fr, "Garage Dupont"),
                                                                           (nl, "Brouwerij De Smet"))}
    assert "Madame, Monsieur," in by_debtor[fr] and "Geachte heer, mevrouw," in by_debtor[nl]
    notes = dict(store.db.execute("SELECT debtor_id, notes FROM events WHERE outcome = 'document'"))
    label = {s.debtor_id: s.label for s in steps}
    assert notes[nl].startswith(f"{label[nl]} en néerlandais produit")
    assert notes[fr].startswith(f"{label[fr]} produit") and "néerlandais" not in notes[fr]


def test_an_office_s_broken_translation_of_its_own_email_falls_back_to_its_french_one(tmp_path) -> None:
    office_dir = tmp_path / "templates"
    (office_dir / "email" / "nl").mkdir(parents=True)
    (office_dir / "email" / "relance_douce.txt.j2").write_text(
        '+++\nsubject = "Rappel"\n+++\nSolde {{ 150000|euros }}.\n', encoding="utf-8")
    (office_dir / "email" / "nl" / "relance_douce.txt.j2").write_text(
        '+++\nsubject = "Herinnering"\n+++\nSaldo {{ 1/0 }}.\n', encoding="utf-8")
    rendered = Templates(office_dir).render("email/relance_douce.txt.j2", {"lang": "nl"}, lang="nl")
    assert rendered.body == "Solde 1\u00a0500,00\u00a0€.\n"  # the office's French text, in French figures
    assert len(rendered.problems) == 1 and "nl/relance_douce.txt.j2" in rendered.problems[0]
    assert "email/relance_douce.txt.j2 utilisé" in rendered.problems[0]


def test_a_french_letter_put_in_a_fr_folder_is_said_to_be_ignored(tmp_path) -> None:
    office_dir = tmp_path / "templates"
    (office_dir / "documents" / "fr").mkdir(parents=True)
    (office_dir / "documents" / "fr" / "reminder_letter.typ").write_text("#let document(d) = []\n", encoding="utf-8")
    assert "fichier ignoré" in dict(check_office_documents(office_dir))["documents/fr/reminder_letter.typ"]


def test_a_dutch_court_file_s_chronology_says_relance_s_own_notes_in_dutch(store, tmp_path) -> None:
    from relance_tui.domain.calendar import OfficeCalendar
    from relance_tui.store.calls import CallReport, Instalment, save_call

    d, invoices = debtor_with_invoices(store, "Brouwerij De Smet", country="BE")
    store.write(lambda db: db.execute("UPDATE debtors SET postcode = '9000' WHERE id = ?", [d]))
    place = DocumentPlace(None, tmp_path / "documents", Protected(frozenset()))
    produce_document(store, d, "reminder_letter", office=BE_OFFICE, today=TODAY, agent="Marie", place=place)
    save_call(store, CallReport(debtor_id=d, outcome="promise", started_at=dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC),
                                duration_s=120, notes="Le gérant paiera fin du mois.", invoice_ids=tuple(invoices),
                                instalments=(Instalment(D(2026, 12, 15), 123_456),)),
              today=TODAY, calendar=OfficeCalendar("BE"))
    data, _ = make(store, d, "litigation", office=BE_OFFICE)
    notes = [c["notes"] for c in data["contacts"]]
    assert "Document opgemaakt: Herinneringsbrief" in notes  # made, not said sent; never a path on the server
    assert f"Betalingsbelofte van {money(123_456, 'nl')} tegen 15/12/2026" in notes
    # the call: its outcome and figures in Dutch, then what the agent typed, as typed
    assert f"Betalingsbelofte · {money(123_456, 'nl')} tegen 15/12/2026 · Le gérant paiera fin du mois." in notes
    assert not any(str(tmp_path) in n or "Promesse" in n for n in notes)


def test_a_payment_plan_cites_the_law_that_governs_the_debt_not_the_debtor_s_country(store) -> None:
    from tests.io.test_documents import add_plan

    # a Belgian business chased by a French office: French law (domain/law.regime_for), C. civ. art. 2240
    d, (a, _b) = debtor_with_invoices(store, "Brouwerij De Smet", country="BE")
    add_plan(store, d, a, [(D(2026, 12, 1), 40_000), (D(2027, 1, 4), 60_000)])
    data, _ = make(store, d, "payment_plan")
    assert data["regime"]["key"] == "fr_b2b" and "2240" in data["acknowledgement"]
    set_language(store, d, "nl")
    assert "art. 2240 van het Franse Burgerlijk Wetboek" == make(store, d, "payment_plan")[0]["acknowledgement"]
    # the same debtor chased by a Belgian office: the old Belgian Civil Code, art. 2248
    assert "2248" in make(store, d, "payment_plan", office=BE_OFFICE)[0]["acknowledgement"]


@pytest.mark.parametrize(("lang", "late", "coming"), [("fr", "échue le 01/10/2026", "à échéance du 15/12/2026"),
                                                      ("nl", "vervallen op 01/10/2026", "te betalen op 15/12/2026")])
def test_an_invoice_not_yet_due_is_never_called_overdue(store, lang, late, coming) -> None:
    from tests.store.test_acts import add_invoice

    d, _ = debtor_with_invoices(store, "Brouwerij De Smet", country="BE")
    add_invoice(store, d, "FA-3", D(2026, 11, 15), D(2026, 12, 15), 20_000)  # due in three weeks
    set_language(store, d, lang)
    body = draft(store, d, "invoice", office=BE_OFFICE).body
    line = next(x for x in body.splitlines() if "FA-3" in x)
    assert coming in line and late.split(" ")[0] not in line
    assert late in next(x for x in body.splitlines() if "FA-1" in x)



def test_a_court_file_says_no_more_and_no_less_than_the_timeline(store, tmp_path) -> None:
    """The review's cases: a document produced is not 'sent', an email in the outbox is not sent, a promise
    kept or broken keeps its amount and date, a dispute its invoices, a call without the agent's words its
    figures in the file's language; a French file quotes the timeline without the server's paths."""
    from relance_tui.domain.calendar import OfficeCalendar
    from relance_tui.io.mail import deliver
    from relance_tui.store.calls import CallReport, Instalment, save_call
    from relance_tui.store.promises import evaluate_promises

    d, invoices = debtor_with_invoices(store, "Brouwerij De Smet", country="BE")
    store.write(lambda db: db.execute("UPDATE debtors SET postcode = '9000' WHERE id = ?", [d]))
    at = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)
    save_call(store, CallReport(debtor_id=d, outcome="promise", started_at=at, duration_s=60,
                                invoice_ids=tuple(invoices), instalments=(Instalment(D(2026, 11, 10), 40_000),)),
              today=D(2026, 11, 2), calendar=OfficeCalendar("BE"))
    evaluate_promises(store, TODAY, calendar=OfficeCalendar("BE"))  # nothing paid by the 10th: broken
    save_call(store, CallReport(debtor_id=d, outcome="dispute", started_at=at, duration_s=60, dispute_category="price",
                                invoice_ids=(invoices[1],)), today=TODAY, calendar=OfficeCalendar("BE"))
    place = DocumentPlace(None, tmp_path / "documents", Protected(frozenset()))
    _, kept, _ = produce_document(store, d, "statement", office=BE_OFFICE, today=TODAY, agent="Marie", place=place)
    email = draft(store, d, office=BE_OFFICE)
    from relance_tui.config import SmtpSettings

    deliver(store, email, smtp=SmtpSettings(), sender="relance@bureau-peeters.be", outbox=tmp_path / "outbox")
    data, _ = make(store, d, "litigation", office=BE_OFFICE)
    notes = [c["notes"] for c in data["contacts"]]
    four = money(40_000, "nl")
    assert f"Betalingsbelofte · {four} tegen 10/11/2026" in notes  # the call, no agent words: all Dutch
    assert f"Betalingsbelofte van {four} tegen 10/11/2026: niet nagekomen ({money(0, 'nl')} ontvangen)" in notes
    assert "Betwisting (prijs) over FA-2: invordering opgeschort" in notes
    assert "Document opgemaakt: Rekeningoverzicht" in notes
    assert f"E-mail klaargezet voor compta@client.be, nog niet verzonden: {email.subject}" in notes
    assert not any("Promesse" in n or "Litige" in n or str(tmp_path) in n for n in notes)
    # in French: the timeline's own words, without the document's path
    store.write(lambda db: db.execute("UPDATE debtors SET postcode = '4000' WHERE id = ?", [d]))
    french = [c["notes"] for c in make(store, d, "litigation", office=BE_OFFICE)[0]["contacts"]]
    # (the statement was made in Dutch: the address was in Ghent, no language chosen)
    assert "Relevé de compte en néerlandais produit" in french and not any(str(kept) in n for n in french)


def test_the_call_script_never_says_echue_of_an_invoice_not_yet_due(store) -> None:
    from relance_tui.io.callscript import load_script
    from tests.store.test_acts import add_debtor, add_invoice

    d = add_debtor(store, "Garage Dupont")
    add_invoice(store, d, "FA-9", D(2026, 11, 15), D(2026, 12, 15), 20_000)  # due in three weeks
    card = debtor_card(store, d, as_of=TODAY, rates=load_rates(store), country="FR")
    context = call_context(card, agent="Marie", office=OFFICE, today=TODAY, contact=pick_contact(card))
    prepare = load_script(Templates(None), context)[0][0].body
    assert "FA-9 du 15/11/2026, à échéance du 15/12/2026." in prepare and "échue depuis" not in prepare



@pytest.mark.parametrize("data", ['{"phases": [], "notes": "x", "instalments": 5}', '{"promise_id": [1]}', "[1, 2]",
                                  "{", '{"document": {"a": 1}}'])
def test_an_event_of_another_shape_is_quoted_as_written_never_a_failed_court_file(data) -> None:
    from relance_tui.io.document_data import contact_note
    from relance_tui.store.documents import Contact

    for kind, outcome in (("call", "promise"), ("promise", "pending"), ("letter", "document")):
        note = Contact("2026-11-02T10:00:00Z", kind, "out", outcome, "marie", "Note telle qu'écrite", data)
        assert contact_note(note, "nl", {1: (100, "2026-11-10", "")}) in ("Note telle qu'écrite",
                                                                       "Betalingsbelofte · x")


def test_a_payment_the_event_names_no_invoice_of_is_said_without_a_made_up_number() -> None:
    """A payment event names its invoice in its data or by the invoices it links; with neither, the Dutch
    chronology says the payment alone (it printed 'op factuur ?')."""
    from relance_tui.io.document_data import contact_note
    from relance_tui.store.documents import Contact

    data = '{"amount_cents": 6273, "day": "2026-10-02"}'
    bare = Contact("2026-10-02T10:00:00Z", "payment", "in", "paid", "import", "Paiement 62,73 €", data)
    assert contact_note(bare, "nl") == f"Betaling van {money(6273, 'nl')} op 02/10/2026"
    linked = Contact("2026-10-02T10:00:00Z", "payment", "in", "paid", "import", "Paiement", data, "FA-7")
    assert contact_note(linked, "nl") == f"Betaling van {money(6273, 'nl')} op factuur FA-7 op 02/10/2026"
    assert contact_note(bare, "en") == f"Payment of {money(6273, 'en')} on 02/10/2026"
