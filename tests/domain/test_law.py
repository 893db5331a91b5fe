"""The law of each debtor (issue 13): figures computed by hand in the comments, to the cent.

Interest = balance x rate x days / 365, rounded half up to the cent (domain/penalties.py).
"""

from __future__ import annotations

import datetime as dt

import pytest

from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.domain.dunning import next_action
from relance_tui.domain.law import (
    REGIMES,
    be_consumer_grace_end,
    be_consumer_indemnity,
    limitation,
    limitation_warning,
    regime_for,
)
from relance_tui.domain.penalties import (
    Payment,
    PenaltyTerms,
    RateEntry,
    Rates,
    RateTable,
    annual_rate,
    compute_penalty,
    unconfirmed_rates,
)
from relance_tui.store.schema import SEED_RATES, SEED_RATES_0009

D = dt.date


@pytest.fixture(scope="module")
def rates() -> Rates:
    """The published values relance ships (migrations 0002 and 0009)."""
    return Rates.from_rows((k, D.fromisoformat(day), bp) for k, day, bp in SEED_RATES + SEED_RATES_0009)


BE_B2B = PenaltyTerms(segment="b2b", country="BE")
FR_B2B = PenaltyTerms(segment="b2b", country="FR")


# -- which law ------------------------------------------------------------------------------------
def test_a_consumer_follows_its_own_country_a_business_the_office():
    # Rome I art. 6: a consumer's law is its country's, whoever the creditor is
    assert regime_for("BE", "b2c", "BE") is REGIMES[("BE", "b2c")]
    consumer_abroad = regime_for("BE", "b2c", "FR")
    assert (consumer_abroad.law, consumer_abroad.key, consumer_abroad.limitation_years) == ("BE", "be_b2c", 1)
    # pursued in its own country: the European order for payment covers consumers too (its court is the
    # consumer's, règl. 1896/2006 art. 6.2)
    assert consumer_abroad.court_step == "Injonction de payer européenne (règl. CE 1896/2006)"
    assert regime_for("FR", "b2c", "BE").key == "fr_b2c"
    # Rome I art. 4.1 and 12.1.d: a business's contract, and its limitation, follow the seller's law
    same = regime_for("be ", "b2b", "BE")
    assert same is REGIMES[("BE", "b2b")] and same.law == "BE" and same.key == "be_b2b"
    abroad = regime_for("BE", "b2b", "FR")
    assert (abroad.law, abroad.key, abroad.limitation_years) == ("FR", "fr_b2b", 5)
    # ... while its country decides its local time, its holidays and its court
    assert (abroad.country, abroad.timezone) == ("BE", "Europe/Brussels")
    assert abroad.label == "entreprise (Belgique), droit français"
    assert abroad.court_step == "Injonction de payer européenne (règl. CE 1896/2006)"
    # elsewhere, or unknown: placed in the office's country
    assert regime_for("DE", "b2b", "BE").country == "BE"
    assert regime_for("DE", "b2b", "BE").court_step == "Injonction de payer européenne (règl. CE 1896/2006)"
    assert regime_for("CH", "b2b", "BE").court_step == REGIMES[("BE", "b2b")].court_step  # not a member
    assert regime_for(None, "b2c", "FR") is REGIMES[("FR", "b2c")]
    assert regime_for("", "b2c", "BE") is REGIMES[("BE", "b2c")]
    assert regime_for("RE", "b2b", "BE").country == "FR"  # La Réunion is France
    with pytest.raises(ValueError):
        regime_for("FR", "retail", "FR")


def test_each_regime_names_its_own_court_step_in_the_plan():
    late = D(2026, 1, 1)
    as_of = D(2026, 6, 1)  # 151 days late: past every step
    assert next_action(late, as_of).label == "Injonction de payer"
    assert next_action(late, as_of, court_step=regime_for("BE", "b2b", "BE").court_step).label.startswith(
        "Recouvrement de dettes non contestées")
    assert next_action(late, as_of, court_step=regime_for("BE", "b2c", "BE").court_step).label == \
        "Citation devant le juge de paix"
    # before the court step, the plan's own steps are unchanged
    assert next_action(late, D(2026, 1, 5), court_step="X").label == "Appel"


