"""What the bot says about tasks: cards, lists and the buttons under them (Vietnamese, HTML-escaped)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from domain.callbacks import Callback
from domain.dates import RECURRENCES, fmt
from domain.overdue_texts import overdue_age
from domain.progress import Progress, current
from domain.statuses import TaskStatus
from domain.tasks import QUICK_PERCENTS, can_report, days_overdue, is_overdue

STATUS_LABELS = {
    TaskStatus.NEW: "Mới giao",
    TaskStatus.IN_PROGRESS: "Đang thực hiện",
    TaskStatus.BLOCKED: "Vướng mắc",
    TaskStatus.EXTENSION_REQUESTED: "Chờ gia hạn",
    TaskStatus.AWAITING_CONFIRMATION: "Chờ xác nhận hoàn thành",
    TaskStatus.DONE: "Hoàn thành",
}
TASK = "t"  # callback action for everything done to one task
TASK_LIST = "tl"  # callback action for a page of /tasks

Buttons = list[list[tuple[str, str]]]


_TASK_REF = re.compile(r"[Nn]hiệm vụ #(\d+)")


def task_id_in(text: str) -> int | None:
    """The task a card or reminder is about, from its text ('📌 Nhiệm vụ #42: ...')."""
    match = _TASK_REF.search(text)
    return int(match.group(1)) if match else None


def status_label(status: str) -> str:
    return (
        STATUS_LABELS.get(TaskStatus(status), status) if status in TaskStatus._value2member_map_ else status
    )


@dataclass(frozen=True, slots=True)
class TaskView:
    """Everything a card shows, gathered by storage."""

    id: int
    version: int
    title: str
    body: str | None
    status: str
    lead_unit: str
    due_on: dt.date | None
    original_due_on: dt.date | None
    due_wording: str | None
    directive: str | None = None
    cooperating: Sequence[str] = ()
    target_quantity: float | None = None
    target_measure: str | None = None
    recurrence: str | None = None
    progress_quantity: float | None = None
    progress_percent: float | None = None
    acknowledged: Sequence[str] = field(default_factory=tuple)
    not_acknowledged: Sequence[str] = field(default_factory=tuple)
    ack_needed: bool = False  # the viewer works on it and has not received it yet: 📥 Đã nhận
    extension: tuple[int, dt.date] | None = None  # the pending request (id, date) a leader decides
    # The viewer works on it (unit leads or cooperates, or named): only then the report buttons.
    works_on: bool = True
    reported_by_viewer: bool = False  # the viewer reported it done: someone else confirms


def number(value: float) -> str:
    """Vietnamese number format: 1.234 and 78,5."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


# The wording a deadline was typed or written with, when it names a day and nothing more:
# "30/12", "ngày 15/12/2026", "chậm nhất ngày 15/12". "trước 17h ngày 20/9" says more (the hour).
_PLAIN_DATE = re.compile(
    r"^(?:(?:chậm nhất|hạn|trước|đến|ngày)\s+)*(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2,4}))?\.?$"
)


def _names_day(wording: str, days: Sequence[dt.date | None]) -> bool:
    """Whether the wording is just one of these days written out (it would repeat the date)."""
    match = _PLAIN_DATE.match(" ".join(wording.lower().split()))
    if match is None:
        return False
    day, month, year = (int(g) if g else None for g in match.groups())
    return any(
        d is not None and (d.day, d.month) == (day, month) and year in (None, d.year, d.year % 100)
        for d in days
    )


def due_line(view: TaskView, today: dt.date) -> str:
    """The current deadline once; the original once when it was extended; the directive's wording
    only when it says more than a date ("trong tháng 12/2026", "quý IV/2026")."""
    if view.due_on is None:
        return "Hạn: không có hạn cụ thể"
    text = f"Hạn: <b>{fmt(view.due_on)}</b>"
    wording = view.due_wording or ""
    said = wording and not _names_day(wording, (view.due_on, view.original_due_on))
    extended = view.original_due_on is not None and view.original_due_on != view.due_on
    if extended:
        wrote = f", văn bản ghi «{escape(wording)}»" if said else ""
        text += f" (đã gia hạn từ {fmt(view.original_due_on)}{wrote})"  # type: ignore[arg-type]
    elif said:
        text += f" ({escape(wording)})"
    if is_overdue(view.due_on, view.status, today):
        text += f" — ⚠️ <b>{overdue_age(days_overdue(view.due_on, view.status, today))}</b>"
    elif view.status != TaskStatus.DONE and view.due_on == today:
        text += " — ⏰ <b>hạn hôm nay</b>"
    return text


def progress_text(progress: Progress, measure: str | None = None) -> str:
    """'6/12 căn (50%)' or '12,5%': the one number, in both views when the task counts something."""
    percent = f"{number(progress.percent)}%"
    if progress.quantity is None or not progress.target:
        return percent
    unit = f" {escape(measure)}" if measure else ""
    return f"{number(progress.quantity)}/{number(progress.target)}{unit} ({percent})"


def progress_line(view: TaskView) -> str | None:
    reading = current(view.progress_percent, view.progress_quantity, view.target_quantity)
    return f"Tiến độ: {progress_text(reading, view.target_measure)}" if reading else None


