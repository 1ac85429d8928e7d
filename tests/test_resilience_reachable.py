"""An official who blocked the bot and comes back is reachable again, and gets what was refused
meanwhile (issue 11.12)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlmodel import select

from domain.statuses import UnitKind
from emulator.client import EmulatorClient
from storage import outbox
from storage.models import Notification, Official
from tests.conftest import RunningBot
from tests.factories import add_official, add_unit, say

HUNG = 8401
NEWS = "Nhiệm vụ mới: Rà soát hộ nghèo"


async def eventually(check: Callable[[], Awaitable[bool]], *, limit: float = 20.0) -> None:
    async with asyncio.timeout(limit):
        while not await check():  # noqa: ASYNC110 - polls the bot's effects
            await asyncio.sleep(0.05)


async def test_blocked_official_writes_again_and_gets_the_refused_message(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    commune = await add_unit(bot_db, "Xã Long Hiệp", kind=UnitKind.COMMUNE)
    hung = await add_official(bot_db, "Nguyễn Văn Hùng", unit=commune, telegram_user_id=HUNG)
    await say(client, HUNG, "/start")
    await client.block(HUNG)
    async with bot_db.begin() as session:
        await outbox.enqueue(
            session,
            chat_id=HUNG,
            kind="task.new",
            dedupe_key="test:news",
            payload={"text": NEWS},
            due_at=running_bot.clock.now(),
            official_id=hung.id,
        )

    async def state() -> tuple[bool, Notification]:
        async with bot_db() as session:
            official = await session.get(Official, hung.id)
            notification = (await session.exec(select(Notification))).one()
        assert official is not None
        return official.reachable, notification

    async def refused() -> bool:
        reachable, notification = await state()
        return not reachable and notification.cancelled_at is not None

    await eventually(refused)  # Telegram answered 403: marked unreachable, the message given up

    answer = await say(client, HUNG, "/help")  # writing to the bot again unblocks it
    assert "Hướng dẫn" in answer[0]["message"]["text"]

    async def delivered() -> bool:
        return (await state())[1].sent_at is not None

    await eventually(delivered)
    reachable, _ = await state()
    assert reachable
    texts = [r["message"].get("text") for r in await client.records(HUNG) if r["kind"] == "send"]
    assert texts.count(NEWS) == 1
