"""Waiting out a failure: doubling waits, a sleep that a stop cuts short, one log line a failure."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.errors import describe
from storage.transient import is_transient

logger = logging.getLogger("bot.inbox")  # the loops that wait here are the inbox's


def log_failure(error: Exception, what: str, delay: float) -> None:
    """A database that is away is a WARNING line; anything else is logged with its traceback."""
    if is_transient(error):
        logger.warning("database unavailable (%s); retrying in %.0fs", describe(error), delay)
    else:
        logger.exception("%s; retrying in %.0fs", what, delay)


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
