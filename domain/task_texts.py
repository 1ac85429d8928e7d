"""What the bot says about tasks: cards, lists, buttons, confirmations (Vietnamese, HTML-escaped)."""

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


def number(value: float) -> str:
    """Vietnamese number format: 1.234 and 78,5."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def due_line(view: TaskView, today: dt.date) -> str:
    if view.due_on is None:
        return "Hạn: không có hạn cụ thể"
    text = f"Hạn: <b>{fmt(view.due_on)}</b>"
    if view.due_wording and view.due_wording != fmt(view.due_on):
        text += f" ({escape(view.due_wording)})"
    if view.original_due_on and view.original_due_on != view.due_on:
        text += f", đã gia hạn từ {fmt(view.original_due_on)}"
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
    lines.append("<i>Trả lời (reply) tin này bằng số như 5/12, một ghi chú hoặc ảnh để báo cáo.</i>")
    return "\n".join(lines)


def _data(task_id: int, op: str, version: int, *extra: str) -> str:
    return Callback(TASK, (str(task_id), op, str(version), *extra)).encode()


button_data = _data  # the public name, for buttons drawn outside this module


def task_buttons(view: TaskView, *, with_ack: bool = False, decider: bool = False) -> Buttons:
    """Two-tap reporting: the buttons under a task for its current status."""
    tid, ver = view.id, view.version
    rows: Buttons = []
    if with_ack or view.ack_needed:
        rows.append([("📥 Đã nhận", _data(tid, "ack", ver))])
    if can_report(view.status):
        rows.append(
            [("✅ Hoàn thành", _data(tid, "done", ver)), ("⏳ Đang thực hiện", _data(tid, "prog", ver))]
        )
        rows.append([("⚠️ Vướng mắc", _data(tid, "blk", ver)), ("📅 Xin gia hạn", _data(tid, "ext", ver))])
        rows.append([("📝 Ghi chú", _data(tid, "note", ver))])
    elif view.status in (TaskStatus.EXTENSION_REQUESTED, TaskStatus.AWAITING_CONFIRMATION):
        rows.append([("📝 Ghi chú", _data(tid, "note", ver))])
    if decider and view.status == TaskStatus.AWAITING_CONFIRMATION:
        rows.append([("✔️ Xác nhận hoàn thành", _data(tid, "cf", ver)), ("↩️ Trả lại", _data(tid, "rt", ver))])
    if not decider and view.status == TaskStatus.AWAITING_CONFIRMATION:
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


def task_list(views: Sequence[TaskView], *, page: int, pages: int, total: int, today: dt.date) -> str:
    if not views:
        return "Đơn vị của đồng chí hiện không có nhiệm vụ nào đang mở. 👍"
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


# --- answers and questions --------------------------------------------------------------------

PROMPTS = {
    "blk": "Vướng mắc gì ở nhiệm vụ #{id}? Trả lời tin này bằng nội dung vướng mắc.",
    "ext_date": "Đề nghị gia hạn nhiệm vụ #{id} đến ngày nào? (ví dụ 30/12, cuối tháng, thứ sáu tuần sau)",
    "ext_reason": "Lý do xin gia hạn nhiệm vụ #{id} đến {date}?",
    "note": "Nhập ghi chú cho nhiệm vụ #{id} (trả lời tin này).",
    "num": "Nhập tiến độ nhiệm vụ #{id}: số đã làm/tổng (ví dụ 5/12) hoặc phần trăm (ví dụ 60%).",
    "rt": "Lý do trả lại báo cáo hoàn thành nhiệm vụ #{id}?",
    "ro": "Lý do mở lại nhiệm vụ #{id}?",
}


def prompt(kind: str, task_id: int, **values: str) -> str:
    return escape(PROMPTS[kind].format(id=task_id, **values))


def recorded(what: str, task_id: int) -> str:
    return f"✅ Đã ghi nhận {escape(what)} cho nhiệm vụ #{task_id}."


def reported_done(task_id: int, *, needs_confirmation: bool) -> str:
    if needs_confirmation:
        return (
            f"✅ Đã báo hoàn thành nhiệm vụ #{task_id}. Văn phòng sẽ xác nhận; đồng chí sẽ "
            "nhận thông báo khi có kết quả."
        )
    return f"✅ Nhiệm vụ #{task_id} đã hoàn thành. Cảm ơn đồng chí!"


def stale(view: TaskView, who: str | None, when: str | None, today: dt.date, *, by_you: bool = False) -> str:
    by = " bởi chính đồng chí (ở một tin khác)" if by_you else (f" bởi {escape(who)}" if who else "")
    at = f" lúc {when}" if when else ""
    return (
        f"ℹ️ Nhiệm vụ #{view.id} vừa được cập nhật{by}{at}, nên thao tác của đồng chí chưa được ghi. "
        "Tình trạng hiện tại:\n\n" + task_card(view, today)
    )


def not_now(view: TaskView) -> str:
    label = status_label(view.status)
    return f"Nhiệm vụ #{view.id} đang ở trạng thái «{label}», không thực hiện được thao tác này."


def bad_progress() -> str:
    return "Chưa hiểu tiến độ. Gõ dạng 5/12 (đã làm/tổng) hoặc 60%."


def extension_requested(task_id: int, due: dt.date) -> str:
    return f"📅 Đã gửi đề nghị gia hạn nhiệm vụ #{task_id} đến {fmt(due)}; lãnh đạo sẽ xem xét."


def extension_prompt_for_leader(view: TaskView, who: str, unit: str, due: dt.date, reason: str) -> str:
    return (
        f"📅 <b>Đề nghị gia hạn</b> nhiệm vụ #{view.id}: {escape(view.title)}\n"
        f"Người đề nghị: {escape(who)} ({escape(unit)})\n"
        f"Hạn hiện tại: {fmt(view.due_on) if view.due_on else 'không có'} → đề nghị: <b>{fmt(due)}</b>\n"
        f"Lý do: {escape(reason)}"
    )


def extension_decided(task_id: int, approved: bool, due: dt.date, by: str) -> str:
    if approved:
        return f"✔️ Đề nghị gia hạn nhiệm vụ #{task_id} đến {fmt(due)} đã được {escape(by)} đồng ý."
    return f"✖️ Đề nghị gia hạn nhiệm vụ #{task_id} đến {fmt(due)} không được {escape(by)} đồng ý."


def already_decided() -> str:
    return "Đề nghị này đã được xử lý trước đó."


def confirm_prompt(view: TaskView, who: str, unit: str) -> str:
    return (
        f"✅ <b>Báo hoàn thành</b> nhiệm vụ #{view.id}: {escape(view.title)}\n"
        f"Người báo: {escape(who)} ({escape(unit)}). Xác nhận hoặc trả lại:"
    )


def confirmed(task_id: int, by: str) -> str:
    return f"✔️ Nhiệm vụ #{task_id} đã được {escape(by)} xác nhận hoàn thành."


def returned(task_id: int, by: str, reason: str) -> str:
    return f"↩️ Báo cáo hoàn thành nhiệm vụ #{task_id} bị {escape(by)} trả lại. Lý do: {escape(reason)}"


def reopened(task_id: int, by: str, reason: str) -> str:
    return f"🔄 Nhiệm vụ #{task_id} được {escape(by)} mở lại. Lý do: {escape(reason)}"


def assigned_intro() -> str:
    return "🆕 <b>Nhiệm vụ mới được giao</b>"


def acknowledged(task_id: int) -> str:
    return f"Đã ghi nhận đồng chí đã nhận nhiệm vụ #{task_id}."


def task_not_found(ref: str) -> str:
    return f"Không tìm thấy nhiệm vụ «{escape(ref)}»."


def photo_attached(task_id: int) -> str:
    return f"📷 Đã lưu ảnh vào nhiệm vụ #{task_id}."


def reply_to_what() -> str:
    return (
        "Tin nhắn được trả lời không phải là nhiệm vụ. Hãy trả lời (reply) đúng tin nhiệm vụ, "
        "hoặc gõ /tasks để xem danh sách."
    )


def changed_meanwhile(task_id: int) -> str:
    """An answer to a question that another change overtook."""
    return (
        f"Nhiệm vụ #{task_id} đã thay đổi trạng thái trong lúc chờ; thao tác chưa được ghi. "
        f"Gõ /task {task_id} để xem tình trạng mới."
    )
