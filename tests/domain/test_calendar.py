"""The office's calendar (domain/calendar.py): weekends and the public holidays of its country."""

import datetime as dt

import pytest

from relance_tui.domain.calendar import OfficeCalendar

D = dt.date
FR = OfficeCalendar("FR")
BE = OfficeCalendar("BE")


def test_a_public_holiday_in_the_week_is_not_a_business_day():
    # Armistice, Wednesday 11/11/2026
    assert FR.holiday_name(D(2026, 11, 11)) == "Armistice"
    assert not FR.is_business_day(D(2026, 11, 11))
    assert FR.is_business_day(D(2026, 11, 12))
    assert FR.holiday_name(D(2026, 11, 12)) is None


def test_saturday_and_sunday_are_not_business_days_by_default():
    assert [FR.is_business_day(D(2026, 11, d)) for d in range(20, 24)] == [True, False, False, True]  # Fri..Mon


def test_next_business_day_skips_a_public_holiday():
    assert FR.next_business_day(D(2026, 11, 10)) == D(2026, 11, 12)  # over the Armistice
    # Easter Monday, 06/04/2026: Friday 3 -> Tuesday 7
    assert FR.next_business_day(D(2026, 4, 3)) == D(2026, 4, 7)


def test_next_business_day_is_strictly_after_a_business_day():
    assert FR.next_business_day(D(2026, 11, 23)) == D(2026, 11, 24)


def test_each_country_has_its_own_holidays():
    # 14 July is France's national day, 21 July Belgium's (both Tuesdays in 2026)
    assert FR.next_business_day(D(2026, 7, 13)) == D(2026, 7, 15)
    assert BE.next_business_day(D(2026, 7, 13)) == D(2026, 7, 14)
    assert BE.next_business_day(D(2026, 7, 20)) == D(2026, 7, 22)
    assert FR.next_business_day(D(2026, 7, 20)) == D(2026, 7, 21)


def test_add_business_days_counts_only_business_days():
    assert FR.add_business_days(D(2026, 11, 20), 1) == D(2026, 11, 23)  # Friday -> Monday
    assert FR.add_business_days(D(2026, 11, 20), 3) == D(2026, 11, 25)
    assert FR.add_business_days(D(2026, 11, 6), 5) == D(2026, 11, 16)  # Mon 9, Tue 10, Thu 12, Fri 13, Mon 16


@pytest.mark.parametrize("n", [0, -1])
def test_add_business_days_refuses_less_than_one_day(n):
    with pytest.raises(ValueError, match="^n must be at least 1$"):
        FR.add_business_days(D(2026, 11, 20), n)


def test_a_weekend_of_other_days_can_be_given():
    friday_saturday = OfficeCalendar("FR", weekend=frozenset({5, 6}))  # ISO weekdays: Friday, Saturday
    assert friday_saturday.next_business_day(D(2026, 11, 19)) == D(2026, 11, 22)  # Thursday -> Sunday
    assert friday_saturday.is_business_day(D(2026, 11, 22))


def test_the_country_code_is_read_in_any_case():
    assert OfficeCalendar("be").country == "BE"
    assert OfficeCalendar("be").holiday_name(D(2026, 7, 21)) == "Fête nationale"


def test_an_unknown_country_is_a_clear_error():
    with pytest.raises(ValueError, match="^pays 'XX' inconnu du calendrier des jours fériés$"):
        OfficeCalendar("XX").is_business_day(D(2026, 11, 23))


def test_the_default_calendar_is_frances():
    assert OfficeCalendar().country == "FR"
    assert OfficeCalendar().holiday_name(D(2026, 7, 14)) == "Fête nationale"
