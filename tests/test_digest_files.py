"""The digest's files: a workbook the office can print, a chart whose legend never covers a bar."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

from openpyxl import load_workbook

from domain import digest, digest_chart
from domain.digest import DigestData, HouseRow
from domain.statuses import Outcome, TaskStatus
from storage.reports import TaskLine, UnitCounts

DAY = dt.date(2026, 11, 23)
HCM = dt.timezone(dt.timedelta(hours=7))


def _data(units: int = 6, houses: int = 4) -> DigestData:
    counts = [
        UnitCounts(
            i,
            f"Xã Số {i:02d}",
            "xa",
            {
                Outcome.DONE_ON_TIME: 40 + i,
                Outcome.DONE_LATE: 5,
                Outcome.ON_TRACK: 30,
                Outcome.OVERDUE: 20 - (i % 20),
            },
            {},
            oldest_overdue=6 - (i % 6),
            extended=i % 3,
        )
        for i in range(units)
    ]
    overdue = [
        TaskLine(
            100 + i, f"Nhiệm vụ {i} & báo cáo", "Xã Số 00", DAY - dt.timedelta(days=10 + i), "new", 6 + i
        )
        for i in range(3)
    ]
    due = [TaskLine(200, "Đến hạn", "Xã Số 01", DAY + dt.timedelta(days=2), "in_progress")]
    blocker = TaskLine(
        300,
        "Vướng",
        "Xã Số 02",
        DAY - dt.timedelta(days=1),
        TaskStatus.EXTENSION_REQUESTED,
        note="thiếu mặt bằng",
        at=dt.datetime(2026, 11, 23, 8, 0, tzinfo=HCM),
    )
    extension = TaskLine(
        301,
        "Gia hạn",
        "Xã Số 03",
        DAY + dt.timedelta(days=1),
        TaskStatus.EXTENSION_REQUESTED,
        note="xin đến 13/12/2026: chờ vốn",
        at=dt.datetime(2026, 11, 23, 6, 30, tzinfo=HCM),  # 22/11 in UTC
    )
    return DigestData(
        day=DAY,
        last_week=(dt.date(2026, 11, 16), dt.date(2026, 11, 22)),
        counts=counts,
        completed=[],
        overdue=overdue,
        due_this_week=due,
        new_blockers=[blocker],
        extensions=[extension],
        houses=[HouseRow(f"Xã Số {i:02d}", 40, 30, 20, 10 + i) for i in range(houses)],
        silent=[("Xã Số 04", "Nguyễn Văn A")],
        office="Tỉnh Demo",
    )


def _book(data: DigestData):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(digest.workbook(data)))


def test_workbook_is_a_printable_document() -> None:
    data = _data()
    sheet = _book(data)["Tổng hợp"]
    assert sheet["A1"].value == "TÌNH HÌNH THỰC HIỆN NHIỆM VỤ THEO ĐƠN VỊ"
    assert sheet["A2"].value == (
        "Tỉnh Demo — kỳ báo cáo: tuần 16/11/2026–22/11/2026, số liệu đến ngày 23/11/2026"
    )
    assert sheet["A3"].value == "Ngày lập: 23/11/2026"
    headers = [c.value for c in sheet[4]]
    assert headers[:3] == ["STT", "Đơn vị", "Tổng số nhiệm vụ"]
    assert headers[7:] == [
        "Tỷ lệ hoàn thành đúng hạn",
        "Tỷ lệ quá hạn",
        "Đã gia hạn (tính theo hạn mới)",
        "Quá hạn lâu nhất (ngày làm việc)",
    ]
    assert sheet.freeze_panes == "C5"
    assert sheet.auto_filter.ref == "A4:K10"
    assert sheet.print_title_rows == "$4:$4"
    assert sheet.page_setup.orientation == "landscape"
    widths = sheet.column_dimensions
    assert abs(widths["B"].width - 28) <= 1 and abs(widths["D"].width - 12) <= 1  # Excel adds padding
    rows = list(sheet.iter_rows(min_row=5, max_row=10))
    assert [r[0].value for r in rows] == [1, 2, 3, 4, 5, 6]  # STT
    first = [c.value for c in rows[0]]
    assert first[1:7] == ["Xã Số 00", 95, 40, 5, 30, 20]
    assert abs(first[7] - 40 / 95) < 1e-9 and rows[0][7].number_format == "0.0%"
    assert abs(first[8] - 20 / 95) < 1e-9 and rows[0][8].number_format == "0.0%"
    assert first[9:] == [0, 6]
    total = [c.value for c in sheet[11]]
    units = data.counts
    assert total[1] == "Tổng cộng"
    assert total[2] == sum(u.total for u in units)
    assert total[3:7] == [sum(u.outcomes[k] for u in units) for k in Outcome]
    assert abs(total[7] - total[3] / total[2]) < 1e-9 and abs(total[8] - total[6] / total[2]) < 1e-9
    assert total[9] == sum(u.extended for u in units) and total[10] == 6


def test_workbook_dates_are_date_cells() -> None:
    book = _book(_data())
    overdue = book["Quá hạn"]
    assert [c.value for c in overdue[4]] == [
        "STT",
        "Số NV",
        "Nhiệm vụ",
        "Đơn vị chủ trì",
        "Hạn",
        "Số ngày làm việc quá hạn",
    ]
    row = overdue[5]
    assert [c.value for c in row[:4]] == [1, 100, "Nhiệm vụ 0 & báo cáo", "Xã Số 00"]
    assert (
        row[4].is_date and row[4].value == dt.datetime(2026, 11, 13) and row[4].number_format == "DD/MM/YYYY"
    )
    assert row[5].value == 6 and row[5].data_type == "n"
    assert overdue.freeze_panes == "C5" and overdue.auto_filter.ref == "A4:F7"
    issues = book["Vướng mắc, gia hạn"]
    found = {r[2].value: [c.value for c in r] for r in issues.iter_rows(min_row=5)}
    assert found["Vướng mắc"][1] == 300 and found["Vướng mắc"][7] == dt.datetime(2026, 11, 23)
    assert found["Xin gia hạn"][6] == "xin đến 13/12/2026: chờ vốn"
    assert found["Xin gia hạn"][7] == dt.datetime(2026, 11, 23)  # the local day, not UTC's
    assert issues.cell(5, 8).is_date and issues.cell(5, 6).is_date
    houses = book["Nhà ở"]
    assert [c.value for c in houses[9]][1:6] == ["Tổng cộng", 160, 120, 80, 46]
    assert abs(houses.cell(9, 7).value - 46 / 160) < 1e-9


def _overlaps(chart) -> list[str]:  # type: ignore[no-untyped-def]
    """Every bar whose box meets its axis's legend, after drawing (display pixels)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(chart)
    canvas.draw()
    renderer = canvas.get_renderer()
    found = []
    for axis in chart.axes:
        legend = axis.get_legend().get_window_extent(renderer)
        found += [str(bar) for bar in axis.patches if legend.overlaps(bar.get_window_extent(renderer))]
    return found


