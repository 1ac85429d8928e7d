"""A small XLSX writer for the office's printable sheets: title rows, a frozen and filtered header,
real number and date cells, a bold totals row, A4 landscape one page wide.

Rows are written as SpreadsheetML text straight into the zip, a few thousand at a time: the digest's
15,500 rows take a quarter of XlsxWriter's time (its per-cell calls were most of the digest's
drawing time), and the module needs only the standard library, so a process that writes a
workbook starts in milliseconds. The parts and their order follow what XlsxWriter writes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
PERCENT_FORMAT = "0.0%"
HEADER_ROW = 4  # title, period and date made above it, then a blank row
MAX_STRING = 32767  # Excel's longest cell text
CHUNK = 2000  # rows joined and compressed at a time: the memory stays small for any size

_EPOCH = dt.datetime(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug folded in)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML: written as _xHHHH_
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


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
    styles = _Styles([c.number_format for page in pages for c in page.columns])
    names = [page.name[:31] for page in pages]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", _content_types(len(pages)))
        book.writestr("_rels/.rels", _RELS)
        book.writestr("xl/workbook.xml", _workbook(pages, names))
        book.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(pages)))
        book.writestr("xl/styles.xml", styles.xml())
        for number, page in enumerate(pages, start=1):
            with book.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
                for text in _sheet(page, subtitle, made, styles, selected=number == 1):
                    part.write(text.encode("utf-8"))
    return buffer.getvalue()


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _width(characters: float) -> float:
    """The width Excel stores for `characters` of Calibri 11 (XlsxWriter's conversion: 7-pixel
    digits and 5 pixels of padding, kept in 1/256ths)."""
    pixels = int(characters * 12 + 0.5) if characters < 1 else int(characters * 7 + 0.5) + 5
    return int(pixels / 7 * 256) / 256


def _text(value: str) -> str:
    value = escape(value[:MAX_STRING])
    if _CONTROL.search(value):
        value = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f"<is><t{space}>{value}</t></is>"


def _cell(ref: str, style: str, value: object) -> str:
    """One cell's XML; `style` is ` s="N"` or empty."""
    if isinstance(value, str):
        return f'<c r="{ref}"{style} t="inlineStr">{_text(value)}</c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"{style}><v>{value}</v></c>'
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"a workbook cell cannot hold {value}")
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise TypeError("a workbook cell holds a naive local time: convert it first")
        serial = (value - _EPOCH) / dt.timedelta(days=1)
        return f'<c r="{ref}"{style}><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}"{style}><v>{(value - _EPOCH.date()).days}</v></c>'
    if value is None:
        return f'<c r="{ref}"{style}/>'
    try:
        return _cell(ref, style, float(value))  # type: ignore[arg-type]  # Decimal, Fraction
    except (TypeError, ValueError):
        return _cell(ref, style, str(value))


def _sheet(page: Sheet, subtitle: str, made: str, styles: _Styles, *, selected: bool) -> Iterable[str]:
    """The worksheet's XML in pieces: head, rows a chunk at a time, tail."""
    letters = [column_letter(i) for i in range(max(len(page.columns), 1))]
    last_col = letters[-1]
    first_data = HEADER_ROW + 1  # 1-based, as Excel numbers rows
    last_data = HEADER_ROW + len(page.rows)
    last_row = last_data + 1 if page.total is not None else max(last_data, HEADER_ROW)
    tab = ' tabSelected="1"' if selected else ""
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{_width(c.width)}" customWidth="1"/>'
        for i, c in enumerate(page.columns, start=1)
    )
    yield (
        f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetPr><pageSetUpPr fitToPage="1"/>'
        f'</sheetPr><dimension ref="A1:{last_col}{last_row}"/><sheetViews>'
        f'<sheetView{tab} workbookViewId="0">'
        f'<pane xSplit="2" ySplit="{HEADER_ROW}" topLeftCell="C{first_data}" activePane="bottomRight"'
        ' state="frozen"/><selection pane="topRight" activeCell="C1" sqref="C1"/>'
        f'<selection pane="bottomLeft" activeCell="A{first_data}" sqref="A{first_data}"/>'
        '<selection pane="bottomRight"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        f"{'<cols>' + cols + '</cols>' if cols else ''}<sheetData>"
        f'<row r="1">{_cell("A1", styles.title, page.title)}</row>'
        f'<row r="2">{_cell("A2", styles.note, subtitle)}</row>'
        f'<row r="3">{_cell("A3", styles.note, made)}</row>'
        f'<row r="{HEADER_ROW}" ht="32.25" customHeight="1">'
        + "".join(
            _cell(f"{x}{HEADER_ROW}", styles.head, c.header)
            for x, c in zip(letters, page.columns, strict=False)
        )
        + "</row>"
    )
    plain = [styles.cell(c.number_format) for c in page.columns]
    cells = list(zip(letters, plain, strict=False))
    for start in range(0, len(page.rows), CHUNK):
        parts = []
        for number, row in enumerate(page.rows[start : start + CHUNK], start=first_data + start):
            parts.append(f'<row r="{number}">')
            parts.extend(
                _cell(f"{x}{number}", style, value)
                for (x, style), value in zip(cells, row, strict=False)  # a short row leaves cells empty
                if value is not None and value != ""
            )
            parts.append("</row>")
        yield "".join(parts)
    if page.total is not None:
        bold = [styles.total(c.number_format) for c in page.columns]
        yield (
            f'<row r="{last_row}">'
            + "".join(
                _cell(f"{x}{last_row}", style, value if value != "" else None)
                for x, style, value in zip(letters, bold, page.total, strict=False)
            )
            + "</row>"
        )
    yield (
        f'</sheetData><autoFilter ref="A{HEADER_ROW}:{last_col}{max(last_data, HEADER_ROW + 1)}"/>'
        '<printOptions gridLines="1"/><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75"'
        ' header="0.3" footer="0.3"/><pageSetup paperSize="9" fitToHeight="0" orientation="landscape"/>'
        "</worksheet>"
    )


