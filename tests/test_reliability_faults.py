"""Reliability: a flaky Telegram. The emulator fails a seeded 10 % of the calls with 5xx, holds
5 % past the client's read timeout (5 s), and answers bursts with 429 (its limits tightened below
the sender's pace); getUpdates fails too. Every notification is delivered, and twice only when
its send timed out after Telegram had taken it (the window the README states); every user
update is recorded once."""

from __future__ import annotations

import random
from collections import Counter

from sqlmodel import col, func, select

from emulator.client import EmulatorClient
from storage.models import InboxUpdate, Notification, TaskUpdate
from tests.conftest import RunningBot
from tests.factories import say, wait_processed, wait_until
from tests.test_reliability_crash import queue_texts
from tests.test_taskflow_cards import HUNG, taskflow_world

FIRST_CHAT, COUNT, REPORTS = 940_000, 40, 8
READ_TIMEOUT = 5.0  # python-telegram-bot's default read timeout, which the sender's Bot keeps


async def test_every_notification_and_update_survives_5xx_timeouts_and_429(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    chats = [FIRST_CHAT + n for n in range(COUNT)]
    for chat in chats:
        await client.user(chat, started=True)
    rng = random.Random(13)
    failing = rng.sample(chats, COUNT // 10)  # 10 %: a 502 on their send
    slow = rng.sample([c for c in chats if c not in failing], COUNT // 20)  # 5 %: past the timeout
    for chat in failing:
        await client.fault("sendMessage", status=502, chat_id=chat)
    for chat in slow:
        await client.fault("sendMessage", delay=READ_TIMEOUT + 1, chat_id=chat)
    await client.fault("sendMessage", status=500, times=2, chat_id=HUNG)  # the bot's own answers
    await client.fault("getUpdates", status=502, times=2)
    # Bursts get 429: the emulator allows 10 a second where the sender paces at 28.
    await client.limits(global_per_second=10, global_burst=5)

    await queue_texts(bot_db, chats, "flaky", running_bot.clock.now())
    sent = [
        await client.send(HUNG, f"{n}/12", reply_to=card["message"]["message_id"])
        for n in range(1, REPORTS + 1)
    ]

    async def settled() -> bool:
        async with bot_db() as session:
            unsent = (
                await session.exec(
                    select(func.count()).select_from(Notification).where(col(Notification.sent_at).is_(None))
                )
            ).one()
            pending = (
                await session.exec(
                    select(func.count()).select_from(InboxUpdate).where(InboxUpdate.status == "pending")
                )
            ).one()
        return unsent == 0 and pending == 0

    # Retries (429s, 2 s backoffs) fall due on the bot's clock, which moves while this waits.
    await wait_until(settled, clock=running_bot.clock, limit=90)

    sends = Counter(r["message"]["text"] for r in await client.records() if r["kind"] == "send")
    assert all(sends[f"flaky:{chat}"] >= 1 for chat in chats)  # none lost
    twice = sorted(
        int(text.split(":")[1]) for text, n in sends.items() if text.startswith("flaky:") and n > 1
    )
    assert set(twice) <= set(slow) and max(sends.values()) <= 2  # only a timed-out send goes twice
    assert (await client.stats())["too_many_requests"] > 0  # the bursts were answered with 429
    ids = [s["update_id"] for s in sent]
    async with bot_db() as session:
        recorded = (
            await session.exec(
                select(TaskUpdate.telegram_update_id).where(col(TaskUpdate.telegram_update_id).in_(ids))
            )
        ).all()
        statuses = (
            await session.exec(select(InboxUpdate.status).where(col(InboxUpdate.update_id).in_(ids)))
        ).all()
    assert Counter(recorded) == Counter(ids)  # every report recorded, once
    assert "pending" not in statuses  # every update closed (a 5xx on an answer: see below)


async def test_a_5xx_on_the_answer_is_retried_not_failed(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    await client.fault("sendMessage", status=502, chat_id=HUNG)
    sent = await client.send(HUNG, "5/12", reply_to=card["message"]["message_id"])
    await wait_processed(bot_db, sent["update_id"], limit=30)
    async with bot_db() as session:
        row = await session.get(InboxUpdate, sent["update_id"])
    assert row is not None and row.status == "done", row.last_error if row else None
    said = [
        r["message"]["text"] for r in await client.records(HUNG, after=sent["seq"]) if r["kind"] == "send"
    ]
    assert said and said[-1].startswith("✅ Đã ghi nhận tiến độ 5/12")
