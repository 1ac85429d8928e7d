"""What the office reads about the meetings of a directive and the meeting a notice concludes
(CLI: plain text; bot: HTML, every piece of the document escaped)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from typing import Any

from domain.dates import fmt
from domain.giaoban import ConcludedMeeting

NEW, UNDATED, RECURRING = "new", "undated", "recurring"  # as storage.directive_import marks them
PACK_CAPTION = "📎 Tài liệu giao ban {day}: kết luận giao ban trước, quá hạn theo đơn vị, đến hạn trong tuần."


def _items(count: int) -> str:
    return f"{count} nội dung" if count else "chưa có nội dung"


def concluded_line(concludes: ConcludedMeeting) -> str:
    return (
        f"Văn bản kết luận {concludes.title[:1].lower() + concludes.title[1:]} ngày {fmt(concludes.day)}: "
        "các nhiệm vụ được gắn với cuộc họp này để giao ban sau rà soát."
    )


def meeting_plan(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Which meetings an import creates, and why the others are not (plain lines)."""
    new = [r for r in rows if r["state"] == NEW]
    lines = []
    if new:
        lines.append(f"Sẽ tạo {len(new)} cuộc họp có ngày (bỏ qua nếu đã có cùng tên trong ngày đó):")
    for row in new:
        lines.append(f"    [{row['ref']}] {row['title']} — {fmt(dt.date.fromisoformat(row['date']))}")
        for item in row["items"]:
            lines.append(f"        - {item['text']}{_preparing(item, html=False)}")
    undated = [r["ref"] for r in rows if r["state"] == UNDATED]
    if undated:
        lines.append(
            "Chưa tạo (văn bản chưa ghi ngày; thêm bằng `nhacviec meetings add`): " + ", ".join(undated)
        )
    recurring = [r["ref"] for r in rows if r["state"] == RECURRING]
    if recurring:
        lines.append(
            "Giao ban định kỳ (" + ", ".join(recurring) + ") theo cài đặt GIAO_BAN, không tạo riêng."
        )
    return lines


def _preparing(item: dict[str, Any], *, html: bool) -> str:
    named = item["unit_name"] or item["preparing_unit"]
    if not named:
        return ""
    named = escape(named) if html else named
    missing = "" if item["unit_id"] else ", chưa có trong danh sách đơn vị nên chưa được nhắc"
    return f" ({named} chuẩn bị{missing})"


def import_question(tasks: int, meetings: int) -> str:
    parts = [f"{tasks} nhiệm vụ"] if tasks else []
    if meetings:
        parts.append(f"{meetings} cuộc họp")
    return f"Tạo {' và '.join(parts)} và báo cho các đơn vị? (có/không) "


def created_meetings(created: int, kept: int) -> str:
    """'' when the import had no meetings to create."""
    if not created and not kept:
        return ""
    text = f"Cuộc họp: tạo mới {created}"
    return text + (f", đã có từ trước {kept}." if kept else ".")


def saved(number: str, *, numbered: bool = True) -> str:
    """The import created meetings (or kept what was there) but no new task; a name without a
    number says its own kind ('Công văn (không rõ số)'), so 'văn bản' is not said twice."""
    return f"✅ Đã lưu {'văn bản ' if numbered else ''}{escape(number)}."


def kept_tasks(kept: int) -> str:
    return f"{kept} nhiệm vụ đã có từ lần nhập trước, không tạo lại." if kept else ""


# --- in the bot ---


def overview_meetings(rows: Sequence[dict[str, Any]], *, on: bool) -> list[str]:
    """The meetings block of the bot's overview, in HTML."""
    new = [r for r in rows if r["state"] == NEW]
    if not new:
        return []
    head = "sẽ tạo khi bấm 🚀 Tạo" if on else "sẽ không tạo"
    lines = [f"\n🗓 <b>{len(new)} cuộc họp</b> ({head}):"]
    for row in new:
        when = fmt(dt.date.fromisoformat(row["date"]))
        lines.append(f"• {escape(row['title'])} — {when}, {_items(len(row['items']))}")
        for item in row["items"][:8]:
            lines.append(f"   - {escape(item['text'][:150])}{_preparing(item, html=True)}")
    return lines


def meetings_button(count: int, *, on: bool) -> str:
    return f"🗓 Không tạo {count} cuộc họp" if on else f"🗓 Tạo cả {count} cuộc họp"


def concluded_html(concludes: ConcludedMeeting) -> str:
    return "🔗 " + escape(concluded_line(concludes))
