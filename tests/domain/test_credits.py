"""Credit notes (domain/credits.py): which invoice each one reduces, by how much, from when; by hand.

One debtor's open invoices:
    FA-1  issued 01/08/2026, due 01/09/2026, 300,00 owed
    FA-2  issued 01/09/2026, due 01/10/2026, 500,00 owed
"""

import datetime as dt

from relance_tui.domain.credits import RULE_NAMED, RULE_OLDEST, Allocation, CreditNote, OpenInvoice, allocate

D = dt.date
FA1 = OpenInvoice(1, "FA-1", D(2026, 8, 1), D(2026, 9, 1), 300_00)
FA2 = OpenInvoice(2, "FA-2", D(2026, 9, 1), D(2026, 10, 1), 500_00)


def parts(allocations):
    return [(a.credit_number, a.invoice_number, a.day, a.cents, a.rule) for a in allocations]


def test_a_credit_note_reduces_the_invoice_it_names_then_the_oldest():
    av = CreditNote(10, "AV-1", D(2026, 9, 15), 600_00, names_invoice_id=2)
    out, left = allocate([av], [FA1, FA2])
    assert parts(out) == [("AV-1", "FA-2", D(2026, 9, 15), 500_00, RULE_NAMED),
                          ("AV-1", "FA-1", D(2026, 9, 15), 100_00, RULE_OLDEST)]
    assert left == 0


def test_a_credit_note_naming_nothing_goes_to_the_oldest_due_first():
    out, left = allocate([CreditNote(10, "AV-1", D(2026, 9, 15), 400_00)], [FA2, FA1])  # given newest first
    assert parts(out) == [("AV-1", "FA-1", D(2026, 9, 15), 300_00, RULE_OLDEST),
                          ("AV-1", "FA-2", D(2026, 9, 15), 100_00, RULE_OLDEST)]
    assert left == 0


def test_a_credit_note_naming_an_invoice_no_longer_open_goes_to_the_oldest():
    out, _ = allocate([CreditNote(10, "AV-1", D(2026, 9, 15), 100_00, names_invoice_id=99)], [FA1, FA2])
    assert parts(out) == [("AV-1", "FA-1", D(2026, 9, 15), 100_00, RULE_OLDEST)]


def test_the_reduction_counts_from_the_invoice_when_it_is_later_than_the_credit_note():
    out, _ = allocate([CreditNote(10, "AV-1", D(2026, 7, 1), 400_00)], [FA1, FA2])
    assert [(a.invoice_number, a.day) for a in out] == [("FA-1", D(2026, 8, 1)), ("FA-2", D(2026, 9, 1))]


def test_invoices_due_the_same_day_go_by_issue_date_then_entry():
    a = OpenInvoice(7, "B", D(2026, 9, 5), D(2026, 10, 1), 100_00)
    b = OpenInvoice(3, "A", D(2026, 9, 1), D(2026, 10, 1), 100_00)  # issued earlier
    c = OpenInvoice(5, "C", D(2026, 9, 5), D(2026, 10, 1), 100_00)  # same issue date as B, entered before it
    out, _ = allocate([CreditNote(10, "AV-1", D(2026, 11, 1), 250_00)], [a, b, c])
    assert [(x.invoice_number, x.cents) for x in out] == [("A", 100_00), ("C", 100_00), ("B", 50_00)]


def test_credit_notes_apply_in_date_order_whatever_order_they_come_in():
    later = CreditNote(2, "AV-2", D(2026, 10, 5), 300_00)
    earlier = CreditNote(5, "AV-1", D(2026, 10, 1), 400_00)
    out, left = allocate([later, earlier], [FA1, FA2])
    assert [(x.credit_number, x.invoice_number, x.cents) for x in out] == [
        ("AV-1", "FA-1", 300_00), ("AV-1", "FA-2", 100_00), ("AV-2", "FA-2", 300_00)]
    assert left == 0


def test_credit_notes_of_the_same_day_apply_in_entry_order():
    second, first = CreditNote(8, "AV-8", D(2026, 10, 1), 300_00), CreditNote(3, "AV-3", D(2026, 10, 1), 300_00)
    out, _ = allocate([second, first], [FA1, FA2])
    assert [(x.credit_number, x.invoice_number) for x in out] == [("AV-3", "FA-1"), ("AV-8", "FA-2")]


def test_an_invoice_two_credit_notes_reduce_takes_no_more_than_it_owes():
    out, left = allocate([CreditNote(1, "AV-1", D(2026, 10, 1), 200_00), CreditNote(2, "AV-2", D(2026, 10, 2), 200_00)],
                         [FA1, FA2])
    assert [(x.credit_number, x.invoice_number, x.cents) for x in out] == [
        ("AV-1", "FA-1", 200_00), ("AV-2", "FA-1", 100_00), ("AV-2", "FA-2", 100_00)]
    assert left == 0


def test_a_cent_left_goes_to_the_next_invoice():
    out, left = allocate([CreditNote(1, "AV-1", D(2026, 10, 1), 300_01)], [FA1, FA2])
    assert [(x.invoice_number, x.cents) for x in out] == [("FA-1", 300_00), ("FA-2", 1)]
    assert left == 0


def test_an_invoice_with_nothing_owed_is_passed_over_and_one_cent_owed_is_not():
    nothing = OpenInvoice(8, "FA-0", D(2026, 7, 1), D(2026, 8, 1), 0)
    one_cent = OpenInvoice(9, "FA-00", D(2026, 7, 1), D(2026, 8, 2), 1)
    out, left = allocate([CreditNote(1, "AV-1", D(2026, 10, 1), 100_00)], [FA1, nothing, one_cent])
    assert [(x.invoice_number, x.cents) for x in out] == [("FA-00", 1), ("FA-1", 99_99)]
    assert left == 0


def test_a_credit_note_with_nothing_unapplied_is_passed_over_and_a_cent_is_not():
    spent = CreditNote(1, "AV-1", D(2026, 9, 1), 0)
    cent = CreditNote(2, "AV-2", D(2026, 9, 2), 1)
    rest = CreditNote(3, "AV-3", D(2026, 9, 3), 50_00)
    out, left = allocate([spent, cent, rest], [FA1])
    assert [(x.credit_number, x.cents) for x in out] == [("AV-2", 1), ("AV-3", 50_00)]
    assert left == 0


def test_what_no_invoice_can_take_stays_on_the_debtor():
    out, left = allocate([CreditNote(1, "AV-1", D(2026, 10, 1), 900_00), CreditNote(2, "AV-2", D(2026, 10, 2), 50_00)],
                         [FA1, FA2])
    assert sum(x.cents for x in out) == 800_00
    assert left == 100_00 + 50_00
    assert allocate([CreditNote(1, "AV-1", D(2026, 10, 1), 70_00)], []) == ([], 70_00)


def test_an_allocation_says_which_credit_note_went_where():
    a = Allocation(1, "AV-1", 2, "FA-2", D(2026, 10, 1), 100_00, RULE_NAMED)
    assert a.describe() == "avoir AV-1 imputé sur FA-2"
