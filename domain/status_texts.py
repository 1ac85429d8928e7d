"""/status: one unit in detail, or every unit on one line each, worst first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Protocol

from domain.dates import fmt
from domain.overdue_texts import oldest_overdue, overdue_age
from domain.statuses import Outcome, TaskStatus
from domain.task_texts import STATUS_LABELS

OUTCOME_LABELS = {
    Outcome.DONE_ON_TIME: "hoàn thành đúng hạn",
    Outcome.DONE_LATE: "hoàn thành quá hạn",
    Outcome.ON_TRACK: "đang thực hiện trong hạn",
    Outcome.OVERDUE: "quá hạn chưa hoàn thành",
}


class Counts(Protocol):
    name: str
    outcomes: dict[Outcome, int]
    by_status: dict[str, int]
    oldest_overdue: int  # working days
    extended: int


class Line(Protocol):
    task_id: int
    title: str
    unit: str
    due_on: dt.date | None
    status: str
    days_overdue: int
    note: str | None
    who: str | None
    photos: int
    at: dt.datetime | None


def four_way(outcomes: dict[Outcome, int]) -> str:
    return ", ".join(f"{outcomes.get(kind, 0)} {label}" for kind, label in OUTCOME_LABELS.items())


def extended_note(extended: int) -> str:
    """Deadlines moved by an approved extension are counted against the new date, and said so."""
    return f"{extended} nhiệm vụ đã được gia hạn, tính theo hạn mới"


def overview_line(counts: Counts) -> str:
    oldest = f"; {oldest_overdue(counts.oldest_overdue)}" if counts.oldest_overdue else ""
    if counts.extended:
        oldest += f"; {extended_note(counts.extended)}"
    mark = "🔴" if counts.outcomes.get(Outcome.OVERDUE) else "🟢"
    return (
        f"{mark} <b>{escape(counts.name)}</b>: Đ {counts.outcomes.get(Outcome.DONE_ON_TIME, 0)} · "
        f"ĐQ {counts.outcomes.get(Outcome.DONE_LATE, 0)} · T {counts.outcomes.get(Outcome.ON_TRACK, 0)} · "
        f"Q {counts.outcomes.get(Outcome.OVERDUE, 0)}{oldest}"
    )


PENDING_EXTENSIONS = "📅 <b>Đề nghị gia hạn chờ quyết định</b>"


def extension_line(line: Line) -> str:
    """One pending request: the task, its unit, the current deadline, what is asked and why."""
    due = f", hạn {fmt(line.due_on)}" if line.due_on else ""
    asked = escape((line.note or "")[:150])
    return f"• #{line.task_id} {escape(line.title[:80])} — {escape(line.unit)}{due}; {asked}"


def pending_extensions(lines: Sequence[Line]) -> list[str]:
    """The overview's list of requests nobody has decided yet: a lost push never hides one."""
    if not lines:
        return []
    shown = [extension_line(line) for line in lines[:15]]
    more = [f"… và {len(lines) - 15} đề nghị khác."] if len(lines) > 15 else []
    return ["", f"{PENDING_EXTENSIONS} ({len(lines)}) — bấm số nhiệm vụ để quyết định.", *shown, *more]


def overview_head(total_units: int, today: dt.date) -> str:
    return (
        f"📋 <b>Tình hình thực hiện nhiệm vụ</b> — {fmt(today)}, {total_units} đơn vị, đơn vị nhiều việc "
        "quá hạn nhất trước.\nĐ: hoàn thành đúng hạn · ĐQ: hoàn thành quá hạn · T: đang thực hiện trong hạn "
        "· Q: quá hạn chưa hoàn thành"
    )


SHOWN = 15  # lines a /status section lists; "… và N nhiệm vụ khác" counts the rest


@dataclass(frozen=True, slots=True)
class Shown:
    """The first lines of a section and how many it has in all: storage reads only those shown."""

    lines: Sequence[Line]
    total: int

    @classmethod
    def every(cls, lines: Sequence[Line]) -> Shown:
        return cls(lines, len(lines))


