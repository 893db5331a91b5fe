import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from relance_tui.domain.calendar import OfficeCalendar
from relance_tui.domain.calls import (
    CallingRules,
    NextStep,
    call_goal,
    call_warnings,
    format_clock,
    guard_warnings,
    next_step,
    parse_hours,
)
from relance_tui.domain.law import regime_for
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
    assert armistice == ["Jour férié : Armistice (France)."]
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
    assert reasons == ["Déjà 4 appels à ce contact en 30 jours (limite 4)."]


CAPS = CallingRules(RULES.hours, RULES.days, True, 4, max_calls_30d_contact_b2c=3, max_calls_30d_debtor_b2b=6,
                    max_calls_30d_debtor_b2c=3)


def test_calls_are_capped_per_debtor_and_lower_for_a_consumer():
    # a business: 4 per contact, 6 for the debtor through all its contacts
    assert call_warnings(at(MONDAY, 11), CAPS, FR, 3, debtor_calls_30d=5) == []
    assert call_warnings(at(MONDAY, 11), CAPS, FR, 1, debtor_calls_30d=6) == [
        "Déjà 6 appels à ce débiteur en 30 jours, tous contacts confondus (limite 6)."]
    assert call_warnings(at(MONDAY, 11), CAPS, FR, 4, debtor_calls_30d=4) == [
        "Déjà 4 appels à ce contact en 30 jours (limite 4)."]
    # a consumer: 3 calls stop it, per contact and for the debtor, where a business still goes ahead
    assert call_warnings(at(MONDAY, 11), CAPS, FR, 2, debtor_calls_30d=2, consumer=True) == []
    assert call_warnings(at(MONDAY, 11), CAPS, FR, 3, debtor_calls_30d=3, consumer=True) == [
        "Déjà 3 appels à ce contact en 30 jours (limite 3, particulier).",
        "Déjà 3 appels à ce débiteur en 30 jours, tous contacts confondus (limite 3, particulier)."]
    assert call_warnings(at(MONDAY, 11), CAPS, FR, 0, debtor_calls_30d=3, consumer=True) == [
        "Déjà 3 appels à ce débiteur en 30 jours, tous contacts confondus (limite 3, particulier)."]
    assert call_warnings(at(MONDAY, 11), CAPS, FR, 3, debtor_calls_30d=3) == []
    assert CAPS.debtor_caps == {"b2b": 6, "b2c": 3}
    # the defaults: a consumer's caps below a business's
    defaults = CallingRules(RULES.hours, RULES.days, True, 4)
    assert defaults.contact_cap(True) < defaults.contact_cap(False)
    assert defaults.debtor_cap(True) < defaults.debtor_cap(False)


BE = OfficeCalendar("BE")
UTC = dt.timezone.utc


@pytest.mark.parametrize(("country", "segment", "instant", "expected"), [
    # Tuesday 21 July 2026, 08:30 UTC = 10:30 in Brussels and Paris: Belgium's national day only
    ("BE", "b2b", dt.datetime(2026, 7, 21, 8, 30, tzinfo=UTC), ["Jour férié : Fête nationale (Belgique)."]),
    ("FR", "b2b", dt.datetime(2026, 7, 21, 8, 30, tzinfo=UTC), []),
    # Tuesday 14 July 2026: France's national day only
    ("FR", "b2c", dt.datetime(2026, 7, 14, 8, 30, tzinfo=UTC), ["Jour férié : Fête nationale (France)."]),
    ("BE", "b2c", dt.datetime(2026, 7, 14, 8, 30, tzinfo=UTC), []),
    # the hours are the debtor's local time: 07:30 UTC in summer is 09:30 in Brussels, too early
    ("BE", "b2b", dt.datetime(2026, 7, 22, 7, 30, tzinfo=UTC),
     ["Hors des heures d'appel (10:00-13:00, 14:00-20:00) : il est 09:30."]),
    # 18:30 UTC on a winter Friday is 19:30 in Brussels: still within the hours
    ("BE", "b2c", dt.datetime(2026, 11, 20, 18, 30, tzinfo=UTC), []),
    ("BE", "b2c", dt.datetime(2026, 11, 20, 19, 0, tzinfo=UTC),
     ["Hors des heures d'appel (10:00-13:00, 14:00-20:00) : il est 20:00."]),
])
def test_the_guard_follows_the_debtors_country(country, segment, instant, expected):
    regime = regime_for(country, segment, "FR")
    calendar = {"FR": FR, "BE": BE}[country]
    assert guard_warnings(instant, regime, CAPS, calendar, calls_30d=0, debtor_calls_30d=0) == expected


