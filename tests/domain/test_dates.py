import datetime as dt

import pytest

from relance_tui.domain.dates import (
    Bucket,
    bucket_for,
    days_late,
    half_year_start,
    next_business_day,
    next_half_year_start,
    parse_date,
    parse_user_date,
    parse_user_time,
)

D = dt.date


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(-30, Bucket.NOT_DUE), (0, Bucket.NOT_DUE), (1, Bucket.D1_30), (30, Bucket.D1_30), (31, Bucket.D31_60),
     (60, Bucket.D31_60), (61, Bucket.D61_90), (90, Bucket.D61_90), (91, Bucket.OVER_90), (5000, Bucket.OVER_90)],
)
def test_bucket_boundaries(days, bucket):
    assert bucket_for(days) is bucket


def test_days_late():
    assert days_late(D(2026, 1, 31), D(2026, 3, 1)) == 29
    assert days_late(D(2026, 3, 1), D(2026, 3, 1)) == 0
    assert days_late(D(2026, 3, 10), D(2026, 3, 1)) == -9


def test_half_years():
    assert half_year_start(D(2026, 6, 30)) == D(2026, 1, 1)
    assert half_year_start(D(2026, 7, 1)) == D(2026, 7, 1)
    assert next_half_year_start(D(2026, 2, 3)) == D(2026, 7, 1)
    assert next_half_year_start(D(2026, 12, 31)) == D(2027, 1, 1)


def test_next_business_day_skips_weekends_and_holidays():
    friday = D(2026, 11, 20)
    assert next_business_day(friday) == D(2026, 11, 23)
    # Christmas 2026 is a Friday: Thursday 24 -> Monday 28
    assert next_business_day(D(2026, 12, 24), {D(2026, 12, 25)}) == D(2026, 12, 28)


def test_next_business_day_skips_a_public_holiday_in_the_week():
    # Armistice, Wednesday 11/11/2026: Tuesday 10 -> Thursday 12; the day before a holiday is not skipped
    armistice = {D(2026, 11, 11)}
    assert next_business_day(D(2026, 11, 10), armistice) == D(2026, 11, 12)
    assert next_business_day(D(2026, 11, 9), armistice) == D(2026, 11, 10)


def test_next_business_day_is_strictly_after_even_when_the_day_is_worked():
    assert next_business_day(D(2026, 11, 23)) == D(2026, 11, 24)  # Monday -> Tuesday


def test_next_business_day_follows_the_weekend_it_is_given():
    friday_saturday = lambda d: d.weekday() in (4, 5)  # noqa: E731
    assert next_business_day(D(2026, 11, 19), is_weekend=friday_saturday) == D(2026, 11, 22)  # Thu -> Sun


MONDAY = D(2026, 11, 23)


@pytest.mark.parametrize(("text", "expected"), [
    ("aujourd'hui", MONDAY), ("auj", MONDAY), ("aujourdhui", MONDAY), (" Demain ", D(2026, 11, 24)),
    ("hier", D(2026, 11, 22)), ("Aujourd\u2019hui", MONDAY),
    ("+0", MONDAY), ("+1", D(2026, 11, 24)),
    ("23/11", MONDAY), ("22/11", D(2027, 11, 22)),  # day and month: today, else the next such day
    ("12/12/99", D(2099, 12, 12)), ("1/2/2027", D(2027, 2, 1)), ("12/12/2026 ", D(2026, 12, 12)),
])
def test_a_typed_date_in_each_form_an_agent_uses(text, expected):
    assert parse_user_date(text, MONDAY) == expected


@pytest.mark.parametrize("text", ["2026-02-30", "+x", "+", "12/12/26/1", "31/11", "lundi"])
def test_an_unreadable_date_names_the_forms_it_accepts(text):
    with pytest.raises(ValueError) as err:
        parse_user_date(text, MONDAY)
    assert str(err.value) == f"date « {text} » non reconnue (JJ/MM/AAAA, JJ/MM, aujourd'hui, hier, demain ou +N jours)"


def test_a_missing_date_says_so():
    with pytest.raises(ValueError, match="^date manquante$"):
        parse_user_date("   ", MONDAY)


@pytest.mark.parametrize(("text", "expected"), [
    ("16:00", dt.time(16)), ("16h", dt.time(16)), ("16h30", dt.time(16, 30)), (" 9H05 ", dt.time(9, 5)),
])
def test_a_typed_time(text, expected):
    assert parse_user_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "16", "16:60", "", "quatre heures"])
def test_an_unreadable_time_shows_an_example(text):
    with pytest.raises(ValueError) as err:
        parse_user_time(text)
    assert str(err.value) == f"heure « {text.strip()} » non reconnue (ex. 16:00 ou 16h30)"


def test_parse_date_reads_the_storage_format_and_keeps_a_date():
    assert parse_date("2026-11-23") == MONDAY
    assert parse_date(MONDAY) is MONDAY
