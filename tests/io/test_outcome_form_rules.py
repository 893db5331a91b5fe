"""The callback agreed on a call (io/outcome_form.callback_moment): a field left out is said as missing, not a
crash; the moment must be still to come, not the very minute of now."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from relance_tui.io.outcome_form import callback_moment

TZ = "Europe/Paris"
TODAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone.utc)  # 10:00 in Paris


def refused(fields: dict) -> str:
    with pytest.raises(ValueError) as caught:
        callback_moment(fields, today=TODAY, now=NOW, tz=TZ)
    return str(caught.value)


def test_a_callback_without_its_date_field_says_the_date_is_missing():
    assert refused({"cb_time": "16:00"}) == "Date du rappel : date manquante"


def test_a_callback_without_its_time_field_says_the_empty_time_is_not_understood():
    assert refused({"cb_date": "24/11/2026"}) == "Heure du rappel : heure «  » non reconnue (ex. 16:00 ou 16h30)"


def test_a_callback_at_this_very_moment_has_already_passed():
    assert refused({"cb_date": "aujourd'hui", "cb_time": "10:00"}) == "Date du rappel : ce moment est déjà passé"
    assert callback_moment({"cb_date": "aujourd'hui", "cb_time": "10:01"}, today=TODAY, now=NOW, tz=TZ) == \
        dt.datetime(2026, 11, 23, 10, 1, tzinfo=ZoneInfo(TZ))
