"""`nhacviec export` (issue 14.4): every task, update, household and photo record in one workbook,
read back with openpyxl: one row per record, names instead of ids, real date cells."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlmodel import func, select

from bot.cli import main
from domain.digest_sheet import HEADER_ROW
from domain.export_sheet import export_sheets, export_workbook
from domain.programmes import XOA_NHA_TAM
from storage.export_data import export_rows
from storage.models import Household, Photo, Task, TaskUpdate
from tests.district import TODAY, seed_district

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def _records(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[dict[str, object]]:
    rows = list(sheet.iter_rows(min_row=HEADER_ROW, values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


async def test_the_export_holds_every_record_of_the_four_tables(db) -> None:  # type: ignore[no-untyped-def]
    await seed_district(db)
    async with db() as session:
        rows = await export_rows(session, zone=ZONE, programme=XOA_NHA_TAM)
        counts = {
            model.__name__: (await session.exec(select(func.count()).select_from(model))).one()
            for model in (Task, TaskUpdate, Household, Photo)
        }
        overdue = (await session.exec(select(Task).where(Task.status == "blocked").limit(1))).one()
    data = export_workbook(
        export_sheets(rows.tasks, rows.updates, rows.households, rows.photos),
        made_on=TODAY,
        scope="Tỉnh Demo",
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Nhiệm vụ", "Cập nhật", "Hộ gia đình", "Ảnh"]
    tasks, updates, houses, photos = (_records(book[name]) for name in book.sheetnames)
    assert all(counts.values())  # the seeded district has records of every kind
    assert [len(tasks), len(updates), len(houses), len(photos)] == [
        counts["Task"],
        counts["TaskUpdate"],
        counts["Household"],
        counts["Photo"],
    ]
    assert [row["STT"] for row in tasks] == list(range(1, len(tasks) + 1))
    blocked = next(row for row in tasks if row["Số NV"] == overdue.id)
    assert blocked["Tên nhiệm vụ"] == overdue.title
    assert blocked["Trạng thái"] == "Vướng mắc"  # a label, not the stored key
    assert isinstance(blocked["Hạn"], dt.datetime) and blocked["Hạn"].date() == overdue.due_on  # a date cell
    assert str(blocked["Đơn vị chủ trì"]).startswith(("Xã", "Phường"))
    assert all(isinstance(row["Thời điểm"], dt.datetime) for row in updates)
    assert {row["Giai đoạn"] for row in houses} <= {label for _, label in XOA_NHA_TAM.stages}
    assert book["Nhiệm vụ"].freeze_panes == f"C{HEADER_ROW + 1}"  # the header stays in view
    assert "Tỉnh Demo" in str(book["Nhiệm vụ"]["A2"].value)


def test_the_command_writes_the_file_and_never_overwrites_without_force(
    seeded_cli: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = seeded_cli / "du-lieu.xlsx"
    assert main(["export", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and "0 nhiệm vụ" in printed
    assert openpyxl.load_workbook(out).sheetnames[0] == "Nhiệm vụ"
    assert main(["export", "--out", str(out)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["export", "--out", str(out), "--force"]) == 0
