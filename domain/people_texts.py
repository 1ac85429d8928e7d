"""What the bot says about access, invitations and officials (Vietnamese, HTML-escaped)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from domain import status_texts
from domain.statuses import Role

ROLE_LABELS = {Role.ADMIN: "quản trị (Văn phòng)", Role.LEADER: "lãnh đạo", Role.OFFICIAL: "cán bộ"}
SHARE_PHONE_BUTTON = "📱 Gửi số điện thoại để xác minh"

_STRANGER_TAIL = (
    "Bot chỉ phục vụ cán bộ đã được mời. Vui lòng liên hệ <b>Văn phòng</b> đơn vị để nhận "
    "<b>đường link mời</b> của riêng đồng chí rồi bấm vào link đó, hoặc bấm nút "
    f"«{SHARE_PHONE_BUTTON}» nếu số của đồng chí đã có trong danh sách."
)


def role_label(role: str) -> str:
    return ROLE_LABELS.get(Role(role), role) if role in Role._value2member_map_ else role


def stranger_refused() -> str:
    """Anything but /start and /help from someone who is not a registered official."""
    return "Đồng chí chưa được cấp quyền sử dụng bot.\n\n" + _STRANGER_TAIL


def stranger_toast() -> str:
    """A button pressed by someone who is not a registered official (a toast: plain, short)."""
    return "Đồng chí chưa được cấp quyền sử dụng bot. Nhắn riêng cho bot /start để được hướng dẫn."


def group_not_registered() -> str:
    """A command (or a press) in a group the office has not registered: what to do, once."""
    return (
        "Nhóm này chưa được đăng ký với bot, nên bot chưa làm việc ở đây. Văn phòng (quản trị) "
        "gõ /registergroup trong nhóm để đăng ký; trong lúc chờ, đồng chí nhắn riêng cho bot."
    )


def register_group_admins_only() -> str:
    """/registergroup from someone who is not the office."""
    return "Chỉ Văn phòng (quản trị) mới đăng ký được nhóm: nhờ Văn phòng gõ /registergroup trong nhóm này."


def deciders_only() -> str:
    """Confirm, return, reopen or decide an extension, pressed by one who is neither leader nor office."""
    return (
        "Chỉ lãnh đạo hoặc Văn phòng mới xác nhận, trả lại, mở lại nhiệm vụ hay duyệt gia hạn; "
        "đồng chí báo cáo tiến độ bằng các nút dưới nhiệm vụ."
    )


def account_locked() -> str:
    return "Tài khoản của đồng chí đang bị tạm khóa. Vui lòng liên hệ <b>Văn phòng</b> nếu cần mở lại."


def not_allowed() -> str:
    """A command the caller's role does not allow."""
    return "Lệnh này chỉ dành cho Văn phòng (quản trị) hoặc lãnh đạo; đồng chí không có quyền dùng."


def admins_only() -> str:
    return "Lệnh này chỉ dành cho Văn phòng (quản trị viên của bot)."


def private_only() -> str:
    return "Lệnh này chỉ dùng trong tin nhắn riêng với bot, không dùng trong nhóm."


def other_unit_refused() -> str:
    return "Đồng chí chỉ xem được dữ liệu của đơn vị mình."


def linked(full_name: str, unit_name: str | None, role: str, *, relinked: bool) -> str:
    unit = f", {escape(unit_name)}" if unit_name else ""
    first = (
        "Đã chuyển tài khoản nhận nhắc việc sang số Telegram này." if relinked else "Kích hoạt thành công!"
    )
    return (
        f"{first}\nĐồng chí <b>{escape(full_name)}</b>{unit} — vai trò: {role_label(role)}.\n\n"
        "Từ nay bot sẽ nhắc đồng chí các nhiệm vụ được giao. Gõ /help để xem các lệnh."
    )


def already_linked(full_name: str) -> str:
    return f"Tài khoản này đã được kích hoạt cho đồng chí <b>{escape(full_name)}</b>."


