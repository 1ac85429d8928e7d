"""What the office reads about a directive's proposal (CLI and bot)."""

from __future__ import annotations

import datetime as dt

from domain.dates import fmt
from domain.directive import Proposal, ProposedTask

RECURRENCE_WORDS = {
    "weekly": "hằng tuần",
    "monthly": "hằng tháng",
    "quarterly": "hằng quý",
    "yearly": "hằng năm",
}
WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")

SECRET = (
    "Văn bản có dấu MẬT / TỐI MẬT / TUYỆT MẬT: không xử lý và không lưu. Văn bản mật không được "
    "gửi qua Telegram; đề nghị theo dõi trên giấy hoặc hệ thống bảo mật của cơ quan."
)
NOT_A_DIRECTIVE = (
    "Không đọc được nội dung văn bản tiếng Việt trong tệp này (tệp trống, hỏng, là ảnh chụp hoặc "
    "không phải tiếng Việt). Chưa tạo nhiệm vụ nào."
)


def recurrence_words(recurrence: str | None) -> str:
    """'monthly' → 'hằng tháng', 'monthly:5' → 'ngày 5 hằng tháng', 'weekly:0' → 'thứ Hai hằng tuần'."""
    if not recurrence:
        return ""
    kind, _, detail = recurrence.partition(":")
    if kind == "monthly" and detail:
        return f"ngày {detail} hằng tháng"
    if kind == "weekly" and detail:
        return f"{WEEKDAYS[int(detail)]} hằng tuần"
    return RECURRENCE_WORDS.get(kind, recurrence)


def _due(task: ProposedTask) -> str:
    parts = [fmt(dt.date.fromisoformat(task.due)) if task.due else "chưa rõ hạn"]
    if task.recurrence:
        parts.append(recurrence_words(task.recurrence))
    if task.due_text:
        parts.append(f"«{task.due_text}»")
    return ", ".join(parts)


def proposal_lines(proposal: Proposal) -> list[str]:
    """The proposal as plain lines for the terminal."""
    info = proposal.directive
    lines = [
        f"Văn bản: {info.number or '(không rõ số hiệu)'}"
        + (f", ngày {fmt(dt.date.fromisoformat(info.date))}" if info.date else "")
        + (f" — {info.issuer}" if info.issuer else ""),
    ]
    if info.cites:
        lines.append("Dẫn chiếu: " + ", ".join(info.cites))
    lines.append(f"\n{len(proposal.tasks)} nhiệm vụ đề xuất:")
    for task in proposal.tasks:
        lines.append(f"[{task.ref}] {task.title}")
        lead = ", ".join(task.lead_units) or "chưa rõ (Văn phòng chọn)"
        lines.append(f"    chủ trì: {lead}; hạn: {_due(task)}")
        if task.cooperating_units:
            lines.append("    phối hợp: " + ", ".join(task.cooperating_units))
        if task.communes:
            lines.append("    địa bàn: " + ", ".join(task.communes))
    if proposal.meetings:
        lines.append(f"\n{len(proposal.meetings)} hội nghị, cuộc họp:")
    for meeting in proposal.meetings:
        when = fmt(dt.date.fromisoformat(meeting.date)) if meeting.date else "chưa có lịch"
        if meeting.recurrence:
            when = recurrence_words(meeting.recurrence)
        lines.append(f"[{meeting.ref}] {meeting.title} — {when}")
        for item in meeting.items:
            lines.append(
                f"    {item.ref} {item.text}"
                + (f" ({item.preparing_unit} chuẩn bị)" if item.preparing_unit else "")
            )
    return lines
