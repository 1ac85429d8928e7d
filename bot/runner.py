"""Run the bot: migrate, build, start, poll through the inbox, and shut down cleanly."""

from __future__ import annotations

import asyncio
import logging

from telegram import BotCommand

from bot.app import NhacviecApp, build_application
from bot.config import Settings
from bot.context import Clock, SystemClock
from bot.inbox import InboxPoller
from domain import texts
from storage import migrate
from storage.db import create_engine, session_factory

logger = logging.getLogger(__name__)


async def set_commands(app: NhacviecApp) -> None:
    """The command menu users see next to the text box, in Vietnamese."""
    await app.bot.set_my_commands([BotCommand(name, text) for name, text in texts.COMMANDS])


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
                try:
                    await poller.run(stop)
                finally:
                    await app.stop()
        finally:
            await poller.aclose()
    finally:
        await engine.dispose()
