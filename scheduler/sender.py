"""The outbox sender: claims due notifications, sends them within Telegram's limits, marks them.

It talks through a plain Bot of its own, without PTB's rate limiter: 429s are answered by
rescheduling the row, never by sleeping in place (see TRAPS.md).

Pacing is the sender's own (never sleeping on a 429 in place): at most `rate` messages a second
overall, one a second per private chat, one every three seconds per group (20 a minute).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.context import Services
from domain import reminder_texts
from storage import messages, officials, outbox, task_notices, units
from storage.models import Notification

logger = logging.getLogger(__name__)

PRIVATE_GAP = 1.0
GROUP_GAP = 3.0
MAX_ATTEMPTS = 8
MAX_BACKOFF = dt.timedelta(minutes=10)


class Pacer:
    """Hands out send times: a global rate, and a minimum gap per chat."""

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        private_gap: float = PRIVATE_GAP,
        group_gap: float = GROUP_GAP,
    ) -> None:
        self.interval = 1.0 / rate
        self.clock = clock
        self.private_gap, self.group_gap = private_gap, group_gap
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}

    def slot(self, chat_id: int) -> float:
        """Reserve the earliest moment this chat may get a message; returns seconds to wait."""
        now = self.clock()
        gap = self.group_gap if chat_id < 0 else self.private_gap
        at = max(now, self._next_global, self._next_chat.get(chat_id, 0.0))
        self._next_global = at + self.interval
        self._next_chat[chat_id] = at + gap
        return at - now

    def pause(self, seconds: float) -> None:
        """A flood wait applies to the whole bot."""
        self._next_global = max(self._next_global, self.clock() + seconds)


def reply_markup(payload: dict[str, Any]) -> InlineKeyboardMarkup | None:
    rows = payload.get("buttons") or []
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


class Sender:
    """Drain the outbox until stopped; `wake` makes it look at once instead of at the next tick."""

    def __init__(
        self,
        bot: Bot,
        services: Services,
        *,
        rate: float = 28.0,
        idle: float = 0.5,
        concurrency: int = 8,
        pacer: Pacer | None = None,
        batch: int = 50,
    ) -> None:
        self.bot, self.services = bot, services
        self.batch = batch
        self.pacer = pacer or Pacer(rate)
        self.idle = idle
        self._slots = asyncio.Semaphore(concurrency)
        self.sent = 0

    async def run(self, stop: asyncio.Event) -> None:
        wake = self.services.wake_sender
        while not stop.is_set():
            try:
                busy = await self.drain_once()
            except Exception:  # a database hiccup must not end reminders for good
                logger.exception("outbox drain failed; retrying")
                busy = 0
            if busy:
                continue
            wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_first(stop, wake), timeout=self.idle)

    async def drain_once(self) -> int:
        """Claim one batch and send it; returns how many were claimed."""
        async with self.services.db.begin() as session:
            batch = await outbox.claim_due(session, now=self.services.clock.now(), limit=self.batch)
        if batch:
            await asyncio.gather(*(self._paced(n) for n in batch))
        return len(batch)

    async def _paced(self, notification: Notification) -> None:
        wait = self.pacer.slot(notification.chat_id)
        if wait > 0:
            await asyncio.sleep(wait)
        async with self._slots:
            await self.send(notification)

    async def send(self, notification: Notification) -> None:
        """Send one claimed notification and record what happened."""
        now = self.services.clock.now
        assert notification.id is not None
        try:
            message = await self._deliver(notification)
        except RetryAfter as exc:
            seconds = (
                exc.retry_after.total_seconds()
                if isinstance(exc.retry_after, dt.timedelta)
                else float(exc.retry_after)
            )
            self.pacer.pause(seconds)
            await self._reschedule(notification, now() + dt.timedelta(seconds=seconds), f"429: {exc}")
        except Forbidden as exc:
            await self._unreachable(notification, str(exc))
        except BadRequest as exc:
            logger.error("notification %s refused by Telegram: %s", notification.id, exc)
            async with self.services.db.begin() as session:
                await outbox.give_up(session, notification_id=notification.id, now=now(), error=str(exc))
        except (TimedOut, NetworkError, TelegramError) as exc:
            if notification.attempts >= MAX_ATTEMPTS:
                async with self.services.db.begin() as session:
                    await outbox.give_up(
                        session, notification_id=notification.id, now=now(), error=f"gave up: {exc}"
                    )
                return
            backoff = min(dt.timedelta(seconds=2**notification.attempts), MAX_BACKOFF)
            await self._reschedule(notification, now() + backoff, f"{type(exc).__name__}: {exc}")
        else:
            self.sent += 1
            await self._mark_sent(notification, message)

    async def _mark_sent(self, notification: Notification, message: Message) -> None:
        """Record the delivery (a crash just before this is the one way a message goes twice)."""
        assert notification.id is not None
        now = self.services.clock.now()
        async with self.services.db.begin() as session:
            await outbox.mark_sent(
                session, notification_id=notification.id, now=now, message_id=message.message_id
            )
            task_id = notification.payload.get("task_id")
            if task_id is not None:
                await messages.record_message(
                    session,
                    chat_id=notification.chat_id,
                    message_id=message.message_id,
                    kind="card",
                    task_id=int(task_id),
                    official_id=notification.official_id,
                    at=now,
                )

    async def _deliver(self, notification: Notification) -> Message:
        payload = notification.payload
        if payload.get("photo_path"):
            data = await asyncio.to_thread(Path(payload["photo_path"]).read_bytes)
            return await self.bot.send_photo(
                notification.chat_id, photo=data, caption=payload.get("caption"), parse_mode=ParseMode.HTML
            )
        if payload.get("document_path"):
            data = await asyncio.to_thread(Path(payload["document_path"]).read_bytes)
            return await self.bot.send_document(
                notification.chat_id,
                document=data,
                filename=payload.get("filename"),
                caption=payload.get("caption"),
                parse_mode=ParseMode.HTML,
            )
        return await self.bot.send_message(
            chat_id=notification.chat_id,
            text=payload["text"],
            parse_mode=ParseMode.HTML,
            reply_markup=reply_markup(payload),
        )

    async def _reschedule(self, notification: Notification, due_at: dt.datetime, error: str) -> None:
        assert notification.id is not None
        async with self.services.db.begin() as session:
            await outbox.reschedule(session, notification_id=notification.id, due_at=due_at, error=error)

    async def _unreachable(self, notification: Notification, error: str) -> None:
        """The official blocked the bot (or never started it): stop trying, tell the office."""
        assert notification.id is not None
        now = self.services.clock.now()
        async with self.services.db.begin() as session:
            await outbox.give_up(session, notification_id=notification.id, now=now, error=error)
            if notification.official_id is not None:
                await officials.mark_unreachable(session, official_id=notification.official_id, now=now)
                await _tell_office(session, official_id=notification.official_id, now=now)
        logger.info("official %s cannot be reached: %s", notification.official_id, error)


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def _tell_office(session: AsyncSession, *, official_id: int, now: dt.datetime) -> None:
    """Once a day per official: the office learns that someone no longer receives reminders."""
    person = await officials.get_official(session, official_id=official_id)
    if person is None:
        return
    unit = await units.get_unit(session, unit_id=person.unit_id)
    await task_notices.notify_admins(
        session,
        text=reminder_texts.blocked_notice(person.full_name, unit.name if unit else ""),
        kind="unreachable.blocked",
        key=f"blocked:{official_id}:{now.date().isoformat()}",
        now=now,
        exclude_id=official_id,
    )
