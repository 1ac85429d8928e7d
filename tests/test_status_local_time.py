"""/status of a commune dates each latest report in the office's time zone, not in UTC: a report
made at 00:25 on 26/11 in Hanoi (17:25 UTC on 25/11) reads 26/11, the day the header shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from domain.status_texts import Shown, UnitStatus, unit_status

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class _Report:
    task_id: int = 1
    title: str = "Xóa nhà tạm cho hộ nghèo"
    unit: str = "Xã Long Hiệp"
    due_on: dt.date | None = None
    status: str = "in_progress"
    days_overdue: int = 0
    note: str | None = "5/12 căn"
    who: str | None = "Nguyễn Văn Hùng"
    photos: int = 0
    at: dt.datetime | None = dt.datetime(2026, 11, 25, 17, 25, tzinfo=dt.UTC)


def test_a_report_just_after_midnight_is_dated_the_local_day() -> None:
    empty = Shown.every([])
    status = UnitStatus("Xã Long Hiệp", None, empty, empty, empty, empty, Shown.every([_Report()]), [])
    lines = unit_status(status, dt.date(2026, 11, 26), zone=HANOI)
    assert lines[0].endswith("— 26/11/2026")
    assert "• #1 Xóa nhà tạm cho hộ nghèo — Nguyễn Văn Hùng, 26/11: 5/12 căn" in lines
