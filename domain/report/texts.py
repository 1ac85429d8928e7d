"""What the bot and the CLI say about the monthly report."""

from __future__ import annotations

from domain.report import Month

USAGE = "Cách dùng: /baocao [tháng], ví dụ /baocao 11/2026 hoặc /baocao 11 (tháng này nếu bỏ trống)."


def no_such_month(month: int) -> str:
    """A month number past 12 (or 0): say so, then how to write one."""
    return f"Không có tháng {month}: tháng ghi từ 1 đến 12.\n{USAGE}"


CLI_BAD_MONTH = "tháng «{text}» không hợp lệ; viết dạng 11/2026"


def filename(month: Month) -> str:
    return f"bao-cao-thang-{month.month:02d}-{month.year}.docx"


def caption(month: Month, tasks: int) -> str:
    return (
        f"Dự thảo báo cáo tháng {month.month}/{month.year}: {tasks} nhiệm vụ, "
        "danh sách chi tiết ở phụ lục. Văn phòng chỉnh sửa, ghi số và trình ký."
    )
