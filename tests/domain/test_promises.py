import datetime as dt

from relance_tui.domain.promises import PromiseState, evaluate

MADE = dt.date(2026, 11, 23)
DUE = dt.date(2026, 12, 1)  # grace ends on 4 December


def p(pid=1, amount=500_00, due=DUE, made=MADE):
    return PromiseState(pid, made, due, amount)


def status(payments, today, promises=None):
    return {k: v.status for k, v in evaluate(promises or [p()], payments, today).items()}


def test_pending_until_the_grace_ends_then_broken():
    assert status([], DUE) == {1: "pending"}
    assert status([], dt.date(2026, 12, 4)) == {1: "pending"}  # the third day of grace
    assert status([], dt.date(2026, 12, 5)) == {1: "broken"}


def test_kept_as_soon_as_paid_even_before_its_date():
    assert status([(dt.date(2026, 11, 25), 500_00)], dt.date(2026, 11, 26)) == {1: "kept"}


def test_a_payment_during_the_grace_keeps_it():
    assert status([(dt.date(2026, 12, 4), 500_00)], dt.date(2026, 12, 10)) == {1: "kept"}


def test_a_payment_after_the_grace_does_not():
    assert status([(dt.date(2026, 12, 5), 500_00)], dt.date(2026, 12, 10)) == {1: "broken"}


def test_a_payment_before_the_promise_does_not_count():
    assert status([(dt.date(2026, 11, 20), 500_00)], dt.date(2026, 12, 10)) == {1: "broken"}


def test_partly_kept_with_what_was_covered():
    verdict = evaluate([p()], [(dt.date(2026, 11, 30), 200_00)], dt.date(2026, 12, 10))[1]
    assert (verdict.status, verdict.covered_cents) == ("partly_kept", 200_00)


def test_a_payment_not_yet_received_today_is_not_counted():
    # a payment dated in the future (imported in advance) does not keep a promise before its day
    assert status([(dt.date(2026, 11, 30), 500_00)], dt.date(2026, 11, 26)) == {1: "pending"}


def test_instalments_take_payments_in_date_order():
    first, second = p(1, 300_00, dt.date(2026, 12, 1)), p(2, 300_00, dt.date(2027, 1, 1))
    # one payment of 400: the first instalment is kept, 100 goes towards the second
    verdicts = evaluate([second, first], [(dt.date(2026, 11, 30), 400_00)], dt.date(2027, 1, 10))
    assert (verdicts[1].status, verdicts[2].status, verdicts[2].covered_cents) == ("kept", "partly_kept", 100_00)


def test_one_promise_covered_by_two_payments_is_kept():
    verdict = evaluate([p()], [(dt.date(2026, 11, 25), 200_00), (dt.date(2026, 11, 30), 300_00)],
                       dt.date(2026, 12, 10))[1]
    assert (verdict.status, verdict.covered_cents) == ("kept", 500_00)


def test_two_payments_short_of_the_promise_leave_it_partly_kept_with_their_sum():
    verdict = evaluate([p()], [(dt.date(2026, 11, 30), 300_00), (dt.date(2026, 11, 25), 100_00)],
                       dt.date(2026, 12, 10))[1]
    assert (verdict.status, verdict.covered_cents) == ("partly_kept", 400_00)


def test_a_payment_larger_than_the_promise_leaves_the_rest_for_the_next_one():
    first, second = p(1, 200_00, dt.date(2026, 12, 1)), p(2, 300_00, dt.date(2026, 12, 15))
    verdicts = evaluate([first, second], [(dt.date(2026, 11, 30), 500_00)], dt.date(2027, 1, 10))
    assert [(v.status, v.covered_cents) for v in verdicts.values()] == [("kept", 200_00), ("kept", 300_00)]


def test_a_refund_or_zero_line_covers_nothing():
    verdict = evaluate([p()], [(dt.date(2026, 11, 25), -100_00), (dt.date(2026, 11, 26), 0)],
                       dt.date(2026, 12, 10))[1]
    assert (verdict.status, verdict.covered_cents) == ("broken", 0)


def test_a_payment_on_the_day_the_promise_was_made_counts():
    assert status([(MADE, 500_00)], dt.date(2026, 12, 10)) == {1: "kept"}


def test_promises_due_the_same_day_take_payments_in_the_order_they_were_made():
    first, second = p(1, 300_00), p(2, 300_00)
    verdicts = evaluate([second, first], [(dt.date(2026, 11, 30), 400_00)], dt.date(2026, 12, 10))
    assert (verdicts[1].covered_cents, verdicts[2].covered_cents) == (300_00, 100_00)


def test_a_promise_takes_no_more_than_its_amount_from_a_second_payment():
    # 200 then 400 received: the first promise (500) takes 200 + 300, the second (300) the 100 left
    first, second = p(1, 500_00, dt.date(2026, 12, 1)), p(2, 300_00, dt.date(2026, 12, 15))
    verdicts = evaluate([first, second], [(dt.date(2026, 11, 25), 200_00), (dt.date(2026, 11, 30), 400_00)],
                        dt.date(2027, 1, 10))
    assert [(v.status, v.covered_cents) for v in verdicts.values()] == [("kept", 500_00), ("partly_kept", 100_00)]