REDEEM_REFUSALS = {
    "unknown": "Mã mời không đúng. Vui lòng kiểm tra lại đường link, hoặc xin Văn phòng cấp mã mới.",
    "expired": "Mã mời đã hết hạn. Vui lòng xin Văn phòng cấp mã mới.",
    "used": (
        "Mã mời này đã được dùng cho một tài khoản khác. Nếu đồng chí đổi điện thoại, "
        "vui lòng xin Văn phòng cấp mã mới."
    ),
    "revoked": "Mã mời này đã bị thu hồi (đã có mã mới hơn). Vui lòng dùng mã mới nhất từ Văn phòng.",
    "account_taken": (
        "Tài khoản Telegram này đã gắn với một cán bộ khác. Vui lòng liên hệ Văn phòng để được hỗ trợ."
    ),
    "inactive": "Tài khoản cán bộ này đang bị khóa. Vui lòng liên hệ Văn phòng.",
}

CONTACT_REFUSALS = {
    "unknown": (
        "Số điện thoại này chưa có trong danh sách cán bộ. Vui lòng liên hệ Văn phòng "
        "để được thêm vào và nhận đường link mời."
    ),
    "used": (
        "Số điện thoại này đã gắn với một tài khoản Telegram khác. Nếu đồng chí đổi điện "
        "thoại, vui lòng xin Văn phòng cấp mã mời mới."
    ),
    "account_taken": REDEEM_REFUSALS["account_taken"],
    "inactive": REDEEM_REFUSALS["inactive"],
}


def contact_not_own() -> str:
    return (
        "Vui lòng gửi số điện thoại <b>của chính đồng chí</b> bằng nút "
        f"«{SHARE_PHONE_BUTTON}», không gửi danh bạ của người khác."
    )


def contact_without_phone() -> str:
    return "Không đọc được số điện thoại trong danh bạ vừa gửi."


def invitation(full_name: str, link: str, expires_on: dt.date) -> str:
    return (
        f"Đường link mời cho đồng chí <b>{escape(full_name)}</b> (dùng một lần, hết hạn "
        f"{expires_on:%d/%m/%Y}):\n{escape(link)}\n\nGửi riêng link này cho đồng chí ấy; "
        "mã cũ (nếu có) không còn dùng được."
    )


def official_line(
    official_id: int,
    full_name: str,
    title: str | None,
    role: str,
    linked_account: bool,
    active: bool,
    *,
    show_ids: bool,
) -> str:
    state = "✅" if linked_account else "⏳ chưa kích hoạt"
    if not active:
        state = "🔒 đã khóa"
    ident = f"#{official_id} " if show_ids else ""
    position = f", {escape(title)}" if title else ""
    extra = "" if role == Role.OFFICIAL else f" [{role_label(role)}]"
    return f"{ident}{escape(full_name)}{position}{extra} — {state}"


def officials_header(unit_name: str, count: int) -> str:
    return f"<b>{escape(unit_name)}</b> — {count} cán bộ"


def units_overview_line(unit_name: str, total: int, not_linked: int) -> str:
    tail = f", {not_linked} chưa kích hoạt" if not_linked else ""
    return f"• {escape(unit_name)}: {total} cán bộ{tail}"


def officials_usage() -> str:
    return (
        "Gõ <code>/officials tên đơn vị</code> (có thể không dấu), ví dụ <code>/officials long hiep</code>."
    )


def unit_not_found(query: str, suggestions: Sequence[str]) -> str:
    if len(suggestions) == 1:
        return status_texts.unit_unclear(query, suggestions)  # one near name: asked by name
    if suggestions:
        return f"Chưa rõ đơn vị «{escape(query)}». Có phải một trong các đơn vị sau? Bấm để chọn."
    return f"Không tìm thấy đơn vị «{escape(query)}». Kiểm tra lại tên (có thể gõ không dấu)."


def official_not_found(ref: str) -> str:
    return f"Không tìm thấy cán bộ số «{escape(ref)}». Xem số ở đầu dòng trong /officials."


def usage(command: str, example: str) -> str:
    return f"Cách dùng: <code>/{command} {escape(example)}</code>"


def usage_by_number(command: str, example: str) -> str:
    """A command that names an official by number: say where the number is found."""
    return (
        f"{usage(command, example)}\nSố là mã cán bộ ở đầu mỗi dòng trong danh sách "
        "<code>/officials tên đơn vị</code>, ví dụ «#12 Nguyễn Văn A» → <code>12</code>."
    )


