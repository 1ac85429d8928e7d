"""The communes' household lists: bad rows named, good rows kept; template and export round-trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.cli import main
from domain.programmes import XOA_NHA_TAM, CaseRow, load_programmes, progress
from domain.sheets import read_rows
from domain.statuses import UnitKind
from storage import household_import, units
from storage.models import Household
from tests.factories import csv_bytes

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
HEADER = list(household_import.household_headers(XOA_NHA_TAM))
CASE = {"Diện hỗ trợ": "hộ nghèo", "Xây mới/sửa chữa": "xây mới"}


def row(**cells: str) -> list[str]:
    return [cells.get(h, "") for h in HEADER]


async def test_bad_rows_named_good_rows_kept(db) -> None:
    async with db.begin() as session:
        province = await units.add_unit(session, name="Tỉnh Demo", kind=UnitKind.PROVINCE)
        await units.add_unit(session, name="Xã Long Hiệp", kind=UnitKind.COMMUNE, parent_id=province.id)
        await units.add_unit(session, name="Văn phòng Tỉnh ủy", kind=UnitKind.OFFICE, parent_id=province.id)
    rows = [
        HEADER,
        row(
            **{
                "Xã/phường": "long hiep",
                "Thôn/ấp/tổ dân phố": "Ấp 3",
                "Họ tên chủ hộ": "Nguyễn Văn A",
                "Diện hỗ trợ": "Gia đình người có công",
                "Xây mới/sửa chữa": "xây mới",
                "Ngân sách trung ương": "50.000.000",
                "Vận động, xã hội hóa": "10,000,000",
                "Đã giải ngân": "30.000.000",
                "Tháng hoàn thành đăng ký": "12/2026",
            }
        ),
        row(**{"Xã/phường": "long hiep", "Họ tên chủ hộ": ""}),  # row 3
        row(**{"Xã/phường": "xa khong co", "Họ tên chủ hộ": "Trần B"}),  # row 4
        row(**{"Xã/phường": "van phong tinh uy", "Họ tên chủ hộ": "Lê C"}),  # row 5: not a commune
        row(**{"Xã/phường": "long hiep", "Họ tên chủ hộ": "Lê D", "Diện hỗ trợ": "diện khác"}),  # row 6
        row(**{**CASE, "Xã/phường": "long hiep", "Họ tên chủ hộ": "Lê E", "Ngân sách địa phương": "nhiều"}),
        row(
            **{
                **CASE,
                "Xã/phường": "long hiep",
                "Họ tên chủ hộ": "Lê F",
                "Tháng hoàn thành đăng ký": "13/2026",
            }
        ),
        row(
            **{
                "Xã/phường": "long hiep",
                "Họ tên chủ hộ": "Lê G",
                "Giai đoạn": "đang thi công",
                "Diện hỗ trợ": "cận nghèo",
                "Xây mới/sửa chữa": "Sửa chữa",
            }
        ),
    ]
    async with db.begin() as session:
        result = await household_import.import_households(
            session, rows=read_rows(csv_bytes(rows), "ho.csv"), programme=XOA_NHA_TAM, now=NOW
        )
    assert (result.created, result.updated) == (2, 0)
    reasons = {e.row: e.reason for e in result.errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8]
    assert reasons[3] == "Thiếu họ tên chủ hộ." and reasons[5].endswith(
        "không phải là xã, phường hay đặc khu."
    )
    assert "diện khác" in reasons[6] and "nhiều" in reasons[7] and "mm/yyyy" in reasons[8]
    async with db() as session:
        saved = {h.head_name: h for h in (await session.exec(select(Household))).all()}
    a = saved["Nguyễn Văn A"]
    assert a.funds == {"trung_uong": 50_000_000, "van_dong": 10_000_000} and a.transferred == 30_000_000
    assert a.track == "nguoi_co_cong" and a.work_kind == "xay_moi" and a.registered_month == "2026-12"
    assert saved["Lê G"].stage == "dang_thi_cong" and saved["Lê G"].work_kind == "sua_chua"
    async with db.begin() as session:  # the same file again updates
        again = await household_import.import_households(
            session, rows=read_rows(csv_bytes(rows[:2]), "ho.csv"), programme=XOA_NHA_TAM, now=NOW
        )
    assert (again.created, again.updated) == (0, 1)


def test_progress_counts_each_stage_reached_and_the_pace() -> None:
    rows = [
        CaseRow("phong_trao", "xay_moi", stage, 60e6, 30e6)
        for stage in ("chua_khoi_cong", "dang_thi_cong", "hoan_thanh", "da_ban_giao")
    ]
    result = progress(XOA_NHA_TAM, rows, today=dt.date(2026, 11, 23), working_days_left=10)
    assert result.planned == 4 and result.reached("dang_thi_cong") == 3 and result.reached("da_ban_giao") == 1
    assert result.per_day_needed == pytest.approx(0.3) and result.pledged == 240e6


def test_another_programme_is_configuration_only() -> None:
    schools = load_programmes(
        '[{"key": "truong_hoc", "name": "Kiên cố hóa trường học", "unit_label": "phòng",'
        ' "tracks": {"mam_non": "Mầm non"}, "stages": [["chua", "Chưa làm"],'
        ' ["xong", "Xong"]], "stage_words": {"nghiệm thu": "xong"}}]'
    )["truong_hoc"]
    assert schools.stage_from_text("Nghiệm thu phòng học") == "xong" and schools.last_stage == "xong"
    assert XOA_NHA_TAM.stage_from_text("bàn giao nhà hộ Nguyễn Văn A") == "da_ban_giao"


def test_cli_template_import_export(seeded_cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tmp_path = seeded_cli
    assert main(["households", "template", "ho.xlsx"]) == 0
    template = load_workbook(tmp_path / "ho.xlsx").active
    (tmp_path / "ho.csv").write_bytes(
        csv_bytes(
            [
                [c.value for c in template[1]],
                [
                    "Xã Long Chữ",
                    "Ấp 3",
                    "Nguyễn Văn A",
                    "Gia đình người có công",
                    "Xây mới",
                    "50.000.000",
                    "",
                    "",
                    "",
                    "0",
                    "12/2026",
                    "",
                    "",
                ],
                ["xa long chu", "", "", "", "", "", "", "", "", "", "", "", ""],
            ]
        )
    )
    assert main(["households", "import", "ho.csv"]) == 1
    assert "dòng 3: Thiếu họ tên chủ hộ." in capsys.readouterr().out
    assert main(["households", "export", "ra.xlsx"]) == 0
    exported = list(load_workbook(tmp_path / "ra.xlsx").active.iter_rows(values_only=True))
    assert exported[1][:3] == ("Xã Long Chữ", "Ấp 3", "Nguyễn Văn A") and exported[1][9] == 0
    assert (
        main(
            [
                "households",
                "add",
                "--unit",
                "long chu",
                "--name",
                "Trần Thị B",
                "--hamlet",
                "Ấp 1",
                "--track",
                "gia đình chính sách",
                "--kind",
                "sửa chữa",
            ]
        )
        == 0
    )
    assert main(["households", "stage", "2", "đang thi công", "--on", "20/11/2026"]) == 0
    assert main(["households", "stage", "2", "chưa khởi công"]) == 0  # never backwards
    assert main(["households", "list", "--unit", "long chu"]) == 0
    out = capsys.readouterr().out
    assert "đã thêm hộ #2 Trần Thị B (Xã Long Chữ)" in out
    assert "#2 Trần Thị B: Đang thi công (giữ nguyên: chỉ chuyển tới giai đoạn sau)" in out
    assert "#2\tXã Long Chữ\tẤp 1\tTrần Thị B\tĐang thi công" in out
