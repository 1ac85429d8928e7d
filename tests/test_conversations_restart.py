"""Multi-step conversations survive a restart and end after their timeout (bot.persistence).

/assign's step and draft are in the database: a restart between two steps goes on where the office
left off; an answer typed after the timeout is not taken as the answer to the old question. With
several instances each update reads the chat's step and draft afresh (the storage test below,
on both databases)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from sqlmodel import select
from telegram import Chat, Message, Update, User
from telegram.ext import ConversationHandler

from bot.persistence import StoredConversations
from domain import texts
from emulator.client import EmulatorClient
from handlers import assign
from storage.models import ConversationState, Task, UserState
from tests.conftest import RunningBot, start_bot
from tests.factories import TestClock, say, wait_processed
from tests.test_directive_bot import OFFICE, SAMPLE, district, said
from tests.test_tasks_e2e import ADMIN, buttons, press, world

NOW = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hanoi, a Wednesday


async def _to_lead(client: EmulatorClient) -> None:
    """/assign up to the question of the lead unit."""
    start = (await say(client, ADMIN, "/assign"))[0]
    await press(client, ADMIN, start, "📄 Văn bản mới")
    await say(client, ADMIN, "3022-CV/TU; 03/05/2024; Tăng cường thực hiện nhiệm vụ trọng tâm năm 2024")
    asked = (await say(client, ADMIN, "Xóa nhà tạm cho hộ nghèo"))[0]["message"]["text"]
    assert "Bước 3/5" in asked  # the lead unit is asked for


async def test_assign_goes_on_after_a_restart(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    running_bot.clock.set(NOW)
    await world(bot_db, client)
    await _to_lead(client)
    await running_bot.shutdown()
    running_bot.clock.advance(minutes=5)
    again = await start_bot(running_bot.settings, running_bot.clock)
    try:
        await say(client, ADMIN, "long hiep")
        await say(client, ADMIN, "long huu")
        summary = (await say(client, ADMIN, "30/12"))[0]
        assert "Chủ trì: Xã Long Hiệp" in summary["message"]["text"]
        assert "Văn bản: 3022-CV/TU" in summary["message"]["text"]
        created = (await press(client, ADMIN, summary, "✅ Giao việc"))[0]["message"]["text"]
        assert created.startswith("✅ Đã giao nhiệm vụ #1")
    finally:
        await again.shutdown()
    async with bot_db() as session:
        task = await session.get(Task, 1)
        assert task is not None and task.title.startswith("Xóa nhà tạm cho hộ nghèo")
        assert (await session.exec(select(ConversationState))).all() == []  # the conversation ended
        assert (await session.exec(select(UserState))).all() == []  # and its draft went with it


@pytest.mark.parametrize("restart", [False, True], ids=["running", "restarted"])
async def test_an_answer_after_the_timeout_is_not_taken_as_the_step(
    running_bot: RunningBot, bot_db, client: EmulatorClient, restart: bool
) -> None:
    running_bot.clock.set(NOW)
    await world(bot_db, client)
    await _to_lead(client)
    if restart:
        await running_bot.shutdown()
    running_bot.clock.set(running_bot.clock.now() + assign.TIMEOUT + dt.timedelta(minutes=1))
    again = await start_bot(running_bot.settings, running_bot.clock) if restart else None
    try:
        sent = await client.send(ADMIN, "long hiep")
        late = (await client.wait(ADMIN, after=sent["seq"]))[0]["message"]["text"]
        await wait_processed(bot_db, sent["update_id"])  # its effects are stored before it is done
    finally:
        if again is not None:
            await again.shutdown()
    assert late == texts.free_text_hint()  # not "Bước 4/5"
    async with bot_db() as session:
        assert (await session.exec(select(ConversationState))).all() == []
        assert (await session.exec(select(UserState))).all() == []  # the abandoned draft is gone too


def _message(chat_id: int, user_id: int) -> Update:
    user = User(user_id, "Lan", is_bot=False)
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(1, message=Message(1, NOW, chat, from_user=user, text="long hiep"))


async def _handler(store: StoredConversations) -> ConversationHandler[Any]:
    handler: ConversationHandler[Any] = ConversationHandler([], {}, [], name="assign", persistent=True)
    await handler._initialize_persistence(SimpleNamespace(persistence=store))  # type: ignore[arg-type]
    return handler


async def test_another_instance_goes_on_from_the_stored_step_and_draft(db) -> None:  # type: ignore[no-untyped-def]
    """Webhook mode: the next update of a chat may run in another instance, which reads the step
    and the draft the first one stored; a step past its timeout is read by nobody."""
    clock = TestClock(NOW)
    first = StoredConversations(db, clock, timeouts={"assign": assign.TIMEOUT}, shared=True)
    second = StoredConversations(db, clock, timeouts={"assign": assign.TIMEOUT}, shared=True)
    handler = await _handler(second)  # the second instance started before anything was stored
    await first.update_conversation("assign", (71, 71), 3)
    await first.update_user_data(71, {"assign": {"title": "Xóa nhà tạm"}})

    await second.prepare(_message(71, 71), [handler])
    assert handler._conversations == {(71, 71): 3}
    drafts: dict[str, Any] = {}
    await second.refresh_user_data(71, drafts)
    assert drafts == {"assign": {"title": "Xóa nhà tạm"}}

    await first.update_conversation("assign", (71, 71), None)  # ended in the first instance
    await second.prepare(_message(71, 71), [handler])
    assert handler._conversations == {}

    await first.update_conversation("assign", (71, 71), 4)
    await first.update_user_data(71, {"assign": {"title": "Rà soát hộ cận nghèo"}})
    clock.set(clock.now() + assign.TIMEOUT + dt.timedelta(seconds=1))
    await second.prepare(_message(71, 71), [handler])
    assert handler._conversations == {}  # abandoned: not taken up again
    drafts = {}
    await second.refresh_user_data(71, drafts)
    assert drafts == {}  # nor its draft
    assert await second.get_conversations("assign") == {}  # nor by an instance starting now


async def test_a_directive_review_goes_on_after_a_restart(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    """The office has corrected one task of the review when the bot restarts: the next press
    goes on from there, and the directive's tasks are created once."""
    await district(bot_db, client)
    # Read the day it was issued: its 2023 deadlines are still ahead, none needs a new one.
    running_bot.clock.set(dt.datetime(2023, 9, 15, 2, 0, tzinfo=dt.UTC))
    sent = await client.document(OFFICE, SAMPLE.read_bytes(), "45-TB-HU.txt", mime_type="text/plain")
    overview = (await client.wait(OFFICE, after=sent["seq"]))[0]
    card = (await press(client, OFFICE, overview, "📋 Xem từng nhiệm vụ"))[0]
    card = (await press(client, OFFICE, card, "✅ Nhận"))[0]
    await running_bot.shutdown()
    again = await start_bot(running_bot.settings, running_bot.clock)
    try:
        for _ in range(3):
            card = (await press(client, OFFICE, card, "✅ Nhận"))[0]
        assert "[II.4]" in card["message"]["text"]
        overview = (await press(client, OFFICE, card, "✅ Nhận"))[0]
        # The office leads task #3: its own new-task notice, through the outbox, may land first.
        pressed = await client.press(
            OFFICE, overview["message"]["message_id"], data=buttons(overview)["🚀 Tạo 5 nhiệm vụ"]
        )
        await said(
            client, OFFICE, after=pressed["seq"], containing="✅ Đã tạo 5 nhiệm vụ từ văn bản 45-TB/HU"
        )
    finally:
        await again.shutdown()
    async with bot_db() as session:
        assert len((await session.exec(select(Task))).all()) == 5
