"""Business days and public holidays of the office's country (the ``holidays`` package)."""

from __future__ import annotations

import datetime as dt
from functools import cached_property


COUNTRY_NAMES = {"FR": "France", "BE": "Belgique"}


class OfficeCalendar:
    """Weekends and public holidays of one country (FR, BE, ...), loaded on first use."""

    def __init__(self, country: str = "FR", weekend: frozenset[int] = frozenset({6, 7})) -> None:
        self.country = country.upper()
        self.weekend = weekend  # ISO weekdays

    @cached_property
    def _holidays(self):  # noqa: ANN202 - a holidays.HolidayBase
        import holidays  # on demand: only calls and dates of next actions need it

        try:
            return holidays.country_holidays(self.country, language="fr")
        except NotImplementedError:
            raise ValueError(f"pays {self.country!r} inconnu du calendrier des jours fériés") from None

    @property
    def country_name(self) -> str:
        return COUNTRY_NAMES.get(self.country, self.country)

    def holiday_name(self, day: dt.date) -> str | None:
        return self._holidays.get(day)

    def is_business_day(self, day: dt.date) -> bool:
        return day.isoweekday() not in self.weekend and self.holiday_name(day) is None

    def next_business_day(self, day: dt.date) -> dt.date:
        """The first business day strictly after ``day``."""
        return self.add_business_days(day, 1)

    def add_business_days(self, day: dt.date, n: int) -> dt.date:
        if n < 1:
            raise ValueError("n must be at least 1")
        candidate = day
        while n:
            candidate += dt.timedelta(days=1)
            if self.is_business_day(candidate):
                n -= 1
        return candidate
