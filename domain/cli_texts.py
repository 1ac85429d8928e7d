"""What the office's command line says, in Vietnamese (plain text for a terminal, not HTML)."""

from __future__ import annotations

import datetime as dt
import errno
from collections.abc import Mapping, Sequence

# What a merger moves, as the office counts it (keys as in storage/unit_merges.MOVES).
MOVE_LABELS = {
    "official": "cán bộ",
    "task": "nhiệm vụ chủ trì",
    "cooperating": "nhiệm vụ phối hợp",
    "household": "hộ gia đình",
    "meeting_item": "nội dung cuộc họp",
    "unit": "đơn vị trực thuộc",
}
YES_WORDS = frozenset({"c", "co", "có", "y", "yes", "dong y", "đồng ý"})
DRY_RUN = "Chạy thử (--dry-run): chưa ghi gì vào cơ sở dữ liệu."
CONFIRM_MERGE = "Xác nhận sáp nhập? Gõ «có» để tiếp tục: "
CONFIRM_UNMERGE = "Xác nhận hoàn tác? Gõ «có» để tiếp tục: "
NOT_CONFIRMED = "Chưa làm gì (chưa xác nhận). Khi chạy bằng script, thêm --yes."
NO_MERGES = "Chưa có lần sáp nhập nào."
EMPTY_TITLE = "Thiếu tên nhiệm vụ (--title)."
EMPTY_MEETING_TITLE = "Thiếu tên cuộc họp (--title)."
# The progress bars' names (bot/cli_progress.py), on the terminal only.
IMPORTING_UNITS = "Nhập đơn vị"
IMPORTING_OFFICIALS = "Nhập cán bộ"
IMPORTING_TASKS = "Nhập nhiệm vụ"
IMPORTING_HOUSEHOLDS = "Nhập hộ gia đình"
INVITING = "Tạo link mời"


def no_exact_unit(text: str, near: Sequence[str]) -> str:
    hint = f"; gần nhất: {', '.join(near)}" if near else ""
    return f"Không có đơn vị «{text}»{hint}. Gõ đúng tên một đơn vị đã có (xem: nhacviec units list)."


def merge_into_itself(name: str) -> str:
    return f"Không thể sáp nhập {name} vào chính nó."


def no_merge(merge_id: int) -> str:
    return f"Không có lần sáp nhập #{merge_id} (xem: nhacviec units merges)."


def merge_already_undone(merge_id: int, at: dt.datetime) -> str:
    return f"Lần sáp nhập #{merge_id} đã được hoàn tác ({at:%d/%m/%Y %H:%M} UTC)."


def counts_line(counts: Mapping[str, int]) -> str:
    return "; ".join(f"{label}: {counts.get(key, 0)}" for key, label in MOVE_LABELS.items())


def merge_plan(sources: Sequence[str], target: str, target_id: int | None, counts: Mapping[str, int]) -> str:
    return (
        f"Sáp nhập {', '.join(sources)} vào {target} (#{target_id}).\n"
        f"Sẽ chuyển sang {target}: {counts_line(counts)}.\n"
        f"Các đơn vị cũ được đánh dấu đã sáp nhập; tên cũ vẫn tìm ra {target}."
    )


def merge_done(merge_id: int | None, sources: Sequence[str], target: str) -> str:
    return (
        f"Đã sáp nhập {', '.join(sources)} vào {target} (lần sáp nhập #{merge_id}). "
        f"Hoàn tác: nhacviec units unmerge {merge_id}"
    )


def unmerge_plan(merge_id: int, sources: Sequence[str], target: str, counts: Mapping[str, int]) -> str:
    return (
        f"Hoàn tác lần sáp nhập #{merge_id}: {', '.join(sources)} tách lại khỏi {target}.\n"
        f"Trả về đơn vị cũ: {counts_line(counts)}."
    )


def unmerge_done(merge_id: int, sources: Sequence[str]) -> str:
    return f"Đã hoàn tác lần sáp nhập #{merge_id}: {', '.join(sources)} hoạt động trở lại."


def merge_line(
    merge_id: int | None, at: dt.datetime, sources: Sequence[str], target: str, undone: bool
) -> str:
    state = "đã hoàn tác" if undone else "hiệu lực"
    return f"#{merge_id}\t{at:%d/%m/%Y}\t{', '.join(sources)} → {target}\t{state}"


def file_missing(path: str) -> str:
    return f"Không tìm thấy tệp «{path}»."


def folder_missing(folder: str, path: str) -> str:
    return f"Không có thư mục «{folder}» để ghi tệp «{path}»."


def file_exists(path: str) -> str:
    return f"Tệp «{path}» đã có; không ghi đè. Thêm --force để ghi đè, hoặc chọn tên khác."


def month_not_begun(month: str) -> str:
    return f"tháng {month} chưa bắt đầu; báo cáo được viết cho tháng này hoặc một tháng đã qua."


def file_error(path: str, reason: str) -> str:
    return f"Không đọc/ghi được tệp «{path}»: {reason}."


