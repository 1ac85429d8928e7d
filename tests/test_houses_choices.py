"""Diện and loại as people write them ("hộ nghèo", "sua"), required, and named when wrong (issue 11.8)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from domain.programmes import XOA_NHA_TAM, read_case
from domain.sheets import read_rows
from domain.statuses import UnitKind
from emulator.client import EmulatorClient
from storage import household_import, units
from storage.models import Household
from tests.conftest import RunningBot
from tests.factories import csv_bytes, say
from tests.test_houses_e2e import HUNG, world

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
HEADER = list(household_import.household_headers(XOA_NHA_TAM))


@pytest.mark.parametrize(
    ("typed", "track"),
    [
        ("hộ nghèo", "phong_trao"),
        ("ho ngheo", "phong_trao"),
        ("nghèo", "phong_trao"),
        ("cận nghèo", "phong_trao"),
        ("Hộ cận nghèo", "phong_trao"),
        ("gia đình chính sách", "nguoi_co_cong"),
        ("người có công", "nguoi_co_cong"),
        ("Gia đình người có công", "nguoi_co_cong"),
        ("CTMTQG giảm nghèo bền vững", "giam_ngheo"),
        ("dân tộc thiểu số", "dan_toc"),
    ],
)
def test_tracks_as_people_write_them(typed: str, track: str) -> None:
    assert XOA_NHA_TAM.parse_track(typed) == track


@pytest.mark.parametrize(
    ("typed", "kind"),
    [("xây mới", "xay_moi"), ("xay moi", "xay_moi"), ("Sửa chữa", "sua_chua"), ("sua", "sua_chua")],
)
def test_kinds_as_people_write_them(typed: str, kind: str) -> None:
    assert XOA_NHA_TAM.parse_work_kind(typed) == kind


def test_missing_and_wrong_fields_are_named() -> None:
    assert read_case(XOA_NHA_TAM, "", "").missing == ("track", "work_kind")
    assert read_case(XOA_NHA_TAM, "hộ nghèo", "").missing == ("work_kind",)
    assert read_case(XOA_NHA_TAM, "hộ giàu", "xây").wrong == (("track", "hộ giàu"),)
    assert read_case(XOA_NHA_TAM, "ho", "xa").wrong == (("track", "ho"), ("work_kind", "xa"))


async def test_addhouse_takes_natural_words_and_refuses_what_breakdowns_lack(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await world(bot_db, client)
    added = (await say(client, HUNG, "/addhouse Đỗ Văn E; Ấp 4; hộ nghèo; xay moi"))[0]["message"]["text"]
    assert added.startswith("Đã thêm hộ Đỗ Văn E (Xã Long Hiệp) vào danh sách.")
    added = (await say(client, HUNG, "/addhouse Đỗ Văn H; Ấp 4; gia dinh chinh sach; sua"))[0]["message"][
        "text"
    ]
    assert added.startswith("Đã thêm hộ Đỗ Văn H")
    alone = (await say(client, HUNG, "/addhouse Đỗ Văn F"))[0]["message"]["text"]
    assert alone.startswith("Thiếu diện hỗ trợ và loại công trình")
    assert "Gia đình người có công" in alone and "Xây mới; Sửa chữa" in alone
    assert alone.count("Gia đình người có công") == 1 and alone.count("Xây mới; Sửa chữa") == 1  # once
    assert "Cách dùng: /addhouse Họ tên chủ hộ; thôn/ấp; diện; xây mới hoặc sửa chữa" in alone
    kind = (await say(client, HUNG, "/addhouse Đỗ Văn F; Ấp 4; hộ nghèo; làm nhà"))[0]["message"]["text"]
    assert kind.startswith("Loại công trình «làm nhà» không hợp lệ; chọn một trong: Xây mới; Sửa chữa")
    assert kind.count("Xây mới; Sửa chữa") == 1 and "Cách dùng: /addhouse" in kind
    track = (await say(client, HUNG, "/addhouse Đỗ Văn F; Ấp 4; hộ khá; xây mới"))[0]["message"]["text"]
    assert track.startswith("Diện hỗ trợ «hộ khá» không hợp lệ; chọn một trong: Gia đình người có công;")
    async with bot_db() as session:
        saved = {h.head_name: h for h in (await session.exec(select(Household))).all()}
    assert "Đỗ Văn F" not in saved
    assert (saved["Đỗ Văn E"].track, saved["Đỗ Văn E"].work_kind) == ("phong_trao", "xay_moi")
    assert (saved["Đỗ Văn H"].track, saved["Đỗ Văn H"].work_kind) == ("nguoi_co_cong", "sua_chua")
    # The plan and its breakdowns agree: 5 houses in the commune, 5 by track, 5 by kind.
    text = (await say(client, HUNG, "/houses"))[0]["message"]["text"]
    assert "Kế hoạch: 5 căn" in text and "Chưa ghi" not in text


async def test_import_takes_natural_words_and_names_the_wrong_field(db) -> None:
    async with db.begin() as session:
        province = await units.add_unit(session, name="Tỉnh Demo", kind=UnitKind.PROVINCE)
        await units.add_unit(session, name="Xã Long Hiệp", kind=UnitKind.COMMUNE, parent_id=province.id)

    def row(name: str, track: str, kind: str) -> list[str]:
        cells = {
            "Xã/phường": "long hiep",
            "Họ tên chủ hộ": name,
            "Diện hỗ trợ": track,
            "Xây mới/sửa chữa": kind,
        }
        return [cells.get(h, "") for h in HEADER]

    rows = [
        HEADER,
        row("Hộ A", "hộ nghèo", "xây mới"),
        row("Hộ B", "ho can ngheo", "sua"),
        row("Hộ C", "Gia đình chính sách", "Sửa chữa"),
        row("Hộ D", "", ""),  # row 5
        row("Hộ E", "hộ khá", "xây mới"),  # row 6
        row("Hộ F", "nghèo", "làm mới nhà"),  # row 7
    ]
    async with db.begin() as session:
        result = await household_import.import_households(
            session, rows=read_rows(csv_bytes(rows), "ho.csv"), programme=XOA_NHA_TAM, now=NOW
        )
    reasons = {e.row: e.reason for e in result.errors}
    assert result.created == 3 and sorted(reasons) == [5, 6, 7]
    assert reasons[5].startswith("Thiếu diện hỗ trợ và loại công trình")
    assert reasons[6].startswith("Diện hỗ trợ «hộ khá» không hợp lệ; chọn một trong:")
    assert reasons[7].startswith(
        "Loại công trình «làm mới nhà» không hợp lệ; chọn một trong: Xây mới; Sửa chữa"
    )
    async with db() as session:
        saved = {h.head_name: (h.track, h.work_kind) for h in (await session.exec(select(Household))).all()}
    assert saved == {
        "Hộ A": ("phong_trao", "xay_moi"),
        "Hộ B": ("phong_trao", "sua_chua"),
        "Hộ C": ("nguoi_co_cong", "sua_chua"),
    }
