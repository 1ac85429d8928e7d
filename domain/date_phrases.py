"""Deadline phrases as directives write them: words before a date, times of day, quarters, halves,
years, spans and recurrences ("chậm nhất ngày 15/10", "trước 17h ngày 20/9", "quý IV/2023",
"6 tháng đầu năm", "hết tháng 9", "trong 10 ngày làm việc", "ngày 5 hằng tháng").

Works on accent-free keys (domain.vntext.accent_free_key). `strip_preamble` reduces a phrase to
the date it names, for the plain forms of domain.dates; `read_period` answers the forms that name a
period or a recurrence. Both leave what they cannot read alone: nothing is guessed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

_WEEKDAY_WORDS = {
    "thu hai": 0,
    "thu 2": 0,
    "thu ba": 1,
    "thu 3": 1,
    "thu tu": 2,
    "thu 4": 2,
    "thu nam": 3,
    "thu 5": 3,
    "thu sau": 4,
    "thu 6": 4,
    "thu bay": 5,
    "thu 7": 5,
    "chu nhat": 6,
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# Words that only introduce the date: "trước ngày 30/9", "chậm nhất là ngày 15/10", "hạn 20/10".
_PREAMBLE = re.compile(
    r"^(?:(?:xong|hoan thanh|bao cao|thuc hien|nop)\s+)?"
    r"(?:truoc|cham nhat(?:\s+la)?|han(?:\s+chot)?(?:\s+la)?|den|het|du kien|toi|vao|trong"
    r"|sang|chieu|trua)\s+"
)
# A time of day before or after the date: "17h", "17 giờ 00", "17h30", "sáng", "chiều".
_TIME = re.compile(r"\b(?:(?:sang|chieu|toi|trua)\s+)?\d{1,2}\s*(?:h|gio)(?:\s*\d{1,2})?(?:\s*phut)?\b")
_DAY_WORD = re.compile(r"^(?:ngay|hom)\s+(?=\d)")
_YEAR = r"(?:\s*[/.\-]\s*|\s+nam\s+|\s+)?(\d{4})?"
_QUARTER = re.compile(rf"^(?:trong\s+|cuoi\s+|het\s+|den\s+het\s+)?quy\s+(iv|i{{1,3}}|[1-4]){_YEAR}$")
_HALF = re.compile(r"^(?:trong\s+)?6\s+thang\s+(dau|cuoi)\s+nam(?:\s+(\d{4}))?$")
_WHOLE_YEAR = re.compile(r"^(?:trong\s+|den\s+cuoi\s+|cuoi\s+|het\s+|den\s+het\s+)?nam\s+(\d{4})$")
_MONTH_PART = re.compile(rf"^(het|den het|den cuoi|giua|dau)\s+thang\s+(\d{{1,2}}){_YEAR}$")
_WORK_DAYS = re.compile(
    r"^(?:trong\s+(?:vong\s+|thoi\s+han\s+)?)?(\d{1,3})\s+ngay\s+lam\s+viec(?:\s+ke\s+tu\b.*)?$"
)
_DAYS_FROM = re.compile(r"^(?:trong\s+(?:vong\s+|thoi\s+han\s+)?)(\d{1,3})\s+ngay(?:\s+ke\s+tu\b.*)?$")
_MONTHLY_DAY = re.compile(r"^(?:truoc\s+|vao\s+)?(?:ngay\s+)?(\d{1,2})\s+(?:hang|moi)\s+thang$")
_WEEKLY_DAY = re.compile(r"^(?:(?:sang|chieu|toi)\s+)?(thu \w+|chu nhat)\s+(?:hang|moi)\s+tuan$")
_EVERY = {
    "hang tuan": "weekly",
    "moi tuan": "weekly",
    "hang thang": "monthly",
    "moi thang": "monthly",
    "dinh ky hang thang": "monthly",
    "hang quy": "quarterly",
    "moi quy": "quarterly",
    "dinh ky hang quy": "quarterly",
    "hang nam": "yearly",
    "moi nam": "yearly",
    "dinh ky hang nam": "yearly",
}


@dataclass(frozen=True, slots=True)
class Period:
    """The deadline a period phrase names (its last day), and the recurrence when it repeats."""

    on: dt.date
    recurrence: str | None = None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def strip_preamble(key: str) -> str:
    """'chậm nhất là ngày 15/10' → '15/10'; 'trước 17h ngày 20/9/2023' → '20/9/2023'."""
    key = " ".join(_TIME.sub(" ", key).split())
    for _ in range(3):  # "hoàn thành trước ngày …": a few stacked words at most
        stripped = _PREAMBLE.sub("", key)
        if stripped == key:
            break
        key = stripped
    return _DAY_WORD.sub("", key)


def read_period(
    key: str, *, today: dt.date, is_working_day: Callable[[dt.date], bool] | None = None
) -> Period | None:
    """A period, span or recurrence phrase (accent-free key), or None when it is none of them."""
    key = " ".join(_TIME.sub(" ", key).split())
    for reader in (_quarter, _half, _whole_year, _month_part, _recurrence):
        found = reader(key, today)
        if found is not None:
            return found
    return _span(key, today, is_working_day or (lambda day: day.weekday() < 5))


def _quarter(key: str, today: dt.date) -> Period | None:
    match = _QUARTER.match(key)
    if match is None:
        return None
    quarter = _ROMAN.get(match.group(1)) or int(match.group(1))
    return Period(_month_end(int(match.group(2) or today.year), quarter * 3))


def _half(key: str, today: dt.date) -> Period | None:
    match = _HALF.match(key)
    if match is None:
        return None
    year = int(match.group(2) or today.year)
    return Period(dt.date(year, 6, 30) if match.group(1) == "dau" else dt.date(year, 12, 31))


def _whole_year(key: str, today: dt.date) -> Period | None:
    match = _WHOLE_YEAR.match(key)
    return Period(dt.date(int(match.group(1)), 12, 31)) if match else None


def _month_part(key: str, today: dt.date) -> Period | None:
    match = _MONTH_PART.match(key)
    if match is None:
        return None
    month = int(match.group(2))
    if not 1 <= month <= 12:
        return None
    year = int(match.group(3)) if match.group(3) else today.year + (month < today.month - 6)
    part = match.group(1)
    if part == "giua":
        return Period(dt.date(year, month, 15))
    if part == "dau":
        return Period(dt.date(year, month, 10))
    return Period(_month_end(year, month))


def _recurrence(key: str, today: dt.date) -> Period | None:
    key = key.removeprefix("dinh ky ").removeprefix("thuc hien ") if key not in _EVERY else key
    if key in _EVERY:
        kind = _EVERY[key]
        first = {
            "weekly": today + dt.timedelta(days=(4 - today.weekday()) % 7),
            "monthly": _month_end(today.year, today.month),
            "quarterly": _month_end(today.year, ((today.month - 1) // 3 + 1) * 3),
            "yearly": dt.date(today.year, 12, 31),
        }[kind]
        return Period(first, kind)
    monthly = _MONTHLY_DAY.match(key)
    if monthly:
        day = int(monthly.group(1))
        if not 1 <= day <= 31:
            return None
        on = dt.date(today.year, today.month, min(day, _month_end(today.year, today.month).day))
        if on < today:
            following = _month_end(today.year + today.month // 12, today.month % 12 + 1)
            on = following.replace(day=min(day, following.day))
        return Period(on, f"monthly:{day}")
    weekly = _WEEKLY_DAY.match(key)
    if weekly and weekly.group(1) in _WEEKDAY_WORDS:
        weekday = _WEEKDAY_WORDS[weekly.group(1)]
        return Period(today + dt.timedelta(days=(weekday - today.weekday()) % 7), f"weekly:{weekday}")
    return None


def _span(key: str, today: dt.date, is_working_day: Callable[[dt.date], bool]) -> Period | None:
    work = _WORK_DAYS.match(key)
    if work:
        left, day = int(work.group(1)), today
        while left > 0:
            day += dt.timedelta(days=1)
            left -= is_working_day(day)
        return Period(day)
    days = _DAYS_FROM.match(key)
    return Period(today + dt.timedelta(days=int(days.group(1)))) if days else None


def base_recurrence(recurrence: str) -> str:
    """'monthly:5' → 'monthly', 'weekly:0' → 'weekly': the period a recurrence repeats over."""
    return recurrence.split(":", 1)[0]
