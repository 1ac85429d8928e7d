"""Our own getUpdates loop: store each raw update, then acknowledge, then process from the inbox.

python-telegram-bot's updater moves the offset past a batch as soon as it is queued, so a crash
loses updates whose handlers had not finished. Here the offset moves only past updates that are
already committed to the inbox table; a restart processes whatever is still pending there.

Different chats are processed concurrently, one chat's updates strictly in order: a chat has at
most one runner, which claims its updates one by one (the claim counts the attempt in the row
before anything runs, so a crash is counted), and stops behind an update that must wait.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import logging
from typing import Any

import httpx
from telegram import Update

from bot import logs
from bot.app import NhacviecApp
from bot.backoff import Backoff, log_failure, sleep_unless
from bot.errors import Attempt, current_attempt, describe
from bot.persistence import AroundUpdates
from storage import inbox
from storage.transient import is_transient
from storage.update_claims import UpdateClaims

logger = logging.getLogger(__name__)

# An update that failed (or ended the process) this often is set aside, not retried forever.
MAX_ATTEMPTS = 8
RETRY_CAP = dt.timedelta(minutes=2)  # the longest wait between two attempts of one update
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
# Updates handled at once, each from a different chat: enough to overlap one chat's network and
# database waits with other chats' work, few enough for SQLite's single writer and a small pool.
WORKERS = 8
DISPATCH_LIMIT = 1000  # due updates looked at per dispatch (oldest first)
# Several instances (issue 14.2): an update another one has in hand is looked at again after this.
ELSEWHERE = Attempt(0, last=False)
ELSEWHERE_WAIT = 0.2

ChatKey = int | str  # a chat id, or "update:<id>" for an update that belongs to no chat


class PollError(Exception):
    """getUpdates answered with an error (conflict, bad token, server trouble)."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(f"{code} {description}")
        self.code, self.description, self.retry_after = code, description, retry_after


