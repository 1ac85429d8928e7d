"""Units of one name in two provinces are offered as buttons that show the province (issue 10.12)."""

from __future__ import annotations

from domain.statuses import Role, UnitKind
from emulator.client import EmulatorClient
from tests.conftest import RunningBot
from tests.factories import add_official, add_unit, say
from tests.test_tasks_e2e import buttons

LEADER = 9701


async def test_status_and_officials_show_the_province_of_same_name_wards(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    tay_ninh = await add_unit(bot_db, "Tây Ninh", kind=UnitKind.PROVINCE)
    bac_ninh = await add_unit(bot_db, "Bắc Ninh", kind=UnitKind.PROVINCE)
    for province in (tay_ninh, bac_ninh):
        await add_unit(bot_db, "Phường Tân An", kind=UnitKind.WARD, parent_id=province.id)
    await add_unit(bot_db, "Phường Long An", kind=UnitKind.WARD, parent_id=tay_ninh.id)
    await add_official(bot_db, "Trần Văn Minh", unit=tay_ninh, role=Role.LEADER, telegram_user_id=LEADER)
    await say(client, LEADER, "/start")

    expected = {"Phường Tân An (Tây Ninh)", "Phường Tân An (Bắc Ninh)"}
    for command in ("/status tan an", "/officials tan an"):
        reply = (await say(client, LEADER, command))[0]
        assert set(buttons(reply)) == expected, command
    # A former province's name is asked about, not taken as the ward of that name.
    reply = (await say(client, LEADER, "/status long an"))[0]
    assert set(buttons(reply)) == {"Phường Long An", "Tây Ninh"}


async def test_one_near_name_is_asked_about_by_name_in_officials_too(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    province = await add_unit(bot_db, "Tây Ninh", kind=UnitKind.PROVINCE)
    await add_unit(bot_db, "Xã Long Hiệp", kind=UnitKind.COMMUNE, parent_id=province.id)
    await add_official(bot_db, "Trần Văn Minh", unit=province, role=Role.LEADER, telegram_user_id=LEADER)
    reply = (await say(client, LEADER, "/officials long hieo"))[0]
    assert list(buttons(reply)) == ["Xã Long Hiệp"]
    assert "Có phải Xã Long Hiệp?" in reply["message"]["text"]
    assert "một trong các đơn vị" not in reply["message"]["text"]  # never "one of" with one
