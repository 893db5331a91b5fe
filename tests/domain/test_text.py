"""Untrusted text made safe (domain/text.clean) and folded for matching (fold, key)."""

import pytest

from relance_tui.domain.text import clean, fold, key


@pytest.mark.parametrize(("text", "one_line", "lines"), [
    ("a\r\nb", "a b", "a\nb"),  # a line break is a space on one line, kept (as LF) on several
    ("a\rb", "a b", "a\nb"),
    ("a\u2028b", "a b", "a\nb"),
    ("a\x85b", "a b", "a\nb"),
    ("a\tb", "a b", "a b"),  # a tab is a space
    ("\x1b[2Jtext", "[2Jtext", "[2Jtext"),  # ESC dropped: what followed it is plain text
    ("x\u202ey\u200f", "xy", "xy"),  # bidi override and mark dropped
    ("Société Générale", "Société Générale", "Société Générale"),  # printable text as it is
])
def test_clean_drops_controls_and_turns_breaks_into_spaces_unless_multiline(text, one_line, lines):
    assert clean(text) == one_line
    assert clean(text, multiline=True) == lines


def test_clean_of_nothing_is_empty():
    assert clean(None) == "" and clean("") == ""


def test_fold_and_key_of_nothing_are_empty():
    assert (fold(None), fold(""), key(None), key("")) == ("", "", "", "")
    assert fold("  Société  Générale ") == "societe generale"