def task_card(view: TaskView, today: dt.date, *, show_acks: bool = False) -> str:
    """One task as a message: title, lead unit, deadline, status, progress."""
    lines = [f"📌 <b>Nhiệm vụ #{view.id}</b>: {escape(view.title)}"]
    if view.directive:
        lines.append(f"Văn bản: {escape(view.directive)}")
    lines.append(f"Chủ trì: {escape(view.lead_unit)}")
    if view.cooperating:
        lines.append("Phối hợp: " + ", ".join(escape(u) for u in view.cooperating))
    lines.append(due_line(view, today))
    if view.recurrence:
        lines.append(f"Lặp lại: {RECURRENCES.get(view.recurrence, view.recurrence)}")
    lines.append(f"Trạng thái: {status_label(view.status)}")
    progress = progress_line(view)
    if progress:
        lines.append(progress)
    if view.body and view.body != view.title:
        lines.append("")
        lines.append(escape(view.body[:1500]))
    if show_acks:
        lines.append("")
        lines.append("Đã nhận: " + (", ".join(escape(n) for n in view.acknowledged) or "chưa ai"))
        if view.not_acknowledged:
            lines.append("Chưa nhận: " + ", ".join(escape(n) for n in view.not_acknowledged))
    lines.append("")
    if view.works_on:
        lines.append("<i>Trả lời (reply) tin này bằng số như 5/12, một ghi chú hoặc ảnh để báo cáo.</i>")
    else:  # leaders and the office look and decide; the unit reports
        lines.append("<i>Trả lời (reply) tin này để thêm ghi chú; đơn vị được giao báo cáo tiến độ.</i>")
    return "\n".join(lines)


def _data(task_id: int, op: str, version: int, *extra: str) -> str:
    return Callback(TASK, (str(task_id), op, str(version), *extra)).encode()


button_data = _data  # the public name, for buttons drawn outside this module


def task_buttons(view: TaskView, *, with_ack: bool = False, decider: bool = False) -> Buttons:
    """Two-tap reporting: the buttons under a task for its current status."""
    tid, ver = view.id, view.version
    rows: Buttons = []
    if view.works_on and (with_ack or view.ack_needed):
        rows.append([("📥 Đã nhận", _data(tid, "ack", ver))])
    if view.works_on and can_report(view.status):
        rows.append(
            [("✅ Hoàn thành", _data(tid, "done", ver)), ("⏳ Đang thực hiện", _data(tid, "prog", ver))]
        )
        rows.append([("⚠️ Vướng mắc", _data(tid, "blk", ver)), ("📅 Xin gia hạn", _data(tid, "ext", ver))])
        rows.append([("📝 Ghi chú", _data(tid, "note", ver))])
    elif view.status != TaskStatus.DONE and (view.works_on or decider):  # a note, not a report
        rows.append([("📝 Ghi chú", _data(tid, "note", ver))])
    confirming = view.status == TaskStatus.AWAITING_CONFIRMATION
    if decider and confirming and not view.reported_by_viewer:
        rows.append([("✔️ Xác nhận hoàn thành", _data(tid, "cf", ver)), ("↩️ Trả lại", _data(tid, "rt", ver))])
    if view.works_on and confirming and (not decider or view.reported_by_viewer):
        rows.append([("↩️ Rút báo hoàn thành", _data(tid, "wd", ver))])
    if decider and view.status == TaskStatus.EXTENSION_REQUESTED and view.extension:
        rows.extend(extension_buttons(tid, view.extension[0]))
    if decider and view.status == TaskStatus.DONE:
        rows.append([("🔄 Mở lại", _data(tid, "ro", ver))])
    return rows


def percent_buttons(view: TaskView) -> Buttons:
    row = [(f"{p}%", _data(view.id, "pct", view.version, str(p))) for p in QUICK_PERCENTS]
    return [row, [("Nhập số khác (trả lời tin này)", _data(view.id, "num", view.version))]]


def extension_buttons(task_id: int, request_id: int) -> Buttons:
    return [
        [
            ("✔️ Đồng ý gia hạn", Callback(TASK, (str(task_id), "ea", "0", str(request_id))).encode()),
            ("✖️ Không đồng ý", Callback(TASK, (str(task_id), "er", "0", str(request_id))).encode()),
        ]
    ]


# --- the list -------------------------------------------------------------------------------


def list_line(view: TaskView, today: dt.date) -> str:
    due = fmt(view.due_on) if view.due_on else "không hạn"
    late = is_overdue(view.due_on, view.status, today)
    mark = f" ⚠️ {overdue_age(days_overdue(view.due_on, view.status, today))}" if late else ""
    return f"• <b>#{view.id}</b> {escape(view.title[:120])} — hạn {due}{mark} ({status_label(view.status)})"


def task_list(
    views: Sequence[TaskView], *, page: int, pages: int, total: int, today: dt.date, sees_all: bool = False
) -> str:
    if not views:
        text = "Đơn vị của đồng chí hiện không có nhiệm vụ nào đang mở. 👍"
        # A leader's or the office's own unit rarely leads a task: the units' tasks are in /status.
        return text + ("\nNhiệm vụ giao cho các đơn vị: gõ /status." if sees_all else "")
    head = f"<b>Nhiệm vụ đang mở</b> ({total}), hạn gần nhất trước"
    if pages > 1:
        head += f" — trang {page}/{pages}"
    return "\n".join([head, *(list_line(v, today) for v in views), "", "Bấm số nhiệm vụ để xem và báo cáo."])


def list_buttons(views: Sequence[TaskView], *, page: int, pages: int) -> Buttons:
    opens = [(f"#{v.id}", _data(v.id, "open", v.version)) for v in views]
    rows: Buttons = [opens[i : i + 5] for i in range(0, len(opens), 5)]
    nav = []
    if page > 1:
        nav.append(("◀️ Trước", Callback(TASK_LIST, (str(page - 1),)).encode()))
    if page < pages:
        nav.append(("Sau ▶️", Callback(TASK_LIST, (str(page + 1),)).encode()))
    if nav:
        rows.append(nav)
    return rows
