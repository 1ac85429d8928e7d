"""Run the bot: migrate, build, start, poll through the inbox, and shut down cleanly."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, BotCommand
from telegram.request import HTTPXRequest

from bot.app import NhacviecApp, build_application
from bot.config import Settings
from bot.context import Clock, SystemClock
from bot.inbox import InboxPoller
from domain import texts
from scheduler.sender import Sender
from storage import migrate
from storage.db import create_engine, session_factory

logger = logging.getLogger(__name__)


async def set_commands(app: NhacviecApp) -> None:
    """The command menu users see next to the text box, in Vietnamese."""
    await app.bot.set_my_commands([BotCommand(name, text) for name, text in texts.COMMANDS])


def sender_bot(settings: Settings) -> Bot:
    """The outbox sender's own Bot: no rate limiter (the sender paces itself), a bigger pool."""
    base = settings.telegram_api_base_url
    return Bot(
        settings.token or "",
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        request=HTTPXRequest(connection_pool_size=16),
    )


async def serve(
    settings: Settings,
    *,
    stop: asyncio.Event,
    clock: Clock | None = None,
    ready: asyncio.Event | None = None,
) -> None:
    """Run until `stop` is set. The database is migrated first; nothing is kept in memory only."""
    engine = create_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        db = session_factory(engine)
        app = build_application(settings, db=db, clock=clock or SystemClock())
        poller = InboxPoller(app, poll_timeout=settings.poll_timeout)
        try:
            async with app:  # initialize() checks the token with getMe; shutdown() on exit
                # Polling and a webhook exclude each other; this instance polls.
                await app.bot.delete_webhook(drop_pending_updates=False)
                await set_commands(app)
                await app.start()
                logger.info("bot @%s is running", app.bot.username)
                if ready is not None:
                    ready.set()
                async with sender_bot(settings) as bot:
                    sender = Sender(bot, app.bot_data.services, rate=settings.send_rate)  # type: ignore[arg-type]
                    sending = asyncio.create_task(sender.run(stop), name="outbox-sender")
                    try:
                        await poller.run(stop)
                    finally:
                        stop.set()
                        await sending
                        await app.stop()
        finally:
            await poller.aclose()
    finally:
        await engine.dispose()