# -- Belgium, businesses: ECB of the half-year + 8 points, rounded UP to the next half point ----------
@pytest.mark.parametrize("day, ecb_bp, expected_bp", [
    (D(2024, 3, 1), 450, 1250),   # ECB 4.50 % on 1 January 2024: 12.50 %, already a half point
    (D(2024, 9, 1), 425, 1250),   # 4.25 % on 1 July 2024 (since 12 June): 12.25 -> 12.50 %
    (D(2025, 3, 1), 315, 1150),   # 3.15 % on 1 January 2025 (since 18 December): 11.15 -> 11.50 %
    (D(2025, 9, 1), 215, 1050),   # 2.15 % on 1 July 2025 (since 11 June): 10.15 -> 10.50 %
    (D(2026, 3, 1), 215, 1050),   # 2.15 % on 1 January 2026: 10.50 %
])
def test_belgian_business_rate_in_each_half_year_since_2024(rates, day, ecb_bp, expected_bp):
    assert rates.ecb.rate_on(dt.date(day.year, 1 if day.month <= 6 else 7, 1)) == ecb_bp
    assert annual_rate(day, BE_B2B, rates) == expected_bp
    assert annual_rate(day, FR_B2B, rates) == ecb_bp + 1000  # France: + 10 points, no rounding


def test_belgian_business_invoice_in_h1_2024_to_the_cent(rates):
    # 1,000.00 EUR due 31/12/2023, seen on 30/06/2024: 182 days (2024 is a leap year) at 12.50 %:
    # 1000 x 12.5 % x 182 / 365 = 62.3287... -> 62.33 EUR, plus 40 EUR.
    p = compute_penalty(100_000, D(2023, 12, 31), D(2024, 6, 30), BE_B2B, rates)
    assert (p.days_late, p.interest_cents, p.indemnity_cents) == (182, 6_233, 4_000)
    assert not p.unconfirmed


# -- Belgium, consumers (CDE livre XIX) ------------------------------------------------------------
@pytest.mark.parametrize("balance, expected", [
    (100_00, 20_00),          # up to 150 EUR: 20 EUR
    (150_00, 20_00),
    (150_01, 30_00),          # 30 + 10 % x 0.01 = 30.001 -> 30.00
    (400_00, 55_00),          # 30 + 10 % x 250 = 55.00
    (500_00, 65_00),          # 30 + 10 % x 350 = 65.00
    (500_01, 65_00),          # 65 + 5 % x 0.01 = 65.0005 -> 65.00
    (1_000_00, 90_00),        # 65 + 5 % x 500 = 90.00
    (50_000_00, 2_000_00),    # 65 + 5 % x 49,500 = 2,540.00, capped at 2,000.00
    (0, 0),
])
def test_belgian_consumer_damage_clause_scale(balance, expected):
    assert be_consumer_indemnity(balance) == expected


def test_the_fourteen_days_start_the_day_after_an_email_and_the_third_business_day_after_a_letter():
    be = OfficeCalendar("BE")
    # email on Monday 09/03/2026: the period runs 10/03 to 23/03
    assert be_consumer_grace_end(D(2026, 3, 9), "email", be) == D(2026, 3, 23)
    # letter posted on Friday 06/03/2026: business days Mon 9, Tue 10, Wed 11 -> runs 11/03 to 24/03
    assert be_consumer_grace_end(D(2026, 3, 6), "letter", be) == D(2026, 3, 24)
    # posted on Thursday 02/04/2026: Fri 3, (Easter Monday 6 April is a Belgian holiday) Tue 7, Wed 8
    assert be_consumer_grace_end(D(2026, 4, 2), "registered", be) == D(2026, 4, 21)


def _be_consumer(grace_end: dt.date | None, contract_bp: int | None = None, clause: bool = True) -> PenaltyTerms:
    """A Belgian consumer whose creditor's terms hold a damage clause (unless ``clause`` is False)."""
    return PenaltyTerms(segment="b2c", country="BE", grace_end=grace_end, contract_rate_bp=contract_bp,
                        damage_clause=clause)