class InboxPoller:
    """Fetch → store → acknowledge, and meanwhile process from the inbox: up to `workers` updates
    at once, each from a different chat, every chat's updates one after another in order."""

    def __init__(self, app: NhacviecApp, *, poll_timeout: int = 25, workers: int = WORKERS) -> None:
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
        self._slots = asyncio.Semaphore(workers)
        self._busy: set[ChatKey] = set()  # chats with a runner: nobody else takes their updates
        self._skipped: set[ChatKey] = set()  # busy chats that had more due: look again when free
        self._runners: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()  # something new to dispatch
        self._deferred = True  # a deferred update may wait (true at start: a previous life's)
        self._claim_backoff = Backoff(first=0.5, cap=30.0)
        self._claims = UpdateClaims(self.services.db.kw["bind"])  # across instances
        self._conversations = AroundUpdates(app)  # /assign's and a review's steps, in the database

    async def aclose(self) -> None:
        await self._http.aclose()
        await self._claims.aclose()

    async def fetch_once(self, *, timeout: int | None = None) -> int:
        """One getUpdates call; store the batch; return how many updates were new."""
        if self._offset is None:  # only the first call asks the database; later ones know
            async with self.services.db() as session:
                self._offset = await inbox.next_offset(session)
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
        self._wake.set()
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

    # --- processing: one runner per chat, at most `workers` updates in hand ---------------------

    async def dispatch(self) -> float:
        """Start a runner for every chat that has due updates and none in hand; return how many
        seconds until a deferred update falls due (the idle wait when nothing is deferred)."""
        now = self.services.clock.now()
        async with self.services.db() as session:
            due = await inbox.due_updates(session, now=now, limit=DISPATCH_LIMIT)
            next_due = await inbox.next_due_at(session) if self._deferred else None
        plans: dict[ChatKey, list[int]] = {}
        for update_id, chat_id in due:
            key: ChatKey = chat_id if chat_id is not None else f"update:{update_id}"
            if key in self._busy:
                self._skipped.add(key)  # its runner is still at work; look again when it ends
            else:
                plans.setdefault(key, []).append(update_id)
        for key, ids in plans.items():
            self._busy.add(key)
            runner = asyncio.create_task(self._run_chat(key, ids), name=f"inbox-chat-{key}")
            self._runners.add(runner)
            runner.add_done_callback(functools.partial(self._runner_done, key))
        idle = float(max(self.poll_timeout, 1))
        if next_due is None:
            self._deferred = False
            return idle
        return min(idle, max(0.05, (next_due - now).total_seconds()))

    def _runner_done(self, key: ChatKey, runner: asyncio.Task[None]) -> None:
        self._runners.discard(runner)
        self._busy.discard(key)
        if key in self._skipped:
            self._skipped.discard(key)
            self._wake.set()
        if not runner.cancelled() and runner.exception() is not None:
            # Its update stays pending; the next dispatch (new updates, or the idle wait) retries.
            logger.error("inbox runner for chat %s failed", key, exc_info=runner.exception())

    async def _run_chat(self, key: ChatKey, ids: list[int]) -> None:
        """Process one chat's due updates in order; stop at one that must wait (deferred)."""
        for update_id in ids:
            if self._stop.is_set():
                return
            try:
                async with self._slots:
                    attempt = await self._process(update_id)
            except Exception as exc:  # the claim itself failed: nothing ran, nothing counted
                if not is_transient(exc):
                    raise
                delay = self._claim_backoff.next()
                logger.warning(
                    "update %s: database unavailable (%s); retrying in %.1fs", update_id, describe(exc), delay
                )
                await sleep_unless(self._stop, delay)
                self._skipped.add(key)  # dispatch again once this runner has ended
                return
            self._claim_backoff.reset()
            if attempt is ELSEWHERE:  # another instance runs it; this chat's later ones wait too
                await sleep_unless(self._stop, ELSEWHERE_WAIT)
                self._skipped.add(key)  # dispatch again once this runner has ended
                return
            if attempt is not None and attempt.retry:
                self._deferred = True  # the chat's later updates wait behind this one
                self._wake.set()
                return

    async def _process(self, update_id: int) -> Attempt | None:
        """Run the update, unless another instance has it in hand (then ELSEWHERE)."""
        async with self._claims.claim(update_id) as mine:
            return await self._process_claimed(update_id) if mine else ELSEWHERE

    async def _process_claimed(self, update_id: int) -> Attempt | None:
        row = await self._claims.start_attempt(update_id)
        if row is None:
            return None
        if row.attempts > MAX_ATTEMPTS:  # it ended the process each time it ran
            logger.error("update %s set aside after %d attempts", update_id, row.attempts - 1)
            await self._close(update_id, Attempt(row.attempts, last=True, error="too many attempts"))
            return None
        attempt = Attempt(row.attempts, last=row.attempts >= MAX_ATTEMPTS)
        token = current_attempt.set(attempt)  # the error handler reports into it
        log_token = logs.bind_update(update_id=update_id, user_id=_user_id(row.payload))
        try:
            update = Update.de_json(row.payload, self.app.bot)
            await self._conversations.prepare(update)
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
            logs.unbind(log_token)
        await self._conversations.store()  # the step it reached, before the update counts as done
        await self._close(update_id, attempt)
        return attempt

    async def _close(self, update_id: int, attempt: Attempt) -> None:
        """Record the outcome; a busy database is waited for here, in place, because running the
        update again could repeat an effect that is already committed."""
        backoff = Backoff(first=0.5, cap=30.0)
        while True:
            now = self.services.clock.now()
            try:
                if attempt.retry:
                    until = now + retry_delay(attempt.number)
                    await self._claims.defer(update_id, until=until, error=attempt.error or "")
                else:
                    await self._claims.close(update_id, now=now, error=attempt.error)
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

    async def _dispatch_loop(self, stop: asyncio.Event) -> None:
        """Dispatch whenever updates are stored, a busy chat frees up, or a deferred one falls
        due; at the end, let the updates in hand finish (runners take no new ones once stopped)."""
        backoff = Backoff(first=1.0, cap=60.0)
        while not stop.is_set():
            self._wake.clear()
            try:
                wait = await self.dispatch()
                backoff.reset()
            except Exception as exc:
                wait = backoff.next()
                log_failure(exc, "update dispatch failed", wait)
            woken = asyncio.ensure_future(self._wake.wait())
            stopped = asyncio.ensure_future(stop.wait())
            await asyncio.wait({woken, stopped}, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
            woken.cancel()
            stopped.cancel()
        await asyncio.gather(*self._runners, return_exceptions=True)

    def wake(self) -> None:
        """Updates were stored by someone else (the webhook endpoint): dispatch them now."""
        self._wake.set()

    async def process(self, stop: asyncio.Event) -> None:
        """Process from the inbox until `stop`, without polling (webhook mode stores the updates)."""
        self._stop = stop
        await self._dispatch_loop(stop)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set. Nothing but a refused token (401) or another poller (409) ends
        the loop: network and database failures are logged and waited out with backoff; stored
        updates stay stored. Processing runs beside polling, so a slow chat never delays the
        fetch of other chats' updates."""
        self._stop = stop
        dispatcher = asyncio.create_task(self._dispatch_loop(stop), name="inbox-dispatch")
        try:
            await self._poll(stop)
        finally:
            stop.set()
            await dispatcher

    async def _poll(self, stop: asyncio.Event) -> None:
        backoff = Backoff(first=1.0, cap=60.0)
        while not stop.is_set():
            try:
                fetch = asyncio.ensure_future(self.fetch_once())
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
                log_failure(exc, "update loop failed", delay)
            await sleep_unless(stop, delay)


def _user_id(payload: dict[str, Any]) -> int | None:
    """The Telegram user an update comes from (message, button press, ...), for the log."""
    for value in payload.values():
        if isinstance(value, dict) and isinstance(value.get("from"), dict):
            return value["from"].get("id")
    return None


def retry_delay(attempt: int) -> dt.timedelta:
    """How long a transiently failed update waits: 1 s, 2 s, 4 s, ... at most RETRY_CAP."""
    return min(dt.timedelta(seconds=2 ** min(attempt - 1, 20)), RETRY_CAP)
