"""What reminders say: deadlines, overdue work, meetings, the weekly check-in, who cannot be reached."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from domain.dates import fmt, fmt_with_weekday
from domain.task_texts import TaskView, task_card


def due_soon(view: TaskView, working_days: int, today: dt.date) -> str:
    if working_days == 0:
        head = f"⏰ <b>Hôm nay là hạn</b> nhiệm vụ #{view.id}."
    else:
        head = f"⏰ <b>Nhắc hạn</b>: nhiệm vụ #{view.id} còn {working_days} ngày làm việc."
    return f"{head}\n\n{task_card(view, today)}"


def overdue(view: TaskView, working_days: int, today: dt.date) -> str:
    return (
        f"⚠️ <b>Quá hạn</b>: nhiệm vụ #{view.id} đã quá hạn {working_days} ngày làm việc. "
        f"Đề nghị báo cáo tiến độ hoặc xin gia hạn.\n\n{task_card(view, today)}"
    )


def escalated_to_head(view: TaskView, working_days: int) -> str:
    return (
        f"🔔 <b>Báo cáo người đứng đầu</b>: nhiệm vụ #{view.id} «{escape(view.title)}» do "
        f"{escape(view.lead_unit)} chủ trì đã quá hạn {working_days} ngày làm việc "
        f"(hạn {fmt(view.due_on) if view.due_on else '?'}). Đề nghị đồng chí chỉ đạo hoàn thành."
    )


def escalated_to_leaders(view: TaskView, working_days: int) -> str:
    return (
        f"🔔 <b>Quá hạn kéo dài</b>: nhiệm vụ #{view.id} «{escape(view.title)}» — "
        f"{escape(view.lead_unit)} chủ trì — quá hạn {working_days} ngày làm việc "
        f"(hạn {fmt(view.due_on) if view.due_on else '?'})."
    )


def giao_ban_today(day: dt.date, at: dt.time, moved_from: dt.date | None, holiday: str | None) -> str:
    text = f"📅 <b>Giao ban Thường trực</b> hôm nay, {fmt_with_weekday(day)}, lúc {at:%H:%M}."
    if moved_from is not None:
        reason = f" ({escape(holiday)})" if holiday else ""
        text += f"\nLịch chuyển từ {fmt_with_weekday(moved_from)}{reason} do trùng ngày nghỉ."
    return text


def meeting_today(title: str, at: dt.datetime) -> str:
    return f"📅 Hôm nay {at:%H:%M}: <b>{escape(title)}</b>."


def meeting_prepare(title: str, item: str, meeting_day: dt.date, working_days: int) -> str:
    return (
        f"📝 <b>Chuẩn bị nội dung họp</b>: «{escape(item)}» cho {escape(title)}, "
        f"{fmt_with_weekday(meeting_day)} (còn {working_days} ngày làm việc)."
    )


def meeting_moved(title: str, new: dt.datetime) -> str:
    return f"📅 {escape(title)} được dời sang {new:%H:%M} {fmt_with_weekday(new.date())}."


def meeting_cancelled(title: str, day: dt.date) -> str:
    return f"✖️ {escape(title)} ngày {fmt(day)} đã hủy."


def checkin(lines: Sequence[str], total: int) -> str:
    more = f"\n… và {total - len(lines)} nhiệm vụ khác (gõ /tasks)." if total > len(lines) else ""
    return (
        "🗓 <b>Báo cáo cuối tuần</b>: đồng chí còn các nhiệm vụ đang mở dưới đây. Bấm vào từng "
        "nhiệm vụ để cập nhật tiến độ trước giao ban thứ Hai.\n\n" + "\n".join(lines) + more
    )


def checkin_again() -> str:
    return (
        "🗓 Nhắc lại: đồng chí chưa cập nhật nhiệm vụ nào trong tuần này. Vui lòng bấm vào "
        "nhiệm vụ ở tin trên (hoặc gõ /tasks) để báo cáo trước giao ban thứ Hai."
    )


def unreachable_for_office(rows: Sequence[tuple[str, str, str]]) -> str:
    """rows: (unit, name, reason)."""
    lines = [f"• {escape(unit)}: {escape(name)} — {escape(reason)}" for unit, name, reason in rows]
    return (
        f"📵 <b>Chưa kích hoạt nhận nhắc việc</b> ({len(rows)} cán bộ): những đồng chí này chưa "
        "nhận được nhắc việc qua bot.\n"
        + "\n".join(lines)
        + "\n\nGõ /invite số để gửi lại đường link mời; người đứng đầu các đơn vị đã được đề nghị hỗ trợ."
    )


def unreachable_for_head(names: Sequence[str]) -> str:
    return (
        "📵 Các đồng chí sau trong đơn vị chưa nhận được nhắc việc qua bot (chưa kích hoạt hoặc "
        "đã chặn bot): "
        + ", ".join(escape(n) for n in names)
        + ". Đề nghị đồng chí nhắc các đồng chí ấy mở đường link mời của Văn phòng."
    )


def blocked_notice(name: str, unit: str) -> str:
    return (
        f"📵 Cán bộ {escape(name)} ({escape(unit)}) đã chặn bot hoặc chưa mở bot: tin nhắc việc "
        "không gửi được. Đề nghị liên hệ trực tiếp."
    )


REASON_NOT_LINKED = "chưa kích hoạt"
REASON_BLOCKED = "đã chặn bot"