def test_without_a_damage_clause_a_belgian_consumer_owes_interest_only(rates):
    # CDE XIX.4 caps what a clause may charge; with none in the terms of sale, no indemnity at all
    p = compute_penalty(100_000, D(2026, 3, 2), D(2026, 4, 22), _be_consumer(D(2026, 3, 23), clause=False), rates)
    assert (p.interest_cents, p.indemnity_cents) == (370, 0)


@pytest.mark.parametrize("amount, indemnity", [
    (100_00, 20_00), (150_00, 20_00), (150_01, 30_00), (500_00, 65_00), (500_01, 65_00), (50_000_00, 2_000_00)])
def test_belgian_consumer_owes_nothing_within_the_fourteen_days_and_the_scale_after(rates, amount, indemnity):
    due = D(2026, 3, 2)
    end = be_consumer_grace_end(D(2026, 3, 9), "email", OfficeCalendar("BE"))  # 23/03/2026
    assert compute_penalty(amount, due, end, _be_consumer(end), rates).total_cents == 0  # last day of the 14
    after = compute_penalty(amount, due, end + dt.timedelta(days=1), _be_consumer(end), rates)
    assert after.indemnity_cents == indemnity
    # one day (24/03) of Belgian legal interest, 4.50 % in 2026: amount x 4.5 % / 365
    assert after.interest_cents == round(amount * 450 / 3_650_000 + 1e-9)
    assert after.periods[0].first == D(2026, 3, 24) and after.periods[0].rate_bp == 450


def test_belgian_consumer_figures_to_the_cent_after_thirty_days(rates):
    # 1,000.00 EUR due 02/03/2026, free reminder emailed 09/03, period ends 23/03; seen on 22/04/2026:
    # charged 24/03..22/04 = 30 days at 4.50 %: 1000 x 4.5 % x 30 / 365 = 3.6986 -> 3.70 EUR;
    # damage clause: 65 + 5 % x 500 = 90.00 EUR.
    p = compute_penalty(100_000, D(2026, 3, 2), D(2026, 4, 22), _be_consumer(D(2026, 3, 23)), rates)
    assert (p.interest_cents, p.indemnity_cents) == (370, 9_000)


def test_belgian_consumer_without_a_free_reminder_owes_nothing(rates):
    p = compute_penalty(100_000, D(2025, 1, 2), D(2026, 4, 22), _be_consumer(None), rates)
    assert p.total_cents == 0 and p.days_late > 400


def test_belgian_consumer_contract_rate_is_capped_at_the_business_rate(rates):
    # a contract at 12 % against a consumer: capped at 10.50 % (2.15 + 8 rounded up) in 2026
    terms = _be_consumer(D(2026, 3, 23), contract_bp=1_200)
    assert annual_rate(D(2026, 4, 1), terms, rates) == 1_050
    assert annual_rate(D(2026, 4, 1), _be_consumer(D(2026, 3, 23), contract_bp=800), rates) == 800


def test_belgian_consumer_indemnity_is_on_what_was_left_when_the_period_ended(rates):
    # 1,000.00 due 02/03, 700.00 paid on 20/03 (within the 14 days): 300.00 left on 23/03
    # -> 30 + 10 % x 150 = 45.00 EUR
    p = compute_penalty(100_000, D(2026, 3, 2), D(2026, 4, 1), _be_consumer(D(2026, 3, 23)), rates,
                        [Payment(D(2026, 3, 20), 70_000)])
    assert p.indemnity_cents == 4_500


# -- France, consumers: legal interest from the formal notice only ---------------------------------
def test_french_consumer_owes_nothing_before_a_formal_notice_and_legal_interest_after(rates):
    due = D(2026, 1, 15)
    no_notice = PenaltyTerms(segment="b2c", country="FR")
    assert compute_penalty(100_000, due, D(2026, 3, 3), no_notice, rates).total_cents == 0
    notice = PenaltyTerms(segment="b2c", country="FR", formal_notice=D(2026, 2, 1))
    assert compute_penalty(100_000, due, D(2026, 2, 1), notice, rates).total_cents == 0
    # charged 02/02..03/03 = 30 days at the "autres cas" rate of H1 2026, 2.62 %:
    # 1000 x 2.62 % x 30 / 365 = 2.1534 -> 2.15 EUR; no 40 EUR
    p = compute_penalty(100_000, due, D(2026, 3, 3), notice, rates)
    assert (p.interest_cents, p.indemnity_cents) == (215, 0)


