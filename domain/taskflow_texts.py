"""What the bot says on the daily task paths: questions and answers, progress readings, decisions."""

from __future__ import annotations

import datetime as dt
from html import escape

from domain.dates import fmt
from domain.progress import Progress, Reading
from domain.task_texts import TaskView, number, progress_text, status_label, task_card

CANCEL_LABEL = "✖️ Hủy"
EXCEEDED_LABEL = "✔️ Đúng, đã vượt chỉ tiêu"
LOWER_LABEL = "✔️ Đúng, ghi nhận tiến độ mới"
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
    if reading.rounded_from is not None:
        counted = escape(measure or "")
        text += (
            f"\nSố {counted} phải là số nguyên, nên bot làm tròn {number(reading.rounded_from)} "
            f"thành {number(reading.progress.quantity or 0)} {counted}."
        )
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


def lower_question(task_id: int, new: Progress, old: Progress, measure: str | None = None) -> str:
    return (
        f"Tiến độ mới {progress_text(new, measure)} thấp hơn lần báo trước "
        f"{progress_text(old, measure)} của nhiệm vụ #{task_id}. Ghi nhận? "
        "Nếu lần trước báo nhầm, bấm ghi nhận để sửa; nếu gõ nhầm lần này, bấm Hủy."
    )


def note_cut(limit: int = NOTE_LIMIT) -> str:
    return f"✂️ Ghi chú dài quá {number(limit)} ký tự nên chỉ lưu {number(limit)} ký tự đầu."


def confirm_done_question(task_id: int, target: float, measure: str | None) -> str:
    unit = f" {escape(measure)}" if measure else ""
    return f"Nhiệm vụ #{task_id} chưa có tiến độ nào (0/{number(target)}{unit}). Xác nhận hoàn thành?"


def withdrawn(task_id: int) -> str:
    return f"↩️ Đã rút báo cáo hoàn thành nhiệm vụ #{task_id}; nhiệm vụ trở lại «Đang thực hiện»."


def withdrawn_for_office(task_id: int, who: str, when: str) -> str:
    """Under the office's request to confirm, once the reporter took the report back."""
    return (
        f"↩️ {escape(who)} đã rút báo hoàn thành nhiệm vụ #{task_id} lúc {when}; "
        "không cần xác nhận. Khi báo lại, Văn phòng sẽ nhận tin mới."
    )


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


def reported_done(task_id: int, *, needs_confirmation: bool, confirmers: int | None = None) -> str:
    """The toast after ✅ Hoàn thành; `confirmers`: how many were asked to confirm it (0: nobody
    can yet, and the message that follows says why — no promise that the office will)."""
    if needs_confirmation and confirmers == 0:
        return f"✅ Đã báo hoàn thành nhiệm vụ #{task_id}; nhiệm vụ chờ xác nhận."
    if needs_confirmation:
        return (
            f"✅ Đã báo hoàn thành nhiệm vụ #{task_id}. Văn phòng sẽ xác nhận; đồng chí sẽ "
            "nhận thông báo khi có kết quả."
        )
    return f"✅ Nhiệm vụ #{task_id} đã hoàn thành. Cảm ơn đồng chí!"


def not_yours_to_report(task_id: int) -> str:
    return (
        f"Báo cáo tiến độ, vướng mắc, hoàn thành nhiệm vụ #{task_id} là việc của cán bộ đơn vị được "
        "giao. Lãnh đạo và Văn phòng xác nhận hoặc trả lại khi đơn vị báo hoàn thành, và có thể "
        "thêm 📝 Ghi chú."
    )


def not_your_confirmation(task_id: int) -> str:
    return (
        f"Đồng chí là người báo hoàn thành nhiệm vụ #{task_id}, nên không tự xác nhận được: "
        "lãnh đạo hoặc Văn phòng khác sẽ xác nhận."
    )


def nobody_to_confirm(task_id: int) -> str:
    return (
        f"⚠️ Nhiệm vụ #{task_id} cần người khác xác nhận hoàn thành, nhưng chưa có lãnh đạo hay cán bộ "
        "Văn phòng nào khác dùng bot. Nhiệm vụ chờ xác nhận; Văn phòng thêm người bằng /addofficial "
        "và /invite."
    )


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
