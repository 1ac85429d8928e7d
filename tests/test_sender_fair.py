"""The fair outbox sender through the emulator (Telegram's limits on), on SQLite and PostgreSQL:
a chat that must wait — a group's 20 a minute, a 429's retry_after — never delays other chats.

In the bot the pacer runs on real time; here it is given the test's clock, held still: a chat's
next slot comes only when the test moves the clock, so what "not blocked" means is a count,
never a duration."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from pydantic import SecretStr
from telegram import Bot

from bot.config import Settings
from bot.context import Services
from emulator import Emulator
from emulator.client import EmulatorClient
from scheduler.pacing import Gate, Pacer
from scheduler.sender import Sender
from storage import outbox
from tests.factories import TEST_TOKEN, TestClock
from tests.test_scheduler import local

GROUP = -1_009_700_000_001
WAIT = 15.0  # seconds: a deadline for conditions, never a pause
RATE = 28.0  # the sender's default messages a second


@dataclass
class Outbox:
    services: Services
    clock: TestClock
    sender: Sender
    client: EmulatorClient

    async def queue(
        self, chat_id: int, text: str, *, kind: str = "test", at: dt.datetime | None = None
    ) -> None:
        async with self.services.db.begin() as session:
            await outbox.enqueue(
                session,
                chat_id=chat_id,
                kind=kind,
                dedupe_key=f"{kind}:{chat_id}:{text}",
                payload={"text": text},
                due_at=at or self.clock.now(),
            )

    async def texts(self, chat_id: int) -> list[str]:
        return [r["message"]["text"] for r in await self.client.records(chat_id) if r["kind"] == "send"]

    async def last_seq(self) -> int:
        records = await self.client.records()
        return records[-1]["seq"] if records else 0


def settings_for(emulator: Emulator, **extra: object) -> Settings:
    return Settings(
        telegram_bot_token=SecretStr(TEST_TOKEN),
        telegram_api_base_url=emulator.base_url,
        _env_file=None,  # type: ignore[call-arg]
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
async def box(db, emulator: Emulator, client: EmulatorClient) -> AsyncIterator[Outbox]:
    """A sender with its default pacing (28/s, 1 s a private chat, 3 s a group) on a still clock."""
    clock = TestClock(local("02/03/2027 09:00"))  # a Tuesday morning
    services = Services(settings=settings_for(emulator), db=db, clock=clock)
    async with Bot(TEST_TOKEN, base_url=f"{emulator.base_url}/bot") as bot:
        yield Outbox(services, clock, paced_by(clock, bot, services), client)


def paced_by(clock: TestClock, bot: Bot, services: Services) -> Sender:
    """A sender with the default rate and gaps whose pacer reads the test clock, not real time."""
    return Sender(bot, services, pacer=Pacer(RATE, clock=lambda: clock.now().timestamp()))


async def _running(sender: Sender) -> tuple[asyncio.Event, asyncio.Task[None]]:
    stop = asyncio.Event()
    return stop, asyncio.create_task(sender.run(stop))


async def test_a_group_at_its_pace_never_holds_back_private_chats(box: Outbox) -> None:
    await box.client.group("Lãnh đạo tỉnh", chat_id=GROUP)
    privates = list(range(810_001, 810_021))
    for user in privates:
        await box.client.send(user, "/start")
    for n in range(1, 11):  # the group's messages are the oldest in the outbox
        await box.queue(GROUP, f"Tin nhóm {n}", at=local("02/03/2027 08:59"))
    for user in privates:
        await box.queue(user, f"Nhắc việc {user}")
    start = await box.last_seq()
    stop, running = await _running(box.sender)
    try:
        # Every private chat gets its message while the group has had exactly one slot: its
        # second is 3 s away on the sender's clock, which has not moved.
        sent = await box.client.wait(None, after=start, count=len(privates) + 1, timeout=WAIT)
        assert sorted(r["chat_id"] for r in sent) == sorted([GROUP, *privates])
        assert await box.texts(GROUP) == ["Tin nhóm 1"]
        # More private messages while the group waits: they do not queue behind its next slot.
        again = await box.last_seq()
        for user in privates[:10]:
            await box.queue(user, f"Nhắc lần hai {user}")
        box.clock.advance(seconds=1)  # the private chats' own 1 s gap; the group's 3 s still runs
        box.services.wake_sender.set()
        sent = await box.client.wait(None, after=again, count=10, timeout=WAIT)
        assert sorted(r["chat_id"] for r in sent) == privates[:10]
        assert await box.texts(GROUP) == ["Tin nhóm 1"]
        for expected in (2, 3):
            box.clock.advance(seconds=2 if expected == 2 else 3)
            box.services.wake_sender.set()
            await box.client.wait(GROUP, after=start, count=expected, timeout=WAIT)
        assert await box.texts(GROUP) == ["Tin nhóm 1", "Tin nhóm 2", "Tin nhóm 3"]  # in order, one a slot
    finally:
        stop.set()
        await running
    assert (await box.client.stats())["too_many_requests"] == 0


async def test_a_429_holds_only_its_own_chat_and_keeps_its_order(box: Outbox) -> None:
    held, others = 820_000, list(range(820_001, 820_006))
    for user in (held, *others):
        await box.client.send(user, "/start")
    await box.queue(held, "Thứ nhất")
    await box.queue(held, "Thứ hai", at=box.clock.now() + dt.timedelta(milliseconds=1))
    await box.client.fault("sendMessage", retry_after=30, times=1)
    assert await box.sender.drain_once() == 1  # the held chat's first message: 429
    for user in others:
        await box.queue(user, f"Nhắc việc {user}")
    # Nothing waits for the 30 s: the other chats are served now, the held chat not at all.
    assert await asyncio.wait_for(box.sender.drain_once(), WAIT) == len(others)
    assert all([len(await box.texts(user)) == 1 for user in others])
    assert await box.texts(held) == []
    box.clock.advance(seconds=29)
    assert await box.sender.drain_once() == 0
    box.clock.advance(seconds=1)
    assert await box.sender.drain_once() == 1
    box.clock.advance(seconds=1)  # the chat's own 1 s gap
    assert await box.sender.drain_once() == 1
    assert await box.texts(held) == ["Thứ nhất", "Thứ hai"]  # the retried one first


async def test_the_bots_sender_paces_on_real_time_while_the_business_clock_stands_still(
    box: Outbox,
) -> None:
    """The bot's own sender (default pacer): a chat's second message goes after the chat's gap
    has passed in real time, whatever the business clock says (here it never moves)."""
    sender = Sender(box.sender.bot, box.services)
    await box.client.send(840_001, "/start")
    start = await box.last_seq()
    await box.queue(840_001, "Thứ nhất", at=box.clock.now() - dt.timedelta(milliseconds=1))
    await box.queue(840_001, "Thứ hai")  # both due now
    stop, running = await _running(sender)
    try:
        await box.client.wait(840_001, after=start, count=2, timeout=WAIT)
    finally:
        stop.set()
        await running
    assert await box.texts(840_001) == ["Thứ nhất", "Thứ hai"]
    assert box.clock.now() == box.clock.start
    assert (await box.client.stats())["too_many_requests"] == 0


def test_the_pacer_keeps_its_waits_when_the_clock_is_set_back() -> None:
    now = [1_000.0]
    pacer = Pacer(10, clock=lambda: now[0])
    assert pacer.slot() == 0
    pacer.sending(5)  # a private chat: 1 s until its next message
    now[0] = 100.0  # the clock set back (a test, or the wall clock corrected)
    assert pacer.slot() == pytest.approx(0.1)  # the next global slot, not 900 s away
    assert pacer.waiting_chats() == [5] and pacer.next_free_in() == pytest.approx(1.0)
    now[0] = 101.0
    assert pacer.waiting_chats() == [] and pacer.next_free_in() is None


async def test_the_gate_lets_a_waiting_group_message_go_before_private_ones() -> None:
    gate, order = Gate(), []

    async def take(name: str, *, group: bool) -> None:
        async with gate.turn(first=group):
            order.append(name)
            await asyncio.sleep(0)

    async with gate.turn(first=False):  # a private message holds the gate while others queue
        waiting = [
            asyncio.create_task(take("riêng 1", group=False)),
            asyncio.create_task(take("riêng 2", group=False)),
            asyncio.create_task(take("nhóm", group=True)),
        ]
        await asyncio.sleep(0)
    await asyncio.gather(*waiting)
    assert order == ["nhóm", "riêng 1", "riêng 2"]
