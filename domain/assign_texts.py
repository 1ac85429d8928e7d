"""What the bot says while the office hands out a task (/assign)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from domain.dates import fmt


def ask_directive() -> str:
    return "<b>Giao nhiệm vụ</b> (gõ /huy để hủy)\n\nBước 1/5: nhiệm vụ thuộc văn bản nào?"


def ask_new_directive() -> str:
    return (
        "Nhập văn bản theo dạng: <code>số hiệu; ngày; trích yếu</code>\n"
        "Ví dụ: <code>3022-CV/TU; 03/05/2024; Tăng cường thực hiện nhiệm vụ trọng tâm</code>"
    )


def ask_title() -> str:
    return "Bước 2/5: nhập tên nhiệm vụ (dòng đầu); có thể thêm nội dung chi tiết ở các dòng sau."


def ask_lead() -> str:
    return "Bước 3/5: đơn vị <b>chủ trì</b>? Gõ tên đơn vị (có thể không dấu, ví dụ <code>long hiep</code>)."


def ask_cooperating() -> str:
    return "Bước 4/5: đơn vị <b>phối hợp</b>? Gõ tên, cách nhau bằng dấu phẩy, hoặc bấm «Bỏ qua»."


def ask_due() -> str:
    return (
        "Bước 5/5: <b>hạn hoàn thành</b>? Ví dụ: 30/12, 30/12/2026, ngày 30 tháng 12, cuối tháng, "
        "thứ sáu tuần sau."
    )


def unit_unclear(typed: str, has_choices: bool) -> str:
    if has_choices:
        return f"Chưa rõ đơn vị «{escape(typed)}». Bấm chọn đơn vị đúng, hoặc gõ lại tên:"
    return f"Không tìm thấy đơn vị «{escape(typed)}». Gõ lại tên đơn vị:"


def summary(title: str, lead: str, cooperating: Sequence[str], due: dt.date | None) -> str:
    lines = ["<b>Kiểm tra lại trước khi giao:</b>", f"Nhiệm vụ: {escape(title)}", f"Chủ trì: {escape(lead)}"]
    if cooperating:
        lines.append("Phối hợp: " + ", ".join(escape(c) for c in cooperating))
    lines.append(f"Hạn: {fmt(due)}" if due else "Hạn: không có hạn cụ thể")
    return "\n".join(lines)


def created(task_id: int, notified: int) -> str:
    who = f"đã gửi tới {notified} cán bộ" if notified else "đơn vị chủ trì chưa có cán bộ nào kích hoạt bot"
    return f"✅ Đã giao nhiệm vụ #{task_id}; {who}. Gõ /task {task_id} để xem ai đã nhận."


def cancelled() -> str:
    return "Đã hủy, chưa giao nhiệm vụ nào."
