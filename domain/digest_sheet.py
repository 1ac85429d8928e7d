"""The digest workbook: a document the office can print as it is (title, STT, dates, totals)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from domain.dates import fmt
from domain.status_texts import OUTCOME_LABELS
from domain.statuses import Outcome

if TYPE_CHECKING:  # the digest's data; imported for types only, so that the module stays light
    from domain.digest import DigestData

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
PERCENT_FORMAT = "0.0%"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
HEADER_ROW = 4  # title, period and date made above it, then a blank row


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width: float
    number_format: str | None = None


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str  # ASCII, at most 31 characters: Excel's own limit
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[object]]
    total: Sequence[object] | None = None  # the "Tổng cộng" row, below the data


def workbook(data: DigestData) -> bytes:
    """Every sheet with a title row (unit, period, date made), STT, real date and number cells,
    totals and percentages, a frozen header, filters and print settings."""
    start, end = data.last_week
    subtitle = (
        f"{data.office or 'Toàn địa bàn'} — kỳ báo cáo: tuần {fmt(start)}–{fmt(end)}, "
        f"số liệu đến ngày {fmt(data.day)}"
    )
    return write_sheets(sheets(data), subtitle=subtitle, made=f"Ngày lập: {fmt(data.day)}")


def write_sheets(pages: Sequence[Sheet], *, subtitle: str, made: str) -> bytes:
    """Sheets laid out for print: title, subtitle and date made above a frozen, filtered header."""
    import xlsxwriter  # loaded when a workbook is written, not at start-up; streams rows quickly

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    styles = _Styles(book)
    for sheet in pages:
        _write(book.add_worksheet(sheet.name[:31]), sheet, subtitle, made, styles)
    book.close()
    return buffer.getvalue()


class _Styles:
    """The workbook's few formats, made once (each add_format is a new style in the file)."""

    def __init__(self, book: Any) -> None:
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.note = book.add_format({"italic": True})
        self.head = book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "valign": "vcenter", "align": "center"}
        )
        self.head.set_border(1)
        formats = (DATE_FORMAT, DATETIME_FORMAT, PERCENT_FORMAT)
        self.cells = {fmt_: book.add_format({"num_format": fmt_}) for fmt_ in formats}
        self.total = {None: book.add_format({"bold": True, "top": 1})}
        self.total.update(
            {fmt_: book.add_format({"bold": True, "top": 1, "num_format": fmt_}) for fmt_ in self.cells}
        )


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
            "Tong hop",
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
            "Qua han",
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
            "Den han tuan nay",
            "NHIỆM VỤ ĐẾN HẠN TRONG TUẦN",
            [stt, task_no, named(text, "Nhiệm vụ"), unit_col, named(date, "Hạn")],
            _numbered([[i.task_id, i.title, i.unit, i.due_on] for i in data.due_this_week]),
        ),
        Sheet(
            "Vuong mac, gia han",
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
            "Nha o",
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
            "Chua bao cao",
            "CÁN BỘ CHƯA BÁO CÁO CUỐI TUẦN",
            [stt, Column("Đơn vị", 28), Column("Cán bộ", 28)],
            _numbered([list(s) for s in data.silent]),
        ),
    ]


def _write(ws: Any, sheet: Sheet, subtitle: str, made: str, styles: _Styles) -> None:
    for index, column in enumerate(sheet.columns):
        ws.set_column(index, index, column.width)
    ws.freeze_panes(HEADER_ROW, 2)  # the header and the STT/name columns stay in view
    ws.repeat_rows(HEADER_ROW - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.hide_gridlines(0)  # the grid is printed instead of a border on every cell
    last_row = HEADER_ROW + len(sheet.rows)  # 1-based, as Excel numbers rows
    ws.autofilter(HEADER_ROW - 1, 0, max(last_row, HEADER_ROW + 1) - 1, len(sheet.columns) - 1)
    ws.write_string(0, 0, sheet.title, styles.title)
    ws.write_string(1, 0, subtitle, styles.note)
    ws.write_string(2, 0, made, styles.note)
    ws.set_row(HEADER_ROW - 1, 32)
    for index, column in enumerate(sheet.columns):
        ws.write_string(HEADER_ROW - 1, index, column.header, styles.head)
    formats = [styles.cells.get(column.number_format or "") for column in sheet.columns]
    for number, row in enumerate(sheet.rows, start=HEADER_ROW):
        for index, (value, style) in enumerate(zip(row, formats, strict=False)):
            if value is not None and value != "":
                ws.write(number, index, value, style)
    if sheet.total is not None:
        totals = [styles.total[column.number_format] for column in sheet.columns]
        for index, (value, style) in enumerate(zip(sheet.total, totals, strict=False)):
            ws.write(last_row, index, value, style)