def official_added(official_id: int, full_name: str, unit_name: str | None) -> str:
    unit = f" ({escape(unit_name)})" if unit_name else ""
    return (
        f"Đã thêm cán bộ #{official_id} <b>{escape(full_name)}</b>{unit}. "
        f"Gõ <code>/invite {official_id}</code> để cấp đường link mời."
    )


FIELD_LABELS = {
    "full_name": "họ tên",
    "title": "chức vụ",
    "unit_id": "đơn vị",
    "role": "vai trò",
    "phone": "số điện thoại",
    "is_unit_head": "người đứng đầu",
}


def field_value(field: str, value: object, unit_names: dict[int, str]) -> str:
    """A changed value as the office reads it."""
    if value is None or value == "":
        return "(trống)"
    if field == "role":
        return role_label(str(value))
    if field == "unit_id":
        return unit_names.get(int(value), f"#{value}")  # type: ignore[call-overload]
    if field == "is_unit_head":
        return "có" if value else "không"
    return str(value)


def official_edited(full_name: str, changes: Sequence[tuple[str, str]]) -> str:
    """changes: (field, new value as text), in the order the office typed them."""
    if not changes:
        return f"Không có gì thay đổi cho <b>{escape(full_name)}</b>."
    parts = [f"{FIELD_LABELS.get(field, field)} → {escape(value)}" for field, value in changes]
    return f"Đã cập nhật <b>{escape(full_name)}</b>: " + "; ".join(parts) + "."


def official_deactivated(full_name: str) -> str:
    return f"Đã khóa tài khoản <b>{escape(full_name)}</b>; bot không phục vụ đồng chí ấy nữa."


def official_reactivated(full_name: str) -> str:
    return f"Đã mở lại tài khoản <b>{escape(full_name)}</b>."


def official_unlinked(full_name: str) -> str:
    return (
        f"Đã gỡ tài khoản Telegram của <b>{escape(full_name)}</b>. Cấp mã mời mới bằng "
        "/invite để đồng chí ấy kích hoạt lại trên điện thoại mới."
    )


def bad_value(reason: str) -> str:
    return escape(reason)


def group_registered(title: str, was_new: bool, detail: str = "full") -> str:
    scope = (
        "chỉ số liệu tổng hợp (không nêu tên nhiệm vụ, cán bộ)"
        if detail == "counts"
        else "đầy đủ (đơn vị, nhiệm vụ, cán bộ)"
    )
    if not was_new:
        return f"Nhóm «{escape(title)}» đã được đăng ký từ trước; bản tổng hợp gửi nhóm: {scope}."
    return (
        f"Đã đăng ký nhóm «{escape(title)}». Nhóm sẽ nhận bản tổng hợp giao ban sáng thứ Hai, {scope}. "
        "Gõ <code>/registergroup soluong</code> để chỉ gửi số liệu, <code>/registergroup chitiet</code> "
        "để gửi đầy đủ."
    )


def group_unregistered(title: str) -> str:
    return f"Đã hủy đăng ký nhóm «{escape(title)}»; bot sẽ không gửi tin vào nhóm này nữa."


def group_only() -> str:
    return "Lệnh này dùng trong nhóm cần đăng ký (thêm bot vào nhóm rồi gõ lệnh trong nhóm)."


def not_registered_group() -> str:
    return "Nhóm này chưa được đăng ký."


NO_UNIT = "(chưa có đơn vị)"


def editable_fields() -> str:
    return "Trường sửa được: ten, chucvu, donvi, vaitro, sdt, dungdau."


def missing_unit() -> str:
    return "Thiếu đơn vị."


def unit_unclear(value: str, hint: str) -> str:
    """Plain text (the caller escapes it when replying)."""
    return f"Đơn vị «{value}» chưa rõ" + (f", có thể là: {hint}." if hint else ".")


def bad_role(value: str) -> str:
    return f"Vai trò «{value}» không hợp lệ (cán bộ, lãnh đạo, quản trị)."


def bad_phone(value: str) -> str:
    return f"Số điện thoại «{value}» không hợp lệ."


def invalid_button() -> str:
    """A pressed button whose data is damaged or forged (a toast, at most 200 characters)."""
    return "Nút này không còn hiệu lực. Gõ /help để xem các lệnh."
