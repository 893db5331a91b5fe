"""CSV for people (io/csvout.py): cells a spreadsheet reads right, and never runs."""

import datetime as dt
import io

import pytest

from relance_tui.io.csvout import Money, SheetWriter, neutralise


def cells(values, *, excel=False) -> str:
    out = io.StringIO()
    SheetWriter(out, excel=excel).row(values)
    return out.getvalue()


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised_with_a_quote(start):
    # OWASP's list: = + - @, and the tab and carriage return some spreadsheets skip before a formula
    assert neutralise(start + "1+1") == "'" + start + "1+1"


@pytest.mark.parametrize("text", ["Garage Dupont", "1+1", "a=b", " =1", "", "'déjà cité"])
def test_text_that_does_not_start_a_formula_is_left_as_it_is(text):
    assert neutralise(text) == text


def test_a_text_cell_is_cleaned_then_neutralised():
    # a tab becomes a space (clean), so the cell no longer starts a formula; a leading '=' is quoted
    assert cells(["\t=1+1", "=SOMME(A1)", "ligne 1\r\nligne 2"]) == ' =1+1,\'=SOMME(A1),"ligne 1\nligne 2"\n'


@pytest.mark.parametrize(("cents", "plain", "excel"), [
    (123_456, "1234.56", "1234,56"),
    (5, "0.05", "0,05"),
    (0, "0.00", "0,00"),
    (-5, "-0.05", "-0,05"),  # under one euro: the minus sign must not be lost with the euros
    (-123_456, "-1234.56", "-1234,56"),
    (-100, "-1.00", "-1,00"),
])
def test_money_is_a_number_with_its_sign_in_both_dialects(cents, plain, excel):
    assert SheetWriter(io.StringIO()).cell(Money(cents)) == plain
    assert SheetWriter(io.StringIO(), excel=True).cell(Money(cents)) == excel


def test_a_negative_amount_is_never_neutralised_as_a_formula():
    assert cells([Money(-2_500)], excel=True) == "-25,00\r\n"


def test_other_values_each_in_their_form():
    row = [None, True, False, 42, -7, dt.date(2026, 11, 23)]
    assert cells(row) == ",oui,non,42,-7,2026-11-23\n"
    assert cells(row, excel=True) == ";oui;non;42;-7;23/11/2026\r\n"
