"""Instants (domain/instants.py): stored as UTC ISO 8601 text, shown in the office's time zone."""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest

from relance_tui.domain.instants import format_local, from_iso, local, to_iso

UTC = dt.timezone.utc
PARIS = ZoneInfo("Europe/Paris")


def test_to_iso_writes_utc_with_a_z_whatever_the_zone():
    assert to_iso(dt.datetime(2026, 11, 23, 10, 30, tzinfo=PARIS)) == "2026-11-23T09:30:00Z"
    with pytest.raises(ValueError, match="^instants must carry a time zone$"):
        to_iso(dt.datetime(2026, 11, 23, 10, 30))


@pytest.fixture
def new_york_machine(monkeypatch):
    """A machine whose local zone is not UTC: "UTC" must come from the code, not from the machine."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_from_iso_gives_utc_whatever_the_machines_zone(new_york_machine):
    instant = from_iso("2026-11-23T10:30:00+01:00")
    assert instant == dt.datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    assert instant.utcoffset() == dt.timedelta(0)
    assert from_iso("2026-11-23T09:30:00Z").hour == 9


def test_from_iso_refuses_an_instant_without_a_zone():
    with pytest.raises(ValueError) as err:
        from_iso("2026-11-23T09:30:00")
    assert str(err.value) == "instant without a time zone: '2026-11-23T09:30:00'"


def test_local_reads_text_or_an_instant_in_a_zone_given_by_name_or_object():
    instant = dt.datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert local(instant, "Europe/Paris") == local("2026-07-01T08:00:00Z", PARIS)
    assert local(instant, "Europe/Paris").hour == 10  # summer time
    assert local(instant, "Europe/Paris").tzinfo == PARIS


def test_format_local_shows_day_month_year_hours_and_minutes_by_default():
    assert format_local("2026-11-23T09:30:00Z", "Europe/Paris") == "23/11/2026 10:30"
    assert format_local("2026-11-23T09:30:00Z", PARIS, "%H:%M") == "10:30"


def test_to_iso_gives_utc_whatever_the_machines_zone(new_york_machine):
    assert to_iso(dt.datetime(2026, 11, 23, 10, 30, tzinfo=PARIS)) == "2026-11-23T09:30:00Z"
