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
