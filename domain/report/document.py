"""The monthly report as .docx bytes, laid out as a Party committee's document (Hướng dẫn
36-HD/VPTW) or, for a People's Committee, as a state document (Nghị định 30/2020/NĐ-CP)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from domain.report import OUTCOMES, Item, ReportData, ReportTask, count, grouped, money, percent, template
from domain.status_texts import OUTCOME_LABELS
from domain.statuses import Outcome
from domain.task_texts import STATUS_LABELS

FONT = "Times New Roman"
BODY_PT, TABLE_PT = 14, 12
# Hướng dẫn 36-HD/VPTW: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}


def _date(day: dt.date | None, empty: str = "") -> str:
    return f"{day:%d/%m/%Y}" if day else empty


class _Writer:
    """python-docx, wrapped in the few moves the report makes."""

    def __init__(self, prose: dict[str, Any]) -> None:
        from docx import Document
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt

        self.prose, self.Pt, self.align = prose, Pt, WD_ALIGN_PARAGRAPH
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        for side, mm in MARGINS_MM.items():
            setattr(section, f"{side}_margin", Mm(mm))
        normal = self.doc.styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # Vietnamese text stays in Times
        normal.paragraph_format.space_after = Pt(6)

    def para(
        self,
        text: str = "",
        *,
        bold: bool = False,
        italic: bool = False,
        center: bool = False,
        indent: bool = False,
        cell: Any = None,
        underline: bool = False,
        size: int | None = None,
    ) -> Any:
        if cell is None:
            paragraph = self.doc.add_paragraph()
        else:  # a new cell holds one empty paragraph: write into it first
            first = cell.paragraphs[0]
            paragraph = first if len(cell.paragraphs) == 1 and not first.runs else cell.add_paragraph()
        run = paragraph.add_run(text)
        # Only what is set: three explicit "off" elements per run cost a province's appendix seconds.
        for name, value in (("bold", bold), ("italic", italic), ("underline", underline)):
            if value:
                setattr(run, name, True)
        if size:
            run.font.size = self.Pt(size)
        paragraph.alignment = self.align.CENTER if center else self.align.JUSTIFY
        if indent:
            paragraph.paragraph_format.first_line_indent = self.Pt(28)
        return paragraph

    def table(self, rows: list[list[str]], widths_mm: list[int], *, left: int) -> Any:
        """A grid with a bold header row; column `left` (the names) is left-aligned."""
        table = self.grid(len(rows), widths_mm)
        table.style = "Table Grid"
        # Row by row: table.cell(r, c) walks the whole table each time (minutes for a province).
        for r, (row, values) in enumerate(zip(table.rows, rows, strict=True)):
            if r == 0:
                _repeat_header(row)
            for c, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                self.para(value, cell=cell, bold=r == 0, size=TABLE_PT, center=c != left or r == 0)
        return table

    def grid(self, rows: int, widths_mm: list[int]) -> Any:
        """A table with fixed column widths (LibreOffice reads the grid, Word the cells)."""
        from docx.shared import Mm

        table = self.doc.add_table(rows=rows, cols=len(widths_mm))
        table.autofit = False
        for column, mm in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(mm)
        for row in table.rows:  # row by row: column.cells walks the whole table for each column
            for cell, mm in zip(row.cells, widths_mm, strict=True):
                cell.width = Mm(mm)
        return table

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _repeat_header(row: Any) -> None:
    """The header row again on every page a long table runs to."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(mark)


def monthly_report(data: ReportData, prose: dict[str, Any] | None = None) -> bytes:
    """The monthly report draft, for the office to edit and sign."""
    prose = prose or template()
    w = _Writer(prose)
    _header(w, data)
    _tasks(w, data)
    _late(w, data.tasks)
    _blockers(w, data)
    _houses(w, data)
    _next(w, data)
    _signature(w, data)
    _appendix(w, data.tasks)
    return w.bytes()


def _header(w: _Writer, data: ReportData) -> None:

    prose, month, as_of = w.prose, data.month, data.as_of
    left, right = w.grid(1, [70, 95]).rows[0].cells
    w.para(data.issuer.upper(), cell=left, bold=True, center=True, size=13)
    if data.state_layout:
        w.para(prose["state_number"], cell=left, center=True, size=13)
        w.para(prose["nation"], cell=right, bold=True, center=True, size=12)
        w.para(prose["motto"], cell=right, bold=True, center=True, underline=True, size=13)
    else:
        w.para("*", cell=left, center=True, size=13)
        w.para(prose["number"], cell=left, center=True, size=13)
        w.para(prose["party"], cell=right, bold=True, underline=True, center=True, size=14)
    date_line = prose["date_line"].format(place=prose["place"], day="…", month="…", year=as_of.year)
    w.para(date_line, cell=right, italic=True, center=True, size=13)
    w.para()
    w.para(prose["title"], bold=True, center=True)
    nxt = month.next()
    w.para(
        prose["subtitle"].format(month=month.month, next_month=nxt.month, next_year=nxt.year),
        bold=True,
        center=True,
    )
    w.para(
        prose["intro"].format(issuer=data.issuer, month=month.month, year=month.year, as_of=_date(as_of)),
        indent=True,
    )


def _count_row(name: str, tasks: list[ReportTask]) -> list[str]:
    counts = count(tasks)
    total = len(tasks)
    return [name, str(total)] + [f"{counts[o]} ({percent(counts[o], total)})" for o in OUTCOMES]


