"""Every penalty rule, computed by hand in the comments."""

import datetime as dt

import pytest

from relance_tui.domain.penalties import (
    FIXED_INDEMNITY_CENTS,
    MissingRate,
    Payment,
    PenaltyTerms,
    RateEntry,
    Rates,
    RateTable,
    annual_rate,
    compute_penalty,
)

D = dt.date
B2B = PenaltyTerms(segment="b2b", country="FR")
B2C = PenaltyTerms(segment="b2c", country="FR")


@pytest.fixture
def rates() -> Rates:
    return Rates(
        ecb=RateTable("ecb", [RateEntry(D(2025, 6, 11), 215), RateEntry(D(2026, 3, 1), 300),
                              RateEntry(D(2026, 6, 15), 200)]),
        legal_pro=RateTable("legal_pro", [RateEntry(D(2026, 1, 1), 262), RateEntry(D(2026, 7, 1), 300)]),
        legal_private=RateTable("legal_private", [RateEntry(D(2026, 1, 1), 667)]),
    )


def test_default_b2b_rate_is_ecb_of_the_half_year_plus_ten_points(rates):
    # The ECB rate moved to 3.00 on 1 March, but the first half keeps the 1 January rate.
    assert annual_rate(D(2026, 5, 10), B2B, rates) == 215 + 1000
    # The second half takes the rate in force on 1 July: 2.00 since 15 June.
    assert annual_rate(D(2026, 7, 1), B2B, rates) == 200 + 1000


def test_b2b_default_rate_across_a_half_year_boundary(rates):
    # 10 000,00 € due 20/06; days charged 21/06..30/06 (10 at 12.15 %) and
    # 01/07..10/07 (10 at 12.00 %): 1 000 000 x (1215x10 + 1200x10) / 3 650 000 = 6616.4
    p = compute_penalty(1_000_000, D(2026, 6, 20), D(2026, 7, 10), B2B, rates)
    assert p.days_late == 20
    assert [(x.days, x.rate_bp) for x in p.periods] == [(10, 1215), (10, 1200)]
    assert p.interest_cents == 6616
    assert p.indemnity_cents == FIXED_INDEMNITY_CENTS
    assert p.total_cents == 6616 + 4000


def test_nothing_is_owed_on_or_before_the_due_date(rates):
    p = compute_penalty(1_000_000, D(2026, 6, 20), D(2026, 6, 20), B2B, rates)
    assert (p.days_late, p.interest_cents, p.indemnity_cents) == (0, 0, 0)


def test_penalties_start_the_day_after_the_due_date(rates):
    # one day: 1 000 000 x 1215 / 3 650 000 = 332.9
    p = compute_penalty(1_000_000, D(2026, 6, 1), D(2026, 6, 2), B2B, rates)
    assert p.days_late == 1
    assert p.interest_cents == 333


def test_contractual_rate_below_the_floor_is_raised_to_three_times_legal_rate(rates):
    low = PenaltyTerms(segment="b2b", country="FR", contract_rate_bp=500)
    assert annual_rate(D(2026, 3, 1), low, rates) == 3 * 262  # 7.86 % > 5 %
    assert annual_rate(D(2026, 8, 1), low, rates) == 3 * 300  # the floor follows the legal rate
    high = PenaltyTerms(segment="b2b", country="FR", contract_rate_bp=1500)
    assert annual_rate(D(2026, 3, 1), high, rates) == 1500
    # 100 000 cents, 30 days at 7.86 %: 100 000 x 786 x 30 / 3 650 000 = 646.0
    p = compute_penalty(100_000, D(2026, 3, 1), D(2026, 3, 31), low, rates)
    assert p.interest_cents == 646


def test_partial_payment_reduces_the_base_from_the_day_after(rates):
    # 1 000,00 € due 01/03; 400,00 € paid 11/03. Days 02/03..11/03 (10) on 100 000,
    # 12/03..31/03 (20) on 60 000: 1215 x (1 000 000 + 1 200 000) / 3 650 000 = 732.3
    p = compute_penalty(100_000, D(2026, 3, 1), D(2026, 3, 31), B2B, rates,
                        [Payment(D(2026, 3, 11), 40_000)])
    assert [(x.days, x.base_cents) for x in p.periods] == [(10, 100_000), (20, 60_000)]
    assert p.interest_cents == 732


