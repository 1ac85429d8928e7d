"""What the bot says on an official's daily task paths: questions, progress readings, usage."""

from __future__ import annotations

import datetime as dt
from html import escape

from domain.dates import fmt
from domain.progress import Progress, Reading
from domain.task_texts import number, progress_text

CANCEL_LABEL = "✖️ Hủy"
EXCEEDED_LABEL = "✔️ Đúng, đã vượt chỉ tiêu"
CONFIRM_DONE_LABEL = "✅ Xác nhận hoàn thành"
WITHDRAW_LABEL = "↩️ Rút báo hoàn thành"
NOTE_LIMIT = 2000  # characters of a note kept on the task


# --- questions ----------------------------------------------------------------------------------


def question_cancelled() -> str:
    return "✖️ Đã hủy câu hỏi. Tin nhắn tiếp theo sẽ không được coi là câu trả lời."


def nothing_to_cancel() -> str:
    return "Không có gì để hủy."


def question_expired(minutes: int) -> str:
    return (
        f"⌛ Câu hỏi trước của bot đã hết hạn (quá {minutes} phút không trả lời), nên tin này không "
        "được ghi làm câu trả lời. Bấm lại nút trên thẻ nhiệm vụ (/tasks) nếu vẫn cần."
    )


def question_closed() -> str:
    return (
        "Câu hỏi này đã đóng (đã trả lời, đã hủy hoặc đã hết hạn), nên tin này không được ghi. "
        "Bấm lại nút trên thẻ nhiệm vụ (/tasks) nếu vẫn cần."
    )


def cancelled_suffix() -> str:
    return "\n\n✖️ <i>Đã hủy.</i>"


# --- progress -----------------------------------------------------------------------------------


def progress_recorded(reading: Reading, task_id: int, measure: str | None = None) -> str:
    text = f"✅ Đã ghi nhận tiến độ {progress_text(reading.progress, measure)} cho nhiệm vụ #{task_id}."
    if reading.new_target and reading.progress.target:
        done, total = number(reading.progress.quantity or 0), number(reading.progress.target)
        text += (
            f"\nNhiệm vụ chưa có chỉ tiêu số lượng, nên bot hiểu là đã làm {done} trên tổng {total} "
            f"và lấy {total} làm chỉ tiêu."
        )
    if reading.rescaled:
        text += "\nSố tổng khác chỉ tiêu của nhiệm vụ, nên bot quy ra phần trăm như trên."
    return text


def older_report_kept(task_id: int, sent_at: str) -> str:
    return (
        f"ℹ️ Báo cáo này gửi lúc {sent_at}, trước một báo cáo tiến độ mới hơn của nhiệm vụ #{task_id}: "
        "đã lưu vào lịch sử, tiến độ hiện tại giữ theo báo cáo mới hơn."
    )


def exceeded_question(task_id: int, progress: Progress, measure: str | None = None) -> str:
    return (
        f"Tiến độ {progress_text(progress, measure)} vượt quá chỉ tiêu của nhiệm vụ #{task_id}. "
        "Đơn vị đã làm vượt chỉ tiêu thật chứ? Nếu gõ nhầm, bấm Hủy rồi nhập lại."
    )


def note_cut(limit: int = NOTE_LIMIT) -> str:
    return f"✂️ Ghi chú dài quá {number(limit)} ký tự nên chỉ lưu {number(limit)} ký tự đầu."


def confirm_done_question(task_id: int, target: float, measure: str | None) -> str:
    unit = f" {escape(measure)}" if measure else ""
    return f"Nhiệm vụ #{task_id} chưa có tiến độ nào (0/{number(target)}{unit}). Xác nhận hoàn thành?"


def withdrawn(task_id: int) -> str:
    return f"↩️ Đã rút báo cáo hoàn thành nhiệm vụ #{task_id}; nhiệm vụ trở lại «Đang thực hiện»."


# --- commands and decisions ---------------------------------------------------------------------


def task_usage() -> str:
    return "Gõ /task và số nhiệm vụ, ví dụ <code>/task 12</code>. Gõ /tasks để xem các nhiệm vụ đang mở."


def page_beyond(page: int, pages: int, total: int) -> str:
    return (
        f"Không có trang {page}: danh sách {total} nhiệm vụ đang mở chỉ có {pages} trang. "
        f"Gõ /tasks {pages} để xem trang cuối."
    )


def extension_not_later(requested: dt.date, current: dt.date) -> str:
    return (
        f"Ngày {fmt(requested)} không sau hạn hiện tại ({fmt(current)}): gia hạn phải đến một ngày "
        f"sau {fmt(current)}. Đồng chí nhập ngày khác."
    )


def returned_by_you(task_id: int, reason: str) -> str:
    return f"↩️ Đồng chí đã trả lại báo cáo hoàn thành nhiệm vụ #{task_id}. Lý do: {escape(reason)}"


def reopened_by_you(task_id: int, reason: str) -> str:
    return f"🔄 Đồng chí đã mở lại nhiệm vụ #{task_id}. Lý do: {escape(reason)}"


def confirmed_by_you(task_id: int) -> str:
    return f"✔️ Đồng chí đã xác nhận hoàn thành nhiệm vụ #{task_id}."
