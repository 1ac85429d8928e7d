"""Found walking the sandbox: progress going back is asked about, the card names each date once,
/status asks about one near name by name."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.task_texts import TaskView, due_line
from domain.taskflow_texts import LOWER_LABEL
from emulator.client import EmulatorClient
from storage.models import Task
from tests.conftest import RunningBot
from tests.factories import say
from tests.test_taskflow_cards import HUNG, LEADER, taskflow_world, text_of
from tests.test_tasks_e2e import buttons, press

TODAY = dt.date(2026, 11, 23)
DEC15, DEC30 = dt.date(2026, 12, 15), dt.date(2026, 12, 30)


async def _progress(bot_db) -> tuple[float | None, float | None]:
    async with bot_db() as session:
        task = await session.get(Task, 1)
        return task.progress_quantity, task.progress_percent


async def test_progress_lower_than_the_last_report_is_asked_about_on_every_path(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    now = int(running_bot.clock.now().timestamp())  # the messages' Telegram date, on the bot's clock
    sent = await client.send(HUNG, "5/12", reply_to=card["message"]["message_id"], date=now)
    await client.wait(HUNG, after=sent["seq"])
    card = (await say(client, HUNG, "/task 1"))[0]
    menu = (await press(client, HUNG, card, "⏳ Đang thực hiện"))[0]
    question = (await press(client, HUNG, menu, "25%"))[0]
    assert question["message"]["text"].startswith(
        "Tiến độ mới 3/12 căn (25%) thấp hơn lần báo trước 5/12 căn (41,7%) của nhiệm vụ #1. Ghi nhận?"
    )
    assert set(buttons(question)) == {LOWER_LABEL, "✖️ Hủy"}
    assert await _progress(bot_db) == (5, 41.7)
    await press(client, HUNG, question, "✖️ Hủy")
    assert await _progress(bot_db) == (5, 41.7)

    # Typed after 'Nhập số khác', the same question; ✔️ records the correction.
    card = (await say(client, HUNG, "/task 1"))[0]
    menu = (await press(client, HUNG, card, "⏳ Đang thực hiện"))[0]
    await press(client, HUNG, menu, "Nhập số khác (trả lời tin này)")
    sent = await client.send(HUNG, "4/12", date=now)
    question = (await client.wait(HUNG, after=sent["seq"]))[0]
    assert question["message"]["text"].startswith("Tiến độ mới 4/12 căn (33,3%) thấp hơn lần báo trước 5/12")
    redrawn = (await press(client, HUNG, question, LOWER_LABEL))[0]
    assert "Tiến độ: 4/12 căn (33,3%)" in redrawn["message"]["text"]
    assert await _progress(bot_db) == (4, 33.3)
    said = text_of(await say(client, HUNG, "/task 1"))
    assert "Tiến độ: 4/12 căn (33,3%)" in said


async def test_the_card_names_the_deadline_once(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await taskflow_world(bot_db, client)  # task 1: due 30/12, typed "30/12"
    card = text_of(await say(client, HUNG, "/task 1"))
    assert "Hạn: 30/12/2026\n" in card
    async with bot_db.begin() as session:  # an approved extension, as the seed's task #1 had
        task = await session.get(Task, 1)
        task.original_due_on, task.due_on, task.due_wording = DEC15, DEC30, "15/12/2026"
    card = text_of(await say(client, HUNG, "/task 1"))
    assert "Hạn: 30/12/2026 (đã gia hạn từ 15/12/2026)\n" in card


def _view(due: dt.date, original: dt.date, wording: str | None) -> TaskView:
    return TaskView(1, 1, "Việc", None, "new", "Xã A", due, original, wording)


@pytest.mark.parametrize(
    ("due", "original", "wording", "expected"),
    [
        (DEC30, DEC30, "30/12", "Hạn: 30/12/2026"),
        (DEC30, DEC30, "30/12/2026", "Hạn: 30/12/2026"),
        (DEC30, DEC30, "chậm nhất ngày 30/12", "Hạn: 30/12/2026"),
        (DEC30, DEC30, "30-12-26", "Hạn: 30/12/2026"),
        (DEC30, DEC30, None, "Hạn: 30/12/2026"),
        (DEC30, DEC30, "trước 17h ngày 30/12", "Hạn: 30/12/2026 (trước 17h ngày 30/12)"),
        (DEC30, DEC30, "trong tháng 12/2026", "Hạn: 30/12/2026 (trong tháng 12/2026)"),
        (DEC30, DEC30, "29/12", "Hạn: 30/12/2026 (29/12)"),  # a different day is worth showing
        (DEC30, DEC15, "15/12/2026", "Hạn: 30/12/2026 (đã gia hạn từ 15/12/2026)"),
        (DEC30, DEC15, "30/12", "Hạn: 30/12/2026 (đã gia hạn từ 15/12/2026)"),
        (
            DEC30,
            DEC15,
            "giữa tháng 12",
            "Hạn: 30/12/2026 (đã gia hạn từ 15/12/2026, văn bản ghi «giữa tháng 12»)",
        ),
    ],
)
def test_due_line(due: dt.date, original: dt.date, wording: str | None, expected: str) -> None:
    assert due_line(_view(due, original, wording), TODAY).replace("<b>", "").replace("</b>", "") == expected


async def test_one_near_name_is_asked_about_by_name(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await taskflow_world(bot_db, client)
    asked = (await say(client, LEADER, "/status long hieo"))[0]
    assert asked["message"]["text"] == "Không có đơn vị «long hieo». Có phải Xã Long Hiệp? Bấm để xem."
    assert list(buttons(asked)) == ["Xã Long Hiệp"]
    pressed = await client.press(LEADER, asked["message"]["message_id"], text="Xã Long Hiệp")
    assert text_of(await client.wait(LEADER, after=pressed["seq"])).startswith("📋 Xã Long Hiệp")
