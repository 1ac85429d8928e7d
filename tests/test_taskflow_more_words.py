"""'xong' in reply to a card means done; a typed progress right after ⏳ is the answer; a countable
target never gets a fraction (found in the sandbox trial)."""

from __future__ import annotations

import pytest

from domain.progress import means_done, read_progress
from domain.statuses import TaskStatus
from tests.conftest import RunningBot
from tests.factories import say
from tests.test_taskflow_cards import HUNG, taskflow_world, text_of
from tests.test_taskflow_more_replies import PROGRESS, _reply, _task
from tests.test_tasks_e2e import buttons, press


@pytest.mark.parametrize(
    ("text", "done"),
    [
        ("xong", True),
        ("Đã xong rồi.", True),
        ("da hoan thanh", True),
        ("Hoàn thành!", True),
        ("xong rồi ạ", True),
        ("Đã hoàn tất", True),
        ("chưa xong", False),
        ("xong 5 căn, còn 7", False),
        ("hoàn thành 3 hộ", False),
    ],
)
def test_words_that_mean_done(text: str, done: bool) -> None:
    assert means_done(text) is done


async def test_xong_in_reply_to_a_card_reports_it_done(running_bot: RunningBot, bot_db, client) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 3"))[0]  # no target: no question first
    told = text_of(await _reply(client, running_bot, HUNG, card, "Đã xong rồi."))
    assert told.startswith("✅ Đã báo hoàn thành nhiệm vụ #3."), told
    assert (await _task(bot_db, 3)).status == TaskStatus.AWAITING_CONFIRMATION
    # At 0/12 the same question as the ✅ button comes first, and its button completes it.
    card = (await say(client, HUNG, "/task 1"))[0]
    question = (await _reply(client, running_bot, HUNG, card, "da hoan thanh"))[0]
    assert question["message"]["text"].startswith("Nhiệm vụ #1"), question
    assert "0/12" in question["message"]["text"]
    assert (await _task(bot_db)).status == TaskStatus.NEW
    label = next(label for label in buttons(question) if label != "✖️ Hủy")
    await press(client, HUNG, question, label)
    assert (await _task(bot_db)).status == TaskStatus.AWAITING_CONFIRMATION


async def test_a_progress_typed_right_after_the_progress_button_is_the_answer(
    running_bot: RunningBot, bot_db, client
) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    await press(client, HUNG, card, "📝 Ghi chú")  # a question asked before ⏳: ⏳ is the later one
    await press(client, HUNG, card, PROGRESS)
    told = text_of(await say(client, HUNG, "6/12"))
    assert told.startswith("✅ Đã ghi nhận tiến độ 6/12 căn (50%) cho nhiệm vụ #1."), told
    assert (await _task(bot_db)).progress_quantity == 6
    # A question asked after ⏳ is the one answered.
    await press(client, HUNG, (await say(client, HUNG, "/task 1"))[0], PROGRESS)
    await press(client, HUNG, (await say(client, HUNG, "/task 1"))[0], "📝 Ghi chú")
    told = text_of(await say(client, HUNG, "8/12"))
    assert told == "✅ Đã ghi nhận ghi chú cho nhiệm vụ #1.", told
    assert (await _task(bot_db)).progress_quantity == 6


async def test_houses_are_counted_whole(running_bot: RunningBot, bot_db, client) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    told = text_of(await _reply(client, running_bot, HUNG, card, "60%"))
    assert told == (
        "✅ Đã ghi nhận tiến độ 7/12 căn (58,3%) cho nhiệm vụ #1.\n"
        "Số căn phải là số nguyên, nên bot làm tròn 7,2 thành 7 căn."
    ), told
    task = await _task(bot_db)
    assert task.progress_quantity == 7
    assert "Tiến độ: 7/12 căn (58,3%)" in text_of(await say(client, HUNG, "/task 1"))


@pytest.mark.parametrize(
    ("text", "measure", "quantity"),
    [
        ("60%", "căn", 7),
        ("97%", "hộ", 11),  # not up to the whole target below 100%
        ("2%", "can nha", 1),  # not down to nothing above 0%
        ("7,5/12", "hộ nghèo", 8),
        ("60%", "km", 7.2),  # a length may be a fraction
    ],
)
def test_a_countable_unit_is_counted_whole(text: str, measure: str, quantity: float) -> None:
    reading = read_progress(text, target=12, measure=measure)
    assert reading is not None and reading.progress.quantity == quantity
