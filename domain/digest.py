"""The Monday giao ban digest: text for leaders (or counts only for a wider group), a chart, a workbook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from domain import digest_chart, digest_sheet
from domain.dates import fmt
from domain.overdue_texts import oldest_overdue
from domain.render import split_message
from domain.status_texts import PENDING_EXTENSIONS, Counts, Line, extended_note, extension_line, four_way
from domain.statuses import Outcome
from domain.texts import MAX_CAPTION_CHARS

FULL, COUNTS_ONLY = "full", "counts"


@dataclass(frozen=True, slots=True)
class HouseRow:
    unit: str
    planned: int
    started: int
    finished: int
    handed_over: int
    pace: str | None = None


@dataclass
class DigestData:
    day: dt.date  # the giao ban day
    last_week: tuple[dt.date, dt.date]
    counts: Sequence[Counts]
    completed: Sequence[Line]
    overdue: Sequence[Line]
    due_this_week: Sequence[Line]
    new_blockers: Sequence[Line]
    extensions: Sequence[Line]
    houses: Sequence[HouseRow] = ()
    house_unit: str = "căn"
    silent: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (unit, official) without check-in
    office: str = ""  # the unit the digest is made for (the province, or the commune)


def _totals(counts: Sequence[Counts]) -> dict[Outcome, int]:
    totals: dict[Outcome, int] = {}
    for unit in counts:
        for kind, n in unit.outcomes.items():
            totals[kind] = totals.get(kind, 0) + n
    return totals


def compose(data: DigestData, *, detail: str = FULL) -> list[str]:
    """The digest as HTML messages, each within Telegram's limit."""
    start, end = data.last_week
    lines = [
        f"📊 <b>Tổng hợp giao ban</b> {fmt(data.day)}",
        f"Tuần trước ({fmt(start)}–{fmt(end)}): hoàn thành {len(data.completed)} nhiệm vụ.",
        "Toàn bộ: " + four_way(_totals(data.counts)) + ".",
    ]
    extended = sum(getattr(unit, "extended", 0) for unit in data.counts)
    if extended:
        lines.append(extended_note(extended).capitalize() + ".")
    by_unit: dict[str, list[Line]] = {}
    for line in data.overdue:
        by_unit.setdefault(line.unit, []).append(line)
    lines += ["", f"⚠️ <b>Quá hạn theo đơn vị</b> ({len(data.overdue)})"]
    for unit, items in sorted(by_unit.items(), key=lambda kv: -len(kv[1])):
        oldest = max(i.days_overdue for i in items)
        lines.append(f"• {escape(unit)}: {len(items)} nhiệm vụ, {oldest_overdue(oldest)}")
        if detail == FULL:
            lines.extend(
                f"   – #{i.task_id} {escape(i.title[:80])} (hạn {fmt(i.due_on)})"
                for i in items[:5]
                if i.due_on
            )
    if not by_unit:
        lines.append("Không có nhiệm vụ quá hạn. 👍")
    lines += ["", f"⏰ <b>Đến hạn trong tuần này</b> ({len(data.due_this_week)})"]
    if detail == FULL:
        lines.extend(
            f"• #{i.task_id} {escape(i.title[:80])} — {escape(i.unit)}, hạn {fmt(i.due_on)}"
            for i in data.due_this_week[:30]
            if i.due_on
        )
    lines += ["", f"🚧 <b>Vướng mắc mới</b> ({len(data.new_blockers)})"]
    if detail == FULL:
        lines.extend(
            f"• #{i.task_id} {escape(i.unit)}: {escape((i.note or '')[:120])}" for i in data.new_blockers[:20]
        )
    lines += ["", f"{PENDING_EXTENSIONS} ({len(data.extensions)})"]
    if detail == FULL:
        lines.extend(extension_line(i) for i in data.extensions[:20])
    if data.houses:
        planned = sum(h.planned for h in data.houses)
        handed = sum(h.handed_over for h in data.houses)
        lines += ["", f"🏠 <b>Xóa nhà tạm</b>: đã bàn giao {handed}/{planned} {data.house_unit}"]
        lines.extend(
            f"• {escape(h.unit)}: {h.handed_over}/{h.planned} (khởi công {h.started}, hoàn thành "
            f"{h.finished})" + (f", cần {h.pace}" if h.pace else "")
            for h in data.houses
        )
    if data.silent:
        lines += ["", f"🔕 <b>Chưa báo cáo cuối tuần</b> ({len(data.silent)} cán bộ)"]
        if detail == FULL:
            lines.extend(f"• {escape(unit)}: {escape(name)}" for unit, name in data.silent[:40])
    return split_message(lines)


def caption(data: DigestData) -> str:
    text = f"Biểu đồ giao ban {fmt(data.day)}: tình hình nhiệm vụ theo đơn vị và nhà đã bàn giao."
    return text[:MAX_CAPTION_CHARS]


def files_missing() -> str:
    """Said in place of the chart and the workbook when they could not be drawn."""
    return (
        "⚠️ Kỳ này bot chưa tạo được biểu đồ và bảng tính kèm theo (lỗi máy chủ, đã ghi lại để "
        "quản trị xử lý). Số liệu ở trên vẫn đầy đủ; lãnh đạo gõ /digest để nhận lại biểu đồ và "
        "bảng tính sau."
    )


def chart(data: DigestData) -> bytes:
    """A PNG readable on a phone: tasks by unit the four ways, and houses handed over."""
    return digest_chart.chart(data)


def workbook(data: DigestData) -> bytes:
    """The detail behind the digest, as a document the office prints or pastes into its report."""
    return digest_sheet.workbook(data)
