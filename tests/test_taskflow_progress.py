"""Progress is one number (issue 10.6) and progress replies say how they were read (issue 11.9)."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from domain.statuses import TaskStatus
from domain.taskflow_texts import LOWER_LABEL
from storage.models import Task, TaskUpdate
from tests.conftest import RunningBot
from tests.factories import say
from tests.test_taskflow_cards import HUNG, taskflow_world, text_of
from tests.test_tasks_e2e import buttons, press


async def _task(bot_db, task_id: int = 1) -> Task:
    async with bot_db() as session:
        return await session.get(Task, task_id)


async def _reply(client, running_bot: RunningBot, card: dict[str, Any], text: str, *, ago: int = 0) -> str:
    """Reply to a card as sent `ago` seconds before the bot's clock (Telegram's message.date)."""
    date = int(running_bot.clock.now().timestamp()) - ago
    sent = await client.send(HUNG, text, reply_to=card["message"]["message_id"], date=date)
    return text_of(await client.wait(HUNG, after=sent["seq"]))


async def test_a_percentage_and_a_count_show_the_same_progress(
    running_bot: RunningBot, bot_db, client
) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    menu = (await press(client, HUNG, card, "⏳ Đang thực hiện"))[0]
    redrawn = (await press(client, HUNG, menu, "50%"))[0]
    assert "Tiến độ: 6/12 căn (50%)" in redrawn["message"]["text"]
    assert "Tiến độ: 6/12 căn (50%)" in text_of(await say(client, HUNG, "/task 1"))
    task = await _task(bot_db)
    assert (task.progress_quantity, task.progress_percent) == (6, 50)

    sent = await client.send(HUNG, "25%", reply_to=card["message"]["message_id"])
    question = (await client.wait(HUNG, after=sent["seq"]))[0]  # lower than 6/12: asked first
    assert question["message"]["text"].startswith("Tiến độ mới 3/12 căn (25%) thấp hơn lần báo trước")
    assert (await _task(bot_db)).progress_percent == 50
    redrawn = (await press(client, HUNG, question, LOWER_LABEL))[0]
    assert "Tiến độ: 3/12 căn (25%)" in redrawn["message"]["text"]
    task = await _task(bot_db)
    assert (task.progress_quantity, task.progress_percent) == (3, 25)
    assert "Tiến độ: 3/12 căn (25%)" in text_of(await say(client, HUNG, "/task 1"))


async def test_an_older_report_arriving_late_never_overwrites_newer_progress(
    running_bot: RunningBot, bot_db, client
) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    await _reply(client, running_bot, card, "8/12", ago=60)
    date = int(running_bot.clock.now().timestamp()) - 3 * 3600  # sent hours ago, in poor coverage
    sent = await client.send(HUNG, "5/12", reply_to=card["message"]["message_id"], date=date)
    late = [r["message"]["text"] for r in await client.wait(HUNG, after=sent["seq"], count=2)]
    assert late[1].startswith("ℹ️ Báo cáo này gửi lúc ") and "trước một báo cáo tiến độ mới hơn" in late[1]
    task = await _task(bot_db)
    assert (task.progress_quantity, task.progress_percent) == (8, 66.7)
    async with bot_db() as session:
        kept = (await session.exec(select(TaskUpdate.progress_quantity).order_by(col(TaskUpdate.id)))).all()
    assert [q for q in kept if q is not None] == [8, 5]  # the late one is in the history


async def test_over_the_target_is_asked_about_never_stored_silently(
    running_bot: RunningBot, bot_db, client
) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    sent = await client.send(HUNG, "150%", reply_to=card["message"]["message_id"])
    question = (await client.wait(HUNG, after=sent["seq"]))[0]
    assert question["message"]["text"].startswith(
        "Tiến độ 18/12 căn (150%) vượt quá chỉ tiêu của nhiệm vụ #1."
    )
    task = await _task(bot_db)
    assert task.progress_percent is None and task.status == TaskStatus.NEW
    await press(client, HUNG, question, "✔️ Đúng, đã vượt chỉ tiêu")
    task = await _task(bot_db)
    assert (task.progress_quantity, task.progress_percent) == (18, 150)

    sent = await client.send(HUNG, "20/12", reply_to=card["message"]["message_id"])
    question = (await client.wait(HUNG, after=sent["seq"]))[0]
    assert "Tiến độ 20/12 căn (166,7%) vượt quá chỉ tiêu" in question["message"]["text"]
    await press(client, HUNG, question, "✖️ Hủy")
    assert (await _task(bot_db)).progress_quantity == 18


async def test_a_fraction_on_a_task_without_target_and_a_long_note_say_what_was_kept(
    running_bot: RunningBot, bot_db, client
) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 3"))[0]
    said = await _reply(client, running_bot, card, "5/12")
    assert said.startswith("✅ Đã ghi nhận tiến độ 5/12 (41,7%) cho nhiệm vụ #3.")
    assert "bot hiểu là đã làm 5 trên tổng 12 và lấy 12 làm chỉ tiêu" in said
    assert "Tiến độ: 5/12 (41,7%)" in text_of(await say(client, HUNG, "/task 3"))

    sent = await client.send(HUNG, "Đã họp dân. " * 200, reply_to=card["message"]["message_id"])
    answers = await client.wait(HUNG, after=sent["seq"], count=2)
    assert answers[0]["message"]["text"] == "✂️ Ghi chú dài quá 2.000 ký tự nên chỉ lưu 2.000 ký tự đầu."
    assert answers[1]["message"]["text"] == "✅ Đã ghi nhận ghi chú cho nhiệm vụ #3."
    async with bot_db() as session:
        notes = (await session.exec(select(TaskUpdate.note).where(TaskUpdate.task_id == 3))).all()
    assert max(len(n or "") for n in notes) == 2000


async def test_done_at_zero_asks_first_and_can_be_withdrawn(running_bot: RunningBot, bot_db, client) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    question = (await press(client, HUNG, card, "✅ Hoàn thành"))[0]
    assert question["message"]["text"] == "Nhiệm vụ #1 chưa có tiến độ nào (0/12 căn). Xác nhận hoàn thành?"
    assert (await _task(bot_db)).status == TaskStatus.NEW
    await press(client, HUNG, question, "✅ Xác nhận hoàn thành")
    assert (await _task(bot_db)).status == TaskStatus.AWAITING_CONFIRMATION

    card = (await say(client, HUNG, "/task 1"))[0]
    assert "↩️ Rút báo hoàn thành" in buttons(card)
    redrawn = (await press(client, HUNG, card, "↩️ Rút báo hoàn thành"))[0]
    assert "Trạng thái: Đang thực hiện" in redrawn["message"]["text"]
    task = await _task(bot_db)
    assert task.status == TaskStatus.IN_PROGRESS and task.reported_done_at is None