# Why a file could not be read or written, as the office reads it (the system's words otherwise).
OS_REASONS = {
    errno.EACCES: "không có quyền truy cập",
    errno.EPERM: "không có quyền truy cập",
    errno.EISDIR: "đây là một thư mục, không phải tệp",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.ENOENT: "không có thư mục hoặc tệp này",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
}


def os_reason(code: int | None, fallback: str) -> str:
    return OS_REASONS.get(code or 0, fallback)


def system_error(reason: str) -> str:
    return f"Lỗi hệ thống (tệp, mạng hoặc cơ sở dữ liệu): {reason}."


def template_written(path: str) -> str:
    return (
        f"đã ghi mẫu: {path}. Điền dữ liệu vào trang đầu; các dòng ví dụ nằm ở trang «Mẫu» "
        "và không được nhập."
    )


def import_summary(created: int, updated: int, errors: int, *, dry_run: bool) -> str:
    verb = "sẽ thêm mới" if dry_run else "thêm mới"
    return f"{verb}: {created}, cập nhật: {updated}, dòng lỗi: {errors}"


def meeting_in_past(text: str) -> str:
    return f"Thời gian «{text}» đã qua; cuộc họp phải ở sau thời điểm hiện tại."


def no_household(household_id: int) -> str:
    return f"không có hộ #{household_id} (xem: nhacviec households list)"


def bad_stage(text: str, stages: Sequence[str]) -> str:
    return f"giai đoạn «{text}» không hợp lệ; chọn một trong: {'; '.join(stages)}"


def meeting_closed(meeting_id: int | None, *, cancelled: bool, postponing: bool) -> str:
    """A cancelled or held meeting is neither postponed nor cancelled (again)."""
    state = "đã hủy" if cancelled else "đã họp"
    if postponing:
        return (
            f"Cuộc họp #{meeting_id} {state}; không dời được. "
            "Muốn họp lại, thêm cuộc họp mới (nhacviec meetings add)."
        )
    if cancelled:
        return f"Cuộc họp #{meeting_id} đã hủy rồi; không có gì thay đổi."
    return f"Cuộc họp #{meeting_id} đã họp; không hủy được."


def meeting_added(meeting_id: int | None, title: str, when: str, items: int) -> str:
    agenda = f", {items} nội dung" if items else ""
    return f"đã thêm cuộc họp #{meeting_id}: {title} — {when}{agenda}."


# argparse's own words (bot/cli_parser.py), and the placeholders of the verbs' values.
USAGE = "cách dùng: "
POSITIONALS = "đối số"
OPTIONALS = "tùy chọn"
VERBS = "các lệnh"
VERB = "LỆNH"
HELP_FLAG = "in hướng dẫn này rồi thoát / show this help"
METAVARS = {
    "file": "TỆP",
    "archive": "TỆP_SAO_LƯU",
    "id": "SỐ",
    "ids": "SỐ",
    "merge_id": "SỐ",
    "revision": "PHIÊN_BẢN",
    "sources": "ĐƠN_VỊ",
    "unit": "ĐƠN_VỊ",
    "into": "ĐƠN_VỊ",
    "coop": "ĐƠN_VỊ",
    "names": "TÊN_CŨ",
    "name": "HỌ_TÊN",
    "title": "TÊN",
    "role": "VAI_TRÒ",
    "phone": "SỐ_ĐIỆN_THOẠI",
    "province": "TỈNH",
    "due": "HẠN",
    "at": "NGÀY_GIỜ",
    "to": "NGÀY_GIỜ",
    "on": "NGÀY",
    "today": "NGÀY",
    "month": "THÁNG",
    "days": "SỐ_NGÀY",
    "out": "TỆP",
    "xlsx": "TỆP",
    "stage": "GIAI_ĐOẠN",
    "port": "CỔNG",
    "bot_username": "TÊN_BOT",
}
_ARGPARSE_WORDS = (  # Python's own messages, longest first where one contains another
    ("the following arguments are required:", "thiếu đối số bắt buộc:"),
    ("unrecognized arguments:", "không hiểu đối số:"),
    ("invalid choice:", "không có lựa chọn"),
    ("(choose from", "(chọn một trong"),
    ("invalid int value:", "phải là số nguyên, không phải"),
    ("invalid float value:", "phải là số, không phải"),
    ("expected at least one argument", "cần ít nhất một giá trị"),
    ("expected one argument", "cần một giá trị"),
    ("not allowed with argument", "không dùng chung với"),
    ("one of the arguments", "cần một trong các đối số"),
    ("is required", ""),
    ("ambiguous option:", "tùy chọn chưa rõ:"),
    ("could match", "có thể là"),
)


def argparse_error(prog: str, message: str) -> str:
    """argparse's complaint in Vietnamese, with the command that made it."""
    if message.startswith("argument "):
        message = "đối số " + message.removeprefix("argument ")
    for english, vietnamese in _ARGPARSE_WORDS:
        message = message.replace(english, vietnamese)
    return f"{prog}: lỗi: {' '.join(message.split())}\n(xem: {prog} --help)\n"


DB_EMPTY = "trống (chưa có migration nào)"


def db_revision(revision: str | None) -> str:
    return f"cơ sở dữ liệu ở phiên bản {revision or DB_EMPTY}"