def test_a_formal_notice_sent_before_the_invoice_fell_due_does_not_start_interest(rates):
    notice = PenaltyTerms(segment="b2c", country="FR", formal_notice=D(2026, 1, 10))
    assert compute_penalty(100_000, D(2026, 1, 15), D(2026, 3, 3), notice, rates).total_cents == 0


# -- rates that go stale ---------------------------------------------------------------------------
def test_a_half_year_past_the_last_entry_is_carried_over_and_flagged(rates):
    # H2 2026 has no ECB entry (the last one confirms 1 January 2026): the rate of H1 is reused and said so
    assert rates.ecb.confirmed(D(2026, 6, 30)) and not rates.ecb.confirmed(D(2026, 7, 1))
    assert rates.legal_be.confirmed(D(2026, 12, 31))  # the Belgian legal rate is yearly
    lines = unconfirmed_rates(rates, D(2026, 12, 2), ("ecb", "legal_pro", "legal_be"))
    assert lines == [
        "Taux de refinancement BCE du 2e semestre 2026 non saisi (relance rates set ecb 2026-07-01 TAUX)",
        "Taux d'intérêt légal (autres cas) du 2e semestre 2026 non saisi "
        "(relance rates set legal-pro 2026-07-01 TAUX)",
    ]
    # 1,000.00 due 30/06/2026 seen on 10/07: 10 days at 12.15 % (carried over) -> provisional
    p = compute_penalty(100_000, D(2026, 6, 30), D(2026, 7, 10), FR_B2B, rates)
    assert p.interest_cents == 333  # 1000 x 12.15 % x 10 / 365 = 3.3288 -> 3.33 EUR
    assert p.unconfirmed == (lines[0],)
    # one whose days all fall in H1 is not
    assert compute_penalty(100_000, D(2026, 5, 31), D(2026, 6, 30), FR_B2B, rates).unconfirmed == ()


def test_a_legal_rate_entered_mid_period_does_not_confirm_the_period(rates):
    late = Rates(rates.ecb, RateTable("legal_pro", [*rates.legal_pro.entries, RateEntry(D(2026, 8, 1), 300)]),
                 rates.legal_private, rates.legal_be)
    assert not late.legal_pro.confirmed(D(2026, 9, 1))  # H2 2026 counts from 1 July: still unknown
    on_time = Rates(rates.ecb, RateTable("legal_pro", [*rates.legal_pro.entries, RateEntry(D(2026, 7, 1), 300)]),
                    rates.legal_private, rates.legal_be)
    assert on_time.legal_pro.confirmed(D(2026, 9, 1))
    # the ECB rate may change any day: an entry after 1 July tells the table is complete through it
    ecb = RateTable("ecb", [*rates.ecb.entries, RateEntry(D(2026, 9, 10), 200)])
    assert ecb.confirmed(D(2026, 12, 1)) and ecb.rate_on(D(2026, 7, 1)) == 215


def test_the_ecb_rate_in_force_on_1_january_2016_is_known(rates):
    assert rates.ecb.rate_on(D(2016, 1, 1)) == 5  # 0.05 % since 10 September 2014
    assert annual_rate(D(2016, 2, 1), FR_B2B, rates) == 1_005


@pytest.mark.parametrize("half_year, pro, private", [
    (D(2019, 1, 1), 86, 340), (D(2019, 7, 1), 87, 326), (D(2020, 1, 1), 87, 315), (D(2020, 7, 1), 84, 311),
    (D(2021, 1, 1), 79, 314), (D(2021, 7, 1), 76, 312)])
def test_french_legal_rates_since_2019(rates, half_year, pro, private):
    assert rates.legal_pro.rate_on(half_year) == pro
    assert rates.legal_private.rate_on(half_year) == private


