"""Run the bot: migrate, build, start, poll (or serve the webhook) through the inbox, shut down cleanly."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Bot, BotCommand
from telegram.error import InvalidToken, NetworkError, RetryAfter
from telegram.request import HTTPXRequest

from bot.app import NhacviecApp, build_application
from bot.backoff import Backoff, sleep_unless
from bot.config import Settings
from bot.context import Clock, SystemClock
from bot.inbox import ALLOWED_UPDATES, InboxPoller, PollError
from domain import texts
from scheduler.lease import JOBS, POLLING, Lease
from scheduler.sender import Sender
from storage import lease as lease_store
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


async def register_webhook(app: NhacviecApp) -> None:
    """Webhook mode: tell Telegram where to post, with the secret it sends back. Polling: drop any
    webhook, or getUpdates would answer 409."""
    settings = app.bot_data.services.settings  # type: ignore[union-attr]
    if settings.webhook_url is None:
        await app.bot.delete_webhook(drop_pending_updates=False)
        return
    await app.bot.set_webhook(
        settings.webhook_url,
        secret_token=settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
        allowed_updates=ALLOWED_UPDATES,
        drop_pending_updates=False,
    )
    logger.info("webhook registered: %s", settings.webhook_url)


class TokenRefusedError(Exception):
    """Telegram refused the bot token (401): the one start-up failure that waiting cannot fix."""


class SecondPollerError(Exception):
    """Telegram gives this bot's updates to another process (409 Conflict), or a webhook is set."""


async def connect(app: NhacviecApp, outbox_bot: Bot, stop: asyncio.Event, *, base_url: str) -> bool:
    """Check the token (getMe), register the webhook or drop it (polling), set the command menu;
    retry with backoff while Telegram cannot be reached. False if `stop` came first; a refused
    token raises TokenRefusedError."""
    backoff = Backoff(first=1.0, cap=60.0)
    while not stop.is_set():
        try:
            await app.bot.initialize()
            await outbox_bot.initialize()
            await register_webhook(app)
            await set_commands(app)
            return True
        except InvalidToken:
            raise TokenRefusedError from None  # PTB's message carries the token: never print it
        except RetryAfter as exc:
            delay = _seconds(exc.retry_after)
            reason = "429"
        except NetworkError as exc:  # also TimedOut, and Telegram's 5xx
            delay, reason = backoff.next(), str(exc)
        logger.warning(
            "Không kết nối được Telegram (%s: %s), thử lại sau %.0f giây / "
            "Cannot reach Telegram, retrying in %.0f s",
            base_url,
            reason,
            delay,
            delay,
        )
        await sleep_unless(stop, delay)
    return False


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
        clock = clock or SystemClock()
        leases = [Lease(db, clock, name=JOBS, seconds=settings.job_lease)]
        app = build_application(settings, db=db, clock=clock, lease=leases[0])
        outbox_bot = sender_bot(settings)
        try:
            if settings.webhook_url is None:  # before connect(), which deletes a webhook
                leases.append(await _polling_lease(db, clock, settings, holder=leases[0].holder))
            base = settings.telegram_api_base_url
            if not await connect(app, outbox_bot, stop, base_url=base):
                return
            await _run(app, outbox_bot, engine, stop=stop, ready=ready, leases=leases)
        finally:
            await outbox_bot.shutdown()
            await app.shutdown()  # a no-op once `async with app` has shut it down
    finally:
        await engine.dispose()


async def _polling_lease(db: Any, clock: Clock, settings: Settings, *, holder: str) -> Lease:
    """Polling: one poller a database. A second instance stops here, before it calls getUpdates
    (which would take the updates away from the first: Telegram answers the older poll 409)."""
    lease = Lease(db, clock, name=POLLING, seconds=settings.job_lease, holder=holder)
    if not await lease.hold():
        async with db() as session:
            held = await lease_store.state(session, name=POLLING)
        raise SecondPollerError(f"getUpdates lease held by {held.holder if held else 'another instance'}")
    return lease


async def _run(
    app: NhacviecApp,
    outbox_bot: Bot,
    engine: AsyncEngine,
    *,
    stop: asyncio.Event,
    ready: asyncio.Event | None,
    leases: list[Lease],
) -> None:
    """Start the application and the outbox sender, then take updates into the inbox: from
    getUpdates (polling), or from the webhook server (WEBHOOK_URL); one inbox loop processes them."""
    settings = app.bot_data.services.settings  # type: ignore[union-attr]
    poller = InboxPoller(app, poll_timeout=settings.poll_timeout)
    server = None
    try:
        async with app:  # the bot was initialized by connect(); shutdown() on exit
            await app.start()
            if settings.webhook_url is not None:
                from bot.webhook import WebhookEndpoint, start_server

                endpoint = WebhookEndpoint(app, poller, engine)
                server = await start_server(
                    endpoint, host=settings.webhook_listen, port=settings.webhook_port
                )
            logger.info("bot @%s is running (%s)", app.bot.username, "webhook" if server else "polling")
            if ready is not None:
                ready.set()
            sender = Sender(outbox_bot, app.bot_data.services, rate=settings.send_rate)  # type: ignore[arg-type]
            sending = asyncio.create_task(sender.run(stop), name="outbox-sender")
            # Renewed while this instance runs, released when it stops (scheduler.lease).
            keeping = [asyncio.create_task(lease.keep(stop), name=f"lease:{lease.name}") for lease in leases]
            try:
                await (poller.run(stop) if server is None else poller.process(stop))
            except PollError as exc:
                if exc.code == 401:
                    raise TokenRefusedError from None
                if exc.code == 409:
                    raise SecondPollerError(exc.description) from None
                raise
            finally:
                stop.set()
                if server is not None:
                    await server.cleanup()  # nothing more is stored once processing has ended
                await sending
                await asyncio.gather(*keeping)
                await app.stop()
    finally:
        await poller.aclose()


def _seconds(value: float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
