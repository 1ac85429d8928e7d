"""Leaving a question: /huy, ✖️ Hủy, and a question that expires (issue 10.3, 11.7's cancel)."""

from __future__ import annotations

from sqlmodel import col, select

from storage import messages
from storage.models import TaskUpdate
from tests.conftest import RunningBot
from tests.factories import say
from tests.test_taskflow_cards import HUNG, taskflow_world, text_of
from tests.test_tasks_e2e import buttons, press

HINT = "Bot chưa hiểu tin nhắn này."  # the free-text answer: the message was not taken as an answer


async def _notes(bot_db) -> list[str]:
    async with bot_db() as session:
        rows = (await session.exec(select(TaskUpdate.note).order_by(col(TaskUpdate.id)))).all()
    return [n for n in rows if n]


async def test_huy_closes_the_question_and_the_next_message_is_not_its_answer(
    running_bot: RunningBot, bot_db, client
) -> None:
    await taskflow_world(bot_db, client)
    assert text_of(await say(client, HUNG, "/huy")) == "Không có gì để hủy."
    card = (await say(client, HUNG, "/task 1"))[0]
    question = (await press(client, HUNG, card, "📝 Ghi chú"))[0]
    assert "✖️ Hủy" in buttons(question)
    assert text_of(await say(client, HUNG, "/huy")).startswith("✖️ Đã hủy câu hỏi.")
    assert text_of(await say(client, HUNG, "ok")).startswith(HINT)
    assert "ok" not in await _notes(bot_db)
    assert text_of(await say(client, HUNG, "/huy")) == "Không có gì để hủy."


async def test_cancel_button_closes_that_question(running_bot: RunningBot, bot_db, client) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    question = (await press(client, HUNG, card, "⚠️ Vướng mắc"))[0]
    edited = (await press(client, HUNG, question, "✖️ Hủy"))[0]
    assert edited["kind"] == "edit" and edited["message"]["text"].endswith("✖️ Đã hủy.")
    assert not buttons(edited)
    assert text_of(await say(client, HUNG, "Thiếu vốn")).startswith(HINT)
    replied = await client.send(HUNG, "Thiếu vốn", reply_to=question["message"]["message_id"])
    closed = text_of(await client.wait(HUNG, after=replied["seq"]))
    assert closed.startswith("Câu hỏi này đã đóng")
    assert not [n for n in await _notes(bot_db) if "Thiếu vốn" in n]


async def test_question_expires_after_thirty_minutes(running_bot: RunningBot, bot_db, client) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    await press(client, HUNG, card, "📝 Ghi chú")
    running_bot.clock.advance(minutes=31)
    expired = text_of(await say(client, HUNG, "Đã họp dân"))
    assert expired.startswith("⌛ Câu hỏi trước của bot đã hết hạn (quá 30 phút không trả lời)")
    assert not [n for n in await _notes(bot_db) if "Đã họp dân" in n]
    assert text_of(await say(client, HUNG, "Đã họp dân")).startswith(HINT)

    await press(client, HUNG, (await say(client, HUNG, "/task 1"))[0], "📝 Ghi chú")
    running_bot.clock.advance(minutes=29)  # still fresh
    assert text_of(await say(client, HUNG, "Đã họp dân")) == "✅ Đã ghi nhận ghi chú cho nhiệm vụ #1."


async def test_huy_closes_the_household_question_after_a_photo(
    running_bot: RunningBot, bot_db, client
) -> None:
    """'Ảnh này của hộ nào?' is a pending question like any other: /huy leaves it."""
    await taskflow_world(bot_db, client)
    sent = await client.send(HUNG, "Ảnh này của hộ nào?")  # stands in for the bot's question
    await client.wait(HUNG, after=sent["seq"])
    async with bot_db.begin() as session:
        await messages.record_message(
            session,
            chat_id=HUNG,
            message_id=sent["message"]["message_id"],
            kind="prompt",
            prompt="house",
            data={"photo_id": 1},
            at=running_bot.clock.now(),
        )
    assert text_of(await say(client, HUNG, "/huy")).startswith("✖️ Đã hủy câu hỏi.")
    assert text_of(await say(client, HUNG, "ok")).startswith(HINT)