# -- limitation ------------------------------------------------------------------------------------
def test_limitation_runs_from_delivery_else_the_issue_date_never_the_due_date():
    fr = regime_for("FR", "b2b")
    lim = limitation(fr, issue_date=D(2024, 2, 10), delivery_date=D(2024, 2, 3))
    assert lim.day == D(2029, 2, 3) and "livraison du 03/02/2024" in lim.reason
    lim = limitation(fr, issue_date=D(2024, 2, 10))
    assert lim.day == D(2029, 2, 10) and "facture du 10/02/2024" in lim.reason
    assert limitation(regime_for("FR", "b2c"), issue_date=D(2024, 2, 10)).day == D(2026, 2, 10)
    assert limitation(regime_for("BE", "b2b", "BE"), issue_date=D(2024, 2, 10)).day == D(2034, 2, 10)
    # a Belgian company owing a French office: French law, five years (Rome I art. 12.1.d)
    assert limitation(regime_for("BE", "b2b", "FR"), issue_date=D(2024, 2, 10)).day == D(2029, 2, 10)
    assert limitation(regime_for("BE", "b2c"), issue_date=D(2024, 2, 10)).day == D(2025, 2, 10)


def test_an_acknowledgement_restarts_the_period_but_not_after_it_ran_out():
    fr_c = regime_for("FR", "b2c")
    lim = limitation(fr_c, issue_date=D(2024, 2, 10),
                     acknowledgements=[(D(2025, 6, 1), "paiement partiel"), (D(2025, 9, 15), "promesse écrite")])
    assert lim.day == D(2027, 9, 15)
    assert lim.reason == "2 ans depuis promesse écrite du 15/09/2025 (interruption)"
    late = limitation(fr_c, issue_date=D(2024, 2, 10), acknowledgements=[(D(2026, 3, 1), "paiement partiel")])
    assert late.day == D(2026, 2, 10)  # already time-barred on 11/02/2026: nothing to interrupt


def test_limitation_warnings_at_ninety_and_thirty_days():
    day = D(2027, 3, 31)
    assert limitation_warning(day, D(2026, 12, 30)) is None  # 91 days left
    assert limitation_warning(day, D(2026, 12, 31)) == "prescription le 31/03/2027"  # 90 days
    assert limitation_warning(day, D(2027, 3, 1)) == "prescription dans 30 j (31/03/2027)"
    assert limitation_warning(day, D(2027, 4, 1)) == "prescrite depuis le 01/04/2027"


def test_limitation_warning_on_the_last_day_and_the_day_after():
    day = D(2027, 3, 31)  # the last day the claim can be brought
    assert limitation_warning(day, day) == "prescription dans 0 j (31/03/2027)"
    assert limitation_warning(day, D(2027, 3, 30)) == "prescription dans 1 j (31/03/2027)"
    assert limitation_warning(day, D(2027, 2, 28)) == "prescription le 31/03/2027"  # 31 days left
    assert limitation_warning(day, D(2027, 4, 1)) == "prescrite depuis le 01/04/2027"


@pytest.mark.parametrize("balance, expected", [
    (1, 20_00),               # any balance at all: the 20 EUR floor of the first band
    (150_05, 30_01),          # 10 % x 0.05 = 0.005, rounded half up
    (150_04, 30_00),
    (500_10, 65_01),          # 5 % x 0.10 = 0.005, rounded half up
    (500_09, 65_00),
    (-5_00, 0),               # a credit owes nothing
])
def test_belgian_consumer_scale_rounds_half_up_to_the_cent(balance, expected):
    assert be_consumer_indemnity(balance) == expected


def test_a_first_reminder_by_post_counts_as_a_letter_and_any_other_channel_is_refused():
    be = OfficeCalendar("BE")
    assert be_consumer_grace_end(D(2026, 3, 6), "post", be) == D(2026, 3, 24)
    with pytest.raises(ValueError) as err:
        be_consumer_grace_end(D(2026, 3, 6), "sms", be)
    assert str(err.value) == "canal du premier rappel 'sms' : attendu email ou courrier"


