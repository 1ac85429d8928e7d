"""The digest workbook: a document the office can print as it is (title, STT, dates, totals)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from domain.dates import fmt
from domain.status_texts import OUTCOME_LABELS
from domain.statuses import Outcome
from domain.xlsx_writer import DATE_FORMAT, PERCENT_FORMAT, Column, Sheet, write_sheets
from domain.xlsx_writer import DATETIME_FORMAT as DATETIME_FORMAT  # for the export's workbook
from domain.xlsx_writer import HEADER_ROW as HEADER_ROW

if TYPE_CHECKING:  # the digest's data; imported for types only, so that the module stays light
    from domain.digest import DigestData

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def workbook(data: DigestData) -> bytes:
    """Every sheet with a title row (unit, period, date made), STT, real date and number cells,
    totals and percentages, a frozen header, filters and print settings."""
    subtitle, made = titles(data)
    return write_sheets(sheets(data), subtitle=subtitle, made=made)


def titles(data: DigestData) -> tuple[str, str]:
    """The lines under each sheet's title: whose report and which week, and the day it was made."""
    start, end = data.last_week
    subtitle = (
        f"{data.office or 'Toàn địa bàn'} — kỳ báo cáo: tuần {fmt(start)}–{fmt(end)}, "
        f"số liệu đến ngày {fmt(data.day)}"
    )
    return subtitle, f"Ngày lập: {fmt(data.day)}"


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(LOCAL).date() if moment is not None else None


def _numbered(rows: Sequence[Sequence[object]]) -> list[list[object]]:
    return [[index, *row] for index, row in enumerate(rows, start=1)]


def sheets(data: DigestData) -> list[Sheet]:
    """The sheets as plain values: what a test reads back, and what the writer lays out."""
    kinds = list(Outcome)
    summary = []
    for unit in data.counts:
        total = sum(unit.outcomes.get(kind, 0) for kind in kinds)
        done_on_time, overdue = (
            unit.outcomes.get(Outcome.DONE_ON_TIME, 0),
            unit.outcomes.get(Outcome.OVERDUE, 0),
        )
        summary.append(
            [
                unit.name,
                total,
                *(unit.outcomes.get(kind, 0) for kind in kinds),
                _ratio(done_on_time, total),
                _ratio(overdue, total),
                unit.extended,
                unit.oldest_overdue,
            ]
        )
    sums = [sum(int(row[i]) for row in summary) for i in range(1, 2 + len(kinds))]  # type: ignore[call-overload]
    summary_total = [
        "",
        "Tổng cộng",
        *sums,
        _ratio(sums[1], sums[0]),
        _ratio(sums[1 + kinds.index(Outcome.OVERDUE)], sums[0]),
        sum(int(row[-2]) for row in summary),  # type: ignore[call-overload]
        max((int(row[-1]) for row in summary), default=0),  # type: ignore[call-overload]
    ]
    houses = [
        [h.unit, h.planned, h.started, h.finished, h.handed_over, _ratio(h.handed_over, h.planned)]
        for h in data.houses
    ]
    house_sums = [sum(int(row[i]) for row in houses) for i in range(1, 5)]  # type: ignore[call-overload]
    count, text, date, days = Column("", 12), Column("", 50), Column("", 12, DATE_FORMAT), Column("", 14)
    stt, task_no, unit_col = Column("STT", 6), Column("Số NV", 8), Column("Đơn vị chủ trì", 24)
    percent = Column("", 12, PERCENT_FORMAT)

    def named(column: Column, header: str) -> Column:
        return Column(header, column.width, column.number_format)

    return [
        Sheet(
            "Tổng hợp",
            "TÌNH HÌNH THỰC HIỆN NHIỆM VỤ THEO ĐƠN VỊ",
            [
                stt,
                Column("Đơn vị", 28),
                named(count, "Tổng số nhiệm vụ"),
                *(named(count, OUTCOME_LABELS[kind].capitalize()) for kind in kinds),
                named(percent, "Tỷ lệ hoàn thành đúng hạn"),
                named(percent, "Tỷ lệ quá hạn"),
                named(count, "Đã gia hạn (tính theo hạn mới)"),
                named(days, "Quá hạn lâu nhất (ngày làm việc)"),
            ],
            _numbered(summary),
            summary_total,
        ),
        Sheet(
            "Quá hạn",
            "NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH",
            [
                stt,
                task_no,
                named(text, "Nhiệm vụ"),
                unit_col,
                named(date, "Hạn"),
                named(days, "Số ngày làm việc quá hạn"),
            ],
            _numbered([[i.task_id, i.title, i.unit, i.due_on, i.days_overdue] for i in data.overdue]),
        ),
        Sheet(
            "Đến hạn tuần này",
            "NHIỆM VỤ ĐẾN HẠN TRONG TUẦN",
            [stt, task_no, named(text, "Nhiệm vụ"), unit_col, named(date, "Hạn")],
            _numbered([[i.task_id, i.title, i.unit, i.due_on] for i in data.due_this_week]),
        ),
        Sheet(
            "Vướng mắc, gia hạn",
            "VƯỚNG MẮC MỚI VÀ ĐỀ NGHỊ GIA HẠN CHỜ QUYẾT ĐỊNH",
            [
                stt,
                task_no,
                Column("Loại", 14),
                named(text, "Nhiệm vụ"),
                unit_col,
                named(date, "Hạn hiện tại"),
                named(text, "Nội dung"),
                named(date, "Ngày báo cáo"),
            ],
            _numbered(
                [
                    [i.task_id, kind, i.title, i.unit, i.due_on, i.note or "", _local_day(i.at)]
                    for kind, lines in (("Vướng mắc", data.new_blockers), ("Xin gia hạn", data.extensions))
                    for i in lines
                ]
            ),
        ),
        Sheet(
            "Nhà ở",
            f"XÓA NHÀ TẠM: TIẾN ĐỘ THEO XÃ/PHƯỜNG ({data.house_unit})",
            [
                stt,
                Column("Xã/phường", 28),
                named(count, "Kế hoạch"),
                named(count, "Đã khởi công (lũy kế)"),  # running totals, never under a stage's name
                named(count, "Đã hoàn thành (lũy kế)"),
                named(count, "Đã bàn giao"),
                named(percent, "Tỷ lệ bàn giao"),
            ],
            _numbered(houses),
            ["", "Tổng cộng", *house_sums, _ratio(house_sums[3], house_sums[0])] if houses else None,
        ),
        Sheet(
            "Chưa báo cáo",
            "CÁN BỘ CHƯA BÁO CÁO CUỐI TUẦN",
            [stt, Column("Đơn vị", 28), Column("Cán bộ", 28)],
            _numbered([list(s) for s in data.silent]),
        ),
    ]
