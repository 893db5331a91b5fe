"""The French words for stored codes (domain/vocabulary.py)."""

import pytest

from relance_tui.domain.vocabulary import INVOICE_STATUSES, invoice_status_label


@pytest.mark.parametrize(("amount", "status", "label"), [
    (-100_00, "open", "Avoir à imputer"),  # a credit note still to apply
    (-100_00, "paid", "Avoir imputé"),
    (-1, "open", "Avoir à imputer"),
    (-100_00, "written_off", "Passée en perte"),  # other statuses keep their word
    (0, "open", "Ouverte"),  # nothing to pay, nothing to apply: not a credit note
    (0, "paid", "Payée"),
    (100_00, "open", "Ouverte"),
    (100_00, "disputed", "En litige"),
])
def test_invoice_status_label(amount, status, label):
    assert invoice_status_label(amount, status) == label


def test_every_status_has_a_word():
    assert set(INVOICE_STATUSES) == {"open", "paid", "disputed", "written_off", "litigation"}


def test_outstanding_means_an_outstanding_status_and_something_left_to_pay():
    from relance_tui.domain.vocabulary import is_outstanding

    assert is_outstanding("open", 100_00, 99_99)
    assert is_outstanding("litigation", 100_00, 0)
    assert not is_outstanding("open", 100_00, 100_00)  # paid in full, status not yet updated
    assert not is_outstanding("paid", 100_00, 0)
    assert not is_outstanding("open", -50_00, 0)  # a credit note
