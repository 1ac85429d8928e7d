"""The outbox sender: claims due notifications, sends them within Telegram's limits, marks them.

It talks through a plain Bot of its own, without PTB's rate limiter, and paces itself
(`scheduler/pacing.py`): at most `rate` messages a second overall, one a second per private chat,
one every three seconds per group (20 a minute). It is fair: rows are claimed one per chat and
sent as they come, so a chat that must wait (its gap, a 429's retry_after, which reschedules the
row instead of sleeping in place) never delays the others. In quiet hours only answers to the
user's own action are claimed; every push waits for the window to end and then goes once.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from pathlib import Path
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.context import Services
from domain import reminder_texts
from domain.reminders import Policy, in_quiet_hours
from scheduler.pacing import Gate, Pacer
from storage import messages, officials, outbox, task_notices, units
from storage.models import Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_BACKOFF = dt.timedelta(minutes=10)
LOOKAHEAD = 1.0  # seconds of sending claimed ahead
STOP_GRACE = 5.0  # seconds the sends in flight get to finish when the sender stops


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
        concurrency: int = 16,
        pacer: Pacer | None = None,
        batch: int = 50,
        policy: Policy | None = None,
    ) -> None:
        self.bot, self.services = bot, services
        self.batch = batch  # rows claimed (and chats served) at most at once
        # Pacing is Telegram's real-time limit (the loop's monotonic time); what is due, quiet
        # hours and retry times are business time, the injected clock, stored with the rows.
        self.pacer = pacer or Pacer(rate)
        self.policy = policy or services.settings.reminder_policy()
        self.idle = idle
        self._slots = asyncio.Semaphore(concurrency)  # requests in flight at once
        self._gate = Gate()
        # Rows claimed ahead of their slot: about a second's worth, refilled by halves, so the
        # claims stay few; a group's message claimed meanwhile goes through the gate first.
        self.ahead = min(batch, max(4, round(LOOKAHEAD / self.pacer.interval)))
        self.sent = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Claim whenever there is room, send each row in its own task, never wait for a batch."""
        wake = self.services.wake_sender
        flying: set[asyncio.Task[None]] = set()
        try:
            while not stop.is_set():
                room = self.ahead - len(flying)
                claimed: list[Notification] = []
                if room >= max(1, self.ahead // 2) or not flying:
                    try:
                        claimed = await self.claim(limit=room)
                    except Exception:  # a database hiccup must not end reminders for good
                        logger.exception("outbox claim failed; retrying")
                for notification in claimed:
                    task = asyncio.create_task(self._paced(notification))
                    flying.add(task)
                    task.add_done_callback(flying.discard)
                if claimed and len(flying) < self.ahead:
                    continue  # more may be due for other chats
                wake.clear()
                # Until a send finishes, new rows come, a waiting chat is free again, or the idle tick.
                free_in = self.pacer.next_free_in()
                timeout = self.idle if free_in is None else min(self.idle, free_in + 0.01)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(_first(stop, wake, *flying), timeout=timeout)
        finally:
            # Let sends in progress finish and be marked; what still waits for its slot gives
            # its claim up to expiry (another sender, or this one restarted, sends it).
            if flying:
                _, waiting = await asyncio.wait(flying, timeout=STOP_GRACE)
                for task in waiting:
                    task.cancel()
                await asyncio.gather(*waiting, return_exceptions=True)

    async def drain_once(self) -> int:
        """Claim what may go now (one row per chat) and send it; returns how many were claimed."""
        batch = await self.claim(limit=self.batch)
        if batch:
            await asyncio.gather(*(self._paced(n) for n in batch))
        return len(batch)

    async def claim(self, *, limit: int) -> list[Notification]:
        now = self.services.clock.now()
        quiet = in_quiet_hours(now.astimezone(self.services.settings.tz).time(), self.policy)
        async with self.services.db.begin() as session:
            return await outbox.claim_due(
                session, now=now, limit=limit, skip_chats=self.pacer.waiting_chats(), answers_only=quiet
            )

    async def _paced(self, notification: Notification) -> None:
        try:
            async with self._slots:
                # Through the gate one at a time, each slot reserved when the previous message
                # has left: a stalled loop or slow answers never release a burst afterwards.
                async with self._gate.turn(first=notification.chat_id < 0):
                    wait = self.pacer.slot()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    self.pacer.sending(notification.chat_id)
                await self.send(notification)
        except Exception:  # the row's claim expires and another attempt sends it
            logger.exception("notification %s failed", notification.id)

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
            self.pacer.too_many(notification.chat_id, seconds)
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


async def _first(*things: asyncio.Event | asyncio.Task[None]) -> None:
    """Return when an event is set or a task ends (without cancelling the tasks)."""
    waiters = [asyncio.ensure_future(t.wait()) for t in things if isinstance(t, asyncio.Event)]
    tasks = [t for t in things if isinstance(t, asyncio.Task)]
    try:
        await asyncio.wait([*waiters, *tasks], return_when=asyncio.FIRST_COMPLETED)
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