def test_payment_before_the_due_date_lowers_the_base_from_the_start(rates):
    p = compute_penalty(100_000, D(2026, 3, 1), D(2026, 3, 11), B2B, rates,
                        [Payment(D(2026, 2, 20), 50_000)])
    assert [x.base_cents for x in p.periods] == [50_000]


def test_invoice_paid_late_stops_interest_and_keeps_one_indemnity(rates):
    # paid in full on 05/03: 4 days late, then nothing more accrues
    paid = [Payment(D(2026, 3, 5), 100_000)]
    p = compute_penalty(100_000, D(2026, 3, 1), D(2026, 6, 1), B2B, rates, paid)
    assert p.days_late == 4
    assert p.interest_cents == 133  # 100 000 x 1215 x 4 / 3 650 000 = 133.2
    assert p.indemnity_cents == 4000


def test_invoice_paid_on_time_owes_nothing(rates):
    p = compute_penalty(100_000, D(2026, 3, 1), D(2026, 6, 1), B2B, rates, [Payment(D(2026, 3, 1), 100_000)])
    assert (p.days_late, p.interest_cents, p.indemnity_cents) == (0, 0, 0)


def test_indemnity_is_forty_euros_once_per_invoice_whatever_the_amount(rates):
    for amount in (1_000, 100_000, 50_000_000):
        p = compute_penalty(amount, D(2026, 1, 1), D(2026, 6, 1), B2B, rates)
        assert p.indemnity_cents == 4000


def test_consumer_owes_no_penalty_and_no_indemnity(rates):
    p = compute_penalty(100_000, D(2026, 3, 1), D(2026, 6, 1), B2C, rates)
    assert p.days_late == 92
    assert (p.interest_cents, p.indemnity_cents) == (0, 0)


def test_consumer_owes_legal_interest_from_the_formal_notice(rates):
    # notice on 20/03: legal rate 2.62 % on days 21/03..31/03 (11):
    # 100 000 x 262 x 11 / 3 650 000 = 79.0
    terms = PenaltyTerms(segment="b2c", formal_notice=D(2026, 3, 20))
    p = compute_penalty(100_000, D(2026, 3, 1), D(2026, 3, 31), terms, rates)
    assert p.interest_cents == 79
    assert p.indemnity_cents == 0


def test_belgian_rate_is_ecb_plus_eight_points_rounded_up_to_the_next_half_point(rates):
    be = PenaltyTerms(segment="b2b", country="BE")
    # H1 2026: ECB 2.15 % + 8 = 10.15 %, rounded up to the next half point: 10.5 %
    assert annual_rate(D(2026, 3, 1), be, rates) == 1050
    # H2 2026: 2.00 % (since 15 June) + 8 = 10 %: already on a half point, unchanged
    assert annual_rate(D(2026, 9, 1), be, rates) == 1000
    # 2.51 % + 8 = 10.51 % -> 11 % (always up, never to the nearest)
    odd = Rates(RateTable("ecb", [RateEntry(D(2026, 1, 1), 251)]), rates.legal_pro, rates.legal_private)
    assert annual_rate(D(2026, 3, 1), be, odd) == 1100
    # 1,000 EUR 10 days late in March 2026 at 10.5 %: 100000 x 1050 x 10 / 3650000 = 287.67 -> 288 cents
    assert compute_penalty(100_000, D(2026, 3, 1), D(2026, 3, 11), be, rates).interest_cents == 288


def test_credit_note_owes_nothing(rates):
    assert compute_penalty(-50_000, D(2026, 1, 1), D(2026, 6, 1), B2B, rates).total_cents == 0


def test_payments_after_as_of_are_ignored(rates):
    later = [Payment(D(2026, 4, 1), 100_000)]
    assert compute_penalty(100_000, D(2026, 3, 1), D(2026, 3, 11), B2B, rates, later) == \
        compute_penalty(100_000, D(2026, 3, 1), D(2026, 3, 11), B2B, rates)


def test_missing_rate_says_which_and_how_to_add_it(rates):
    with pytest.raises(MissingRate, match="relance rates set ecb"):
        compute_penalty(100_000, D(2020, 1, 1), D(2020, 2, 1), B2B, rates)


def test_rates_from_rows_rejects_unknown_kind():
    with pytest.raises(ValueError, match="inconnu"):
        Rates.from_rows([("libor", D(2026, 1, 1), 100)])