def test_chart_legend_never_covers_a_bar_and_every_unit_is_accounted(tmp_path: Path) -> None:
    few = digest_chart.figure(_data(units=6, houses=4))
    assert _overlaps(few) == []
    names = [t.get_text() for t in few.axes[0].get_yticklabels()]
    assert names == [f"Xã Số {i:02d}" for i in range(6)][::-1]  # all six, the worst on top
    assert "khác" not in few.axes[0].get_xlabel()

    many = digest_chart.figure(_data(units=40, houses=30))
    assert _overlaps(many) == []
    shown = [t.get_text() for t in many.axes[0].get_yticklabels()]
    assert len(shown) == digest_chart.TOP and shown[-1] == "Xã Số 00"
    assert "… và 25 đơn vị khác" in many.axes[0].get_xlabel()
    assert "… và 15 xã/phường khác" in many.axes[1].get_xlabel()
    # A commune with a handful of tasks and houses: whole numbers on the axes, never 0,5.
    base = _data(units=3, houses=2)
    small = digest_chart.figure(
        dataclasses.replace(
            base,
            counts=[
                dataclasses.replace(u, outcomes={Outcome.ON_TRACK: 1, Outcome.OVERDUE: 2})
                for u in base.counts
            ],
            houses=[HouseRow("Xã Số 00", 3, 2, 1, 1)],
        )
    )
    for axis in small.axes:
        assert all(tick == int(tick) for tick in axis.get_xticks()), axis.get_xticks()
    (tmp_path / "few.png").write_bytes(digest_chart.png(few))
    (tmp_path / "many.png").write_bytes(digest_chart.png(many))
    assert (tmp_path / "many.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_heavy_libraries_load_only_when_drawing_or_writing() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, domain.digest, domain.digest_chart, domain.digest_sheet, storage.reports\n"
        "print(sorted(m for m in ('matplotlib', 'numpy', 'openpyxl', 'xlsxwriter') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
