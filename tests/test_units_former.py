"""Former units of the 2025 map: `units seed` records what became each unit, lookup and /status
answer for the unit it became (issue 12.2). Tây Ninh took in the old Long An province."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from sqlmodel import select

from domain.statuses import Role
from domain.units import former_district_key
from emulator.client import EmulatorClient
from storage import units
from storage.models import Unit, UnitAlias
from tests.conftest import RunningBot
from tests.factories import add_official, say
from tests.test_tasks_e2e import buttons

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
LEADER = 9711


@pytest.fixture
async def tay_ninh(db):
    async with db.begin() as session:
        await units.seed_province(session, province_name="Tây Ninh", now=NOW)
    return db


async def _find(db, typed: str):
    async with db() as session:
        return await units.find_unit(session, query=typed)


async def test_former_communes_and_province_resolve_to_the_unit_they_became(tay_ninh) -> None:
    for typed, now_in, former in (
        ("long huu dong", "Xã Long Hựu", "Xã Long Hựu Đông"),
        ("Xã Long Hựu Tây", "Xã Long Hựu", "Xã Long Hựu Tây"),
        ("phuoc tuy", "Xã Cần Đước", "Xã Phước Tuy"),
        ("Tỉnh Long An", "Tây Ninh", "Tỉnh Long An"),
    ):
        match = await _find(tay_ninh, typed)
        assert match.found is not None and match.found.name == now_in, typed
        assert match.via_alias == former, typed
    # A unit's own name still wins over another's former name of the same spelling.
    own = await _find(tay_ninh, "can duoc")
    assert own.found is not None and own.found.name == "Xã Cần Đước" and own.via_alias is None


async def test_a_split_commune_or_a_former_district_is_asked(tay_ninh) -> None:
    split = await _find(tay_ninh, "duc hoa thuong")  # divided between Đức Lập and Mỹ Hạnh
    assert split.found is None
    assert [c.name for c in split.candidates] == ["Xã Mỹ Hạnh", "Xã Đức Lập"]
    for typed in ("Thị xã Kiến Tường", "tx kien tuong"):  # the units that took its communes
        district = await _find(tay_ninh, typed)
        assert district.found is None, typed
        assert [c.name for c in district.candidates] == [
            "Phường Kiến Tường",
            "Xã Bình Hiệp",
            "Xã Tuyên Thạnh",
        ]


async def test_a_second_seed_adds_no_former_name_twice(tay_ninh) -> None:
    async with tay_ninh.begin() as session:
        again = await units.seed_province(session, province_name="Tây Ninh", now=NOW)
    assert again.created == 0 and again.former_names == 0
    async with tay_ninh() as session:
        long_huu = (await session.exec(select(Unit).where(Unit.name == "Xã Long Hựu"))).one()
        names = (await session.exec(select(UnitAlias.name).where(UnitAlias.unit_id == long_huu.id))).all()
    assert sorted(names) == ["Huyện Cần Đước", "Xã Long Hựu Tây", "Xã Long Hựu Đông"]


async def test_status_of_a_former_commune_names_the_unit_it_became(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    async with bot_db.begin() as session:
        seeded = await units.seed_province(session, province_name="Tây Ninh", now=NOW)
    await add_official(
        bot_db, "Trần Văn Minh", unit=seeded.province, role=Role.LEADER, telegram_user_id=LEADER
    )
    await say(client, LEADER, "/start")

    reply = (await say(client, LEADER, "/status long huu dong"))[0]
    assert "Xã Long Hựu Đông (cũ) nay thuộc Xã Long Hựu" in reply["message"]["text"]
    split = (await say(client, LEADER, "/status duc hoa thuong"))[0]
    assert set(buttons(split)) == {"Xã Mỹ Hạnh", "Xã Đức Lập"}
    assert split["message"]["text"].startswith("Xã Đức Hòa Thượng (cũ) nay thuộc nhiều đơn vị")


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Huyện Cần Đước", "@huyen can duoc"),
        ("H. Cần Đước", "@huyen can duoc"),
        ("TX Kiến Tường", "@thi xa kien tuong"),
        ("tp. tân an", "@thanh pho tan an"),
        ("Xã Long Hựu", None),
        ("Long Hựu", None),
    ],
)
def test_a_district_level_name_has_a_marked_key(typed: str, key: str | None) -> None:
    assert former_district_key(typed) == key


def test_the_data_is_read_without_importing_the_package() -> None:
    """Its modules import shapely and geopy (a network geocoder): only its files are read."""
    code = (
        "import sys; from storage.former_units import former_map; "
        "assert former_map('Tây Ninh').provinces == ('Tỉnh Long An',); "
        "print(sorted(m for m in ('vietnamadminunits', 'shapely', 'geopy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
