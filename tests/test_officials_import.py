"""Importing the office's list of officials: bad rows named, good rows kept, nothing half-written."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import select

from bot.cli import main
from domain.people import normalize_phone, parse_role
from domain.sheets import SheetError, read_rows
from domain.statuses import Role, UnitKind
from storage import officials, units
from storage.models import Official
from tests.factories import csv_bytes

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
HEADER = ["Họ và tên", "Chức vụ", "Đơn vị", "Vai trò", "Số điện thoại", "Người đứng đầu"]
ROWS = [
    HEADER,
    ["Nguyễn Văn Hùng", "Chủ tịch UBND xã", "long hiep", "cán bộ", "0912 345 678", "x"],
    ["", "Phó Chủ tịch", "Long Hiệp", "cán bộ", "0912000001", ""],  # row 3: no name
    ["Trần Văn B", "Công chức", "Xã Không Có", "cán bộ", "0912000002", ""],  # row 4: unknown unit
    ["Lê Thị C", "Chuyên viên", "Văn phòng Tỉnh ủy", "giám đốc", "0912000003", ""],  # row 5: bad role
    ["Phạm Văn D", "Chuyên viên", "Văn phòng Tỉnh ủy", "quản trị", "12345", ""],  # row 6: bad phone
    ["Võ Văn E", "Phó Chủ tịch", "Long Hựu", "Cán bộ", "+84 912 345 678", ""],  # row 7: duplicate
    ["Trần Văn Minh", "Phó Bí thư", "Tỉnh Demo", "Lãnh đạo", "84987654321", ""],
    ["Lê Thị Thảo", "Chuyên viên", "van phong tinh uy", "quan tri", "", ""],
]


async def _seed_units(db) -> None:
    async with db.begin() as session:
        province = await units.add_unit(session, name="Tỉnh Demo", kind=UnitKind.PROVINCE)
        for name, kind in (
            ("Xã Long Hiệp", UnitKind.COMMUNE),
            ("Xã Long Hựu", UnitKind.COMMUNE),
            ("Văn phòng Tỉnh ủy", UnitKind.OFFICE),
        ):
            await units.add_unit(session, name=name, kind=kind, parent_id=province.id)


def test_phone_and_role_words() -> None:
    assert normalize_phone("+84 912 345 678") == normalize_phone("0912.345.678") == "0912345678"
    assert normalize_phone("912345678") == "0912345678"  # Excel dropped the leading zero
    assert normalize_phone("12345") is None and normalize_phone("0012345678") is None
    assert parse_role("Lãnh đạo") == parse_role("lanh dao") == Role.LEADER
    assert parse_role("") == Role.OFFICIAL and parse_role("giám đốc") is None


async def test_bad_rows_are_named_and_good_rows_kept(db) -> None:
    await _seed_units(db)
    rows = read_rows(csv_bytes(ROWS), "can-bo.csv")
    async with db.begin() as session:
        result = await officials.import_officials(session, rows=rows, now=NOW)
    assert (result.created, result.updated) == (3, 0)
    reasons = {e.row: e.reason for e in result.errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7]
    assert reasons[3] == "Thiếu họ và tên."
    assert reasons[4] == "Không tìm thấy đơn vị «Xã Không Có»."
    assert "giám đốc" in reasons[5] and "12345" in reasons[6] and "trùng với dòng 2" in reasons[7]
    async with db() as session:
        people = {o.full_name: o for o in (await session.exec(select(Official))).all()}
    assert set(people) == {"Nguyễn Văn Hùng", "Trần Văn Minh", "Lê Thị Thảo"}
    assert people["Nguyễn Văn Hùng"].phone == "0912345678" and people["Nguyễn Văn Hùng"].is_unit_head
    assert people["Trần Văn Minh"].role == Role.LEADER and people["Lê Thị Thảo"].role == Role.ADMIN


async def test_reimport_updates_instead_of_duplicating(db) -> None:
    await _seed_units(db)
    async with db.begin() as session:
        await officials.import_officials(session, rows=read_rows(csv_bytes(ROWS), "a.csv"), now=NOW)
    corrected = [HEADER, ["Nguyễn Văn Hùng", "Bí thư Đảng ủy xã", "long hiep", "lãnh đạo", "0912345678", ""]]
    async with db.begin() as session:
        result = await officials.import_officials(
            session, rows=read_rows(csv_bytes(corrected), "b.csv"), now=NOW
        )
    assert (result.created, result.updated, result.errors) == (0, 1, [])
    async with db() as session:
        hung = (await session.exec(select(Official).where(Official.phone == "0912345678"))).one()
    assert hung.title == "Bí thư Đảng ủy xã" and hung.role == Role.LEADER


def test_xlsx_rows_keep_their_excel_row_numbers() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Danh sách cán bộ xã Long Hiệp"])  # a title row above the header
    sheet.append([])
    sheet.append(HEADER)
    sheet.append(["Nguyễn Văn Hùng", "Chủ tịch", "Long Hiệp", "cán bộ", 912345678, "x"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = read_rows(buffer.getvalue(), "ds.xlsx")  # the title row above the header is skipped
    assert len(rows) == 1 and rows[0].number == 4
    assert rows[0].get("ho va ten") == "Nguyễn Văn Hùng" and rows[0].get("so dien thoai") == "912345678"


def test_unreadable_files_are_refused_in_vietnamese() -> None:
    with pytest.raises(SheetError, match="Chỉ nhận tệp Excel"):
        read_rows(b"x", "ds.pdf")
    with pytest.raises(SheetError, match="Không đọc được tệp Excel"):
        read_rows(b"not a zip", "ds.xlsx")


def test_cli_templates_seed_import_and_invite(seeded_cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tmp_path = seeded_cli
    assert main(["units", "template", "don-vi.xlsx"]) == 0
    assert main(["officials", "template", "can-bo.xlsx"]) == 0
    for name in ("don-vi", "can-bo"):  # the office fills the first sheet with rows like the samples
        sample = load_workbook(tmp_path / f"{name}.xlsx")["Mẫu"].iter_rows(values_only=True)
        (tmp_path / f"{name}.csv").write_bytes(csv_bytes([[str(c or "") for c in row] for row in sample]))
    assert main(["units", "import", "don-vi.csv"]) == 0
    assert main(["officials", "import", "can-bo.csv"]) == 0
    assert "thêm mới: 3, cập nhật: 0, dòng lỗi: 0" in capsys.readouterr().out

    (tmp_path / "bad.csv").write_bytes(csv_bytes(ROWS[:3]))
    assert main(["officials", "import", "bad.csv"]) == 1
    assert "dòng 3: Thiếu họ và tên." in capsys.readouterr().out

    assert main(["officials", "invite", "--bot-username", "nhacviec_bot", "--xlsx", "moi.xlsx", "--yes"]) == 0
    sheet = load_workbook(tmp_path / "moi.xlsx").active
    links = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(links) == 3 and all(link.startswith("https://t.me/nhacviec_bot?start=") for link in links)
    assert main(["units", "merge", "xa long hiep", "xa long chu", "--into", "long thuan", "--yes"]) == 0
    assert main(["officials", "add", "--name", "Võ Văn E", "--unit", "nowhere"]) == 1
    assert "đơn vị «nowhere» chưa rõ" in capsys.readouterr().err


def test_cli_tasks_add_import_and_list(seeded_cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tmp_path = seeded_cli
    assert (
        main(
            [
                "tasks",
                "add",
                "--title",
                "Xóa nhà tạm",
                "--unit",
                "long chu",
                "--due",
                "31/12/2099",
                "--directive",
                "3022-CV/TU",
                "--target",
                "12",
                "--measure",
                "căn",
            ]
        )
        == 0
    )
    assert "đã giao nhiệm vụ #1 cho Xã Long Chữ" in capsys.readouterr().out
    assert main(["tasks", "template", "nv.xlsx"]) == 0
    header = [c.value for c in load_workbook(tmp_path / "nv.xlsx").active[1]]
    (tmp_path / "nv.csv").write_bytes(
        csv_bytes(
            [
                header,
                [
                    "3022-CV/TU",
                    "03/05/2024",
                    "",
                    "Rà soát hộ nghèo",
                    "",
                    "long thuan",
                    "",
                    "30/12/2099",
                    "",
                    "",
                    "",
                ],
                ["", "", "", "", "", "long chu", "", "30/12/2099", "", "", ""],  # no title
                ["", "", "", "Sửa nhà", "", "long chu", "", "31/2/2099", "", "", ""],  # impossible date
                [
                    "",
                    "",
                    "",
                    "Sửa nhà",
                    "",
                    "long chu",
                    "",
                    "30/12/2099",
                    "nhiều",
                    "",
                    "",
                ],  # target not a number
                ["", "", "", "Họp dân", "", "xa khong co", "", "", "", "", ""],  # unknown unit
            ]
        )
    )
    assert main(["tasks", "import", "nv.csv"]) == 1
    out = capsys.readouterr().out
    assert "thêm mới: 1, cập nhật: 0, dòng lỗi: 4" in out
    assert "dòng 3: Thiếu tên nhiệm vụ." in out and "dòng 4: Ngày 31/02/2099 không tồn tại." in out
    assert "dòng 5: Chỉ tiêu «nhiều» không phải là số." in out and "dòng 6: Đơn vị «xa khong co»" in out
    assert main(["tasks", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 2 and listed[1].startswith("#1\t31/12/2099\tMới giao\tXóa nhà tạm")


def test_cli_meetings_add_postpone_cancel(seeded_cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "meetings",
                "add",
                "--title",
                "Hội nghị Ban Thường vụ",
                "--at",
                "25/05/2099 08:00",
                "--item",
                "Báo cáo tiến độ xóa nhà tạm|long chu",
            ]
        )
        == 0
    )
    assert main(["meetings", "postpone", "1", "--to", "01/06/2099 08:00"]) == 0
    assert main(["meetings", "list"]) == 0
    out = capsys.readouterr().out
    assert "đã thêm cuộc họp #1: Hội nghị Ban Thường vụ" in out
    assert "#1\t08:00 Thứ Hai, 01/06/2099\tdự kiến\tHội nghị Ban Thường vụ" in out
    assert main(["meetings", "cancel", "1"]) == 0
    assert main(["meetings", "add", "--title", "x", "--at", "mai"]) == 1
    assert "viết dạng 25/05/2026 08:00" in capsys.readouterr().err
