"""End to end: user → emulator → bot → database → emulator → user, with the real Application."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from domain.statuses import InboxStatus, Role
from emulator import Emulator
from emulator.client import EmulatorClient
from storage.models import InboxUpdate
from tests.conftest import RunningBot
from tests.factories import add_official, add_unit, register_group, say, wait_processed


async def test_stranger_start_explains_bot_and_invitation(
    running_bot: RunningBot, client: EmulatorClient
) -> None:
    await client.user(4242, "Lan")
    replies = await say(client, 4242, "/start")
    assert len(replies) == 1
    text = replies[0]["message"]["text"]
    assert text.startswith("Xin chào Lan!")
    assert "Văn phòng" in text and "đường link mời" in text
    # HTML formatting reached Telegram as markup, not as literal tags.
    assert "<b>" not in text and "<b>Văn phòng</b>" in replies[0]["html"]


async def test_official_is_greeted_by_name_with_unit(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    commune = await add_unit(bot_db, "Xã Long Hiệp")
    await add_official(bot_db, "Nguyễn Văn Hùng", unit=commune, telegram_user_id=5001)
    replies = await say(client, 5001, "/start")
    assert "Xin chào đồng chí Nguyễn Văn Hùng (Xã Long Hiệp)!" in replies[0]["message"]["text"]


async def test_user_text_is_escaped_in_replies(running_bot: RunningBot, client: EmulatorClient) -> None:
    await client.user(4243, "<b>&Tí</b>")
    replies = await say(client, 4243, "/start")
    assert replies[0]["message"]["text"].startswith("Xin chào <b>&Tí</b>!")


async def test_help_unknown_command_and_free_text(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await add_official(bot_db, "Nguyễn Văn Hùng", telegram_user_id=77)
    help_text = (await say(client, 77, "/help"))[0]["message"]["text"]
    assert "/start" in help_text and "/help" in help_text and "30/09/2026" in help_text
    unknown = (await say(client, 77, "/thongke"))[0]["message"]["text"]
    assert unknown == "Bot không có lệnh /thongke. Gõ /help để xem các lệnh có thể dùng."
    free = (await say(client, 77, "xin chào bot"))[0]["message"]["text"]
    assert "Bot chưa hiểu tin nhắn này" in free


async def test_command_menu_is_set_in_vietnamese(running_bot: RunningBot, client: EmulatorClient) -> None:
    commands = {c["command"]: c["description"] for c in await client.commands()}
    assert commands["start"].startswith("Bắt đầu")
    assert commands["help"] == "Hướng dẫn sử dụng"


async def test_every_update_is_stored_in_inbox_and_marked_done(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    sent = [await client.send(88, f"/start {n}") for n in range(3)]
    await client.wait(88, after=sent[0]["seq"], count=3)
    async with bot_db() as session:
        rows = (await session.exec(select(InboxUpdate).order_by(InboxUpdate.update_id))).all()
    assert [row.update_id for row in rows] == [s["update_id"] for s in sent]
    assert all(row.status == InboxStatus.DONE and row.attempts == 1 for row in rows)
    assert rows[0].payload["message"]["text"] == "/start 0"


async def test_unregistered_group_is_ignored_and_registered_group_answered(
    running_bot: RunningBot, bot_db, client: EmulatorClient, emulator: Emulator
) -> None:
    leader_unit = await add_unit(bot_db, "Thường trực Tỉnh ủy", kind="co_quan")
    await add_official(bot_db, "Trần Văn Minh", unit=leader_unit, role=Role.LEADER, telegram_user_id=6001)
    stranger_group = await client.group("Nhóm lạ", chat_id=-1001000000001)
    leaders_group = await client.group("Lãnh đạo tỉnh", chat_id=-1001000000002)
    await register_group(bot_db, leaders_group["id"], "Lãnh đạo tỉnh")

    # Chatter there is not answered (a command gets one hint: tests/test_answers_mistakes.py).
    ignored = await client.send(6001, "chào cả nhóm", chat_id=stranger_group["id"])
    answered = await say(client, 6001, "/help", chat_id=leaders_group["id"])
    assert "Hướng dẫn sử dụng" in answered[0]["message"]["text"]
    # The two groups are handled concurrently: the stranger's update is closed, and got nothing.
    await wait_processed(bot_db, ignored["update_id"])
    assert await client.records(stranger_group["id"], after=ignored["seq"]) == []


async def test_a_failing_reply_gets_a_vietnamese_apology(
    running_bot: RunningBot, client: EmulatorClient
) -> None:
    # Telegram refuses the answer (400): the handler failed for good, so the user is told. (A
    # passing 5xx is retried instead: tests/test_reliability_faults.py.)
    await client.fault("sendMessage", status=400, times=1)
    replies = await say(client, 99, "/help")
    assert replies[0]["message"]["text"].startswith("Xin lỗi, bot gặp sự cố")
    assert "Traceback" not in replies[0]["message"]["text"]


async def test_shutdown_is_prompt_while_long_polling(running_bot: RunningBot) -> None:
    await asyncio.wait_for(running_bot.shutdown(), timeout=5)
    assert running_bot.task.done() and running_bot.task.exception() is None