@dataclass
class UnitStatus:
    name: str
    counts: Counts | None
    overdue: Shown
    due_this_week: Shown
    blocked: Shown
    extensions: Shown
    latest: Shown
    houses: Sequence[str]  # already rendered programme lines (may be empty)
    via_alias: str | None = None


def _task(line: Line, extra: str = "") -> str:
    return f"• #{line.task_id} {escape(line.title[:100])}{extra}"


def unit_status(status: UnitStatus, today: dt.date, *, zone: dt.tzinfo) -> list[str]:
    """The lines of /status <xã>, split into messages by the caller; times shown in `zone`."""
    lines = [f"📋 <b>{escape(status.name)}</b> — {fmt(today)}"]
    if status.via_alias:  # the name typed was a former one: say what it is part of now
        lines.append(f"{escape(status.via_alias)} (cũ) nay thuộc {escape(status.name)}.")
    counts = status.counts
    if counts is None or not sum(counts.outcomes.values()):
        lines.append("Đơn vị chưa có nhiệm vụ nào.")
    else:
        lines.append("Nhiệm vụ: " + four_way(counts.outcomes) + ".")
        if counts.extended:
            lines.append(extended_note(counts.extended).capitalize() + ".")
        lines.append(
            "Theo trạng thái: "
            + ", ".join(
                f"{STATUS_LABELS[TaskStatus(s)].lower()} {n}"
                for s, n in counts.by_status.items()
                if s in TaskStatus._value2member_map_
            )
            + "."
        )
    sections = (
        (
            "⚠️ <b>Quá hạn</b>",
            status.overdue,
            lambda x: _task(x, f" — hạn {fmt(x.due_on)}, {overdue_age(x.days_overdue)}" if x.due_on else ""),
        ),
        (
            "⏰ <b>Đến hạn trong tuần</b>",
            status.due_this_week,
            lambda x: _task(x, f" — hạn {fmt(x.due_on)}" if x.due_on else ""),
        ),
        ("🚧 <b>Vướng mắc</b>", status.blocked, lambda x: _task(x, f": {escape((x.note or '')[:150])}")),
        (
            "📅 <b>Đang xin gia hạn</b>",
            status.extensions,
            lambda x: _task(x, f" ({escape((x.note or '')[:150])})"),
        ),
        (
            "📝 <b>Cập nhật mới nhất</b>",
            status.latest,
            lambda x: _task(
                x,
                f" — {escape(x.who or '')}"
                + (f", {x.at.astimezone(zone):%d/%m}" if x.at else "")
                + (f": {escape((x.note or '')[:80])}" if x.note else "")
                + (f" 📷{x.photos}" if x.photos else ""),
            ),
        ),
    )
    for title, items, render in sections:
        if items.total:
            lines.append("")
            lines.append(f"{title} ({items.total})")
            lines.extend(render(item) for item in items.lines[:SHOWN])
            if items.total > SHOWN:
                lines.append(f"… và {items.total - SHOWN} nhiệm vụ khác.")
    if status.houses:
        lines.append("")
        lines.extend(status.houses)
    return lines


def unit_unclear(query: str, candidates: Sequence[str] = ()) -> str:
    """Asked when the name is not clear: one near spelling is asked about by name, never as 'nhiều'."""
    if len(candidates) == 1:
        return f"Không có đơn vị «{escape(query)}». Có phải {escape(candidates[0])}? Bấm để xem."
    return f"Có nhiều đơn vị gần giống «{escape(query)}». Bấm chọn đơn vị:"


def unit_split(former: str) -> str:
    return f"{escape(former)} (cũ) nay thuộc nhiều đơn vị. Bấm chọn đơn vị:"


def unit_unknown(query: str) -> str:
    return (
        f"Không tìm thấy đơn vị «{escape(query)}». Gõ tên xã/phường, có thể không dấu, ví dụ "
        "<code>/status long hiep</code>."
    )
