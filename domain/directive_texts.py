"""What the office reads about a directive's proposal (CLI and bot)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

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
    "Không đọc được nội dung văn bản tiếng Việt (tệp hoặc đoạn dán trống, quá ngắn, hỏng, là ảnh "
    "chụp hoặc không phải tiếng Việt). Chưa tạo nhiệm vụ nào."
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


# --- in the bot (HTML: every piece of the document is escaped) ---

TOO_BIG = "Tệp lớn hơn 20 MB, bot không tải được. Gửi bản .docx, .pdf hoặc .txt nhỏ hơn."
EXPIRED = "Phiên đọc văn bản này đã kết thúc. Gửi lại văn bản để bắt đầu."
CANCELLED = "Đã hủy, chưa tạo nhiệm vụ nào từ văn bản."
NEEDS_UNIT_AND_DUE = "Nhiệm vụ này còn thiếu đơn vị chủ trì hoặc hạn: bấm 🏢 Đơn vị / 📅 Hạn trước."
NOTHING_ACCEPTED = "Chưa nhận nhiệm vụ nào."


def accept_ready(count: int) -> str:
    return f"✅ Nhận {count} nhiệm vụ đã có đơn vị và hạn"


def make_button(count: int) -> str:
    return f"🚀 Tạo {count} nhiệm vụ" if count else "🚀 Tạo nhiệm vụ"


def tasks_made(count: int, groups: Sequence[tuple[str, int]]) -> str:
    """'7 nhiệm vụ (một dòng «Các xã, thị trấn» thành 3 nhiệm vụ)': a group's row is one per unit."""
    from html import escape

    each = "; ".join(f"một dòng «{escape(wording)}» thành {n} nhiệm vụ" for wording, n in groups)
    return f"{count} nhiệm vụ" + (f" ({each})" if each else "")


NAME_LIMIT = 50  # what Directive.number holds


def unnumbered(day: dt.date) -> str:
    """A name for a document whose text gives no number (the CLI's): the day it was received,
    said as such, never passed off as the document's own date."""
    return f"Không rõ số, nhận {fmt(day)}"  # "… từ văn bản Không rõ số, nhận 23/11/2026"


def unnumbered_name(info: dict, kind: str | None) -> str:
    """A document without a number in its text: 'Công văn (không rõ số) ngày 03/05/2024', or of
    its issuer when it has no date either ('… của Ban Thường vụ Tỉnh ủy'); never today's date."""
    name = f"{kind or 'Văn bản'} (không rõ số)"
    if info.get("date"):
        tail = f" ngày {fmt(dt.date.fromisoformat(info['date']))}"
    else:
        tail = f" của {info['issuer']}" if info.get("issuer") else ""
    return name + tail if len(name + tail) <= NAME_LIMIT else name


def overview(
    info: dict,
    rows: list[dict],
    planned: tuple[int, Sequence[tuple[str, int]]] = (0, ()),
    *,
    today: dt.date | None = None,
) -> str:
    """The review's head: what was read, what still needs the office (pending rows only: an
    accepted or skipped row needs nothing more), what was accepted or skipped."""
    from html import escape

    head = escape(info["number"] or "Văn bản không rõ số hiệu")
    if info["date"]:
        head += f", ngày {fmt(dt.date.fromisoformat(info['date']))}"
    counts = {state: sum(1 for r in rows if r["state"] == state) for state in ("accepted", "skipped")}
    pending = [r for r in rows if r["state"] == "pending"]
    past = sum(1 for r in pending if r["due"] and today and dt.date.fromisoformat(r["due"]) < today)
    missing = sum(1 for r in pending if r["unit_id"] is None or r["due"] is None) + past
    lines = [
        f"📄 <b>{head}</b>" + (f" — {escape(info['issuer'])}" if info["issuer"] else ""),
        f"Bot đọc được {len(rows)} nhiệm vụ; {missing} nhiệm vụ cần Văn phòng chọn đơn vị hoặc hạn"
        + (f" (trong đó {past} nhiệm vụ có hạn đã qua, cần hạn mới)." if past else "."),
        f"Đã nhận: {counts['accepted']}"
        + (f", sẽ tạo {tasks_made(*planned)}" if planned[1] else "")
        + f"; bỏ qua: {counts['skipped']}.",
    ]
    if not rows:
        lines[1] = "Văn bản không có nhiệm vụ nào cần giao (có thể chỉ là báo cáo kết quả)."
    return "\n".join(lines)


