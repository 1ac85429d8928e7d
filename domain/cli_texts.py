"""What the office's command line says, in Vietnamese (plain text for a terminal, not HTML)."""

from __future__ import annotations

import datetime as dt
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


def file_exists(path: str) -> str:
    return f"Tệp «{path}» đã có; không ghi đè. Thêm --force để ghi đè, hoặc chọn tên khác."


def file_error(path: str, reason: str) -> str:
    return f"Không đọc/ghi được tệp «{path}»: {reason}."


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


def meeting_added(meeting_id: int | None, title: str, when: str, items: int) -> str:
    agenda = f", {items} nội dung" if items else ""
    return f"đã thêm cuộc họp #{meeting_id}: {title} — {when}{agenda}."
