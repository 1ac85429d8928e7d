"""The giao ban pack as .docx bytes: one A4 page for the meeting's table, sent with the Monday
digest. What the last giao ban concluded and where each item stands, overdue tasks by unit, what
falls due this week, pending extension requests; the sentences are in `report/giaoban.toml`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from domain.giaoban import PackData
from domain.report import template
from domain.report.document import _Writer
from domain.status_texts import Line
from domain.task_texts import STATUS_LABELS

TEMPLATE = "giaoban.toml"
BODY_PT, TABLE_PT = 12, 11
MARGINS_MM = {"top": 15, "bottom": 15, "left": 25, "right": 15}
TITLE_CHARS = 90  # a title longer than this is cut: the pack is a page, the task card has it whole


def _date(day: dt.date | None, empty: str = "") -> str:
    return f"{day:%d/%m/%Y}" if day else empty


def _short(title: str) -> str:
    return title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def giao_ban_pack(data: PackData, prose: dict[str, Any] | None = None) -> bytes:
    """The pack for the giao ban of `data.day`."""
    prose = prose or template(TEMPLATE)
    w = _Writer(prose)
    _compact(w)
    if data.office:
        w.para(data.office.upper(), bold=True, center=True, size=13)
    w.para(prose["title"], bold=True, center=True, size=14)
    w.para(prose["subtitle"].format(day=_date(data.day)), bold=True, center=True)
    _concluded(w, data)
    _overdue(w, data)
    _lines(w, data.due_this_week, prose["due"], _due_heading(prose, data))
    _lines(w, data.extensions, prose["extensions"], None, extension=True)
    return w.bytes()


def _compact(w: _Writer) -> None:
    """Smaller type and margins than the monthly report: the pack is one page."""
    from docx.shared import Mm, Pt

    section = w.doc.sections[0]
    for side, mm in MARGINS_MM.items():
        setattr(section, f"{side}_margin", Mm(mm))
    normal = w.doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_after = Pt(1)


def _concluded(w: _Writer, data: PackData) -> None:
    prose, rows = w.prose["concluded"], data.concluded
    if data.last_meeting is None:
        w.para(prose["heading_none"], bold=True)
        w.para(prose["none"], indent=True)
        return
    w.para(prose["heading"].format(day=_date(data.last_meeting), count=len(rows)), bold=True)
    done = sum(1 for line in rows if line.status == "done")
    overdue = sum(1 for line in rows if line.days_overdue > 0)
    w.para(prose["summary"].format(done=done, count=len(rows), overdue=overdue), indent=True)
    limit = w.prose["limit"]
    table = [
        [
            str(number),
            _short(line.title),
            line.unit,
            _date(line.due_on, w.prose["no_due"]),
            _standing(prose, line),
        ]
        for number, line in enumerate(rows[:limit], start=1)
    ]
    _table(w, [prose["headers"], *table], [9, 66, 32, 24, 39], left=1)
    _more(w, len(rows) - limit)


def _table(w: _Writer, rows: list[list[str]], widths_mm: list[int], *, left: int) -> None:
    """The report's grid in the pack's smaller type; column `left` (the names) is left-aligned."""
    table = w.grid(len(rows), widths_mm)
    table.style = "Table Grid"
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            w.para(value, cell=table.cell(r, c), bold=r == 0, size=TABLE_PT, center=c != left or r == 0)


def _standing(prose: dict[str, Any], line: Line) -> str:
    label = STATUS_LABELS.get(line.status, line.status)  # type: ignore[call-overload]
    return prose["overdue"].format(status=label, days=line.days_overdue) if line.days_overdue else label


def _overdue(w: _Writer, data: PackData) -> None:
    prose = w.prose["overdue"]
    w.para(prose["heading"].format(count=len(data.overdue)), bold=True)
    if not data.overdue:
        w.para(prose["none"], indent=True)
        return
    by_unit, limit = data.overdue_by_unit, w.prose["limit"]
    rows = [[u.unit, str(u.count), prose["oldest"].format(days=u.oldest_days)] for u in by_unit[:limit]]
    _table(w, [prose["headers"], *rows], [80, 45, 45], left=0)
    if len(by_unit) > limit:
        _more(w, sum(u.count for u in by_unit[limit:]))


def _due_heading(prose: dict[str, Any], data: PackData) -> str:
    monday = data.day - dt.timedelta(days=data.day.weekday())
    end = monday + dt.timedelta(days=6)
    return prose["due"]["heading"].format(
        start=f"{monday:%d/%m}", end=f"{end:%d/%m}", count=len(data.due_this_week)
    )


def _lines(
    w: _Writer, lines: Sequence[Line], prose: dict[str, Any], heading: str | None, *, extension: bool = False
) -> None:
    w.para(heading or prose["heading"].format(count=len(lines)), bold=True)
    if not lines:
        w.para(prose["none"], indent=True)
    limit = w.prose["limit"]
    for line in lines[:limit]:
        values = {
            "title": _short(line.title),
            "unit": line.unit,
            "due": _date(line.due_on, w.prose["no_due"]),
        }
        text = (
            prose["line"].format(**values, note=line.note or "")
            if extension
            else w.prose["line"].format(**values)
        )
        w.para(f"- {text}", indent=True)
    _more(w, len(lines) - limit)


def _more(w: _Writer, count: int) -> None:
    if count > 0:
        w.para(w.prose["more"].format(count=count), italic=True, indent=True)
