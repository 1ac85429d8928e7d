"""Every sentence the bot says, in Vietnamese, rendered as Telegram HTML with user text escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

# Telegram's documented limits; the sender and the renderers keep to them.
MAX_MESSAGE_CHARS = 4096
MAX_CAPTION_CHARS = 1024
MAX_CALLBACK_DATA_BYTES = 64

BOT_NAME = "Nhắc việc"

# (command, description) for setMyCommands and /help; only commands that exist are listed.
# Strangers see the first group; each role sees its own list once its account is linked.
STRANGER_COMMANDS: Sequence[tuple[str, str]] = (
    ("start", "Bắt đầu, kích hoạt tài khoản bằng mã mời"),
    ("help", "Hướng dẫn sử dụng"),
)
OFFICIAL_COMMANDS: Sequence[tuple[str, str]] = (
    *STRANGER_COMMANDS,
    ("tasks", "Nhiệm vụ đang mở của đơn vị và của tôi"),
    ("status", "Tình hình một đơn vị: /status tên xã"),
    ("task", "Xem một nhiệm vụ: /task số"),
    ("huy", "Hủy câu hỏi bot đang chờ trả lời"),
    ("houses", "Tiến độ xóa nhà tạm: /houses tên xã"),
    ("exporthouses", "Tải danh sách hộ (Excel)"),
    ("addhouse", "Thêm hộ: họ tên; thôn; diện; loại"),
    ("officials", "Danh sách cán bộ của đơn vị"),
)
LEADER_COMMANDS: Sequence[tuple[str, str]] = (
    *OFFICIAL_COMMANDS,
    ("assign", "Giao nhiệm vụ mới"),
    ("digest", "Xem trước bản tổng hợp giao ban"),
    ("baocao", "Dự thảo báo cáo tháng (.docx): /baocao 11/2026"),
)
ADMIN_COMMANDS: Sequence[tuple[str, str]] = (
    *LEADER_COMMANDS,
    ("vanban", "Đọc văn bản chỉ đạo: /vanban rồi dán nội dung, hoặc gửi tệp"),
    ("invite", "Cấp đường link mời cho cán bộ: /invite số (số ở /officials)"),
    ("addofficial", "Thêm cán bộ: họ tên; đơn vị; vai trò; SĐT; chức vụ"),
    ("editofficial", "Sửa cán bộ: /editofficial số donvi=...; sdt=..."),
    ("deactivate", "Khóa tài khoản cán bộ"),
    ("reactivate", "Mở lại tài khoản cán bộ"),
    ("unlink", "Gỡ tài khoản Telegram (mất/đổi điện thoại)"),
    ("registergroup", "Đăng ký nhóm chat này (gõ trong nhóm)"),
    ("unregistergroup", "Hủy đăng ký nhóm chat này"),
)
COMMANDS = STRANGER_COMMANDS


def commands_for(role: str | None) -> Sequence[tuple[str, str]]:
    """The command menu of a role (None: a stranger)."""
    return {"admin": ADMIN_COMMANDS, "leader": LEADER_COMMANDS, "official": OFFICIAL_COMMANDS}.get(
        role or "", STRANGER_COMMANDS
    )


def welcome_stranger(first_name: str | None) -> str:
    """/start from someone who is not (yet) a registered official."""
    greeting = f"Xin chào {escape(first_name)}!" if first_name else "Xin chào!"
    return (
        f"{greeting}\n\n"
        f"<b>{BOT_NAME}</b> là trợ lý nhắc việc của cấp ủy và chính quyền: "
        "theo dõi các nhiệm vụ được giao trong văn bản chỉ đạo, nhắc hạn, "
        "nhận báo cáo tiến độ và tổng hợp cho cuộc giao ban chiều thứ Hai.\n\n"
        "Bot chỉ phục vụ cán bộ đã được mời. Để sử dụng, vui lòng liên hệ "
        "<b>Văn phòng</b> đơn vị để nhận <b>đường link mời</b> của riêng đồng chí, "
        "rồi bấm vào link đó (hoặc gõ <code>/start mã-mời</code>)."
    )


def welcome_official(full_name: str, unit_name: str | None) -> str:
    """/start from a registered official."""
    unit = f" ({escape(unit_name)})" if unit_name else ""
    return (
        f"Xin chào đồng chí <b>{escape(full_name)}</b>{unit}!\n\n"
        f"{BOT_NAME} sẽ nhắc đồng chí các nhiệm vụ được giao và hạn hoàn thành. "
        "Gõ /help để xem các lệnh."
    )


# What a command line cannot say: how the office hands the bot a directive.
DIRECTIVE_HELP = (
    "Văn bản chỉ đạo: gửi tệp <b>.docx</b>, <b>.pdf</b> hoặc <b>.txt</b> vào tin nhắn riêng với bot "
    "(hoặc gõ /vanban rồi dán nội dung); bot đọc, đề xuất các nhiệm vụ để Văn phòng duyệt rồi giao."
)


def help_text(commands: Sequence[tuple[str, str]] = COMMANDS, *, role: str | None = None) -> str:
    """/help: the commands the caller can use, one per line (the office also learns how to send a
    directive)."""
    lines = [f"/{name} — {escape(description)}" for name, description in commands]
    directive = f"\n\n{DIRECTIVE_HELP}" if role == "admin" else ""
    return (
        f"<b>Hướng dẫn sử dụng {BOT_NAME}</b>\n\n"
        + "\n".join(lines)
        + directive
        + "\n\nNgày tháng ghi theo dạng ngày/tháng/năm, ví dụ 30/09/2026. "
        "Có thể gõ không dấu, ví dụ <code>long hiep</code>."
    )


def unknown_command(command: str) -> str:
    """A command the bot does not have."""
    return f"Bot không có lệnh <code>{escape(command)}</code>. Gõ /help để xem các lệnh có thể dùng."


def free_text_hint() -> str:
    """Plain text outside any conversation: say what the bot can understand."""
    return (
        "Bot chưa hiểu tin nhắn này. Để báo cáo tiến độ, hãy bấm nút dưới nhiệm vụ "
        "hoặc trả lời (reply) vào tin nhắn nhiệm vụ. Gõ /help để xem các lệnh."
    )


def internal_error() -> str:
    """The apology sent when something unexpected failed; nothing the user sent is lost."""
    return (
        "Xin lỗi, bot gặp sự cố khi xử lý yêu cầu này. Sự cố đã được ghi lại để "
        "khắc phục; đồng chí vui lòng thử lại sau ít phút."
    )


def stale_button() -> str:
    """A button whose action no longer exists (an old message)."""
    return "Nút này đã cũ và không còn dùng được. Gõ /help để xem các lệnh."
