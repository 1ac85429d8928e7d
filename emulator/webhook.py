"""Telegram's side of a webhook: each pending update is POSTed to the URL given to setWebhook.

As Telegram does: the body is the update's JSON, the secret_token of setWebhook comes back in
the X-Telegram-Bot-Api-Secret-Token header, up to max_connections requests are in flight at
once, an update leaves the queue only when the bot answered 2xx, and any other answer (or no
answer) is retried later with a growing delay, the last error shown by getWebhookInfo.

The webhook URL is HTTPS on a public name; a test has neither, so nothing is posted until a
route says where that URL is reached (what DNS and a TLS proxy do in production): the route's
scheme, host and port replace the URL's, its path and query are kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from emulator.state import State

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookDelivery:
    """Posts the queued updates while a webhook is set and routed; `start()` / `stop()`."""

    def __init__(
        self, state: State, *, retry_first: float = 0.2, retry_cap: float = 5.0, timeout: float = 10.0
    ) -> None:
        self.state = state
        self.route = ""  # e.g. http://127.0.0.1:8443 : where the webhook URL's host is reached
        self.retry_first, self.retry_cap, self.timeout = retry_first, retry_cap, timeout
        self.delivered = 0  # updates the bot acknowledged with a 2xx
        self.failed = 0  # posts answered otherwise, or not answered
        self._in_flight: set[int] = set()
        self._attempts: dict[int, int] = {}
        self._not_before: dict[int, float] = {}
        self._task: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None

    def start(self) -> None:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        self._task = asyncio.create_task(self._loop(), name="emulator-webhook")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._http is not None:
            await self._http.close()
            self._http = None

    def target(self) -> str:
        """Where the webhook URL is posted to through the route ("" if no webhook or no route)."""
        if not (self.state.webhook_url and self.route):
            return ""
        url, route = urlsplit(self.state.webhook_url), urlsplit(self.route)
        return urlunsplit((route.scheme, route.netloc, url.path or "/", url.query, ""))

    async def _loop(self) -> None:
        tasks: set[asyncio.Task[None]] = set()
        try:
            while True:
                target = self.target()
                if target:
                    for update in self._ready():
                        self._in_flight.add(update["update_id"])
                        task = asyncio.create_task(self._post(target, update))
                        tasks.add(task)
                        task.add_done_callback(tasks.discard)
                async with self.state.changed:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.state.changed.wait(), timeout=0.05)
        finally:
            for task in tasks:
                task.cancel()

    def _ready(self) -> list[dict[str, Any]]:
        """The queued updates to post now: not in flight, past their retry delay, within the
        webhook's max_connections."""
        room = self.state.webhook_max_connections - len(self._in_flight)
        now = time.monotonic()
        ready = [
            u
            for u in self.state.updates
            if u["update_id"] not in self._in_flight and self._not_before.get(u["update_id"], 0.0) <= now
        ]
        return ready[: max(0, room)]

    async def _post(self, target: str, update: dict[str, Any]) -> None:
        update_id = update["update_id"]
        headers = {SECRET_HEADER: self.state.webhook_secret} if self.state.webhook_secret else {}
        error = ""
        try:
            assert self._http is not None
            async with self._http.post(target, json=update, headers=headers) as response:
                if 200 <= response.status < 300:
                    self._acknowledged(update_id)
                    return
                error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection failed: {type(exc).__name__}"
        finally:
            self._in_flight.discard(update_id)
        self.failed += 1
        attempt = self._attempts[update_id] = self._attempts.get(update_id, 0) + 1
        delay = min(self.retry_cap, self.retry_first * 2 ** (attempt - 1))
        self._not_before[update_id] = time.monotonic() + delay
        self.state.webhook_last_error = (int(time.time()), error)
        logger.debug("update %s not delivered (%s), again in %.1f s", update_id, error, delay)

    def _acknowledged(self, update_id: int) -> None:
        self.delivered += 1
        self.state.updates = [u for u in self.state.updates if u["update_id"] != update_id]
        self._attempts.pop(update_id, None)
        self._not_before.pop(update_id, None)
