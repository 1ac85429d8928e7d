"""A completion report withdrawn (↩️ Rút báo hoàn thành): the office's request to confirm it says
so and loses its buttons; reported again, one live request (found in the sandbox trial)."""

from __future__ import annotations

from typing import Any

from tests.conftest import RunningBot
from tests.factories import pushed, say
from tests.test_taskflow_cards import ADMIN, HUNG, taskflow_world
from tests.test_tasks_e2e import buttons, press

DONE, WITHDRAW = "✅ Hoàn thành", "↩️ Rút báo hoàn thành"


async def _mark(client, chat_id: int) -> int:
    records = await client.records(chat_id)
    return records[-1]["seq"] if records else 0


def _live(records: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """The office's messages as they stand now (the last send or edit of each), by message id."""
    latest: dict[int, dict[str, Any]] = {}
    for record in records:
        if record["kind"] in ("send", "edit"):
            latest[record["message"]["message_id"]] = record
    return latest


async def test_a_withdrawn_report_is_withdrawn_at_the_office_too(
    running_bot: RunningBot, bot_db, client
) -> None:
    await taskflow_world(bot_db, client)
    mark = await _mark(client, ADMIN)
    card = (await say(client, HUNG, "/task 3"))[0]
    redrawn = (await press(client, HUNG, card, DONE))[0]
    asked = (await pushed(client, ADMIN, after=mark, clock=running_bot.clock))[0]
    assert asked["message"]["text"].startswith("✅ Báo hoàn thành nhiệm vụ #3")
    mark = await _mark(client, ADMIN)
    await press(client, HUNG, redrawn, WITHDRAW)
    edited = (await pushed(client, ADMIN, after=mark, clock=running_bot.clock))[0]
    assert edited["kind"] == "edit" and edited["message"]["message_id"] == asked["message"]["message_id"]
    assert "Nguyễn Văn Hùng đã rút báo hoàn thành" in edited["message"]["text"], edited
    assert not buttons(edited)

    mark = await _mark(client, ADMIN)
    await press(client, HUNG, (await say(client, HUNG, "/task 3"))[0], DONE)
    await pushed(client, ADMIN, after=mark, clock=running_bot.clock)
    live = [
        r
        for r in _live(await client.records(ADMIN)).values()
        if "Báo hoàn thành" in (r["message"].get("text") or "") and buttons(r)
    ]
    assert len(live) == 1, live


async def test_a_request_that_cannot_be_edited_gets_the_news_as_a_message(
    running_bot: RunningBot, bot_db, client
) -> None:
    await taskflow_world(bot_db, client)
    mark = await _mark(client, ADMIN)
    redrawn = (await press(client, HUNG, (await say(client, HUNG, "/task 3"))[0], DONE))[0]
    await pushed(client, ADMIN, after=mark, clock=running_bot.clock)
    mark = await _mark(client, ADMIN)
    await client.fault("editMessageText", status=400, chat_id=ADMIN)  # e.g. the message was deleted
    await press(client, HUNG, redrawn, WITHDRAW)
    told = (await pushed(client, ADMIN, after=mark, clock=running_bot.clock))[0]
    assert told["kind"] == "send", told
    assert told["message"]["text"].startswith("↩️ Nguyễn Văn Hùng đã rút báo hoàn thành nhiệm vụ #3 lúc ")