def test_an_acknowledgement_on_the_first_day_interrupts_nothing_one_on_the_last_day_does():
    fr_c = regime_for("FR", "b2c")  # 2 years from 10/02/2024: last day 10/02/2026
    same_day = limitation(fr_c, issue_date=D(2024, 2, 10), acknowledgements=[(D(2024, 2, 10), "promesse écrite")])
    assert same_day == limitation(fr_c, issue_date=D(2024, 2, 10))
    assert same_day.reason == "2 ans depuis la facture du 10/02/2024"
    last_day = limitation(fr_c, issue_date=D(2024, 2, 10), acknowledgements=[(D(2026, 2, 10), "paiement partiel")])
    assert (last_day.day, last_day.reason) == (D(2028, 2, 10), "2 ans depuis paiement partiel du 10/02/2026 (interruption)")


def test_a_one_year_period_is_written_in_the_singular():
    assert limitation(regime_for("BE", "b2c"), issue_date=D(2024, 2, 10)).reason == "1 an depuis la facture du 10/02/2024"


def test_a_period_from_the_29th_of_february_ends_on_the_28th():
    # C. civ. 2229: the period ends on the last day of its term
    assert limitation(regime_for("FR", "b2c"), issue_date=D(2024, 2, 29)).day == D(2026, 2, 28)
    assert limitation(regime_for("FR", "b2b"), issue_date=D(2024, 2, 29)).day == D(2029, 2, 28)
    ack = limitation(regime_for("FR", "b2c"), issue_date=D(2023, 6, 1),
                     acknowledgements=[(D(2024, 2, 29), "promesse écrite")])
    assert ack.day == D(2026, 2, 28)


def test_the_office_is_french_unless_said_otherwise_and_an_unknown_office_country_is_france():
    assert regime_for(None, "b2b").country == "FR"
    assert regime_for("", "b2c") == regime_for("FR", "b2c")
    assert regime_for(None, "b2b", "DE") == regime_for("FR", "b2b")
    assert regime_for("be", "b2c", "DE") == regime_for("BE", "b2c")  # the country column in any case


def test_an_unknown_segment_is_refused_with_the_ones_expected():
    with pytest.raises(ValueError) as err:
        regime_for("FR", "b2x")
    assert str(err.value) == "segment 'b2x': attendu b2b ou b2c"


def test_a_regime_follows_the_law_of_its_country_unless_told_otherwise():
    from relance_tui.domain.law import Regime

    own = Regime("BE", "b2c", "particulier (Belgique)", "Europe/Brussels", 1, "", "Citation", False)
    assert (own.law, own.key) == ("BE", "be_b2c")
    other = Regime("BE", "b2b", "entreprise (Belgique), droit français", "Europe/Brussels", 5, "", "IPE", True,
                   law="FR")
    assert (other.law, other.key) == ("FR", "fr_b2b")


# -- the court's language (issue 16: the litigation file) -----------------------------------------------------

@pytest.mark.parametrize(("country", "postcode", "debtor_language", "court"), [
    ("FR", "75002", "nl", "fr"),     # a French court speaks French, whatever the debtor reads
    ("FR", "", "en", "fr"),
    ("BE", "9000", "", "nl"),        # Gent: the Flemish region, even for a debtor written to in French
    ("BE", "2000", "en", "nl"),      # Antwerpen
    ("BE", "3999", "fr", "nl"),      # the last Limburg code
    ("BE", "1500", "fr", "nl"),      # Halle: Flemish Brabant
    ("BE", "8000", "fr", "nl"),      # Brugge
    ("BE", "4000", "nl", "fr"),      # Liège: the Walloon region, even for a Dutch-speaking debtor
    ("BE", "1300", "nl", "fr"),      # Wavre: Walloon Brabant
    ("BE", "1499", "nl", "fr"),
    ("BE", "7999", "nl", "fr"),
    ("BE", "1000", "nl", "nl"),      # Brussels: the claimant chooses, the debtor's own language
    ("BE", "1299", "fr", "fr"),
    ("BE", "1050", "en", "fr"),      # Brussels, an English-speaking debtor: French (never English)
    ("BE", "B-9000", "", "nl"),      # a postcode written with its country letter
    ("BE", "", "nl", "nl"),          # no postcode: the debtor's language, French or Dutch
    ("BE", "75002", "en", "fr"),     # not a Belgian postcode: likewise
])
def test_a_court_s_language_is_its_region_s(country, postcode, debtor_language, court) -> None:
    from relance_tui.domain.law import court_language

    assert court_language(country, postcode, debtor_language) == court
