"""The rules of io/document_words.py (issue 14: the mutation score of io/): which language a document is written
in (a litigation file: its court's, French or Dutch, never English), the words of a language, and a statement's
line labels."""

from __future__ import annotations

from relance_tui.io.document_words import document_language, line_label, words


def test_a_letter_is_written_in_the_debtor_s_language_french_when_it_has_none_relance_writes() -> None:
    assert document_language("reminder_letter", "nl", country="FR", postcode="75002") == "nl"
    assert document_language("formal_notice", "en", country="BE", postcode="9000") == "en"
    assert document_language("statement", None, country="BE", postcode="9000") == "fr"
    assert document_language("statement", "de", country="FR", postcode="") == "fr"


def test_a_litigation_file_is_in_its_court_s_language_whatever_the_debtor_is_written_to() -> None:
    """A French court: French, for a Dutch-speaking debtor too; Ghent (9000, Flanders): Dutch, for a debtor written
    to in French too; Liège (4000, Wallonia): French; Brussels (1000): the debtor's language, French or Dutch;
    an English-speaking debtor in Brussels: French (a court has no English)."""
    assert document_language("litigation", "nl", country="FR", postcode="75002") == "fr"
    assert document_language("litigation", "fr", country="BE", postcode="9000") == "nl"
    assert document_language("litigation", "nl", country="BE", postcode="4000") == "fr"
    assert document_language("litigation", "nl", country="BE", postcode="1000") == "nl"
    assert document_language("litigation", "fr", country="BE", postcode="1000") == "fr"
    assert document_language("litigation", "en", country="BE", postcode="1000") == "fr"


def test_the_words_of_a_language_and_french_for_any_other() -> None:
    assert words("nl")["to_compute"] == "te berekenen"
    assert words("en")["to_compute"] == "to be calculated"
    assert words("de")["to_compute"] == "à calculer"


def test_a_statement_line_is_its_kind_and_reference_in_the_document_s_language() -> None:
    assert line_label("invoice", "F-1", "nl") == "Factuur F-1"
    assert line_label("credit_note", "A-2", "en") == "Credit note A-2"
    assert line_label("reversal", "VIR 5", "fr") == "Rejet de règlement VIR 5"
    assert line_label("payment", "", "fr") == "Règlement"  # a payment without a reference: no trailing space
