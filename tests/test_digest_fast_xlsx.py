"""The office's sheets (the digest's workbook, the export) hold every kind of cell as a spreadsheet
reads them back: types, formats, print settings, text Excel cannot hold made safe."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from domain.sheets import workbook_xlsx
from domain.xlsx_writer import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    PERCENT_FORMAT,
    Column,
    Sheet,
    write_sheets,
)

COLUMNS = [
    Column("STT", 6),
    Column("Nội dung", 50),
    Column("Hạn", 12, DATE_FORMAT),
    Column("Lúc", 17, DATETIME_FORMAT),
    Column("Tỷ lệ", 10, PERCENT_FORMAT),
    Column("Có", 8),
]


def _write(*pages: Sheet) -> bytes:
    return write_sheets(pages, subtitle="Tỉnh Demo — tuần 16/11/2026–22/11/2026", made="Ngày lập: 23/11/2026")


def _book(*pages: Sheet):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(_write(*pages)))


def test_cells_read_back_with_their_types_and_formats() -> None:
    rows = [
        [1, "A & B <C> — “Hòa”", dt.date(2026, 11, 13), dt.datetime(2026, 11, 23, 8, 30), 0.25, True],
        [2, "  lề trái và phải  ", None, None, 1, False],
        [3, "", dt.date(2024, 2, 29), dt.datetime(2026, 1, 1), 2 / 3],  # a short row: the rest empty
    ]
    sheet = _book(Sheet("Ca's, 1", "TIÊU ĐỀ", COLUMNS, rows, ["", "Tổng cộng", None, None, 0.5, None]))[
        "Ca's, 1"
    ]
    assert [sheet.cell(1, 1).value, sheet.cell(3, 1).value] == ["TIÊU ĐỀ", "Ngày lập: 23/11/2026"]
    assert [c.value for c in sheet[4]] == [c.header for c in COLUMNS]
    first = [c.value for c in sheet[5]]
    assert first == [
        1,
        "A & B <C> — “Hòa”",
        dt.datetime(2026, 11, 13),
        dt.datetime(2026, 11, 23, 8, 30),
        0.25,
        True,
    ]
    assert sheet["C5"].is_date and sheet["C5"].number_format == DATE_FORMAT
    assert sheet["D5"].is_date and sheet["D5"].number_format == DATETIME_FORMAT
    assert sheet["E5"].number_format == PERCENT_FORMAT and sheet["F5"].data_type == "b"
    assert [c.value for c in sheet[6]] == [2, "  lề trái và phải  ", None, None, 1, False]
    assert sheet["C7"].value == dt.datetime(2024, 2, 29) and sheet["B7"].value is None
    assert abs(sheet["E7"].value - 2 / 3) < 1e-15 and sheet["F7"].value is None
    total = sheet[8]
    assert total[1].value == "Tổng cộng" and total[1].font.b and total[4].number_format == PERCENT_FORMAT
    assert total[0].font.b and total[0].border.top.style == "thin" and not sheet["B5"].font.b
    assert sheet["A4"].fill.fgColor.rgb == "FFDDEBF7" and sheet["A4"].alignment.wrap_text
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 14 and sheet["A2"].font.i


def test_sheet_settings_for_print_and_the_filter() -> None:
    rows = [[i, f"Nhiệm vụ {i}"] for i in range(1, 31)]
    book = _book(Sheet("Mot", "MỘT", COLUMNS[:2], rows), Sheet("Trong", "TRỐNG", COLUMNS, []))
    one, empty = book["Mot"], book["Trong"]
    assert one.freeze_panes == "C5" and one.print_title_rows == "$4:$4"
    assert one.auto_filter.ref == "A4:B34" and one.max_row == 34
    assert empty.auto_filter.ref == "A4:F5" and empty.max_row == 4  # a header alone still filters
    assert one.page_setup.orientation == "landscape" and one.page_setup.paperSize == 9
    assert one.sheet_properties.pageSetUpPr.fitToPage and one.page_setup.fitToHeight == 0
    assert one.print_options.gridLines
    assert abs(one.column_dimensions["B"].width - 50) <= 1 and abs(one.column_dimensions["A"].width - 6) <= 1
    assert book.sheetnames == ["Mot", "Trong"]


def test_text_excel_cannot_hold_is_made_safe() -> None:
    odd = "bell\x07 tab\t and\nline"
    long = "x" * 40_000
    data = _write(Sheet("Chu", "CHỮ", COLUMNS[:2], [[1, odd], [2, long], [3, " lề "]]))
    with zipfile.ZipFile(io.BytesIO(data)) as parts:
        for name in parts.namelist():
            ElementTree.fromstring(parts.read(name))  # every part is well-formed XML
        sheet = parts.read("xl/worksheets/sheet1.xml").decode()
    assert "bell_x0007_ tab\t and\nline" in sheet  # a control character is escaped as Excel does
    assert '<t xml:space="preserve"> lề </t>' in sheet  # else a spreadsheet may trim the spaces
    cells = load_workbook(io.BytesIO(data))["Chu"]
    assert len(cells["B6"].value) == 32767  # Excel's longest cell text


def test_values_a_cell_cannot_hold_are_refused() -> None:
    with pytest.raises(TypeError):
        _write(Sheet("A", "A", COLUMNS, [[1, "x", None, dt.datetime(2026, 1, 1, tzinfo=dt.UTC)]]))
    with pytest.raises(TypeError):
        _write(Sheet("A", "A", COLUMNS, [[1, "x", None, None, float("nan")]]))


def test_what_officials_typed_stays_text() -> None:
    """A title that looks like a formula is never run by the spreadsheet, an address is no link."""
    typed = ['=HYPERLINK("http://x.example","bấm")', "+1+2", "https://dichvucong.gov.vn/ho-so"]
    sheet = _book(Sheet("Go", "GÕ", COLUMNS[:2], [[n, text] for n, text in enumerate(typed, 1)]))["Go"]
    cells = [sheet.cell(row, 2) for row in range(5, 8)]
    assert [(c.value, c.data_type, c.hyperlink) for c in cells] == [(t, "s", None) for t in typed]


def test_an_export_keeps_typed_text_as_text() -> None:
    """The household export (openpyxl): a name or note starting with "=" is text, not a formula."""
    data = workbook_xlsx([("Ho", ["Chủ hộ", "Ghi chú"], [["=1+1", '=HYPERLINK("x")'], ["Lê Văn C", None]])])
    sheet = load_workbook(io.BytesIO(data))["Ho"]
    assert [(c.value, c.data_type) for c in sheet[2]] == [("=1+1", "s"), ('=HYPERLINK("x")', "s")]
    assert [c.value for c in sheet[3]] == ["Lê Văn C", None]
