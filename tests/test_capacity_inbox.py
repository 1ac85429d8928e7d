"""Updates at the speed of the machine (issue 13.2): different chats are handled at the same time,
one chat's updates strictly in order, each recorded once, in few database round trips."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.statuses import InboxStatus
from emulator import Emulator
from emulator.client import EmulatorClient
from tests.conftest import RunningBot
from tests.factories import add_official
from tests.test_resilience_inbox import all_closed, inbox_rows

SLOW, QUICK, STEADY = 9101, 9102, 9103


async def eventually(check: Callable[[], Awaitable[bool]], *, limit: float = 30.0) -> None:
    """Wait until `check` holds, or fail after `limit` seconds."""
    async with asyncio.timeout(limit):
        while not await check():  # noqa: ASYNC110 - polls the bot's effects
            await asyncio.sleep(0.02)


def answered_commands(records: list[dict[str, Any]]) -> list[str]:
    """The unknown commands the bot answered, in the order its answers arrived."""
    return [
        r["message"]["text"].split("lệnh ")[1].split(".")[0]
        for r in records
        if r["kind"] == "send" and "Bot không có lệnh" in r["message"].get("text", "")
    ]


@contextmanager
def statements_on(table: str) -> Iterator[list[str]]:
    """Every SQL statement any engine of this process sends that names `table`."""
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if table in statement:
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)


async def officials(db: async_sessionmaker[AsyncSession]) -> None:
    for user, name in ((SLOW, "Nguyễn Văn Chậm"), (QUICK, "Trần Thị Nhanh"), (STEADY, "Lê Văn Đều")):
        await add_official(db, name, telegram_user_id=user)


async def test_a_slow_chat_does_not_hold_up_another(
    running_bot: RunningBot,
    emulator: Emulator,
    client: EmulatorClient,
    bot_db: async_sessionmaker[AsyncSession],
) -> None:
    await officials(bot_db)
    # The answer to the slow chat hangs in the network (well inside the bot's 5 s read timeout).
    await client.fault("sendMessage", delay=4.5, chat_id=SLOW)
    replies_before = emulator.calls.get("sendMessage", 0)
    slow = await client.send(SLOW, "/cham")

    async def slow_answer_on_its_way() -> bool:
        return emulator.calls.get("sendMessage", 0) > replies_before

    await eventually(slow_answer_on_its_way)
    quick = await client.send(QUICK, "/nhanh")
    assert answered_commands(await client.wait(QUICK, after=quick["seq"], timeout=4)) == ["/nhanh"]
    assert answered_commands(await client.records(SLOW, after=slow["seq"])) == []  # still on its way

    assert answered_commands(await client.wait(SLOW, after=slow["seq"], timeout=15)) == ["/cham"]
    await eventually(lambda: all_closed(bot_db, 2))
    rows = await inbox_rows(bot_db)
    assert [(r.chat_id, r.status, r.attempts) for r in rows] == [
        (SLOW, InboxStatus.DONE, 1),
        (QUICK, InboxStatus.DONE, 1),
    ]


async def test_one_chat_is_answered_in_order_and_each_update_once(
    running_bot: RunningBot,
    client: EmulatorClient,
    bot_db: async_sessionmaker[AsyncSession],
) -> None:
    await officials(bot_db)
    # The first answer is slow: anything that handled the chat's later updates beside it would
    # answer them first.
    await client.fault("sendMessage", delay=1.0, chat_id=STEADY)
    commands = [f"/buoc{n}" for n in range(1, 6)]
    sent = await client.send_batch(STEADY, commands)
    others = [await client.send(user, "/xen") for user in (SLOW, QUICK)]

    records = await client.wait(STEADY, after=sent[0]["seq"], count=5, timeout=20)
    assert answered_commands(records) == commands
    for user, message in zip((SLOW, QUICK), others, strict=True):
        assert answered_commands(await client.wait(user, after=message["seq"])) == ["/xen"]
    await eventually(lambda: all_closed(bot_db, 7))
    rows = await inbox_rows(bot_db)
    assert [(r.status, r.attempts) for r in rows] == [(InboxStatus.DONE, 1)] * 7
    assert answered_commands(await client.records(STEADY)) == commands  # nothing answered twice


async def test_an_update_costs_two_inbox_round_trips(
    running_bot: RunningBot,
    client: EmulatorClient,
    bot_db: async_sessionmaker[AsyncSession],
) -> None:
    """Claim (the counted attempt comes back with the row) and close; storing and finding due
    updates are shared by the whole batch."""
    await officials(bot_db)
    commands = [f"/lan{n}" for n in range(1, 11)]
    with statements_on("inbox_update") as seen:
        sent = await client.send_batch(QUICK, commands)
        await client.wait(QUICK, after=sent[0]["seq"], count=10, timeout=20)
        await eventually(lambda: all_closed(bot_db, 10))
    # The checks of this test read inbox_update too: leave those out.
    bot_side = [s for s in seen if not (s.lstrip().startswith("SELECT") and "WHERE" not in s)]
    per_update = [s for s in bot_side if "WHERE inbox_update.update_id = " in s]
    claims = [s for s in per_update if "attempts=(inbox_update.attempts" in s and "RETURNING" in s]
    assert (len(claims), len(per_update)) == (10, 20), per_update
    # Storing a fetched batch and finding what is due: a few statements a batch, not an update.
    assert len(bot_side) - len(per_update) <= 10, bot_side
