"""What the bot says while the office hands out a task (/assign), and how it reads the typed parts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from domain.dates import fmt

RECURRENCE_LABELS = {
    "weekly": "hằng tuần",
    "monthly": "hằng tháng",
    "quarterly": "hằng quý",
    "yearly": "hằng năm",
}
# A directive's number as written: digits, then "-" or "/": 3022-CV/TU, 178-NQ/HU, 15/TB-UBND.
_NUMBER = re.compile(r"\d+\s*[-/]")
_TARGET = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(\S.*)?$")


@dataclass(frozen=True, slots=True)
class Draft:
    """What the review shows before anything is written."""

    title: str
    directive: str | None
    lead: str
    cooperating: Sequence[str]
    due: dt.date | None
    officials: Sequence[str] = ()
    target: tuple[float, str | None] | None = None
    recurrence: str | None = None
    needs_confirmation: bool = True


def ask_directive() -> str:
    return (
        "<b>Giao nhiệm vụ</b> (gõ /huy để hủy)\n\nBước 1/5: nhiệm vụ thuộc văn bản nào? Chọn bên dưới, "
        "hoặc gõ văn bản mới: <code>số hiệu; ngày; trích yếu</code>"
    )


def ask_new_directive() -> str:
    return (
        "Nhập văn bản theo dạng: <code>số hiệu; ngày; trích yếu</code>\n"
        "Ví dụ: <code>3022-CV/TU; 03/05/2024; Tăng cường thực hiện nhiệm vụ trọng tâm</code>"
    )


def directive_problem(number: str, has_date: bool) -> str | None:
    """Why a typed directive cannot be taken, or None when it can."""
    if not number:
        return "Chưa có số hiệu văn bản."
    if not _NUMBER.search(number):
        return f"«{escape(number)}» chưa phải số hiệu văn bản (ví dụ 3022-CV/TU, 15/TB-UBND)."
    if not has_date:
        return "Chưa có ngày ban hành văn bản."
    return None


def ask_title() -> str:
    return "Bước 2/5: nhập tên nhiệm vụ (dòng đầu); có thể thêm nội dung chi tiết ở các dòng sau."


def empty_title() -> str:
    return "Tên nhiệm vụ không được để trống. " + ask_title()


def ask_lead() -> str:
    return "Bước 3/5: đơn vị <b>chủ trì</b>? Gõ tên đơn vị (có thể không dấu, ví dụ <code>long hiep</code>)."


def ask_cooperating() -> str:
    return "Bước 4/5: đơn vị <b>phối hợp</b>? Gõ tên, cách nhau bằng dấu phẩy, hoặc bấm «Bỏ qua»."


def cooperating_so_far(names: Sequence[str]) -> str:
    return "Đã thêm phối hợp: " + ", ".join(escape(n) for n in names) if names else ""


def ask_due() -> str:
    return (
        "Bước 5/5: <b>hạn hoàn thành</b>? Ví dụ: 30/12, 30/12/2026, ngày 30 tháng 12, cuối tháng, "
        "thứ sáu tuần sau."
    )


def unit_unclear(typed: str, has_choices: bool) -> str:
    if has_choices:
        return f"Chưa rõ đơn vị «{escape(typed)}». Bấm chọn đơn vị đúng, hoặc gõ lại tên:"
    return f"Không tìm thấy đơn vị «{escape(typed)}». Gõ lại tên đơn vị:"


def summary(draft: Draft) -> str:
    lines = ["<b>Kiểm tra lại trước khi giao:</b>", f"Nhiệm vụ: {escape(draft.title)}"]
    lines.append(f"Văn bản: {escape(draft.directive)}" if draft.directive else "Văn bản: không thuộc văn bản")
    lines.append(f"Chủ trì: {escape(draft.lead)}")
    if draft.cooperating:
        lines.append("Phối hợp: " + ", ".join(escape(c) for c in draft.cooperating))
    lines.append(f"Hạn: {fmt(draft.due)}" if draft.due else "Hạn: không có hạn cụ thể")
    if draft.officials:
        lines.append("Cán bộ được giao: " + ", ".join(escape(n) for n in draft.officials))
    if draft.target:
        quantity, measure = draft.target
        lines.append(f"Chỉ tiêu: {number(quantity)} {escape(measure or '')}".rstrip())
    if draft.recurrence:
        lines.append(f"Lặp lại: {RECURRENCE_LABELS.get(draft.recurrence, draft.recurrence)}")
    lines.append(
        "Khi hoàn thành: cần Văn phòng xác nhận"
        if draft.needs_confirmation
        else "Khi hoàn thành: không cần xác nhận"
    )
    lines.append("\nBấm ⚙️ để thêm cán bộ, chỉ tiêu, lặp lại; ✅ để giao.")
    return "\n".join(lines)


def number(value: float) -> str:
    """12 → '12', 12.5 → '12,5' (the Vietnamese decimal comma)."""
    return f"{value:g}".replace(".", ",")


def parse_target(text: str) -> tuple[float, str | None] | None:
    """'12 căn' → (12.0, 'căn'); '12,5 km' → (12.5, 'km'); anything else → None."""
    match = _TARGET.match(text)
    if match is None:
        return None
    quantity = float(match.group(1).replace(",", "."))
    if quantity <= 0:
        return None
    measure = " ".join((match.group(2) or "").split())[:30] or None
    return quantity, measure


def ask_officials() -> str:
    return "Gõ tên cán bộ được giao (cách nhau bằng dấu phẩy, có thể không dấu):"


def officials_unclear(typed: Sequence[str]) -> str:
    return (
        "Không tìm thấy cán bộ: "
        + ", ".join(f"«{escape(t)}»" for t in typed)
        + ". Gõ lại (tên cán bộ của đơn vị chủ trì hoặc phối hợp):"
    )


def officials_ambiguous(typed: str, names: Sequence[str]) -> str:
    return (
        f"Có {len(names)} cán bộ tên «{escape(typed)}»: "
        + ", ".join(escape(n) for n in names)
        + ". Gõ họ và tên đầy đủ của người được giao:"
    )


def ask_target() -> str:
    return "Gõ chỉ tiêu: số lượng và đơn vị tính, ví dụ <code>12 căn</code>."


def bad_target(typed: str) -> str:
    return f"«{escape(typed)}» chưa phải chỉ tiêu. " + ask_target()


def ask_recurrence() -> str:
    return "Nhiệm vụ lặp lại thế nào? Gõ: hằng tuần, hằng tháng, hằng quý hoặc hằng năm."


def bad_recurrence(typed: str) -> str:
    return f"«{escape(typed)}» không hợp lệ. " + ask_recurrence()


def created(task_id: int, notified: int) -> str:
    who = f"đã gửi tới {notified} cán bộ" if notified else "đơn vị chủ trì chưa có cán bộ nào kích hoạt bot"
    return f"✅ Đã giao nhiệm vụ #{task_id}; {who}. Gõ /task {task_id} để xem ai đã nhận."


def cancelled() -> str:
    return "Đã hủy, chưa giao nhiệm vụ nào."


def expired_button() -> str:
    return "Phiên giao việc này đã kết thúc. Gõ /assign để bắt đầu lại."
