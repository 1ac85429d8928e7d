"""`nhacviec demo`: the scripted week plays through the real bot and emulator, and its files open."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from PIL import Image

from bot.demo import CHART, TRANSCRIPT, WORKBOOK, run_demo

# One line the bot (or the demo) prints at each step of the week, in the order they happen.
STEPS = (
    "━━ Thứ Hai 23/11/2026 ━━",
    # The directive read into proposed tasks; "UBND xã Long Hiệp", "Đảng ủy xã Long Hiệp": the communes.
    "Bot đọc được 5 nhiệm vụ; 0 nhiệm vụ cần Văn phòng chọn đơn vị hoặc hạn.",
    "🏢 Chủ trì: Xã Long Hiệp",
    "🏢 Chủ trì: Xã Long Hựu",
    "Đã nhận: 4; bỏ qua: 1.",  # the office skips the weekly giao ban preparation, its routine
    "✅ Đã tạo 4 nhiệm vụ từ văn bản 118-TB/TU",  # imported, after the office's checks
    "🆕 Nhiệm vụ mới được giao",
    "Đã đăng ký nhóm «Lãnh đạo Tỉnh Demo»",
    "━━ Thứ Ba 24/11/2026 ━━",
    "Hôm nay là ngày nghỉ (Ngày Văn hóa Việt Nam)",
    "━━ Thứ Tư 25/11/2026 ━━",
    "⏰ Hôm nay là hạn nhiệm vụ #6.",  # a reminder
    "✅ Đã ghi nhận tiến độ 5/12 căn (41,7%) cho nhiệm vụ #1.",  # an update
    "Giai đoạn: Đã bàn giao từ ngày 25/11/2026.",  # a house photo
    "✔️ Nhiệm vụ #6 đã được Lê Thị Thảo xác nhận hoàn thành.",
    "━━ Thứ Năm 26/11/2026 ━━",
    "Kích hoạt thành công!",
    "✅ Đã ghi nhận vướng mắc cho nhiệm vụ #5.",  # a blocked task
    "📅 Đề nghị gia hạn nhiệm vụ #4",
    "✔️ Đề nghị gia hạn nhiệm vụ #4 đến 11/12/2026 đã được Trần Văn Minh đồng ý.",  # decided
    "━━ Thứ Sáu 27/11/2026 ━━",
    "📋 Tình hình thực hiện nhiệm vụ — 27/11/2026",  # the leader's /status
    "📋 Xã Long Hiệp — 27/11/2026",
    "━━ Thứ Hai 30/11/2026 ━━",
    "📊 Tổng hợp giao ban 30/11/2026",  # the Monday digest
    "🚧 Vướng mắc mới (1)",
    "[tệp giao-ban-2026-11-30.xlsx]",
)


def test_the_demo_week_plays_in_order_and_its_files_open(tmp_path: Path) -> None:
    out, printed = tmp_path / "demo-out", io.StringIO()
    assert run_demo(out, stdout=printed, scratch=tmp_path) == 0
    transcript = printed.getvalue()
    position = 0
    for step in STEPS:
        found = transcript.find(step, position)
        assert found >= 0, f"missing, or out of order: {step}"
        position = found
    assert (out / TRANSCRIPT).read_text(encoding="utf-8") == transcript
    with Image.open(out / CHART) as chart:
        assert chart.format == "PNG" and chart.width > 400
    book = openpyxl.load_workbook(out / WORKBOOK, read_only=True)
    assert "Tổng hợp" in book.sheetnames
    book.close()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("nhacviec-demo-")] == []
