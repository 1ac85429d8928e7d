"""Webhook mode: an aiohttp server that stores Telegram's updates in the inbox and answers /healthz.

The endpoint only stores: the update is committed to the inbox (exactly once, by update id) and
Telegram gets its 200 at once; the same inbox loop as polling processes it (InboxPoller.process).
A request without Telegram's secret-token header is refused and logged, never stored.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import NhacviecApp
from bot.errors import describe
from bot.inbox import InboxPoller
from storage import inbox
from storage.health import database_state, outbox_backlog

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"


def webhook_path(url: str) -> str:
    """The path Telegram posts to: the path of WEBHOOK_URL (a reverse proxy passes it on)."""
    return urlsplit(url).path or "/"


class WebhookEndpoint:
    """The two routes: Telegram's updates at the webhook path, and /healthz."""

    def __init__(self, app: NhacviecApp, poller: InboxPoller, engine: AsyncEngine) -> None:
        services = app.bot_data.services
        if services is None or services.settings.webhook_secret is None:
            raise RuntimeError("webhook mode needs the services and WEBHOOK_SECRET")
        self.app, self.poller, self.engine, self.services = app, poller, engine, services
        self._secret = services.settings.webhook_secret.get_secret_value().encode()

    def web_app(self) -> web.Application:
        web_app = web.Application()
        path = webhook_path(self.services.settings.webhook_url or "/")
        web_app.router.add_post(path, self.receive)
        web_app.router.add_get(HEALTH_PATH, self.health)
        return web_app

    async def receive(self, request: web.Request) -> web.Response:
        """Store one update and answer 200; a missing or wrong secret is refused (401 / 403)."""
        given = request.headers.get(SECRET_HEADER)
        if given is None or not hmac.compare_digest(given.encode(), self._secret):
            status = 401 if given is None else 403
            logger.warning(
                "webhook request from %s refused (%s secret token)",
                request.remote,
                "no" if given is None else "a wrong",
            )
            return web.Response(status=status)
        try:
            update = await request.json()
            update_id = int(update["update_id"])
        except (ValueError, KeyError, TypeError):
            logger.warning("webhook request from %s is not a Telegram update", request.remote)
            return web.Response(status=400)
        try:
            async with self.services.db.begin() as session:
                added = await inbox.add_updates(session, updates=[update], now=self.services.clock.now())
        except Exception as exc:  # not stored: a non-2xx makes Telegram deliver it again later
            logger.warning("update %s not stored (%s); Telegram will retry", update_id, describe(exc))
            return web.Response(status=503)
        if added:
            self.poller.wake()
        else:
            logger.debug("update %s delivered again; already in the inbox", update_id)
        return web.Response(status=200)

    async def health(self, request: web.Request) -> web.Response:
        """Database reachable, migrations current, scheduler alive, outbox backlog: 200 or 503."""
        state = await database_state(self.engine)
        body: dict[str, Any] = {
            "database": state.reachable,
            "migrations": {"current": state.current, "head": state.head, "ok": state.migrated},
            "scheduler": self._scheduler_alive(),
        }
        if state.reachable:
            now = self.services.clock.now()
            try:
                async with self.services.db() as session:
                    backlog, oldest = await outbox_backlog(session, now=now)
            except Exception as exc:
                logger.warning("healthz: outbox not readable (%s)", describe(exc))
                backlog, oldest = -1, None
            age = None if oldest is None else round((now - oldest).total_seconds())
            body["outbox"] = {"due": backlog, "oldest_due_seconds": age}
        else:
            body["error"] = state.error
        healthy = state.migrated and body["scheduler"] is not False
        body["ok"] = healthy
        return web.json_response(body, status=200 if healthy else 503)

    def _scheduler_alive(self) -> bool | None:
        """Whether the job queue's scheduler runs (None when this process has no job queue)."""
        job_queue = self.app.job_queue
        if job_queue is None:
            return None
        return bool(job_queue.scheduler.running)


async def start_server(endpoint: WebhookEndpoint, *, host: str, port: int) -> web.AppRunner:
    """Listen on host:port; the caller cleans up the returned runner."""
    runner = web.AppRunner(endpoint.web_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    logger.info("webhook server listening on %s:%s", host, port)
    return runner
