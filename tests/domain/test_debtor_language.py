"""A debtor's language: the column's when set, else its region's (issue 16: a Flemish debtor gets Dutch)."""

import pytest

from relance_tui.domain.language import debtor_language


@pytest.mark.parametrize(("column", "country", "postcode", "expected"), [
    ("", "BE", "9000", "nl"),         # Ghent
    (None, "be", "B-2000", "nl"),     # Antwerp, written the Belgian way
    ("", "BE", "1500", "nl"),         # Halle: the first Flemish Brabant code
    ("", "BE", "3999", "nl"),
    ("", "BE", "8000", "nl"),         # Bruges
    ("", "BE", "1000", "fr"),         # Brussels: either language, French unless chosen
    ("", "BE", "1499", "fr"),         # Walloon Brabant
    ("", "BE", "4000", "fr"),         # Liège
    ("", "BE", "7999", "fr"),
    ("", "BE", "", "fr"),             # no postcode
    ("", "FR", "9000", "fr"),         # a French postcode that reads like a Flemish one
    ("", None, "9000", "fr"),         # no country: not taken for Belgian
    ("fr", "BE", "9000", "fr"),       # chosen on the card or imported: wins over the region
    ("en", "BE", "9000", "en"),
    ("nl", "FR", "75001", "nl"),
    ("xx", "BE", "9000", "nl"),       # an unknown value is no choice
])
def test_the_column_else_the_region(column, country, postcode, expected):
    assert debtor_language(column, country=country, postcode=postcode) == expected