class _Styles:
    """The workbook's few cell formats: title, note, header, and per number format a plain cell and
    a totals cell (bold, a line above)."""

    FIXED = 4  # default, title, note, header

    def __init__(self, formats: Iterable[str | None]) -> None:
        self.formats = list(dict.fromkeys(f for f in formats if f))  # in order of first use
        self.title, self.note, self.head = ' s="1"', ' s="2"', ' s="3"'

    def cell(self, number_format: str | None) -> str:
        return f' s="{self.FIXED + self.formats.index(number_format)}"' if number_format else ""

    def total(self, number_format: str | None) -> str:
        index = self.formats.index(number_format) + 1 if number_format else 0
        return f' s="{self.FIXED + len(self.formats) + index}"'

    def xml(self) -> str:
        num_fmts = "".join(
            f'<numFmt numFmtId="{164 + i}" formatCode={quoteattr(f)}/>' for i, f in enumerate(self.formats)
        )
        if num_fmts:
            num_fmts = f'<numFmts count="{len(self.formats)}">{num_fmts}</numFmts>'
        font = '<sz val="{}"/><name val="Calibri"/><family val="2"/></font>'
        base = '<xf numFmtId="{}" fontId="{}" fillId="0" borderId="{}" xfId="0"{}/>'
        plain = [base.format(164 + i, 0, 0, ' applyNumberFormat="1"') for i in range(len(self.formats))]
        bold = ' applyFont="1" applyBorder="1"'
        totals = [base.format(0, 3, 2, bold)] + [
            base.format(164 + i, 3, 2, ' applyNumberFormat="1"' + bold) for i in range(len(self.formats))
        ]
        xfs = [
            base.format(0, 0, 0, ""),
            base.format(0, 1, 0, ' applyFont="1"'),
            base.format(0, 2, 0, ' applyFont="1"'),
            '<xf numFmtId="0" fontId="3" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1"'
            ' applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center"'
            ' wrapText="1"/></xf>',
            *plain,
            *totals,
        ]
        thin = '<{0} style="thin"><color auto="1"/></{0}>'
        return (
            f'{_HEAD}<styleSheet xmlns="{_MAIN}">{num_fmts}'
            f'<fonts count="4"><font>{font.format(11)}<font><b/>{font.format(14)}'
            f"<font><i/>{font.format(11)}<font><b/>{font.format(11)}</fonts>"
            '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill'
            ' patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/>'
            '<bgColor indexed="64"/></patternFill></fill></fills><borders count="3">'
            "<border><left/><right/><top/><bottom/><diagonal/></border>"
            f"<border>{''.join(thin.format(side) for side in ('left', 'right', 'top', 'bottom'))}<diagonal/>"
            f"</border><border><left/><right/>{thin.format('top')}<bottom/><diagonal/></border></borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs><cellStyles count="1"><cellStyle'
            ' name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/></styleSheet>'
        )


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _workbook(pages: Sequence[Sheet], names: Sequence[str]) -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(names, start=1)
    )
    defined = []
    for index, (page, name) in enumerate(zip(pages, names, strict=True)):
        last = column_letter(max(len(page.columns), 1) - 1)
        bottom = max(HEADER_ROW + len(page.rows), HEADER_ROW + 1)
        area = escape(f"{_quoted(name)}!$A${HEADER_ROW}:${last}${bottom}")
        filtered = f'name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1"'
        defined.append(f"<definedName {filtered}>{area}</definedName>")
    for index, name in enumerate(names):
        titles = escape(f"{_quoted(name)}!${HEADER_ROW}:${HEADER_ROW}")
        defined.append(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">{titles}</definedName>'
        )
    return (
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/><bookViews><workbookView'
        f' xWindow="240" yWindow="15" windowWidth="16095" windowHeight="9660"/></bookViews>'
        f"<sheets>{sheets}</sheets><definedNames>{''.join(defined)}</definedNames>"
        '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _workbook_rels(count: int) -> str:
    kind = f"{_REL}/worksheet"
    items = "".join(
        f'<Relationship Id="rId{i}" Type="{kind}" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1)
    )
    styles = f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
    return f'{_HEAD}<Relationships xmlns="{_PKG}/relationships">{items}{styles}</Relationships>'


def _content_types(count: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_TYPE}.worksheet+xml"/>'
        for i in range(1, count + 1)
    )
    return (
        f'{_HEAD}<Types xmlns="{_PKG}/content-types"><Default Extension="rels"'
        f' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>{sheets}</Types>'
    )


_RELS = (
    f'{_HEAD}<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1"'
    f' Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