def test_the_guard_uses_the_regimes_caps_and_calendar():
    be_consumer = regime_for("BE", "b2c", "FR")
    monday = dt.datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    assert guard_warnings(monday, be_consumer, CAPS, BE, calls_30d=1, debtor_calls_30d=3) == [
        "Déjà 3 appels à ce débiteur en 30 jours, tous contacts confondus (limite 3, particulier)."]
    assert guard_warnings(monday, regime_for("BE", "b2b", "FR"), CAPS, BE, calls_30d=1, debtor_calls_30d=3) == []
    # a debtor outside France and Belgium follows the office's country (domain/law.regime_for)
    assert guard_warnings(dt.datetime(2026, 7, 21, 8, 30, tzinfo=UTC), regime_for("DE", "b2b", "BE"), CAPS, BE,
                          calls_30d=0, debtor_calls_30d=0) == ["Jour férié : Fête nationale (Belgique)."]
    with pytest.raises(ValueError):  # the office's calendar for a Belgian debtor: a mistake, not a guess
        guard_warnings(monday, be_consumer, CAPS, FR, calls_30d=0, debtor_calls_30d=0)


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


@pytest.mark.parametrize(("outcome", "kwargs", "step"), [
    ("promise", {"promise_dates": (dt.date(2026, 12, 12), dt.date(2026, 12, 1))},
     ("promise_check", "2026-12-04", "Vérifier la promesse du 01/12")),  # the first date, plus the grace
    ("paid_already", {"paid_date": dt.date(2026, 11, 20)},
     ("payment_check", "2026-11-24", "Vérifier le paiement annoncé du 20/11")),
    ("paid_already", {}, ("payment_check", "2026-11-26", "Vérifier le paiement annoncé du 23/11")),  # sent today
    ("dispute", {}, ("dispute", "2026-11-23", "Litige à traiter")),
    ("voicemail", {}, ("retry", "2026-11-24", "Rappeler (pas de réponse)")),
    ("unreachable", {}, ("retry", "2026-11-24", "Rappeler (pas de réponse)")),
    ("wrong_number", {}, ("retry", "2026-11-24", "Trouver le bon numéro")),
    ("refused", {}, ("formal_notice", "2026-11-24", "Refus : mise en demeure")),
    ("not_received", {}, ("call", "2026-11-25", "Rappeler : facture renvoyée")),  # two business days
    ("awaiting_approval", {}, ("call", "2026-11-25", "Rappeler : validation")),
])
def test_each_outcome_sets_its_next_step_with_its_label(outcome, kwargs, step):
    assert next_step(outcome, today=MONDAY, calendar=FR, **kwargs) == NextStep(*step)


def test_two_business_days_later_skip_the_weekend_and_a_holiday():
    # Thursday 19/11 -> Monday 23/11; Monday 09/11 -> Thursday 12/11 over the Armistice
    assert next_step("awaiting_approval", today=dt.date(2026, 11, 19), calendar=FR).due_at == "2026-11-23"
    assert next_step("not_received", today=dt.date(2026, 11, 9), calendar=FR).due_at == "2026-11-12"


