"""What the bot says when the office locks, unlinks, re-invites or changes a role: confirmations
naming the person, refusals, and the notices of an account that moved (Vietnamese, HTML-escaped)."""

from __future__ import annotations

from html import escape

from domain.people_texts import role_label

CONFIRM_LABELS = {
    "de": "🔒 Khóa tài khoản",
    "ul": "🔌 Gỡ tài khoản",
    "ro": "✅ Đổi vai trò",
    "iv": "🔑 Cấp mã mới",
}
CANCEL_LABEL = "✖️ Hủy"


def _who(full_name: str, official_id: int, unit_name: str | None) -> str:
    unit = f", {escape(unit_name)}" if unit_name else ""
    return f"<b>{escape(full_name)}</b> (#{official_id}{unit})"


def confirm_deactivate(full_name: str, official_id: int, unit_name: str | None) -> str:
    return (
        f"Khóa tài khoản của đồng chí {_who(full_name, official_id, unit_name)}? "
        "Đồng chí ấy sẽ không dùng được bot nữa (lịch sử được giữ; mở lại bằng /reactivate)."
    )


def confirm_unlink(full_name: str, official_id: int, unit_name: str | None, account: int) -> str:
    return (
        f"Gỡ tài khoản Telegram (ID {account}) của đồng chí {_who(full_name, official_id, unit_name)}? "
        "Đồng chí ấy sẽ không nhận được nhắc việc cho đến khi kích hoạt lại bằng mã mời mới."
    )


def confirm_role(full_name: str, official_id: int, unit_name: str | None, old: str, new: str) -> str:
    return (
        f"Đổi vai trò của đồng chí {_who(full_name, official_id, unit_name)} từ <b>{role_label(old)}</b> "
        f"sang <b>{role_label(new)}</b>? Quyền dùng lệnh của đồng chí ấy đổi theo ngay."
    )


def confirm_relink(full_name: str, official_id: int, unit_name: str | None, account: int) -> str:
    return (
        f"Đồng chí {_who(full_name, official_id, unit_name)} đang dùng bot trên tài khoản Telegram "
        f"ID {account}; cấp mã mới sẽ chuyển tài khoản: ai dùng mã mới sẽ nhận nhắc việc và xem nhiệm "
        "vụ của đồng chí ấy, tài khoản cũ mất quyền. Chỉ cấp khi chính đồng chí ấy đổi điện thoại."
    )


def confirmation_expired() -> str:
    return "Nút xác nhận này đã quá hạn; không có gì thay đổi. Gõ lại lệnh nếu vẫn cần."


def cancelled() -> str:
    return "Đã hủy; không có gì thay đổi."


def last_admin_refused(full_name: str) -> str:
    return (
        f"Không thể làm vậy: <b>{escape(full_name)}</b> là quản trị viên (Văn phòng) cuối cùng còn hoạt "
        "động, bot sẽ không còn ai quản lý. Hãy giao vai trò quản trị cho người khác trước."
    )


def already_deactivated(full_name: str) -> str:
    return f"Tài khoản <b>{escape(full_name)}</b> đã bị khóa từ trước."


def not_linked(full_name: str) -> str:
    return f"<b>{escape(full_name)}</b> chưa gắn tài khoản Telegram nào; không có gì để gỡ."


def missing_name() -> str:
    return "Họ tên không được để trống."


def account_moved_away(full_name: str, when: str) -> str:
    """To the account that lost the official on a re-link."""
    return (
        f"Tài khoản Telegram này không còn nhận nhắc việc của đồng chí <b>{escape(full_name)}</b>: "
        f"lúc {when}, một mã mời mới của Văn phòng đã được dùng trên tài khoản khác. Nếu không phải "
        "đồng chí đổi điện thoại, hãy báo ngay cho Văn phòng."
    )


def office_account_moved(full_name: str, official_id: int, old: int, new: int, when: str) -> str:
    """To the office on a re-link."""
    return (
        f"🔁 Tài khoản nhận nhắc việc của đồng chí <b>{escape(full_name)}</b> (#{official_id}) vừa "
        f"chuyển từ Telegram ID {old} sang ID {new} ({when}). Nếu đồng chí ấy không đổi điện thoại, "
        f"gõ <code>/unlink {official_id}</code> ngay."
    )


# --- the command line (plain text) ------------------------------------------------------------


def cli_last_admin(official_id: int, full_name: str) -> str:
    return (
        f"không thể: #{official_id} {full_name} là quản trị viên (Văn phòng) cuối cùng còn hoạt động; "
        "hãy giao vai trò quản trị cho người khác trước"
    )


def cli_confirm_deactivate(official_id: int, full_name: str, unit_name: str | None) -> str:
    unit = f" ({unit_name})" if unit_name else ""
    return f"Khóa tài khoản #{official_id} {full_name}{unit}? Gõ «có» để tiếp tục: "


def cli_confirm_role(official_id: int, full_name: str, old: str, new: str) -> str:
    return (
        f"Đổi vai trò của #{official_id} {full_name} từ {role_label(old)} sang {role_label(new)}? "
        "Gõ «có» để tiếp tục: "
    )


def cli_already_deactivated(official_id: int, full_name: str) -> str:
    return f"#{official_id} {full_name} đã bị khóa từ trước."


def cli_unknown_ids(ids: list[int]) -> str:
    return "không có cán bộ " + ", ".join(f"#{i}" for i in ids) + " (xem: nhacviec officials list)"


def cli_invite_plan(count: int, live_codes: int, linked: int) -> str:
    lines = [f"Sẽ cấp {count} đường link mời mới."]
    if live_codes:
        lines.append(f"{live_codes} mã mời cũ còn hạn, chưa dùng sẽ hết hiệu lực (được thay bằng mã mới).")
    if linked:
        lines.append(
            f"{linked} cán bộ đang dùng bot: ai dùng mã mới sẽ chiếm tài khoản nhận nhắc việc của họ."
        )
    return "\n".join(lines)


CLI_CONFIRM_INVITE = "Cấp mã mời? Gõ «có» để tiếp tục: "
CLI_NOBODY_TO_INVITE = "Không có cán bộ nào cần mời (mọi người đã kích hoạt)."
CLI_NO_USERNAME = (
    "Chưa biết tên bot: đặt BOT_USERNAME trong .env (hoặc --bot-username, hoặc TELEGRAM_BOT_TOKEN để "
    "hỏi Telegram); tạm in lệnh «/start <mã>» để cán bộ gõ vào bot."
)
