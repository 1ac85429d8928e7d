"""Working days in Vietnam: weekends and public holidays (Tết included) are not working days,
except the Saturdays the government swaps into working days.

The public surface: `WorkCalendar.is_working_day(day)`, `WorkCalendar.working_days_between(start,
end)` (the one count of working days everywhere: reminders, overdue age, the pace still needed)
and `WorkCalendar.days_overdue(due_on, today)`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from functools import lru_cache

import holidays

DAY = dt.timedelta(days=1)


@lru_cache(maxsize=64)
def _holidays(year: int) -> dict[dt.date, str]:
    """Vietnam's days off of one year by name, swapped-off weekdays included ("Ngày nghỉ (thay
    cho ngày 26/04/2025)")."""
    return dict(holidays.country_holidays("VN", years=[year], language="vi").items())


@lru_cache(maxsize=64)
def _swapped_saturdays(year: int) -> frozenset[dt.date]:
    """Weekend days of `year` that the government made working days in exchange for a weekday
    off. A swap may cross the new year (31/12/2018 off for Saturday 05/01/2019), so the years on
    either side are read too; the package's set is shared between instances, hence the filter."""
    found = holidays.country_holidays("VN", years=[year - 1, year, year + 1]).weekend_workdays
    return frozenset(day for day in found if day.year == year)


@lru_cache(maxsize=256)
def _year_prefix(year: int, off: frozenset[dt.date], working: frozenset[dt.date]) -> tuple[int, ...]:
    """prefix[i]: working days among the first i days of the year (prefix[0] = 0)."""
    calendar = WorkCalendar(off, working)
    first, days = dt.date(year, 1, 1), (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    return tuple(
        itertools.accumulate((calendar.is_working_day(first + i * DAY) for i in range(days)), initial=0)
    )


class WorkCalendar:
    """Vietnam's public holidays and swapped Saturdays from the `holidays` package, plus the office's
    own corrections: `extra_days_off` (DAYS_OFF) and `extra_working_days` (WORKING_DAYS) win over
    the package, so a province can follow a decision the package does not know yet."""

    def __init__(self, extra_days_off: Iterable[dt.date] = (), extra_working_days: Iterable[dt.date] = ()):
        self.extra_off = frozenset(extra_days_off)
        self.extra_working = frozenset(extra_working_days)
        self._prefixes: dict[int, tuple[int, ...]] = {}

    def holiday_name(self, day: dt.date) -> str | None:
        """The name of the day off, or None on a working day or a plain weekend."""
        if day in self.extra_working:
            return None
        name = _holidays(day.year).get(day)
        if name is None and day in self.extra_off:
            return "Ngày nghỉ bù"
        return name

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.extra_working:
            return True
        if day in self.extra_off:
            return False
        if day.weekday() >= 5:
            return day in _swapped_saturdays(day.year)
        return day not in _holidays(day.year)

    def on_or_before(self, day: dt.date) -> dt.date:
        """The day itself if it is a working day, else the working day before."""
        while not self.is_working_day(day):
            day -= DAY
        return day

    def on_or_after(self, day: dt.date) -> dt.date:
        while not self.is_working_day(day):
            day += DAY
        return day

    def shift(self, day: dt.date, working_days: int) -> dt.date:
        """`working_days` working days after (or, negative, before) `day`."""
        step = DAY if working_days > 0 else -DAY
        remaining = abs(working_days)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start).

        Counted from per-year prefix sums, so a report over thousands of tasks stays cheap."""
        if end <= start:
            return 0
        if start.year == end.year:
            return self._prefix(end.year)[_ordinal(end)] - self._prefix(start.year)[_ordinal(start)]
        first = self._prefix(start.year)
        total = first[-1] - first[_ordinal(start)]
        total += sum(self._prefix(year)[-1] for year in range(start.year + 1, end.year))
        return total + self._prefix(end.year)[_ordinal(end)]

    def days_overdue(self, due_on: dt.date, today: dt.date) -> int:
        """The overdue age in working days: due Friday, today Monday → 1 ("quá hạn 1 ngày làm
        việc"); 0 on the due date and before it."""
        return self.working_days_between(due_on, today)

    def _prefix(self, year: int) -> tuple[int, ...]:
        found = self._prefixes.get(year)
        if found is None:
            found = self._prefixes[year] = _year_prefix(
                year,
                frozenset(d for d in self.extra_off if d.year == year),
                frozenset(d for d in self.extra_working if d.year == year),
            )
        return found


def _ordinal(day: dt.date) -> int:
    """1 for 1 January: the index into a year's prefix sums that counts the day itself."""
    return day.timetuple().tm_yday
