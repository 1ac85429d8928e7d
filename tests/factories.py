"""Builders for records and conversations, shared by the tests (never copied into each)."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.statuses import Role, UnitKind
from domain.vntext import accent_free_key
from emulator.client import EmulatorClient
from storage import units
from storage.models import Chat, Official, Unit

TEST_TOKEN = "123456789:TEST_token_for_the_emulator_only"
POLL = 0.02  # real seconds between two looks at a condition a test waits for
# With the clock moving meanwhile: a look every 0.1 s, each moving the bot's time by a step (0.5 s
# by default), i.e. at most five times real time, so a claim on a message in flight (2 min) does
# not expire under a slow send while a 429's retry_after or a 2 s backoff falls due in a moment.
CLOCK_POLL = 0.1


class TestClock:
    """The business time the bot sees in a test: it stands still at `start` and moves only when
    the test moves it (advance, set). It never reads the wall clock, so what a test sees does not
    depend on how fast the machine runs it."""

    __test__ = False  # not a test class, whatever pytest thinks of its name

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.start = start or dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hanoi, a Monday
        self._moment = self.start

    def now(self) -> dt.datetime:
        return self._moment

    def advance(self, **delta: float) -> None:
        self._moment += dt.timedelta(**delta)

    def set(self, moment: dt.datetime) -> None:
        """Jump to a moment (aware)."""
        self.start = self._moment = moment


async def wait_until(
    check: Callable[[], Awaitable[bool]],
    *,
    clock: TestClock | None = None,
    step: dt.timedelta = dt.timedelta(seconds=0.5),
    limit: float = 30.0,
    what: str = "the condition",
) -> None:
    """Poll `check` until it holds, failing after `limit` real seconds. With a clock, business
    time moves on by `step` between two polls, so retries and backoffs stored by the bot fall
    due (the test decides how time passes; the bot never waits on the wall clock)."""
    try:
        async with asyncio.timeout(limit):
            while not await check():
                if clock is not None:
                    clock.advance(seconds=step.total_seconds())
                await asyncio.sleep(POLL if clock is None else CLOCK_POLL)
    except TimeoutError:
        raise AssertionError(f"{what} did not happen within {limit:.0f} s") from None


def wait_until_sync(check: Callable[[], bool], *, limit: float = 30.0, what: str = "the condition") -> None:
    """`wait_until` for code that cannot await (a hypothesis state machine): a real deadline."""
    deadline = time.monotonic() + limit
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {limit:.0f} s")
        time.sleep(POLL)


async def add_unit(
    db: async_sessionmaker[AsyncSession],
    name: str,
    kind: str = UnitKind.COMMUNE,
    parent_id: int | None = None,
) -> Unit:
    async with db.begin() as session:
        return await units.add_unit(session, name=name, kind=kind, parent_id=parent_id)


async def add_official(
    db: async_sessionmaker[AsyncSession],
    full_name: str,
    *,
    unit: Unit | None = None,
    role: str = Role.OFFICIAL,
    telegram_user_id: int | None = None,
    **extra: Any,
) -> Official:
    async with db.begin() as session:
        official = Official(
            full_name=full_name,
            name_key=accent_free_key(full_name),
            unit_id=unit.id if unit else None,
            role=role,
            telegram_user_id=telegram_user_id,
            **extra,
        )
        session.add(official)
    return official


async def register_group(db: async_sessionmaker[AsyncSession], telegram_chat_id: int, title: str) -> Chat:
    async with db.begin() as session:
        chat = Chat(telegram_chat_id=telegram_chat_id, title=title)
        session.add(chat)
    return chat


async def say(
    client: EmulatorClient,
    user_id: int,
    text: str,
    *,
    chat_id: int | None = None,
    replies: int = 1,
    timeout: float = 10.0,
) -> list[dict[str, Any]]:
    """Send a message as a user and return what the bot did in that chat in answer."""
    sent = await client.send(user_id, text, chat_id=chat_id)
    target = chat_id if chat_id is not None else user_id
    return await client.wait(target, after=sent["seq"], count=replies, timeout=timeout)


async def pushed(
    client: EmulatorClient, chat_id: int, *, after: int, clock: TestClock, count: int = 1, limit: float = 15.0
) -> list[dict[str, Any]]:
    """What the bot sent or edited in the chat after seq `after`, once there are `count` of them,
    for a message that goes through the outbox: when it meets the chat's limit (the bot has just
    answered there) its retry falls due on the bot's clock, which moves on while this waits."""
    found: list[dict[str, Any]] = []

    async def arrived() -> bool:
        found[:] = [r for r in await client.records(chat_id, after=after) if r["kind"] in ("send", "edit")]
        return len(found) >= count

    await wait_until(arrived, clock=clock, limit=limit, what=f"{count} message(s) in chat {chat_id}")
    return found[:count]


async def wait_processed(db: async_sessionmaker[AsyncSession], update_id: int, limit: float = 10.0) -> None:
    """Wait until the bot has finished an update (its inbox row is done), e.g. to show it said nothing."""
    from domain.statuses import InboxStatus
    from storage.models import InboxUpdate

    async def closed() -> bool:
        async with db() as session:
            row = await session.get(InboxUpdate, update_id)
        return row is not None and row.status != InboxStatus.PENDING

    await wait_until(closed, limit=limit, what=f"the bot finishing update {update_id}")


def csv_bytes(rows: list[list[str]]) -> bytes:
    """A CSV file as Excel writes it for Vietnamese text (UTF-8 with BOM)."""
    return ("\ufeff" + "\n".join(",".join(f'"{cell}"' for cell in row) for row in rows)).encode()