def test_a_payment_announced_long_ago_is_checked_the_next_business_day():
    step = next_step("paid_already", today=dt.date(2026, 11, 20), calendar=FR, paid_date=dt.date(2026, 11, 1))
    assert step.due_at == "2026-11-23"  # Friday: the next business day, not 04/11


@pytest.mark.parametrize(("outcome", "kwargs", "message"), [
    ("promise", {}, "une promesse sans date"),
    ("callback", {}, "un rappel sans date ni heure"),
    ("teleported", {}, "issue d'appel inconnue : 'teleported'"),
])
def test_incomplete_or_unknown_outcomes_say_why(outcome, kwargs, message):
    with pytest.raises(ValueError) as err:
        next_step(outcome, today=MONDAY, calendar=FR, **kwargs)
    assert str(err.value) == message


def test_goal_below_and_above_the_pay_now_limit():
    assert call_goal(1_500_00, disputed=False) == (
        "Dette modeste et non contestée : obtenir un paiement immédiat (virement aujourd'hui).")
    assert call_goal(1_500_01, disputed=False) == (
        "Montant important : obtenir un plan de paiement précis (dates et montants), par écrit.")
    assert call_goal(1_500_01, disputed=True) == (
        "Comprendre le litige, le consigner et convenir d'un plan d'action daté.")


def test_hours_until_midnight_are_written_24_00():
    hours = parse_hours(["08:30-12:00", "14:00-24:00"])
    assert hours == ((dt.time(8, 30), dt.time(12)), (dt.time(14), dt.time.max))
    late = CallingRules(hours, frozenset(range(1, 8)), False, 4)
    assert call_warnings(at(MONDAY, 23, 59), late, FR, 0) == []
    assert call_warnings(at(MONDAY, 8, 29), late, FR, 0) == [
        "Hors des heures d'appel (08:30-12:00, 14:00-24:00) : il est 08:29."]


def test_every_reason_not_to_call_is_given_together():
    # Saturday 21/11, 21:00, fourth call to the contact and sixth to the debtor
    assert call_warnings(at(dt.date(2026, 11, 21), 21), CAPS, FR, 4, debtor_calls_30d=6) == [
        "Déjà 4 appels à ce contact en 30 jours (limite 4).",
        "Déjà 6 appels à ce débiteur en 30 jours, tous contacts confondus (limite 6).",
        "Pas d'appel le samedi.",
        "Hors des heures d'appel (10:00-13:00, 14:00-20:00) : il est 21:00."]


def test_clock_never_goes_below_zero_and_counts_minutes_past_the_hour():
    assert format_clock(-5) == "00:00"
    assert format_clock(59.99) == "00:59"
    assert format_clock(600) == "10:00"


def test_prompts_show_in_the_order_they_appeared_whichever_clock_they_follow():
    # 120 s into the call, 50 s into this phase (it started at 70 s): the call's prompt at 100 s appeared
    # 30 s into the phase, before a phase prompt at 40 s and after one at 10 s
    early, late = Prompt(10, "tôt"), Prompt(40, "tard")
    call = Prompt(100, "appel", clock="call")
    assert [p.text for p in visible_prompts(Phase("x", "X", "", (late, call)), 50, 120)] == ["appel", "tard"]
    assert [p.text for p in visible_prompts(Phase("x", "X", "", (call, early)), 50, 120)] == ["tôt", "appel"]


def test_the_guard_refuses_another_countrys_calendar_and_says_which():
    with pytest.raises(ValueError) as err:
        guard_warnings(dt.datetime(2026, 11, 23, 9, 30, tzinfo=UTC), regime_for("BE", "b2c", "FR"), CAPS, FR,
                       calls_30d=0, debtor_calls_30d=0)
    assert str(err.value) == "calendrier FR pour un débiteur BE"


def test_a_callback_is_labelled_as_agreed():
    step = next_step("callback", today=MONDAY, calendar=FR, callback_at=at(dt.date(2026, 11, 24), 16))
    assert step == NextStep("callback", "2026-11-24T15:00:00Z", "Rappel convenu")
