"""Our own getUpdates loop: store each raw update, then acknowledge, then process from the inbox.

python-telegram-bot's updater moves the offset past a batch as soon as it is queued, so a crash
loses updates whose handlers had not finished. Here the offset moves only past updates that are
already committed to the inbox table; a restart processes whatever is still pending there.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import math
from typing import Any

import httpx
from telegram import Update

from bot.app import NhacviecApp
from bot.errors import Attempt, current_attempt, describe
from storage import inbox
from storage.transient import is_transient

logger = logging.getLogger(__name__)

# An update that failed (or ended the process) this often is set aside, not retried forever.
MAX_ATTEMPTS = 8
RETRY_CAP = dt.timedelta(minutes=2)  # the longest wait between two attempts of one update
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
        self._stop = asyncio.Event()  # run() replaces it with the caller's

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
        """Process every stored update that is due, oldest first; return how many ran."""
        processed = 0
        while True:
            async with self.services.db() as session:
                ids = await inbox.pending_update_ids(session, now=self.services.clock.now())
            if not ids:
                return processed
            for update_id in ids:
                processed += await self._process(update_id)

    async def _process(self, update_id: int) -> bool:
        async with self.services.db.begin() as session:
            row = await inbox.start_attempt(session, update_id=update_id)
        if row is None:
            return False
        if row.attempts > MAX_ATTEMPTS:  # it ended the process each time it ran
            logger.error("update %s set aside after %d attempts", update_id, row.attempts - 1)
            await self._close(update_id, Attempt(row.attempts, last=True, error="too many attempts"))
            return False
        attempt = Attempt(row.attempts, last=row.attempts >= MAX_ATTEMPTS)
        token = current_attempt.set(attempt)  # the error handler reports into it
        try:
            update = Update.de_json(row.payload, self.app.bot)
            await self.app.process_update(update)
        except Exception as exc:  # process_update reports handler errors itself; this is the rest
            if is_transient(exc) and not attempt.last:
                logger.warning("update %s: database unavailable (%s); will retry", update_id, describe(exc))
                attempt.retry = True
            else:
                logger.exception("update %s could not be processed", update_id)
            attempt.error = describe(exc)
        finally:
            current_attempt.reset(token)
        await self._close(update_id, attempt)
        return True

    async def _close(self, update_id: int, attempt: Attempt) -> None:
        """Record the outcome; a busy database is waited for here, in place, because running the
        update again could repeat an effect that is already committed."""
        backoff = Backoff(first=0.5, cap=30.0)
        while True:
            now = self.services.clock.now()
            try:
                async with self.services.db.begin() as session:
                    if attempt.retry:
                        until = now + retry_delay(attempt.number)
                        await inbox.defer(
                            session, update_id=update_id, until=until, error=attempt.error or ""
                        )
                    else:
                        await inbox.mark_processed(session, update_id=update_id, now=now, error=attempt.error)
                return
            except Exception as exc:
                if not is_transient(exc) or self._stop.is_set():
                    raise
                delay = backoff.next()
                logger.warning(
                    "update %s: cannot record its outcome (%s); retrying in %.1fs",
                    update_id,
                    describe(exc),
                    delay,
                )
                await sleep_unless(self._stop, delay)

    async def _poll_timeout(self) -> int:
        """The long-poll time, cut short when a deferred update falls due sooner."""
        async with self.services.db() as session:
            due = await inbox.next_due_at(session)
        if due is None:
            return self.poll_timeout
        wait = (due - self.services.clock.now()).total_seconds()
        return min(self.poll_timeout, max(1, math.ceil(wait)))

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set. Nothing but a refused token (401) or another poller (409) ends
        the loop: network and database failures are logged and waited out with backoff; stored
        updates stay stored."""
        self._stop = stop
        backoff = Backoff(first=1.0, cap=60.0)
        while not stop.is_set():
            try:
                await self.process_pending()  # first round: what a previous run left unfinished
                fetch = asyncio.ensure_future(self.fetch_once(timeout=await self._poll_timeout()))
                stopper = asyncio.ensure_future(stop.wait())
                done, _ = await asyncio.wait({fetch, stopper}, return_when=asyncio.FIRST_COMPLETED)
                if fetch not in done:
                    fetch.cancel()
                    await asyncio.gather(fetch, return_exceptions=True)
                    break
                stopper.cancel()
                fetch.result()
                backoff.reset()
                continue
            except PollError as exc:
                if exc.code in (401, 409):  # a refused token, another poller: waiting cannot help
                    raise  # the caller says it in one line and stops
                delay = float(exc.retry_after or backoff.next())
                logger.warning("getUpdates failed (%s); retrying in %.0fs", exc, delay)
            except httpx.HTTPError as exc:
                delay = backoff.next()
                logger.warning("getUpdates network error (%s); retrying in %.0fs", exc, delay)
            except Exception as exc:
                delay = backoff.next()
                if is_transient(exc):
                    logger.warning("database unavailable (%s); retrying in %.0fs", describe(exc), delay)
                else:
                    logger.exception("update loop failed; retrying in %.0fs", delay)
            await sleep_unless(stop, delay)


def retry_delay(attempt: int) -> dt.timedelta:
    """How long a transiently failed update waits: 1 s, 2 s, 4 s, ... at most RETRY_CAP."""
    return min(dt.timedelta(seconds=2 ** min(attempt - 1, 20)), RETRY_CAP)


class Backoff:
    """Doubling waits between `first` and `cap` seconds, back to `first` after a success."""

    def __init__(self, *, first: float, cap: float) -> None:
        self.first, self.cap, self._next = first, cap, first

    def next(self) -> float:
        delay, self._next = self._next, min(self._next * 2, self.cap)
        return delay

    def reset(self) -> None:
        self._next = self.first


async def sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
