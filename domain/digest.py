"""The Monday giao ban digest: text for leaders (or counts only for a wider group), a chart, a workbook."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from domain.dates import fmt
from domain.render import split_message
from domain.sheets import workbook_xlsx
from domain.status_texts import OUTCOME_LABELS, Counts, Line, four_way
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
    by_unit: dict[str, list[Line]] = {}
    for line in data.overdue:
        by_unit.setdefault(line.unit, []).append(line)
    lines += ["", f"⚠️ <b>Quá hạn theo đơn vị</b> ({len(data.overdue)})"]
    for unit, items in sorted(by_unit.items(), key=lambda kv: -len(kv[1])):
        oldest = max(i.days_overdue for i in items)
        lines.append(f"• {escape(unit)}: {len(items)} nhiệm vụ, lâu nhất {oldest} ngày")
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
    if data.new_blockers or data.extensions:
        lines += [
            "",
            f"🚧 <b>Vướng mắc mới</b> ({len(data.new_blockers)}), "
            f"📅 <b>xin gia hạn</b> ({len(data.extensions)})",
        ]
        if detail == FULL:
            lines.extend(
                f"• #{i.task_id} {escape(i.unit)}: {escape((i.note or '')[:120])}"
                for i in [*data.new_blockers, *data.extensions][:20]
            )
    if data.houses:
        planned = sum(h.planned for h in data.houses)
        handed = sum(h.handed_over for h in data.houses)
        lines += ["", f"🏠 <b>Xóa nhà tạm</b>: đã bàn giao {handed}/{planned} {data.house_unit}"]
        lines.extend(
            f"• {escape(h.unit)}: {h.handed_over}/{h.planned} (khởi công {h.started}, hoàn thành "
            f"{h.finished})" + (f", cần {h.pace}/ngày" if h.pace else "")
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


_COLOURS = {
    Outcome.DONE_ON_TIME: "#2e7d32",
    Outcome.DONE_LATE: "#f9a825",
    Outcome.ON_TRACK: "#1565c0",
    Outcome.OVERDUE: "#c62828",
}


def chart(data: DigestData, *, top: int = 12) -> bytes:
    """A PNG readable on a phone: tasks by unit the four ways, and houses handed over."""
    units = list(data.counts)[:top][::-1]
    houses = list(data.houses)[:top][::-1]
    rows = 2 if houses else 1
    figure = Figure(figsize=(8, 4.5 * rows), dpi=110)  # no pyplot: no global state, no screen
    axis = figure.add_subplot(rows, 1, 1)
    left = [0] * len(units)
    for kind in Outcome:
        values = [u.outcomes.get(kind, 0) for u in units]
        axis.barh(
            [u.name for u in units], values, left=left, color=_COLOURS[kind], label=OUTCOME_LABELS[kind]
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    axis.set_title(f"Nhiệm vụ theo đơn vị — {fmt(data.day)}", fontsize=12)
    axis.legend(fontsize=8, loc="lower right")
    axis.tick_params(labelsize=9)
    if houses:
        second = figure.add_subplot(rows, 1, 2)
        second.barh([h.unit for h in houses], [h.planned for h in houses], color="#cfd8dc", label="Kế hoạch")
        second.barh(
            [h.unit for h in houses], [h.handed_over for h in houses], color="#2e7d32", label="Đã bàn giao"
        )
        second.set_title(f"Xóa nhà tạm: đã bàn giao / kế hoạch ({data.house_unit})", fontsize=12)
        second.legend(fontsize=8, loc="lower right")
        second.tick_params(labelsize=9)
    figure.tight_layout()
    out = io.BytesIO()
    FigureCanvasAgg(figure).print_png(out)
    return out.getvalue()


def workbook(data: DigestData) -> bytes:
    """The detail behind the digest, as the office pastes it into its report."""
    summary = [
        [u.name, *(u.outcomes.get(kind, 0) for kind in Outcome), u.oldest_overdue] for u in data.counts
    ]
    overdue = [
        [i.task_id, i.title, i.unit, fmt(i.due_on) if i.due_on else "", i.days_overdue] for i in data.overdue
    ]
    due = [[i.task_id, i.title, i.unit, fmt(i.due_on) if i.due_on else ""] for i in data.due_this_week]
    houses = [[h.unit, h.planned, h.started, h.finished, h.handed_over] for h in data.houses]
    return workbook_xlsx(
        [
            (
                "Tong hop",
                ["Đơn vị", *(OUTCOME_LABELS[k].capitalize() for k in Outcome), "Quá hạn lâu nhất (ngày)"],
                summary,
            ),
            ("Qua han", ["Số", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn", "Số ngày quá hạn"], overdue),
            ("Den han tuan nay", ["Số", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn"], due),
            ("Nha o", ["Xã/phường", "Kế hoạch", "Đã khởi công", "Hoàn thành", "Đã bàn giao"], houses),
            ("Chua bao cao", ["Đơn vị", "Cán bộ"], [list(s) for s in data.silent]),
        ]
    )
