"""Working days in Vietnam: weekends and public holidays (Tết included) are not working days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("VN", years=[year], language="vi").items())


class WorkCalendar:
    """Vietnam's public holidays from the `holidays` package, plus days off the office adds
    (the government announces bridge days each year) and working Saturdays it swaps in."""

    def __init__(self, extra_days_off: Iterable[dt.date] = (), extra_working_days: Iterable[dt.date] = ()):
        self.extra_off = frozenset(extra_days_off)
        self.extra_working = frozenset(extra_working_days)

    def holiday_name(self, day: dt.date) -> str | None:
        if day in self.extra_off:
            return "Ngày nghỉ bù"
        return _holidays(day.year).get(day)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.extra_working:
            return True
        return day.weekday() < 5 and self.holiday_name(day) is None

    def on_or_before(self, day: dt.date) -> dt.date:
        """The day itself if it is a working day, else the working day before."""
        while not self.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day

    def on_or_after(self, day: dt.date) -> dt.date:
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def shift(self, day: dt.date, working_days: int) -> dt.date:
        """`working_days` working days after (or, negative, before) `day`."""
        step = dt.timedelta(days=1 if working_days > 0 else -1)
        remaining = abs(working_days)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count
