"""How the bot's answers reach Telegram: a passing 5xx or time-out is retried, not turned into a failure.

The handler has already committed what the user said when it answers, so running the update
again would record it twice; the answer itself is what must be tried again. python-telegram-bot's
own extension point for this is the rate limiter, which wraps every Bot API call: this one keeps
AIORateLimiter's handling of 429 (and, when OUTGOING_LIMITER is on, a group's 20 a minute) and adds
a few retries with backoff when Telegram answers 5xx or does not answer in time. A request that
Telegram refused (400, 403, 401, 409) is never retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

logger = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]


class AnswerLimiter(AIORateLimiter):
    """AIORateLimiter plus retries of Telegram's passing failures (5xx, time-outs, dropped connections)."""

    def __init__(self, *, group_limit: bool, attempts: int = 4, first_wait: float = 0.5) -> None:
        super().__init__(overall_max_rate=0, group_max_rate=20 if group_limit else 0, max_retries=2)
        self.attempts, self.first_wait = attempts, first_wait

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        wait = self.first_wait
        for attempt in range(1, self.attempts + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise  # Telegram read the request and refused it: the same request fails again
            except NetworkError as exc:  # 5xx, a time-out, a dropped connection
                if attempt == self.attempts or endpoint == "getUpdates":
                    raise
                logger.warning(
                    "Telegram %s failed (%s), attempt %d of %d; retrying in %.1f s",
                    endpoint,
                    exc,
                    attempt,
                    self.attempts,
                    wait,
                )
                await asyncio.sleep(wait)
                wait *= 2
        raise AssertionError("unreachable")  # pragma: no cover
