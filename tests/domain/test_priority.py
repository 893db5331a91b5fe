import pytest

from relance_tui.domain.priority import PriorityInput, priority_score


def score(**kw):
    base = dict(amount_due_cents=100_000, days_late=45, broken_promises=0, profile="normal", days_since_contact=None)
    base.update(kw)
    return priority_score(PriorityInput(**base))


def test_nothing_due_or_not_late_scores_zero():
    assert score(amount_due_cents=0) == 0
    assert score(days_late=0) == 0


def test_each_factor_raises_the_score():
    assert score(amount_due_cents=1_000_000) > score()
    assert score(days_late=100) > score()
    assert score(broken_promises=2) > score()
    assert score(profile="bad") > score() > score(profile="good")


def test_factors_are_capped():
    assert score(days_late=120) == score(days_late=400)
    assert score(broken_promises=3) == score(broken_promises=10)
    assert score(amount_due_cents=10**7, days_late=400, broken_promises=5, profile="bad") == 100


def test_recent_contact_lowers_then_recovers():
    assert score(days_since_contact=0) == pytest.approx(score() / 2, abs=0.01)
    assert score(days_since_contact=0) < score(days_since_contact=3) < score(days_since_contact=7) == score()


def test_unknown_profile_is_an_error():
    with pytest.raises(ValueError, match="profil"):
        score(profile="vip")


# The score by hand. 1 000 EUR, 45 days late, normal, never reached:
# amount 40 x log10(1 + 1000) / 5 = 24.00, age 30 x 45 / 120 = 11.25, profile 5: 40.25.
def test_the_score_adds_amount_age_promises_and_profile():
    assert score() == 40.25


def test_amount_points_grow_with_the_logarithm_of_the_euros_up_to_forty():
    # 1 day late (age 0.25), a good payer (0): 10 EUR 40 x log10(11) / 5 = 8.33; 1 000 EUR 24.00;
    # 100 000 EUR and more: 40
    assert score(amount_due_cents=1_000, days_late=1, profile="good") == 8.58
    assert score(amount_due_cents=100_000, days_late=1, profile="good") == 24.25
    assert score(amount_due_cents=10_000_000, days_late=1, profile="good") == 40.25
    assert score(amount_due_cents=1_000_000_000, days_late=1, profile="good") == 40.25  # 10 million EUR: capped


def test_age_points_are_linear_up_to_120_days():
    assert score(days_late=60) == 24.00 + 15 + 5
    assert score(days_late=120) == score(days_late=121) == 24.00 + 30 + 5


def test_each_broken_promise_is_worth_a_third_of_twenty_points_and_none_below_zero():
    assert score(broken_promises=1) == 46.92  # 40.25 + 6.67
    assert score(broken_promises=-2) == score()


def test_profile_points_bad_ten_normal_five_good_none():
    assert (score(profile="bad"), score(), score(profile="good")) == (45.25, 40.25, 35.25)


def test_a_debtor_reached_recently_is_halved_then_recovers_over_seven_days():
    assert score(days_since_contact=0) == 20.13  # 40.25 / 2, rounded
    assert score(days_since_contact=-1) == 20.13  # a contact dated later than today counts as today
    assert score(days_since_contact=3) == 28.75  # x (0.5 + 0.5 x 3 / 7)
    assert score(days_since_contact=6) == 37.38
    assert score(days_since_contact=7) == score()


def test_one_cent_owed_is_still_worth_calling_about():
    assert score(amount_due_cents=1) > 0


def test_an_unknown_profile_names_the_known_ones():
    with pytest.raises(ValueError) as err:
        score(profile="vip")
    assert str(err.value) == "profil 'vip' inconnu (attendu : bad, normal, good)"


def test_a_credit_or_an_invoice_not_yet_due_scores_zero():
    assert score(amount_due_cents=-5) == 0
    assert score(days_late=-3) == 0
