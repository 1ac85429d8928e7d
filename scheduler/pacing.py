"""The sender's own pacing: a global rate, and a gap per chat kept apart from it.

A chat that must wait (1 s per private chat, 3 s per group for its 20 a minute, a 429's
retry_after) is simply not claimed until it may send again; it never reserves the global slots
that other chats' messages use meanwhile.

Its time is real elapsed time (monotonic), never the bot's business clock: Telegram counts
seconds as they pass, whatever day a test has set the business clock to. Tests of the pacing
itself give it a clock of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import time
from collections.abc import AsyncIterator, Callable

PRIVATE_GAP = 1.0
GROUP_GAP = 3.0
# 429s for this many different chats within a second mean the whole bot is over the limit.
FLOOD_CHATS = 3


class Pacer:
    """Hands out global send slots and remembers when each chat may get its next message."""

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        private_gap: float = PRIVATE_GAP,
        group_gap: float = GROUP_GAP,
    ) -> None:
        self.interval = 1.0 / rate
        self.clock = clock
        self.private_gap, self.group_gap = private_gap, group_gap
        self._next_global = 0.0
        self._next_chat: dict[int, float] = {}
        self._recent_429: list[tuple[float, int]] = []
        self._last = float("-inf")

    def _now(self) -> float:
        """The clock, read so that a jump back (an injected clock set back by a test; monotonic time
        never goes back) moves every pending wait with it instead of stretching them by the jump."""
        now = self.clock()
        if now < self._last:
            shift = now - self._last
            self._next_global += shift
            self._next_chat = {chat: at + shift for chat, at in self._next_chat.items()}
            self._recent_429 = [(at + shift, chat) for at, chat in self._recent_429]
        self._last = now
        return now

    def waiting_chats(self) -> list[int]:
        """Chats that may not get a message yet; those whose wait is over are forgotten."""
        now = self._now()
        for chat in [chat for chat, at in self._next_chat.items() if at <= now]:
            del self._next_chat[chat]
        return list(self._next_chat)

    def next_free_in(self) -> float | None:
        """Seconds until the first waiting chat may send again (None: no chat waits)."""
        if not self.waiting_chats():
            return None
        return max(0.0, min(self._next_chat.values()) - self._now())

    def slot(self) -> float:
        """Reserve the next global send moment; returns the seconds to wait for it."""
        now = self._now()
        at = max(now, self._next_global)
        self._next_global = at + self.interval
        return at - now

    def sending(self, chat_id: int) -> None:
        """A message to the chat leaves now: its next one waits for the chat's gap."""
        self.hold(chat_id, self.group_gap if chat_id < 0 else self.private_gap)

    def hold(self, chat_id: int, seconds: float) -> None:
        at = self._now() + seconds
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), at)

    def too_many(self, chat_id: int, seconds: float) -> None:
        """A 429 holds its own chat; only 429s for several chats at once pause everyone."""
        now = self._now()
        self.hold(chat_id, seconds)
        self._recent_429 = [(at, chat) for at, chat in self._recent_429 if now - at < 1.0]
        self._recent_429.append((now, chat_id))
        if len({chat for _, chat in self._recent_429}) >= FLOOD_CHATS:
            self._next_global = max(self._next_global, now + seconds)


class Gate:
    """Lets one message at a time take its global slot; group messages go before private ones
    (a group may have one every 3 s, so it must not also queue behind a second of private
    messages; being few, they never hold the private ones back for long)."""

    def __init__(self) -> None:
        self._busy = False
        self._queue: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    @contextlib.asynccontextmanager
    async def turn(self, *, first: bool) -> AsyncIterator[None]:
        if self._busy:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._queue, (0 if first else 1, next(self._order), waiter))
            try:
                await waiter
            except BaseException:
                if waiter.done() and not waiter.cancelled():  # handed the turn, then cancelled
                    self._release()
                raise
        self._busy = True
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        """Hand the turn to the next waiter still waiting (it stays busy), or free the gate."""
        while self._queue:
            _, _, waiter = heapq.heappop(self._queue)
            if not waiter.done():
                waiter.set_result(None)
                return
        self._busy = False