def _tasks(w: _Writer, data: ReportData) -> None:
    prose, tasks = w.prose["tasks"], data.tasks
    w.para(w.prose["sections"]["tasks"], bold=True)
    if not tasks:
        w.para(prose["none"], indent=True)
        return
    counts = count(tasks)
    parts = "; ".join(
        prose["part"].format(count=counts[o], label=OUTCOME_LABELS[o], percent=percent(counts[o], len(tasks)))
        for o in OUTCOMES
    )
    w.para(prose["summary"].format(issuer=data.issuer, total=len(tasks), parts=parts), indent=True)
    outcomes = [OUTCOME_LABELS[o].capitalize() for o in OUTCOMES]
    for heading, column, key in (
        ("by_directive", "directive_header", lambda t: t.directive or prose["no_directive"]),
        ("by_unit", "unit_header", lambda t: t.unit),
    ):
        w.para(prose[heading], bold=True, indent=True)
        rows = [_count_row(name, group) for name, group in grouped(tasks, key).items()]
        header = [prose[column], prose["total_header"], *outcomes]
        rows = [header, *rows, _count_row(prose["total_row"], list(tasks))]
        w.table(rows, [45, 16, 26, 26, 26, 26], left=0)


def _late(w: _Writer, tasks: list[ReportTask] | Any) -> None:
    prose = w.prose["late"]
    w.para(w.prose["sections"]["late"], bold=True)
    for heading, outcome, age in (
        ("done_late", Outcome.DONE_LATE, "done_age"),
        ("overdue", Outcome.OVERDUE, "overdue_age"),
    ):
        chosen = sorted((t for t in tasks if t.outcome == outcome), key=lambda t: (-t.late_days, t.unit))
        w.para(prose[heading].format(count=len(chosen)), bold=True, indent=True)
        if not chosen:
            w.para(prose["none"], indent=True)
        for task in chosen:
            line = prose["line"].format(
                title=task.title,
                unit=task.unit,
                due=_date(task.due_on),
                age=prose[age].format(days=task.late_days),
            )
            w.para(f"- {line}", indent=True)


def _item_lines(w: _Writer, items: list[Item] | Any, heading: str, render: Any) -> None:
    prose = w.prose["blockers"]
    w.para(prose[heading].format(count=len(items)), bold=True, indent=True)
    if not items:
        w.para(prose["none"], indent=True)
    for item in items:
        w.para(f"- {render(item)}", indent=True)


def _blockers(w: _Writer, data: ReportData) -> None:
    prose = w.prose["blockers"]
    w.para(w.prose["sections"]["blockers"], bold=True)
    _item_lines(
        w,
        data.blockers,
        "blocked",
        lambda i: prose["blocked_line"].format(
            title=i.title, unit=i.unit, due=_date(i.due_on), note=i.note or prose["no_reason"]
        ),
    )
    _item_lines(
        w,
        data.extensions,
        "extensions",
        lambda i: prose["extension_line"].format(
            title=i.title,
            unit=i.unit,
            due=_date(i.due_on),
            requested=_date(i.requested_on),
            reason=i.note or prose["no_reason"],
            decision=prose.get(i.decision, i.decision),
        ),
    )


def _houses(w: _Writer, data: ReportData) -> None:
    prose, houses = w.prose["houses"], data.houses
    name = houses.programme.upper() if houses else ""
    w.para(w.prose["sections"]["houses"].format(programme=name), bold=True)
    if houses is None or not houses.planned:
        w.para(prose["none"], indent=True)
        return
    w.para(
        prose["plan"].format(
            planned=houses.planned,
            unit=houses.unit_label,
            started=houses.started,
            started_percent=percent(houses.started, houses.planned),
            handed_over=houses.handed_over,
            handed_percent=percent(houses.handed_over, houses.planned),
        ),
        indent=True,
    )
    w.para(prose["funds"].format(pledged=money(houses.pledged)), indent=True)
    for source, amount in houses.funds:
        w.para("- " + prose["fund_line"].format(source=source, amount=money(amount)), indent=True)
    w.para(prose["transferred"].format(transferred=money(houses.transferred)), indent=True)


def _next(w: _Writer, data: ReportData) -> None:
    prose, nxt = w.prose["next"], data.month.next()
    w.para(w.prose["sections"]["next"], bold=True)
    if not data.next_month:
        w.para(prose["none"].format(month=nxt.month, year=nxt.year), indent=True)
        return
    w.para(prose["intro"].format(month=nxt.month, year=nxt.year, count=len(data.next_month)), indent=True)
    for item in data.next_month:
        w.para(
            "- " + prose["line"].format(title=item.title, unit=item.unit, due=_date(item.due_on)), indent=True
        )
    w.para(prose["closing"], indent=True)


def _signature(w: _Writer, data: ReportData) -> None:

    prose = w.prose["signature"]
    w.para()
    left, right = w.grid(1, [80, 85]).rows[0].cells
    w.para(prose["recipients"], cell=left, bold=True, italic=True, size=12)
    for line in prose["recipient_lines"]:
        w.para(line, cell=left, size=11)
    w.para(prose["signer"].format(issuer=data.issuer.upper()), cell=right, bold=True, center=True)


def _appendix(w: _Writer, tasks: list[ReportTask] | Any) -> None:
    prose = w.prose["appendix"]
    w.page_break()
    w.para(w.prose["sections"]["appendix"], bold=True, center=True)
    ordered = sorted(tasks, key=lambda t: (t.unit, t.due_on or dt.date.max, t.task_id))
    rows = [
        [
            str(number),
            task.title,
            task.unit,
            _date(task.due_on, prose["no_due"]),
            f"{STATUS_LABELS.get(task.status, task.status)} ({OUTCOME_LABELS[task.outcome]})",
        ]
        for number, task in enumerate(ordered, start=1)
    ]
    w.table([prose["headers"], *rows], [13, 60, 32, 22, 38], left=1)
