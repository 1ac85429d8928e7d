"""Each stage counts the houses at it now; running totals are labelled (bot, workbook, CLI)."""

from __future__ import annotations

import base64
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from domain.programmes import XOA_NHA_TAM, CaseRow, progress, stage_counts
from domain.statuses import UnitKind
from emulator.client import EmulatorClient
from storage import household_import, households
from tests.conftest import RunningBot
from tests.factories import add_official, add_unit, csv_bytes, say

HUNG = 9501
NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
# 1 not started, 5 under construction, 3 finished, 1 handed over: 9 have started, 4 are finished.
SEEDED = {"chua_khoi_cong": 1, "dang_thi_cong": 5, "hoan_thanh": 3, "da_ban_giao": 1}


def test_each_stage_counts_the_houses_at_it_now() -> None:
    rows = [CaseRow("phong_trao", "xay_moi", stage, 0, 0) for stage, n in SEEDED.items() for _ in range(n)]
    result = progress(XOA_NHA_TAM, rows, today=NOW.date(), working_days_left=None)
    assert stage_counts(XOA_NHA_TAM, result) == [
        ("Chưa khởi công", 1),
        ("Đang thi công", 5),
        ("Hoàn thành", 3),
        ("Đã bàn giao", 1),
        ("Đã khởi công (lũy kế)", 9),
        ("Đã hoàn thành (lũy kế)", 4),
    ]


async def _seed(bot_db) -> None:
    province = await add_unit(bot_db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    commune = await add_unit(bot_db, "Xã Long Hiệp", parent_id=province.id)
    await add_official(bot_db, "Nguyễn Văn Hùng", unit=commune, telegram_user_id=HUNG)
    async with bot_db.begin() as session:
        for stage, n in SEEDED.items():
            for i in range(n):
                await households.add_household(
                    session,
                    programme=XOA_NHA_TAM,
                    unit_id=commune.id,
                    head_name=f"Hộ {stage} {i}",
                    track="phong_trao",
                    work_kind="xay_moi",
                    stage=stage,
                    now=NOW,
                )


async def test_houses_and_the_workbook_show_each_stage_now(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await _seed(bot_db)
    await say(client, HUNG, "/start")
    text = (await say(client, HUNG, "/houses"))[0]["message"]["text"]
    lines = text.splitlines()
    assert "Kế hoạch: 10 căn" in lines
    assert "Chưa khởi công: 1 (10%)" in lines and "Đang thi công: 5 (50%)" in lines
    assert "Hoàn thành: 3 (30%)" in lines and "Đã bàn giao: 1 (10%)" in lines
    assert "Đã khởi công (lũy kế): 9 (90%)" in lines and "Đã hoàn thành (lũy kế): 4 (40%)" in lines

    document = (await say(client, HUNG, "/exporthouses"))[0]["message"]["document"]
    data = await client.call("file", file_id=document["file_id"])
    book = load_workbook(io.BytesIO(base64.b64decode(data["data_b64"])))
    stages = [r[5] for r in book["Hộ gia đình"].iter_rows(min_row=2, values_only=True)]
    assert stages.count("Đang thi công") == 5 and stages.count("Hoàn thành") == 3
    summary = list(book["Tổng hợp"].iter_rows(values_only=True))
    assert summary[0] == (
        "Xã/phường",
        "Kế hoạch",
        "Chưa khởi công",
        "Đang thi công",
        "Hoàn thành",
        "Đã bàn giao",
        "Đã khởi công (lũy kế)",
        "Đã hoàn thành (lũy kế)",
    )
    assert summary[1] == ("Xã Long Hiệp", 10, 1, 5, 3, 1, 9, 4)


def test_cli_progress_shows_each_stage_now(seeded_cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header = list(household_import.household_headers(XOA_NHA_TAM))
    rows = [header]
    for stage, n in SEEDED.items():
        for i in range(n):
            cells = {
                "Xã/phường": "Xã Long Chữ",
                "Họ tên chủ hộ": f"Hộ {i} {stage.replace('_', ' ')}",
                "Diện hỗ trợ": "hộ nghèo",
                "Xây mới/sửa chữa": "xây mới",
                "Giai đoạn": XOA_NHA_TAM.stage_label(stage),
            }
            rows.append([cells.get(h, "") for h in header])
    (seeded_cli / "ho.csv").write_bytes(csv_bytes(rows))
    assert main(["households", "import", "ho.csv"]) == 0
    capsys.readouterr()
    assert main(["households", "progress", "--unit", "long chu"]) == 0
    assert capsys.readouterr().out.strip() == (
        "Xã Long Chữ: kế hoạch 10; chưa khởi công 1; đang thi công 5; hoàn thành 3; đã bàn giao 1; "
        "đã khởi công (lũy kế) 9; đã hoàn thành (lũy kế) 4"
    )
    assert main(["households", "export", "ra.xlsx"]) == 0
    summary = list(load_workbook(seeded_cli / "ra.xlsx")["Tổng hợp"].iter_rows(values_only=True))
    assert summary[1] == ("Xã Long Chữ", 10, 1, 5, 3, 1, 9, 4)


def test_the_digest_workbook_labels_its_running_totals() -> None:
    from domain.digest import DigestData, HouseRow, workbook

    day = dt.date(2026, 11, 23)
    data = DigestData(day, (day, day), [], [], [], [], [], [], houses=[HouseRow("Xã Long Hiệp", 10, 9, 4, 1)])
    sheet = load_workbook(io.BytesIO(workbook(data)))["Nhà ở"]
    rows = [r for r in sheet.iter_rows(values_only=True) if "Xã/phường" in r]
    assert rows and "Đã khởi công (lũy kế)" in rows[0] and "Đã hoàn thành (lũy kế)" in rows[0]
    assert "Hoàn thành" not in rows[0] and "Đang thi công" not in rows[0]


def test_the_pace_a_leader_reads() -> None:
    """Under one house a day the pace is 'one every N days' (N rounded down: the safe side), not
    a tenth rounded up that overstates it (3 in 25 days was '0,2 căn/ngày')."""
    from domain.programmes import pace_text

    assert pace_text(3 / 25, "căn") == "1 căn mỗi 8 ngày"
    assert pace_text(1.04, "căn") == "1,1 căn/ngày"
    assert pace_text(2.0, "hộ") == "2 hộ/ngày"