def task_card(row: dict, *, position: int, total: int, today: dt.date | None = None) -> str:
    from html import escape

    unit = row["unit_name"] or (
        f"chưa rõ (văn bản ghi «{escape(', '.join(row['lead_units']))}»{_no_units(row)})"
        if row["lead_units"]
        else "chưa rõ"
    )
    due = fmt(dt.date.fromisoformat(row["due"])) if row["due"] else "chưa rõ"
    if row["due"] and today is not None and dt.date.fromisoformat(row["due"]) < today:
        due += " ⚠️ đã qua — bấm ✅ Nhận hoặc 📅 Hạn để đặt hạn mới"
    if row["recurrence"]:
        due += f", {recurrence_words(row['recurrence'])}"
    text = row["text"] if len(row["text"]) <= 600 else row["text"][:600].rsplit(" ", 1)[0] + "…"
    return "\n".join(
        [
            f"<b>Nhiệm vụ {position}/{total}</b> [{escape(row['ref'])}]",
            escape(text),
            f"🏢 Chủ trì: {escape(unit) if row['unit_name'] else unit}",
            f"📅 Hạn: {due}" + (f" («{escape(row['due_text'])}»)" if row["due_text"] else ""),
        ]
    )


def _no_units(row: dict) -> str:
    """A group ("các xã, thị trấn") the unit list has no unit of: kept as written, and said so."""
    return ": danh sách đơn vị không có đơn vị nào của nhóm này" if row.get("unit_note") else ""


def group_lines(rows: list[dict]) -> list[str]:
    """The groups of units the proposal expanded (one task each) or could not (plain text)."""
    lines = []
    for row in rows:
        if (group := row.get("group")) and row["unit_name"] == group["label"]:
            lines.append(
                f"[{row['ref']}] {group['label']}, mỗi đơn vị một nhiệm vụ: " + ", ".join(group["names"])
            )
        elif row.get("unit_note"):
            written = ", ".join(row["lead_units"])
            lines.append(f"[{row['ref']}] «{written}»{_no_units(row)}; giữ nguyên như văn bản.")
    return ["", "Nhóm đơn vị:", *lines] if lines else []


def ask_new_due(ref: str, due: str) -> str:
    """✅ Nhận on a task whose deadline has passed: it is not created overdue, a new one is asked."""
    on = fmt(dt.date.fromisoformat(due))
    return (
        f"Hạn {on} của nhiệm vụ [{ref}] đã qua: nhận như vậy thì nhiệm vụ quá hạn ngay khi tạo. "
        "Gõ hạn mới để nhận nhiệm vụ, ví dụ 30/12, cuối tháng, quý I/2027 (/huy để hủy cả văn bản):"
    )


def ask(what: str, ref: str) -> str:
    if what == "unit":
        return f"Gõ tên đơn vị chủ trì nhiệm vụ [{ref}] (có thể không dấu):"
    return f"Gõ hạn của nhiệm vụ [{ref}], ví dụ 30/12, cuối tháng, quý I/2027:"


def unit_not_found(typed: str, choices: str) -> str:
    from html import escape

    hint = f" Có phải: {escape(choices)}?" if choices else ""
    return f"Chưa rõ đơn vị «{escape(typed)}».{hint} Gõ lại tên đơn vị:"


def created(number: str, ids: list, groups: Sequence[tuple[str, int]] = (), *, numbered: bool = True) -> str:
    """'… từ văn bản 45-TB/HU'; a name without a number says its own kind ('từ Công văn (không rõ
    số) …'), so 'văn bản' is not said twice."""
    from html import escape

    listed = ", ".join(f"#{i}" for i in ids)
    made = tasks_made(len(ids), groups)
    source = f"văn bản {escape(number)}" if numbered else escape(number)
    return f"✅ Đã tạo {made} từ {source} ({listed}) và gửi tới các đơn vị."


NOTHING_CREATED = "Chưa tạo nhiệm vụ nào."


def import_plan(count: int, left: list[str]) -> str:
    lines = [f"\nSẽ tạo {count} nhiệm vụ đã rõ đơn vị chủ trì và hạn."]
    if left:
        lines.append(
            "Chưa tạo (thiếu đơn vị hoặc hạn, hoặc hạn đã qua; bổ sung trong bot bằng cách gửi văn bản): "
            + ", ".join(left)
        )
    return "\n".join(lines)


def import_question(count: int) -> str:
    return f"Tạo {count} nhiệm vụ và báo cho các đơn vị? (có/không) "


def created_plain(number: str, ids: list) -> str:
    return f"Đã tạo {len(ids)} nhiệm vụ từ văn bản {number}: " + ", ".join(f"#{i}" for i in ids)
