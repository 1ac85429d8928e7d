"""The digest workbook: a document the office can print as it is (title, STT, dates, totals)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from domain.dates import fmt
from domain.status_texts import OUTCOME_LABELS
from domain.statuses import Outcome

if TYPE_CHECKING:  # the digest's data; imported for types only, so that the module stays light
    from domain.digest import DigestData

DATE_FORMAT = "DD/MM/YYYY"
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
    from openpyxl import Workbook  # loaded when a digest is written, not at start-up

    book = Workbook(write_only=True)  # streams rows: a province's overdue list stays quick
    start, end = data.last_week
    subtitle = (
        f"{data.office or 'Toàn địa bàn'} — kỳ báo cáo: tuần {fmt(start)}–{fmt(end)}, "
        f"số liệu đến ngày {fmt(data.day)}"
    )
    made = f"Ngày lập: {fmt(data.day)}"
    for sheet in sheets(data):
        _write(book, sheet, subtitle, made)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


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


def _write(book: Any, sheet: Sheet, subtitle: str, made: str) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(sheet.name[:31])
    last_column = get_column_letter(len(sheet.columns))
    for index, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = f"C{HEADER_ROW + 1}"  # the header and the STT/name columns stay in view
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    def cell(value: object, **style: Any) -> Any:
        made_cell = WriteOnlyCell(ws, value=value)
        for key, setting in style.items():
            setattr(made_cell, key, setting)
        return made_cell

    ws.append([cell(sheet.title, font=Font(bold=True, size=14))])
    ws.append([cell(subtitle, font=Font(italic=True))])
    ws.append([cell(made, font=Font(italic=True))])
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_style: dict[str, Any] = {
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="DDEBF7"),
        "alignment": Alignment(wrap_text=True, vertical="center", horizontal="center"),
        "border": box,
    }
    ws.append([cell(column.header, **head_style) for column in sheet.columns])
    # Only dates and percentages carry a style, one array copied to each row: styling 100,000
    # cells one by one costs a minute. The grid is printed instead of a border on every cell.
    ws.print_options.gridLines = True
    styles = [
        cell(None, number_format=c.number_format)._style if c.number_format else None for c in sheet.columns
    ]
    styled = [(index, style) for index, style in enumerate(styles) if style is not None]
    for row in sheet.rows:
        values = list(row)
        for index, style in styled:
            if values[index] is not None:
                values[index] = _styled(ws, style, values[index])
        ws.append(values)
    last_row = HEADER_ROW + len(sheet.rows)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{max(last_row, HEADER_ROW + 1)}"
    if sheet.total is not None:
        bold = Font(bold=True)
        ws.append(
            [
                cell(value, font=bold, border=box, number_format=column.number_format or "General")
                for column, value in zip(sheet.columns, sheet.total, strict=False)
            ]
        )


def _styled(ws: Any, style: Any, value: object) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell._style = copy(style)
    return cell
