"""Our own getUpdates loop: store each raw update, then acknowledge, then process from the inbox.

python-telegram-bot's updater moves the offset past a batch as soon as it is queued, so a crash
loses updates whose handlers had not finished. Here the offset moves only past updates that are
already committed to the inbox table; a restart processes whatever is still pending there.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

import httpx
from telegram import Update

from bot.app import NhacviecApp
from storage import inbox

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # an update that kills the process this often is set aside, not retried forever
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


class PollError(Exception):
    """getUpdates answered with an error (conflict, bad token, server trouble)."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(f"{code} {description}")
        self.code, self.description, self.retry_after = code, description, retry_after


class InboxPoller:
    """Fetch → store → acknowledge → process, one batch at a time."""

    def __init__(self, app: NhacviecApp, *, poll_timeout: int = 25) -> None:
        self.app = app
        if app.bot_data.services is None:
            raise RuntimeError("build_application wires the services; none found")
        self.services = app.bot_data.services
        self.poll_timeout = poll_timeout
        settings = self.services.settings
        self._url = f"{settings.telegram_api_base_url}/bot{settings.token}/getUpdates"
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, read=poll_timeout + 15.0))
        self._offset: int | None = None

    async def aclose(self) -> None:
        await self._http.aclose()

    async def fetch_once(self, *, timeout: int | None = None) -> int:
        """One getUpdates call; store the batch; return how many updates were new."""
        async with self.services.db() as session:
            stored_offset = await inbox.next_offset(session)
        if stored_offset is not None and (self._offset is None or stored_offset > self._offset):
            self._offset = stored_offset
        params: dict[str, Any] = {
            "timeout": self.poll_timeout if timeout is None else timeout,
            "allowed_updates": ALLOWED_UPDATES,
        }
        if self._offset is not None:
            params["offset"] = self._offset
        batch = await self._get_updates(params)
        if not batch:
            return 0
        async with self.services.db.begin() as session:
            added = await inbox.add_updates(session, updates=batch, now=self.services.clock.now())
        # Only now, with the batch committed, may the next call confirm it to Telegram.
        self._offset = max(int(u["update_id"]) for u in batch) + 1
        logger.debug("stored %d new of %d fetched updates", added, len(batch))
        return added

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        form = {k: v if isinstance(v, str | int) else json.dumps(v) for k, v in params.items()}
        response = await self._http.post(self._url, data=form)
        try:
            body = response.json()
        except ValueError:
            raise PollError(response.status_code, "not a Bot API answer") from None
        if not body.get("ok"):
            retry = (body.get("parameters") or {}).get("retry_after")
            raise PollError(
                int(body.get("error_code", response.status_code)),
                str(body.get("description", "")),
                retry,
            )
        return list(body["result"])

    async def process_pending(self) -> int:
        """Process every stored update not yet done, oldest first; return how many ran."""
        processed = 0
        while True:
            async with self.services.db() as session:
                ids = await inbox.pending_update_ids(session)
            if not ids:
                return processed
            for update_id in ids:
                await self._process(update_id)
                processed += 1

    async def _process(self, update_id: int) -> None:
        now = self.services.clock.now
        async with self.services.db.begin() as session:
            row = await inbox.start_attempt(session, update_id=update_id)
        if row is None:
            return
        if row.attempts > MAX_ATTEMPTS:
            logger.error("update %s set aside after %d attempts", update_id, row.attempts - 1)
            async with self.services.db.begin() as session:
                await inbox.mark_processed(session, update_id=update_id, now=now(), error="too many attempts")
            return
        error = None
        try:
            update = Update.de_json(row.payload, self.app.bot)
            await self.app.process_update(update)
        except Exception as exc:  # process_update reports handler errors itself; this is the rest
            logger.exception("update %s could not be processed", update_id)
            error = f"{type(exc).__name__}: {exc}"
        async with self.services.db.begin() as session:
            await inbox.mark_processed(session, update_id=update_id, now=now(), error=error)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set; errors back off instead of ending the loop."""
        await self.process_pending()  # what a previous run stored but did not finish
        backoff = 1.0
        while not stop.is_set():
            fetch = asyncio.ensure_future(self.fetch_once())
            stopper = asyncio.ensure_future(stop.wait())
            done, _ = await asyncio.wait({fetch, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if fetch not in done:
                fetch.cancel()
                await asyncio.gather(fetch, return_exceptions=True)
                break
            stopper.cancel()
            try:
                fetch.result()
                backoff = 1.0
            except PollError as exc:
                if exc.code == 401:
                    logger.critical("Telegram refused the token (401 Unauthorized); stopping")
                    raise
                delay = float(exc.retry_after or backoff)
                logger.warning("getUpdates failed (%s); retrying in %.0fs", exc, delay)
                await _sleep_unless(stop, delay)
                backoff = min(backoff * 2, 60.0)
                continue
            except httpx.HTTPError as exc:
                logger.warning("getUpdates network error (%s); retrying in %.0fs", exc, backoff)
                await _sleep_unless(stop, backoff)
                backoff = min(backoff * 2, 60.0)
                continue
            await self.process_pending()


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
