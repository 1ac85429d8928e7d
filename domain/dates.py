"""Vietnamese dates as officials type them, and as the bot writes them (dd/mm/yyyy)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from domain.date_phrases import base_recurrence, read_period, strip_preamble
from domain.vntext import accent_free_key

WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
_WEEKDAYS = {
    "thu hai": 0,
    "thu 2": 0,
    "t2": 0,
    "thu ba": 1,
    "thu 3": 1,
    "t3": 1,
    "thu tu": 2,
    "thu 4": 2,
    "t4": 2,
    "thu nam": 3,
    "thu 5": 3,
    "t5": 3,
    "thu sau": 4,
    "thu 6": 4,
    "t6": 4,
    "thu bay": 5,
    "thu 7": 5,
    "t7": 5,
    "chu nhat": 6,
    "cn": 6,
}
_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{2,4}))?$")
_WORDS = re.compile(r"^(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+(?:nam\s+)?(\d{4}))?$")
_MONTH = re.compile(r"^(?:cuoi\s+|trong\s+)?thang\s+(\d{1,2})(?:\s*[/.\-]\s*|\s+nam\s+|\s+)?(\d{4})?$")
_IN_DAYS = re.compile(r"^(?:sau\s+)?(\d{1,3})\s+ngay(?:\s+nua)?$")


class DateError(ValueError):
    """A date that cannot be a deadline; the message is Vietnamese, for the user."""


class UnreadableDateError(DateError):
    """Words that are no date this grammar knows (as opposed to a date that cannot be)."""


@dataclass(frozen=True, slots=True)
class Due:
    """A parsed deadline and the words it was given in ("trong tháng 9/2023")."""

    on: dt.date
    wording: str
    recurrence: str | None = None  # "monthly", "monthly:5", "weekly:0", ... when the phrase repeats


def fmt(day: dt.date) -> str:
    """dd/mm/yyyy, as every Vietnamese document writes dates."""
    return f"{day:%d/%m/%Y}"


def fmt_with_weekday(day: dt.date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]}, {fmt(day)}"


def end_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _make(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateError(f"Ngày {day:02d}/{month:02d}/{year} không tồn tại.") from None


def _year(raw: str | None, today: dt.date) -> int | None:
    if raw is None:
        return None
    year = int(raw)
    return year + 2000 if year < 100 else year


def parse_due(
    text: str,
    *,
    today: dt.date,
    allow_past: bool = False,
    is_working_day: Callable[[dt.date], bool] | None = None,
) -> Due:
    """A deadline from '30/9', '30/09/2024', '30-9-2024', 'ngày 30 tháng 9', 'cuối tháng',
    'trong tháng 9/2023', 'thứ sáu tuần sau', 'tuần sau', 'ngày mai', 'sau 10 ngày'.

    and as directives write them (domain.date_phrases): 'chậm nhất ngày 15/10', 'trước 17h ngày
    20/9', 'quý IV/2023', '6 tháng đầu năm', 'hết tháng 9', 'trong 10 ngày làm việc', 'ngày 5 hằng
    tháng' (a recurrence: its next date, and `recurrence` set).

    A date without a year is this year's, or next year's when it fell more than six months ago
    (in December, '15/1' is next January). Raises DateError for impossible and past dates, and
    UnreadableDateError for words it cannot read: nothing is guessed.
    """
    wording = " ".join(text.split())
    key = accent_free_key(text)
    if not key:
        raise DateError("Chưa nhập ngày.")
    day, recurrence = _read(key, wording, today, is_working_day)
    if day < today and not allow_past:
        raise DateError(f"Ngày {fmt(day)} đã qua (hôm nay là {fmt(today)}). Vui lòng nhập một ngày sắp tới.")
    return Due(day, wording, recurrence)


def _read(
    key: str, wording: str, today: dt.date, is_working_day: Callable[[dt.date], bool] | None
) -> tuple[dt.date, str | None]:
    """The plain forms first, then periods and recurrences, then both again without the preamble."""
    for candidate, words in ((key, wording), (strip_preamble(key), None)):
        try:
            return _parse(candidate, words or candidate, today), None
        except UnreadableDateError:
            pass
        period = read_period(candidate, today=today, is_working_day=is_working_day)
        if period is not None:
            return period.on, period.recurrence
    raise UnreadableDateError(
        f"Không hiểu ngày «{wording}». Có thể gõ: 30/9, 30/09/2026, ngày 30 tháng 9, cuối tháng, "
        "thứ sáu tuần sau, tuần sau."
    )


_NEXT_MONTH = ("thang sau", "cuoi thang sau", "trong thang sau", "thang toi", "cuoi thang toi")


def _parse(key: str, wording: str, today: dt.date) -> dt.date:
    numeric = _NUMERIC.match(wording.replace(" ", "")) or _NUMERIC.match(key.replace(" ", "/"))
    words = _WORDS.match(key)
    if numeric or words:
        match = numeric or words
        assert match is not None
        day, month = int(match.group(1)), int(match.group(2))
        year = _year(match.group(3), today)
        if not 1 <= month <= 12:
            raise DateError(f"Tháng {month} không hợp lệ.")
        if year is None:  # this year's, or next year's when it fell more than six months ago
            year = today.year
            if not 1 <= day <= 31:
                raise DateError(f"Ngày {day:02d}/{month:02d} không tồn tại.")
            near = dt.date(year, month, 1) + dt.timedelta(days=day - 1)  # 31/2 stands for 3/3
            if (today - near).days > 183:
                year += 1
            if day == 29 and month == 2 and not calendar.isleap(year):
                raise DateError(f"Năm {year} không có ngày 29/02; gõ 28/02 hoặc 01/03.")
            try:
                return _make(year, month, day)
            except DateError:  # 31/2 exists in no year: the message names none
                raise DateError(f"Ngày {day:02d}/{month:02d} không tồn tại.") from None
        return _make(year, month, day)
    month_match = _MONTH.match(key)
    if month_match:
        month = int(month_match.group(1))
        if not 1 <= month <= 12:
            raise DateError(f"Tháng {month} không hợp lệ.")
        year = _year(month_match.group(2), today) or (
            today.year if month >= today.month - 6 else today.year + 1
        )
        return end_of_month(year, month)
    if key in ("cuoi thang", "trong thang", "trong thang nay", "cuoi thang nay"):
        return end_of_month(today.year, today.month)
    if key in _NEXT_MONTH:  # the end of next month, as "tuần sau" is the Friday of next week
        return end_of_month(today.year + today.month // 12, today.month % 12 + 1)
    if key in ("cuoi nam", "trong nam", "cuoi nam nay"):
        return dt.date(today.year, 12, 31)
    if key in ("nam sau", "cuoi nam sau", "trong nam sau", "nam toi", "cuoi nam toi"):
        return dt.date(today.year + 1, 12, 31)
    if key in ("cuoi quy", "trong quy", "cuoi quy nay"):
        quarter_end = ((today.month - 1) // 3 + 1) * 3
        return end_of_month(today.year, quarter_end)
    if key in ("quy sau", "cuoi quy sau", "trong quy sau", "quy toi", "cuoi quy toi"):
        quarter_end = ((today.month - 1) // 3 + 2) * 3
        return end_of_month(today.year + (quarter_end > 12), (quarter_end - 1) % 12 + 1)
    if key in ("hom nay", "trong ngay"):
        return today
    if key in ("ngay mai", "mai"):
        return today + dt.timedelta(days=1)
    in_days = _IN_DAYS.match(key)
    if in_days:
        return today + dt.timedelta(days=int(in_days.group(1)))
    if key in ("tuan sau", "cuoi tuan sau", "trong tuan sau"):
        return _weekday(today, 4, next_week=True)  # the Friday of next week
    if key in ("tuan nay", "cuoi tuan", "cuoi tuan nay", "trong tuan"):
        return _weekday(today, 4, next_week=False)
    for suffix, next_week in ((" tuan sau", True), (" tuan toi", True), (" tuan nay", False), ("", None)):
        name = key.removesuffix(suffix) if suffix else key
        if (suffix and not key.endswith(suffix)) or name not in _WEEKDAYS:
            continue
        return _weekday(today, _WEEKDAYS[name], next_week=next_week)
    raise UnreadableDateError(wording)


def _weekday(today: dt.date, weekday: int, *, next_week: bool | None) -> dt.date:
    monday = today - dt.timedelta(days=today.weekday())
    if next_week is None:  # "thứ sáu": the coming one
        ahead = (weekday - today.weekday()) % 7
        return today + dt.timedelta(days=ahead)
    start = monday + dt.timedelta(weeks=1 if next_week else 0)
    return start + dt.timedelta(days=weekday)


RECURRENCES = {"weekly": "hằng tuần", "monthly": "hằng tháng", "quarterly": "hằng quý", "yearly": "hằng năm"}
_RECURRENCE_WORDS = {
    "hang tuan": "weekly",
    "moi tuan": "weekly",
    "weekly": "weekly",
    "hang thang": "monthly",
    "moi thang": "monthly",
    "monthly": "monthly",
    "hang quy": "quarterly",
    "moi quy": "quarterly",
    "quarterly": "quarterly",
    "hang nam": "yearly",
    "moi nam": "yearly",
    "yearly": "yearly",
}


def parse_recurrence(text: str) -> str | None:
    """'hằng tháng', 'hàng tháng', 'mỗi tháng' → 'monthly'; unknown → None."""
    return _RECURRENCE_WORDS.get(accent_free_key(text))


def next_due(due: dt.date, recurrence: str) -> dt.date:
    """The next deadline of a recurring task: the same day of the next period, the end of the
    month staying the end of the month (31/01 → 28/02 → 31/03)."""
    recurrence = base_recurrence(recurrence)
    if recurrence == "weekly":
        return due + dt.timedelta(weeks=1)
    months = {"monthly": 1, "quarterly": 3, "yearly": 12}[recurrence]
    month_index = due.month - 1 + months
    year, month = due.year + month_index // 12, month_index % 12 + 1
    if due == end_of_month(due.year, due.month):
        return end_of_month(year, month)
    return dt.date(year, month, min(due.day, end_of_month(year, month).day))
