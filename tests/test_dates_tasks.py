"""Pure rules: Vietnamese deadlines, progress, the four-way count, callback data."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.callbacks import Callback, decode
from domain.dates import DateError, parse_due
from domain.statuses import Outcome, TaskStatus
from domain.task_texts import number
from domain.tasks import days_overdue, outcome

MONDAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("30/12", dt.date(2026, 12, 30)),
        ("30/12/2026", dt.date(2026, 12, 30)),
        ("30-12-2026", dt.date(2026, 12, 30)),
        ("30.12.2026", dt.date(2026, 12, 30)),
        ("ngày 30 tháng 12", dt.date(2026, 12, 30)),
        ("ngay 30 thang 12 nam 2026", dt.date(2026, 12, 30)),
        ("cuối tháng", dt.date(2026, 11, 30)),
        ("trong tháng 12/2026", dt.date(2026, 12, 31)),
        ("thứ sáu tuần sau", dt.date(2026, 12, 4)),
        ("thu 6 tuan sau", dt.date(2026, 12, 4)),
        ("tuần sau", dt.date(2026, 12, 4)),
        ("thứ sáu", dt.date(2026, 11, 27)),
        ("ngày mai", dt.date(2026, 11, 24)),
        ("sau 10 ngày", dt.date(2026, 12, 3)),
        ("15/1", dt.date(2027, 1, 15)),  # in late November, mid-January is next year's
        ("cuối năm", dt.date(2026, 12, 31)),
    ],
)
def test_deadlines_as_typed(typed: str, expected: dt.date) -> None:
    due = parse_due(typed, today=MONDAY)
    assert due.on == expected and due.wording == typed


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/2/2027", "Ngày 31/02/2027 không tồn tại."),
        ("30/9", "Ngày 30/09/2026 đã qua (hôm nay là 23/11/2026)."),
        ("30/09/2024", "Ngày 30/09/2024 đã qua"),
        ("13/13", "Tháng 13 không hợp lệ."),
        ("khi nào xong", "Không hiểu ngày «khi nào xong»"),
        ("", "Chưa nhập ngày."),
    ],
)
def test_bad_deadlines_explained_in_vietnamese(typed: str, message: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_due(typed, today=MONDAY)
    assert str(caught.value).startswith(message)


def test_four_way_count_and_overdue_days() -> None:
    due = dt.date(2026, 11, 20)
    assert outcome(due, TaskStatus.DONE, dt.date(2026, 11, 20), MONDAY) == Outcome.DONE_ON_TIME
    assert outcome(due, TaskStatus.DONE, dt.date(2026, 11, 21), MONDAY) == Outcome.DONE_LATE
    assert outcome(due, TaskStatus.IN_PROGRESS, None, MONDAY) == Outcome.OVERDUE
    assert outcome(dt.date(2026, 12, 1), TaskStatus.BLOCKED, None, MONDAY) == Outcome.ON_TRACK
    assert days_overdue(due, TaskStatus.IN_PROGRESS, MONDAY) == 1  # Friday to Monday: 1 working day
    assert days_overdue(due, TaskStatus.DONE, MONDAY) == 0


def test_vietnamese_numbers() -> None:
    assert number(1234) == "1.234" and number(78.5) == "78,5" and number(12.0) == "12"


def test_callback_codec_is_short_and_versioned() -> None:
    data = Callback("t", ("123456", "pct", "99999", "75")).encode()
    assert data == "v1:t:123456:pct:99999:75" and len(data.encode()) <= 64
    assert decode(data) == Callback("t", ("123456", "pct", "99999", "75"))
    assert decode("v0:t:1") is None  # a button from another version is recognised as stale
    with pytest.raises(ValueError, match="over 64 bytes"):
        Callback("t", ("x" * 70,)).encode()


def test_next_month_quarter_and_year_and_impossible_days_without_a_year() -> None:
    """'tháng sau' reads like 'tuần sau' (its last day); a day that exists in no year is refused
    without naming a year the user never typed, and 29/02 names the year it would fall in."""
    today = dt.date(2026, 11, 26)
    assert parse_due("tháng sau", today=today).on == dt.date(2026, 12, 31)
    assert parse_due("cuoi thang sau", today=dt.date(2026, 12, 3)).on == dt.date(2027, 1, 31)
    assert parse_due("quý sau", today=today).on == dt.date(2027, 3, 31)
    assert parse_due("năm sau", today=today).on == dt.date(2027, 12, 31)
    with pytest.raises(DateError, match=r"^Ngày 31/02 không tồn tại\.$"):
        parse_due("31/2", today=today)
    with pytest.raises(DateError, match=r"^Năm 2027 không có ngày 29/02"):  # in November: next February
        parse_due("29/2", today=today)
    assert parse_due("29/2", today=dt.date(2028, 1, 5)).on == dt.date(2028, 2, 29)
