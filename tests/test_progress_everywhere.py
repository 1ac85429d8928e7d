"""Progress is one number on the card and in what leaders read (issue 10.6): a percentage reported
on a task with a target shows as the same count in /status's latest reports."""

from __future__ import annotations

from tests.conftest import RunningBot
from tests.factories import say
from tests.test_taskflow_cards import HUNG, LEADER, taskflow_world, text_of
from tests.test_tasks_e2e import press


async def test_status_shows_the_progress_the_card_shows(running_bot: RunningBot, bot_db, client) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    menu = (await press(client, HUNG, card, "⏳ Đang thực hiện"))[0]
    redrawn = (await press(client, HUNG, menu, "50%"))[0]
    assert "Tiến độ: 6/12 căn (50%)" in redrawn["message"]["text"]
    status = text_of(await say(client, LEADER, "/status long hiep"))
    assert "tiến độ 6/12 căn (50%)" in status, status
