"""The office's printable sheets written with XlsxWriter: title rows, a frozen and filtered header,
real number and date cells, a bold totals row, A4 landscape one page wide.

XlsxWriter streams the rows (constant_memory) and is imported only when a workbook is written, in
the digest's workbook process or the export command, never at the bot's start-up.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
PERCENT_FORMAT = "0.0%"
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


def write_sheets(pages: Sequence[Sheet], *, subtitle: str, made: str) -> bytes:
    """Sheets laid out for print: title, subtitle and date made above a frozen, filtered header."""
    import xlsxwriter  # loaded when a workbook is written, not at start-up; streams rows quickly

    buffer = io.BytesIO()
    # What officials typed stays text: a title starting with "=" is no formula (a spreadsheet would
    # run it) and a web address no link; and XlsxWriter skips its per-string pattern checks.
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(buffer, options)
    styles = _Styles(book)
    try:
        for sheet in pages:
            _write(book.add_worksheet(sheet.name[:31]), sheet, subtitle, made, styles)
    except BaseException:  # a value no cell can hold: the rows' temporary files are closed too
        with contextlib.suppress(Exception):
            book.close()
        raise
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
                ws.write(number, index, value, style)  # text over 32,767: cut by XlsxWriter
    if sheet.total is not None:
        totals = [styles.total[column.number_format] for column in sheet.columns]
        for index, (value, style) in enumerate(zip(sheet.total, totals, strict=False)):
            ws.write(last_row, index, value, style)
