"""Spreadsheets the office keeps (XLSX or CSV) read into rows, and templates written as XLSX."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zipfile import BadZipFile

from domain.vntext import accent_free_key

MAX_ROWS = 20_000
SAMPLE_SHEET = "Mẫu"  # the template's example rows live here; imports never read this sheet


class SheetError(ValueError):
    """The file as a whole cannot be read; the message is Vietnamese, for the user."""


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One data row: its row number as Excel shows it, and cells by accent-free header key."""

    number: int
    cells: dict[str, str]

    def get(self, *keys: str) -> str:
        for key in keys:
            value = self.cells.get(key, "").strip()
            if value:
                return value
        return ""


def read_rows(data: bytes, filename: str) -> list[SheetRow]:
    """Rows of the first sheet; headers matched without accents or case ('Họ và tên' = 'ho va ten')."""
    lower = filename.lower()
    if lower.endswith(".csv"):
        grid = _csv_grid(data)
    elif lower.endswith((".xlsx", ".xlsm")):
        grid = _xlsx_grid(data)
    else:
        raise SheetError("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).")
    # The header is the first row with two or more cells: a title row above it has only one.
    filled = [sum(bool(c.strip()) for c in row) for row in grid]
    header_index = next((i for i, n in enumerate(filled) if n >= 2), None)
    if header_index is None:
        header_index = next((i for i, n in enumerate(filled) if n), None)
    if header_index is None:
        raise SheetError("Tệp không có dữ liệu.")
    headers = [accent_free_key(cell) for cell in grid[header_index]]
    rows = []
    for offset, values in enumerate(grid[header_index + 1 :], start=header_index + 2):
        if not any(v.strip() for v in values):
            continue
        cells = {h: values[i].strip() if i < len(values) else "" for i, h in enumerate(headers) if h}
        rows.append(SheetRow(offset, cells))
    if len(rows) > MAX_ROWS:
        raise SheetError(f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS:,}).".replace(",", "."))
    return rows


def _csv_grid(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1258", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    dialect = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")  # type: ignore[assignment]
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_grid(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # openpyxl loads with the first workbook, not at start-up
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SheetError("Không đọc được tệp Excel (tệp hỏng hoặc không phải .xlsx).") from exc
    # The first sheet that is not the template's examples (an office may delete the empty one).
    sheet = next((w for w in workbook.worksheets if w.title != SAMPLE_SHEET), None)
    if sheet is None:
        workbook.close()
        raise SheetError(
            f"Tệp chỉ có trang «{SAMPLE_SHEET}» (các dòng ví dụ); hãy điền dữ liệu vào trang đầu."
        )
    grid = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return grid


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers typed as numbers: 912345678.0
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")  # type: ignore[union-attr]
    return str(value)


def template_xlsx(title: str, headers: Sequence[str], examples: Sequence[Sequence[str]]) -> bytes:
    """A template workbook: the first sheet (`title`) holds only the bold headers, for the office to
    fill; the example rows sit on a second sheet, «Mẫu», which imports never read."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sample = workbook.create_sheet(SAMPLE_SHEET)
    for target, rows in ((sheet, ()), (sample, examples)):
        target.append(list(headers))
        for cell in target[1]:
            cell.font = Font(bold=True)
        for row in rows:
            target.append(list(row))
        target.freeze_panes = "A2"
    for column, header in zip(sample.columns, headers, strict=False):
        width = min(max([len(header)] + [len(str(c.value or "")) for c in column]) + 2, 60)
        sheet.column_dimensions[column[0].column_letter].width = width
        sample.column_dimensions[column[0].column_letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def missing_columns(rows: Sequence[SheetRow], required: Mapping[str, Sequence[str]]) -> list[str]:
    """The required columns (label → accepted header keys) that the header row lacks."""
    if not rows:
        return []
    present = rows[0].cells.keys()
    return [label for label, keys in required.items() if not any(k in present for k in keys)]


def check_columns(rows: Sequence[SheetRow], required: Mapping[str, Sequence[str]]) -> None:
    """Refuse a file whose header row lacks a required column, naming it (not every row's blank)."""
    missing = missing_columns(rows, required)
    if missing:
        names = ", ".join(f"«{label}»" for label in missing)
        raise SheetError(f"Dòng tiêu đề thiếu cột {names}. Dùng tệp mẫu (lệnh template) để có đủ các cột.")


def _typed_text(sheet: Any, value: object) -> object:
    """A cell value as written: what an official typed stays text, even when it starts with "="
    (openpyxl would store a formula, which the spreadsheet would run)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def rows_xlsx(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """A workbook of one sheet: bold headers, then the rows (an export for the office)."""
    return workbook_xlsx([(title, headers, rows)])


def workbook_xlsx(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[object]]]]) -> bytes:
    """A workbook with a sheet per (title, headers, rows); bold headers, widths that fit."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)  # streams rows: a province's overdue list stays quick
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        for index, header in enumerate(headers):
            sample = [
                len(str(row[index])) for row in rows[:500] if index < len(row) and row[index] is not None
            ]
            sheet.column_dimensions[get_column_letter(index + 1)].width = min(
                max([len(header), *sample]) + 2, 60
            )
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = Font(bold=True)
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append([_typed_text(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
