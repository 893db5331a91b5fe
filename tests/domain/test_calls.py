import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.domain.calls import (
    CallingRules,
    call_goal,
    call_warnings,
    format_clock,
    next_step,
    parse_hours,
)
from relance_tui.domain.dates import parse_user_date, parse_user_time
from relance_tui.domain.script import Phase, Prompt, visible_prompts

FR = OfficeCalendar("FR")
PARIS = ZoneInfo("Europe/Paris")
RULES = CallingRules(parse_hours(["10:00-13:00", "14:00-20:00"]), frozenset({1, 2, 3, 4, 5}), True, 4)
MONDAY = dt.date(2026, 11, 23)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), PARIS)


@pytest.mark.parametrize(("outcome", "kwargs", "kind", "due"), [
    ("promise", {"promise_dates": (dt.date(2026, 12, 12), dt.date(2026, 12, 1))}, "promise_check", "2026-12-04"),
    ("voicemail", {}, "retry", "2026-11-24"),
    ("unreachable", {}, "retry", "2026-11-24"),
    ("wrong_number", {}, "retry", "2026-11-24"),
    ("refused", {}, "formal_notice", "2026-11-24"),
    ("dispute", {}, "dispute", "2026-11-23"),
    ("not_received", {}, "call", "2026-11-25"),
    ("paid_already", {"paid_date": dt.date(2026, 11, 20)}, "payment_check", "2026-11-24"),
    ("paid_already", {"paid_date": dt.date(2026, 11, 23)}, "payment_check", "2026-11-26"),
])
def test_next_step_after_each_outcome(outcome, kwargs, kind, due):
    step = next_step(outcome, today=MONDAY, calendar=FR, **kwargs)
    assert (step.kind, step.due_at) == (kind, due)


def test_callback_keeps_its_instant_in_utc():
    step = next_step("callback", today=MONDAY, calendar=FR, callback_at=at(dt.date(2026, 11, 24), 16))
    assert (step.kind, step.due_at) == ("callback", "2026-11-24T15:00:00Z")


def test_retry_skips_a_public_holiday_and_the_weekend():
    # Tuesday 10 November 2026: Wednesday the 11th is Armistice day
    assert next_step("voicemail", today=dt.date(2026, 11, 10), calendar=FR).due_at == "2026-11-12"
    # Thursday 24 December: Christmas on Friday, then the weekend
    assert next_step("voicemail", today=dt.date(2026, 12, 24), calendar=FR).due_at == "2026-12-28"
    # Belgium: 21 July is the national day, 14 July is a working day
    be = OfficeCalendar("BE")
    assert next_step("unreachable", today=dt.date(2026, 7, 20), calendar=be).due_at == "2026-07-22"
    assert next_step("unreachable", today=dt.date(2026, 7, 13), calendar=be).due_at == "2026-07-14"
    assert next_step("unreachable", today=dt.date(2026, 7, 13), calendar=FR).due_at == "2026-07-15"


def test_incomplete_outcomes_are_refused():
    with pytest.raises(ValueError):
        next_step("promise", today=MONDAY, calendar=FR)
    with pytest.raises(ValueError):
        next_step("callback", today=MONDAY, calendar=FR)
    with pytest.raises(ValueError):
        next_step("teleported", today=MONDAY, calendar=FR)


def test_calling_hours_boundaries():
    assert call_warnings(at(MONDAY, 10), RULES, FR, 0) == []
    assert call_warnings(at(MONDAY, 12, 59), RULES, FR, 0) == []
    for hour, minute in ((9, 59), (13, 0), (13, 30), (20, 0), (21, 15)):
        reasons = call_warnings(at(MONDAY, hour, minute), RULES, FR, 0)
        assert len(reasons) == 1 and "Hors des heures d'appel" in reasons[0], (hour, minute)
    assert "il est 13:30" in call_warnings(at(MONDAY, 13, 30), RULES, FR, 0)[0]


def test_public_holiday_and_weekend_warn():
    armistice = call_warnings(at(dt.date(2026, 11, 11), 10, 30), RULES, FR, 0)
    assert armistice == ["Jour férié : Armistice."]
    # the day before and after are ordinary weekdays
    assert call_warnings(at(dt.date(2026, 11, 10), 10, 30), RULES, FR, 0) == []
    assert call_warnings(at(dt.date(2026, 11, 12), 10, 30), RULES, FR, 0) == []
    assert call_warnings(at(dt.date(2026, 11, 21), 10, 30), RULES, FR, 0) == ["Pas d'appel le samedi."]
    # an office that calls on public holidays
    relaxed = CallingRules(RULES.hours, RULES.days, False, 4)
    assert call_warnings(at(dt.date(2026, 11, 11), 10, 30), relaxed, FR, 0) == []


def test_four_calls_in_thirty_days_warn():
    assert call_warnings(at(MONDAY, 11), RULES, FR, 3) == []
    reasons = call_warnings(at(MONDAY, 11), RULES, FR, 4)
    assert reasons == ["Déjà 4 appel(s) à ce contact en 30 jours (limite 4)."]


def test_goal_depends_on_amount_and_dispute():
    assert "immédiat" in call_goal(50_00, disputed=False)
    assert "plan de paiement" in call_goal(5_000_00, disputed=False)
    assert "litige" in call_goal(50_00, disputed=True)


def test_prompts_appear_at_their_second():
    phase = Phase("listen", "Écouter", "", (Prompt(60, "reformulez"), Prompt(150, "question"),
                                           Prompt(600, "concluez", clock="call")))
    assert visible_prompts(phase, 59.9, 59.9) == []
    assert [p.text for p in visible_prompts(phase, 60, 60)] == ["reformulez"]
    assert [p.text for p in visible_prompts(phase, 149, 500)] == ["reformulez"]
    assert [p.text for p in visible_prompts(phase, 150, 599)] == ["reformulez", "question"]
    # the call clock: 600 s into the call, only 20 s into this phase
    assert [p.text for p in visible_prompts(phase, 20, 600)] == ["concluez"]


def test_clock_format():
    assert format_clock(0) == "00:00"
    assert format_clock(61.9) == "01:01"
    assert format_clock(3600) == "60:00"


@pytest.mark.parametrize(("text", "expected"), [
    ("12/12/2026", dt.date(2026, 12, 12)), ("12/12/26", dt.date(2026, 12, 12)), ("12/12", dt.date(2026, 12, 12)),
    ("05/01", dt.date(2027, 1, 5)), ("2026-12-01", dt.date(2026, 12, 1)), ("demain", dt.date(2026, 11, 24)),
    ("+10", dt.date(2026, 12, 3)), ("12.12.2026", dt.date(2026, 12, 12)),
])
def test_user_dates(text, expected):
    assert parse_user_date(text, MONDAY) == expected


@pytest.mark.parametrize("text", ["", "32/12/2026", "lundi", "12/13"])
def test_bad_user_dates_say_what_is_expected(text):
    with pytest.raises(ValueError, match="date"):
        parse_user_date(text, MONDAY)


def test_user_times():
    assert parse_user_time("16:00") == dt.time(16)
    assert parse_user_time("16h") == dt.time(16)
    assert parse_user_time("9h05") == dt.time(9, 5)
    with pytest.raises(ValueError, match="heure"):
        parse_user_time("quatre heures")
