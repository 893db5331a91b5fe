"""Every penalty rule, computed by hand in the comments."""

import datetime as dt

import pytest

from relance_tui.domain.penalties import (
    FIXED_INDEMNITY_CENTS,
    NO_PENALTY,
    MissingRate,
    Payment,
    PenaltyTerms,
    RateEntry,
    Rates,
    RateTable,
    UndatedPayment,
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


def test_two_partial_payments_given_out_of_order_reduce_the_base_in_date_order(rates):
    # 1 000,00 € due 01/03; 200,00 € paid 11/03 and 300,00 € paid 21/03, listed last first.
    # 02/03..11/03 (10 days) on 100 000, 12/03..21/03 (10) on 80 000, 22/03..31/03 (10) on 50 000:
    # 1215 x (1 000 000 + 800 000 + 500 000) / 3 650 000 = 765.6
    p = compute_penalty(100_000, D(2026, 3, 1), D(2026, 3, 31), B2B, rates,
                        [Payment(D(2026, 3, 21), 30_000), Payment(D(2026, 3, 11), 20_000)])
    assert [(x.first, x.last, x.base_cents) for x in p.periods] == [
        (D(2026, 3, 2), D(2026, 3, 11), 100_000), (D(2026, 3, 12), D(2026, 3, 21), 80_000),
        (D(2026, 3, 22), D(2026, 3, 31), 50_000)]
    assert p.interest_cents == 766


def test_partial_payments_that_settle_the_invoice_out_of_order_stop_it_on_the_last_day(rates):
    # 600,00 € on 05/03 and 400,00 € on 03/03, given in that order: paid off on 05/03, 4 days late
    p = compute_penalty(100_000, D(2026, 3, 1), D(2026, 6, 1), B2B, rates,
                        [Payment(D(2026, 3, 5), 60_000), Payment(D(2026, 3, 3), 40_000)])
    assert p.days_late == 4
    # 02/03..03/03 on 100 000, 04/03..05/03 on 60 000: 1215 x (200 000 + 120 000) / 3 650 000 = 106.5
    assert [(x.days, x.base_cents) for x in p.periods] == [(2, 100_000), (2, 60_000)]
    assert p.interest_cents == 107


def test_a_payment_the_day_after_the_due_date_is_one_day_late(rates):
    # 100 000 x 1215 x 1 / 3 650 000 = 33.3, and the indemnity: paid late, even by a day
    p = compute_penalty(100_000, D(2026, 3, 1), D(2026, 6, 1), B2B, rates, [Payment(D(2026, 3, 2), 100_000)])
    assert (p.days_late, p.interest_cents, p.indemnity_cents) == (1, 33, 4000)
    assert [(x.first, x.last) for x in p.periods] == [(D(2026, 3, 2), D(2026, 3, 2))]


def test_a_payment_on_the_first_of_july_is_charged_that_day_at_the_new_half_years_rate(rates):
    # 1 000,00 € due 20/06, 400,00 € paid on 01/07. 21/06..30/06 (10 days) at 12.15 % on 100 000; 01/07 at
    # 12.00 % on 100 000 (still owed at the end of 30/06); 02/07..10/07 (9) at 12.00 % on 60 000:
    # (100 000 x 1215 x 10 + 100 000 x 1200 + 60 000 x 1200 x 9) / 3 650 000 = 543.3
    p = compute_penalty(100_000, D(2026, 6, 20), D(2026, 7, 10), B2B, rates, [Payment(D(2026, 7, 1), 40_000)])
    assert [(x.first, x.days, x.base_cents, x.rate_bp) for x in p.periods] == [
        (D(2026, 6, 21), 10, 100_000, 1215), (D(2026, 7, 1), 1, 100_000, 1200), (D(2026, 7, 2), 9, 60_000, 1200)]
    assert p.interest_cents == 543


def test_a_payment_on_the_thirtieth_of_june_counts_from_the_first_of_july(rates):
    p = compute_penalty(100_000, D(2026, 6, 20), D(2026, 7, 10), B2B, rates, [Payment(D(2026, 6, 30), 40_000)])
    assert [(x.first, x.days, x.base_cents, x.rate_bp) for x in p.periods] == [
        (D(2026, 6, 21), 10, 100_000, 1215), (D(2026, 7, 1), 10, 60_000, 1200)]


def test_a_zero_amount_invoice_owes_nothing_not_even_the_indemnity(rates):
    assert compute_penalty(0, D(2026, 1, 1), D(2026, 6, 1), B2B, rates) == NO_PENALTY


def test_missing_rate_names_the_rate_the_day_and_the_command():
    err = MissingRate("legal_pro", D(2020, 1, 1))
    assert (err.kind, err.day) == ("legal_pro", D(2020, 1, 1))
    assert str(err) == ("aucun taux d'intérêt légal (autres cas) connu au 01/01/2020 "
                        "(ajoutez-le avec : relance rates set legal-pro AAAA-MM-JJ TAUX)")
    assert str(MissingRate("libor", D(2020, 1, 1))).startswith("aucun taux libor connu au 01/01/2020")


def test_an_undated_payment_leaves_the_penalty_unknown_and_says_what_would_settle_it(rates):
    with pytest.raises(UndatedPayment) as err:
        compute_penalty(100_000, D(2026, 3, 1), D(2026, 3, 31), B2B, rates,
                        [Payment(D(2026, 3, 20), 10_000, dated=False)])
    assert str(err.value) == ("paiement sans date dans l'export : pénalités non calculables tant qu'un paiement "
                              "daté (fichier de paiements ou FEC) n'est pas importé")


def test_a_one_cent_invoice_paid_late_still_carries_the_forty_euros(rates):
    p = compute_penalty(1, D(2026, 3, 1), D(2026, 6, 1), B2B, rates)
    assert (p.days_late, p.interest_cents, p.indemnity_cents) == (92, 0, 4000)


def test_an_invoice_one_cent_short_is_not_paid_off_and_its_cent_keeps_running(rates):
    p = compute_penalty(100_000, D(2026, 3, 1), D(2026, 3, 31), B2B, rates, [Payment(D(2026, 3, 5), 99_999)])
    assert p.days_late == 30
    assert [(x.first, x.last, x.base_cents) for x in p.periods] == [
        (D(2026, 3, 2), D(2026, 3, 5), 100_000), (D(2026, 3, 6), D(2026, 3, 31), 1)]


def test_interest_is_rounded_half_up_once_from_the_exact_sum(rates):
    # 15 259,99 EUR at a contract rate of 10.01 % for one day: 1 525 999 x 1001 / 3 650 000 = 418.49999973
    terms = PenaltyTerms(segment="b2b", country="FR", contract_rate_bp=1001)
    assert compute_penalty(1_525_999, D(2026, 3, 1), D(2026, 3, 2), terms, rates).interest_cents == 418


def test_a_debtor_outside_france_and_belgium_pays_the_french_rate(rates):
    assert annual_rate(D(2026, 3, 1), PenaltyTerms(segment="b2b", country="DE"), rates) == 215 + 1000
    de = compute_penalty(100_000, D(2026, 3, 1), D(2026, 3, 11), PenaltyTerms(segment="b2b", country="DE"), rates)
    assert de == compute_penalty(100_000, D(2026, 3, 1), D(2026, 3, 11), B2B, rates)


def test_the_belgian_legal_rate_is_the_one_in_force_on_the_first_of_january(rates):
    # a yearly rate: a value entered mid-year (a correction) does not change the year's rate
    be_rates = Rates(rates.ecb, rates.legal_pro, rates.legal_private,
                     RateTable("legal_be", [RateEntry(D(2026, 1, 1), 450), RateEntry(D(2026, 3, 1), 999)]))
    be_consumer = PenaltyTerms(segment="b2c", country="BE", grace_end=D(2026, 8, 1))
    assert annual_rate(D(2026, 9, 1), be_consumer, be_rates) == 450


def test_the_command_for_a_missing_yearly_rate_names_the_first_of_january():
    assert RateTable("legal_be", []).command(D(2026, 9, 1)) == "relance rates set legal-be 2026-01-01 TAUX"
    assert RateTable("legal_pro", []).command(D(2026, 9, 1)) == "relance rates set legal-pro 2026-07-01 TAUX"


def test_a_french_consumer_put_on_notice_on_the_due_date_owes_interest_from_the_day_after(rates):
    # legal rate 2.62 % on days 02/03..11/03 (10): 100 000 x 262 x 10 / 3 650 000 = 71.8
    terms = PenaltyTerms(segment="b2c", formal_notice=D(2026, 3, 1))
    p = compute_penalty(100_000, D(2026, 3, 1), D(2026, 3, 11), terms, rates)
    assert (p.periods[0].first, p.interest_cents) == (D(2026, 3, 2), 72)


def test_a_belgian_consumers_indemnity_counts_a_payment_made_on_the_last_day_of_grace(rates):
    # with a damage clause in the terms of sale, the scale reads the balance once the 14 days are over:
    # 600 EUR less 300 paid on the last day = 300 EUR, 30 + 10 % x 150 = 45 EUR (on 600 EUR it would be 70 EUR)
    be_rates = Rates(rates.ecb, rates.legal_pro, rates.legal_private,
                     RateTable("legal_be", [RateEntry(D(2026, 1, 1), 450)]))
    terms = PenaltyTerms(segment="b2c", country="BE", grace_end=D(2026, 3, 20), damage_clause=True)
    p = compute_penalty(60_000, D(2026, 3, 1), D(2026, 3, 31), terms, be_rates, [Payment(D(2026, 3, 20), 30_000)])
    assert p.indemnity_cents == 45_00


def test_rates_from_rows_names_the_kinds_it_knows():
    with pytest.raises(ValueError) as err:
        Rates.from_rows([("libor", D(2026, 1, 1), 100)])
    assert str(err.value) == "type de taux inconnu 'libor' (attendu : ecb, legal_pro, legal_private, legal_be)"


def test_an_empty_rate_table_confirms_no_period():
    for kind in ("ecb", "legal_pro", "legal_be"):
        assert RateTable(kind, []).confirmed(D(2026, 9, 1)) is False
