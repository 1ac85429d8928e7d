"""Deadlines as directives and offices write them: a table written by hand from the seed documents
and from how offices word deadlines, each with the answer a careful reader would give."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.dates import UnreadableDateError, next_due, parse_due
from domain.workdays import WorkCalendar

SIGNED = dt.date(2023, 9, 15)  # a Friday: the directive's date, as the parser reads it
D = dt.date

DIRECTIVE_PHRASES: list[tuple[str, dt.date, str | None]] = [
    # a word before the date
    ("30/9/2023", D(2023, 9, 30), None),
    ("ngày 30/9/2023", D(2023, 9, 30), None),
    ("trước ngày 30/9/2023", D(2023, 9, 30), None),
    ("chậm nhất ngày 15/10", D(2023, 10, 15), None),
    ("chậm nhất là ngày 15/10/2023", D(2023, 10, 15), None),
    ("hạn 20/10", D(2023, 10, 20), None),
    ("hạn chót 20/10/2023", D(2023, 10, 20), None),
    ("hạn: 20/10/2023", D(2023, 10, 20), None),
    ("đến ngày 31/12/2023", D(2023, 12, 31), None),
    ("đến hết ngày 30/9/2023", D(2023, 9, 30), None),
    ("dự kiến ngày 25/9/2023", D(2023, 9, 25), None),
    ("dự kiến 25/9/2023", D(2023, 9, 25), None),
    ("hoàn thành trước ngày 31/10/2023", D(2023, 10, 31), None),
    ("báo cáo trước ngày 25/9", D(2023, 9, 25), None),
    ("xong trước 30/11/2023", D(2023, 11, 30), None),
    ("chậm nhất trước ngày 20/10", D(2023, 10, 20), None),
    ("trước ngày 30 tháng 9", D(2023, 9, 30), None),
    ("trước ngày 15 tháng 10 năm 2023", D(2023, 10, 15), None),
    ("ngày 30 tháng 9 năm 2023", D(2023, 9, 30), None),
    ("ngày 5/10", D(2023, 10, 5), None),
    ("30-9-2023", D(2023, 9, 30), None),
    ("30.9.2023", D(2023, 9, 30), None),
    # a time of day
    ("trước 17h ngày 20/9", D(2023, 9, 20), None),
    ("trước 17 giờ 00 ngày 20/9/2023", D(2023, 9, 20), None),
    ("trước 17h00 ngày 20/9/2023", D(2023, 9, 20), None),
    ("Trước 17h00, ngày 20/9/2023", D(2023, 9, 20), None),
    ("8 giờ 30 phút ngày 25/9/2023", D(2023, 9, 25), None),
    ("sáng ngày 25/9/2023", D(2023, 9, 25), None),
    # quarters and halves
    ("quý I/2024", D(2024, 3, 31), None),
    ("quý I năm 2024", D(2024, 3, 31), None),
    ("quý II năm 2024", D(2024, 6, 30), None),
    ("trong quý IV/2023", D(2023, 12, 31), None),
    ("quý 4/2023", D(2023, 12, 31), None),
    ("trong quý III", D(2023, 9, 30), None),
    ("cuối quý III/2023", D(2023, 9, 30), None),
    ("hết quý 4", D(2023, 12, 31), None),
    ("6 tháng đầu năm", D(2023, 6, 30), None),
    ("6 tháng đầu năm 2024", D(2024, 6, 30), None),
    ("trong 6 tháng đầu năm 2024", D(2024, 6, 30), None),
    ("6 tháng cuối năm 2024", D(2024, 12, 31), None),
    # years
    ("trong năm 2024", D(2024, 12, 31), None),
    ("năm 2024", D(2024, 12, 31), None),
    ("đến cuối năm 2023", D(2023, 12, 31), None),
    ("hết năm 2023", D(2023, 12, 31), None),
    ("đến hết năm 2024", D(2024, 12, 31), None),
    ("cuối năm", D(2023, 12, 31), None),
    ("trong năm", D(2023, 12, 31), None),
    # months and spans
    ("hết tháng 9", D(2023, 9, 30), None),
    ("hết tháng 12/2023", D(2023, 12, 31), None),
    ("giữa tháng 10", D(2023, 10, 15), None),
    ("giữa tháng 10/2023", D(2023, 10, 15), None),
    ("đầu tháng 10", D(2023, 10, 10), None),
    ("đầu tháng 1/2024", D(2024, 1, 10), None),
    ("trong tháng 9/2023", D(2023, 9, 30), None),
    ("cuối tháng 10", D(2023, 10, 31), None),
    ("trong tháng", D(2023, 9, 30), None),
    ("trong quý", D(2023, 9, 30), None),
    ("trong 10 ngày làm việc", D(2023, 9, 29), None),
    ("trong 5 ngày làm việc", D(2023, 9, 22), None),
    ("trong vòng 15 ngày kể từ ngày ký", D(2023, 9, 30), None),
    ("trong thời hạn 7 ngày kể từ ngày nhận", D(2023, 9, 22), None),
    ("trong 30 ngày", D(2023, 10, 15), None),
    ("sau 10 ngày", D(2023, 9, 25), None),
    ("ngày mai", D(2023, 9, 16), None),
    ("tuần sau", D(2023, 9, 22), None),
    ("thứ sáu tuần sau", D(2023, 9, 22), None),
    ("thứ Hai tuần sau", D(2023, 9, 18), None),
    # recurrences: the next date, and how it repeats
    ("hằng tháng", D(2023, 9, 30), "monthly"),
    ("mỗi tháng", D(2023, 9, 30), "monthly"),
    ("định kỳ hằng tháng", D(2023, 9, 30), "monthly"),
    ("ngày 5 hằng tháng", D(2023, 10, 5), "monthly:5"),
    ("trước ngày 25 hằng tháng", D(2023, 9, 25), "monthly:25"),
    ("trước ngày 5 hằng tháng", D(2023, 10, 5), "monthly:5"),
    ("vào ngày 10 hằng tháng", D(2023, 10, 10), "monthly:10"),
    ("hằng tuần", D(2023, 9, 15), "weekly"),
    ("chiều thứ Hai hàng tuần", D(2023, 9, 18), "weekly:0"),
    ("sáng thứ Hai hằng tuần", D(2023, 9, 18), "weekly:0"),
    ("thứ Sáu hằng tuần", D(2023, 9, 15), "weekly:4"),
    ("hằng quý", D(2023, 9, 30), "quarterly"),
    ("hàng quý", D(2023, 9, 30), "quarterly"),
    ("định kỳ hằng quý", D(2023, 9, 30), "quarterly"),
    ("hằng năm", D(2023, 12, 31), "yearly"),
]


@pytest.mark.parametrize(("phrase", "expected", "recurrence"), DIRECTIVE_PHRASES)
def test_phrases_relative_to_the_directive(phrase: str, expected: dt.date, recurrence: str | None) -> None:
    due = parse_due(phrase, today=SIGNED, allow_past=True)
    assert (due.on, due.recurrence) == (expected, recurrence)
    assert due.wording == " ".join(phrase.split())  # the original words are always kept


def test_the_table_is_large_enough() -> None:
    assert len(DIRECTIVE_PHRASES) >= 80


@pytest.mark.parametrize(
    "phrase",
    [
        "sớm",
        "kịp thời",
        "thường xuyên",
        "khi có chỉ đạo",
        "theo kế hoạch",
        "định kỳ 6 tháng",
        "ngay sau hội nghị",
    ],
)
def test_what_is_not_a_date_is_never_guessed(phrase: str) -> None:
    with pytest.raises(UnreadableDateError, match="Không hiểu ngày"):
        parse_due(phrase, today=SIGNED, allow_past=True)


def test_in_a_chat_the_phrases_count_from_today_and_the_past_is_refused() -> None:
    monday = dt.date(2026, 11, 23)
    assert parse_due("chậm nhất ngày 15/12", today=monday).on == D(2026, 12, 15)
    assert parse_due("quý I/2027", today=monday).on == D(2027, 3, 31)
    assert parse_due("trong 10 ngày làm việc", today=monday).on == D(2026, 12, 7)
    with pytest.raises(Exception, match="đã qua"):
        parse_due("quý I/2026", today=monday)


def test_working_days_follow_the_calendar() -> None:
    """From Wednesday 29/04/2026: 30/4 and 1/5 are holidays, then a weekend."""
    calendar = WorkCalendar()
    due = parse_due("trong 3 ngày làm việc", today=D(2026, 4, 29), is_working_day=calendar.is_working_day)
    assert due.on == D(2026, 5, 6)


def test_a_day_of_the_month_repeats_on_that_day() -> None:
    assert next_due(D(2023, 10, 5), "monthly:5") == D(2023, 11, 5)
    assert next_due(D(2023, 9, 18), "weekly:0") == D(2023, 9, 25)
