"""Answers to mistakes, found in a user trial of the sandbox: every slip gets a short, true answer
(the right reason, a toast for every press, the phone button the text mentions, a hint in a group
the office has not registered), never silence or a misleading refusal."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from domain.report import Month, parse_month
from domain.statuses import Role, TaskStatus, UnitKind
from emulator.client import EmulatorClient
from storage import tasks
from storage.models import Task
from tests.conftest import RunningBot
from tests.factories import add_official, add_unit, register_group, say, wait_processed
from tests.test_tasks_e2e import buttons

STRANGER, OFFICIAL, LEADER, ADMIN = 9205, 9201, 9203, 9204
LEADERS_GROUP, NEW_GROUP = -1_009_200_000_001, -1_009_200_000_002
NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


async def _world(bot_db, client: EmulatorClient) -> int:
    """A commune with its official, a leader, the office, the registered leaders' group (all of
    them in it) and a group nobody registered; task 1, led by the commune, is done."""
    province = await add_unit(bot_db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    office = await add_unit(bot_db, "Văn phòng Tỉnh ủy", kind=UnitKind.OFFICE, parent_id=province.id)
    commune = await add_unit(bot_db, "Xã Long Hiệp", parent_id=province.id)
    await add_official(bot_db, "Nguyễn Văn An", unit=commune, telegram_user_id=OFFICIAL)
    await add_official(bot_db, "Lê Văn Lãnh", unit=province, role=Role.LEADER, telegram_user_id=LEADER)
    await add_official(bot_db, "Lê Thị Thảo", unit=office, role=Role.ADMIN, telegram_user_id=ADMIN)
    async with bot_db.begin() as session:
        task = await tasks.add_task(session, title="Xóa nhà tạm", lead_unit_id=commune.id, now=NOW)
        task.status = TaskStatus.DONE
    for user in (STRANGER, OFFICIAL, LEADER, ADMIN):
        await client.user(user)
    await client.group("Lãnh đạo tỉnh", chat_id=LEADERS_GROUP)
    await client.group("Nhóm mới", chat_id=NEW_GROUP)
    await register_group(bot_db, LEADERS_GROUP, "Lãnh đạo tỉnh")
    return task.id or 0


async def _toast(client: EmulatorClient, pressed: dict[str, Any]) -> str | None:
    """The answer to a press, waited for with a deadline; None if it never came."""
    async with asyncio.timeout(10):
        while True:
            answer = await client.answer(pressed["callback_query_id"])
            if answer:
                return answer.get("text", "")
            await asyncio.sleep(0.02)


async def _only_reply(client: EmulatorClient, bot_db, user: int, text: str, chat_id: int) -> list[str]:
    """Everything the bot said in the chat in answer to one message, once it has finished it."""
    sent = await client.send(user, text, chat_id=chat_id)
    await wait_processed(bot_db, sent["update_id"])
    return [r["message"]["text"] for r in await client.records(chat_id, after=sent["seq"])]


async def test_an_official_pressing_reopen_hears_that_only_leaders_reopen(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    task_id = await _world(bot_db, client)
    card = (await say(client, LEADER, f"/task {task_id}", chat_id=LEADERS_GROUP))[0]
    pressed = await client.press(
        OFFICIAL, card["message"]["message_id"], data=buttons(card)["🔄 Mở lại"], chat_id=LEADERS_GROUP
    )
    toast = await _toast(client, pressed)
    assert toast is not None and "lãnh đạo" in toast and "Văn phòng" in toast, toast
    assert "đơn vị mình" not in toast
    async with bot_db() as session:
        assert (await session.get(Task, task_id)).status == TaskStatus.DONE


async def test_a_stranger_pressing_a_button_in_a_group_is_answered(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    task_id = await _world(bot_db, client)
    card = (await say(client, LEADER, f"/task {task_id}", chat_id=LEADERS_GROUP))[0]
    pressed = await client.press(
        STRANGER, card["message"]["message_id"], data=buttons(card)["🔄 Mở lại"], chat_id=LEADERS_GROUP
    )
    assert (await _toast(client, pressed) or "").startswith("Đồng chí chưa được cấp quyền")
    async with bot_db() as session:
        assert (await session.get(Task, task_id)).status == TaskStatus.DONE


async def test_a_stranger_s_refusal_carries_the_phone_button_it_mentions(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await _world(bot_db, client)
    for text in ("/tasks", "xin chào"):
        reply = (await say(client, STRANGER, text))[0]
        assert "📱 Gửi số điện thoại để xác minh" in reply["message"]["text"]
        keyboard = (reply.get("markup") or {}).get("keyboard", [])
        assert [[b.get("request_contact") for b in row] for row in keyboard] == [[True]], (text, reply)
    someone_else = await client.contact(STRANGER, "0912345678", own=False)  # "send your own, with «📱…»"
    reply = (await client.wait(STRANGER, after=someone_else["seq"]))[0]
    assert "📱 Gửi số điện thoại để xác minh" in reply["message"]["text"]
    assert reply["markup"]["keyboard"][0][0]["request_contact"] is True


async def test_the_office_s_help_tells_how_to_send_a_directive(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await _world(bot_db, client)
    office = (await say(client, ADMIN, "/help"))[0]["message"]["text"]
    leader = (await say(client, LEADER, "/help"))[0]["message"]["text"]
    assert "/vanban" in office and ".docx" in office and ".pdf" in office and ".txt" in office
    assert "/vanban" not in leader and ".pdf" not in leader


async def test_a_group_nobody_registered_hints_once_per_command(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await _world(bot_db, client)
    for user in (LEADER, OFFICIAL, ADMIN):
        said = await _only_reply(client, bot_db, user, "/status", NEW_GROUP)
        assert len(said) == 1 and "/registergroup" in said[0] and "Văn phòng" in said[0], (user, said)
    for user in (LEADER, OFFICIAL):
        said = await _only_reply(client, bot_db, user, "/registergroup", NEW_GROUP)
        assert len(said) == 1 and said[0].startswith("Chỉ Văn phòng"), (user, said)
    # Chatter, strangers and commands for another bot stay unanswered.
    assert await _only_reply(client, bot_db, LEADER, "chào cả nhóm", NEW_GROUP) == []
    assert await _only_reply(client, bot_db, STRANGER, "/status", NEW_GROUP) == []
    assert await _only_reply(client, bot_db, STRANGER, "/registergroup", NEW_GROUP) == []
    assert await _only_reply(client, bot_db, LEADER, "/status@bot_khac", NEW_GROUP) == []
    # The office registers it, and the group is served from then on.
    said = await _only_reply(client, bot_db, ADMIN, "/registergroup", NEW_GROUP)
    assert len(said) == 1 and said[0].startswith("Đã đăng ký nhóm «Nhóm mới»")


def test_a_month_may_be_written_many_ways() -> None:
    today = dt.date(2026, 11, 25)
    october = Month(2026, 10)
    for text in (
        "10/2026",
        "thang 10",
        "tháng 10/2026",
        "Tháng 10",
        "10",
        "THANG 10 / 2026",
        "tháng 10 năm 2026",
    ):
        assert parse_month(text, today=today) == october, text
    assert parse_month("thang 12", today=today) == Month(2026, 12)  # the current year, kept simple
    for bad in ("13/2026", "0", "thang", "10/26", "mười"):
        assert parse_month(bad, today=today) is None, bad


async def test_baocao_names_a_month_that_does_not_exist(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await _world(bot_db, client)
    for text in ("/baocao 13/2026", "/baocao thang 13"):
        said = (await say(client, LEADER, text))[0]["message"]["text"]
        assert said.startswith("Không có tháng 13") and "/baocao 11/2026" in said, said
    assert (await say(client, LEADER, "/baocao abc"))[0]["message"]["text"].startswith("Cách dùng: /baocao")
    report = (await say(client, LEADER, "/baocao thang 10"))[0]["message"]
    assert report["caption"].startswith("Dự thảo báo cáo tháng 10/2026")


async def test_invite_without_a_number_says_where_numbers_come_from(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await _world(bot_db, client)
    for text in ("/invite", "/invite abc"):
        said = (await say(client, ADMIN, text))[0]["message"]["text"]
        assert said.startswith("Cách dùng: /invite 12") and "/officials" in said, said


async def test_a_leader_with_no_task_of_his_own_unit_is_pointed_to_status(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    """The province's leader leads no task himself: /tasks says so and where the units' tasks are;
    an official of a unit without open tasks is not sent to /status."""
    from tests.test_tasks_e2e import HUNG, LEADER, world

    await world(bot_db, client)
    leader = (await say(client, LEADER, "/tasks"))[0]["message"]["text"]
    assert leader.startswith("Đơn vị của đồng chí hiện không có nhiệm vụ nào đang mở") and "/status" in leader
    official = (await say(client, HUNG, "/tasks"))[0]["message"]["text"]
    assert "/status" not in official
