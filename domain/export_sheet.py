"""The export workbook (`nhacviec export`): one sheet each for tasks, updates, households and
photos, laid out like the digest's workbook (title, frozen header, filters, real date cells)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from domain.dates import fmt
from domain.digest_sheet import DATE_FORMAT, DATETIME_FORMAT, PERCENT_FORMAT, Column, Sheet, write_sheets

STT = Column("STT", 6)


def _columns(*spec: tuple[str, float] | tuple[str, float, str]) -> list[Column]:
    return [STT, *(Column(*item) for item in spec)]


TASK_COLUMNS = _columns(
    ("Số NV", 8),
    ("Tên nhiệm vụ", 50),
    ("Văn bản", 16),
    ("Đơn vị chủ trì", 26),
    ("Đơn vị phối hợp", 26),
    ("Hạn", 12, DATE_FORMAT),
    ("Hạn ban đầu (trước gia hạn)", 14, DATE_FORMAT),
    ("Hạn ghi trong văn bản", 22),
    ("Lặp lại", 12),
    ("Chỉ tiêu", 12),
    ("Tiến độ", 10, PERCENT_FORMAT),
    ("Trạng thái", 18),
    ("Báo hoàn thành lúc", 17, DATETIME_FORMAT),
    ("Xác nhận hoàn thành lúc", 17, DATETIME_FORMAT),
    ("Ngày giao", 17, DATETIME_FORMAT),
)
UPDATE_COLUMNS = _columns(
    ("Số NV", 8),
    ("Nhiệm vụ", 40),
    ("Cán bộ", 22),
    ("Thời điểm", 17, DATETIME_FORMAT),
    ("Trạng thái mới", 18),
    ("Tiến độ", 10, PERCENT_FORMAT),
    ("Số lượng", 10),
    ("Ghi chú", 50),
)
HOUSE_COLUMNS = _columns(
    ("Mã hộ", 8),
    ("Xã/phường", 24),
    ("Ấp/khu phố", 18),
    ("Chủ hộ", 24),
    ("Diện", 16),
    ("Loại", 12),
    ("Giai đoạn", 18),
    ("Ngày (giai đoạn)", 12, DATE_FORMAT),
    ("Kinh phí cam kết (đồng)", 16),
    ("Đã giải ngân (đồng)", 16),
    ("Cán bộ phụ trách", 22),
    ("Vĩ độ", 10),
    ("Kinh độ", 10),
    ("Ghi chú", 30),
)
PHOTO_COLUMNS = _columns(
    ("Mã ảnh", 8),
    ("Số NV", 8),
    ("Mã hộ", 8),
    ("Cán bộ gửi", 22),
    ("Giai đoạn", 16),
    ("Chú thích", 30),
    ("Chụp lúc", 17, DATETIME_FORMAT),
    ("Nhận lúc", 17, DATETIME_FORMAT),
    ("Vĩ độ", 10),
    ("Kinh độ", 10),
    ("Trùng với ảnh số", 10),
    ("Tệp", 40),
    ("Dung lượng (byte)", 12),
    ("SHA-256", 20),
)


def _numbered(rows: Sequence[Sequence[object]]) -> list[list[object]]:
    return [[index, *row] for index, row in enumerate(rows, start=1)]


def export_sheets(
    tasks: Sequence[Sequence[object]],
    updates: Sequence[Sequence[object]],
    households: Sequence[Sequence[object]],
    photos: Sequence[Sequence[object]],
) -> list[Sheet]:
    return [
        Sheet("Nhiệm vụ", "DANH SÁCH NHIỆM VỤ", TASK_COLUMNS, _numbered(tasks)),
        Sheet("Cập nhật", "CẬP NHẬT CỦA CÁN BỘ", UPDATE_COLUMNS, _numbered(updates)),
        Sheet("Hộ gia đình", "HỘ GIA ĐÌNH (XÓA NHÀ TẠM, NHÀ DỘT NÁT)", HOUSE_COLUMNS, _numbered(households)),
        Sheet("Ảnh", "ẢNH ĐÃ NHẬN (HỒ SƠ)", PHOTO_COLUMNS, _numbered(photos)),
    ]


def export_workbook(sheets: Sequence[Sheet], *, made_on: dt.date, scope: str) -> bytes:
    return write_sheets(
        sheets,
        subtitle=f"{scope} — toàn bộ dữ liệu đến ngày {fmt(made_on)}",
        made=f"Ngày lập: {fmt(made_on)}",
    )
