"""Build the python-telegram-bot Application: services, handlers, jobs, no updater (see inbox)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

import handlers
import scheduler
from bot.config import Settings
from bot.context import BotContext, BotData, Clock, Services
from bot.errors import on_error
from bot.persistence import StoredConversations
from bot.transport import AnswerLimiter
from scheduler.lease import Lease

NhacviecApp = Application[Any, BotContext, Any, Any, BotData, Any]


def build_application(
    settings: Settings, *, db: async_sessionmaker[AsyncSession], clock: Clock, lease: Lease | None = None
) -> NhacviecApp:
    """The Application with every service wired; the caller runs it (bot.runner)."""
    token = settings.token
    if token is None:
        raise ValueError("build_application needs TELEGRAM_BOT_TOKEN (the sandbox provides one)")
    base = settings.telegram_api_base_url
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        # Updates come through our inbox (bot.inbox): PTB's updater acknowledges too early.
        .updater(None)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        # Every text of domain.texts is HTML with user input escaped, wherever it is sent from.
        .defaults(Defaults(tzinfo=settings.tz, parse_mode=ParseMode.HTML))
    )
    # Only the limit a reply can break is applied here (OUTGOING_LIMITER): 20 messages a minute in
    # a group. Replies and edits in private chats answer one user action each, so the user's own
    # pace keeps a chat under its 1/s, and the 30/s overall limit is for bulk sending, which the
    # outbox sender (its own Bot, bot.runner.sender_bot) paces. A 30/s bucket here would queue every
    # reply behind each other at the busiest moment (issue 13.2). A passing 5xx or time-out on an
    # answer is retried (bot.transport), never turned into the user's apology.
    builder = builder.rate_limiter(AnswerLimiter(group_limit=settings.outgoing_limiter))
    # /assign's and a directive review's step and draft live in the database: a restart goes on
    # from them, and with several instances (webhook mode) each update reads them afresh.
    stored = StoredConversations(
        db, clock, timeouts=handlers.CONVERSATION_TIMEOUTS, shared=settings.webhook_url is not None
    )
    app = builder.persistence(stored).build()
    app.bot_data.services = Services(settings=settings, db=db, clock=clock)
    handlers.register(app)
    app.add_error_handler(on_error)
    scheduler.schedule_jobs(
        app,
        calendar=settings.work_calendar(),
        policy=settings.reminder_policy(),
        tick_seconds=settings.reminder_tick,
        lease=lease,  # several instances: the jobs run where the lease is (scheduler.lease)
    )
    return app
