"""An official's own reply does not make the card stale; someone else's change still does."""

from __future__ import annotations

from typing import Any

from domain.statuses import TaskStatus
from storage.models import Task
from tests.conftest import RunningBot
from tests.factories import say
from tests.test_taskflow_cards import HUNG, LAN, taskflow_world, text_of
from tests.test_tasks_e2e import buttons, press

PROGRESS = "⏳ Đang thực hiện"


async def _task(bot_db, task_id: int = 1) -> Task:
    async with bot_db() as session:
        return await session.get(Task, task_id)


async def _reply(
    client, running_bot: RunningBot, user: int, card: dict[str, Any], text: str
) -> list[dict[str, Any]]:
    """A reply sent at the bot's clock (Telegram's message.date), as a press after it is later."""
    date = int(running_bot.clock.now().timestamp())
    sent = await client.send(user, text, reply_to=card["message"]["message_id"], date=date)
    return await client.wait(user, after=sent["seq"])


async def test_my_own_reply_does_not_make_my_card_stale_but_someone_elses_does(
    running_bot: RunningBot, bot_db, client
) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    assert text_of(await _reply(client, running_bot, HUNG, card, "5/12")).startswith(
        "✅ Đã ghi nhận tiến độ 5/12 căn"
    )
    menu = (await press(client, HUNG, card, PROGRESS))[0]
    assert not (menu["message"].get("text") or "").startswith("ℹ️"), menu
    assert "75%" in buttons(menu), menu
    assert "Tiến độ: 5/12 căn" in menu["message"]["text"]  # the choices come under the card as it now is
    redrawn = (await press(client, HUNG, menu, "75%"))[0]
    assert "Tiến độ: 9/12 căn (75%)" in redrawn["message"]["text"]
    # The press answers the task as it is now: ✅ on the card drawn before both changes works too.
    lan_card = (await say(client, LAN, "/task 1"))[0]
    await _reply(client, running_bot, LAN, lan_card, "Đã liên hệ thêm 2 hộ")  # someone else's change
    fresh = (await press(client, HUNG, redrawn, PROGRESS))[0]  # the card anew, as it is now
    stale = text_of([fresh])
    assert stale.startswith("ℹ️ Nhiệm vụ #1 vừa được cập nhật bởi Võ Thị Lan lúc "), stale
    assert (await _task(bot_db)).progress_percent == 75
    # A note of mine on that card, then ✅ on it: recorded (a change by button, over my own).
    await _reply(client, running_bot, HUNG, fresh, "Còn 3 căn đang hoàn thiện")
    await press(client, HUNG, fresh, "✅ Hoàn thành")
    assert (await _task(bot_db)).status == TaskStatus.AWAITING_CONFIRMATION
