"""Telegram's sending limits as token buckets, answered with 429 and retry_after like Telegram."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Bucket:
    """Holds up to `capacity` sends, refilled at `rate` per second."""

    capacity: float
    rate: float
    tokens: float = -1.0
    stamp: float = 0.0

    def take(self, now: float) -> float:
        """Take one send; return 0 when allowed, else the seconds until one is available."""
        if self.tokens < 0:
            self.tokens, self.stamp = self.capacity, now
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


@dataclass
class LimitConfig:
    """The documented limits; bursts are what Telegram tolerates in practice."""

    enabled: bool = True
    global_per_second: float = 30.0
    global_burst: float = 30.0
    chat_per_second: float = 1.0
    chat_burst: float = 3.0
    group_per_minute: float = 20.0
    group_burst: float = 20.0


@dataclass
class Limiter:
    """Decides whether a send to a chat may go now."""

    config: LimitConfig = field(default_factory=LimitConfig)
    clock: Callable[[], float] = time.monotonic
    _global: Bucket | None = None
    _chats: dict[int, Bucket] = field(default_factory=dict)
    too_many: int = 0

    def check(self, chat_id: int, *, is_group: bool) -> int:
        """0 if the send may go, else retry_after in whole seconds (at least 1)."""
        if not self.config.enabled:
            return 0
        cfg, now = self.config, self.clock()
        if self._global is None:
            self._global = Bucket(cfg.global_burst, cfg.global_per_second)
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = (
                Bucket(cfg.group_burst, cfg.group_per_minute / 60.0)
                if is_group
                else Bucket(cfg.chat_burst, cfg.chat_per_second)
            )
            self._chats[chat_id] = chat
        wait = chat.take(now)
        if wait == 0:
            wait = self._global.take(now)
            if wait:  # give the chat its token back: the send did not happen
                chat.tokens += 1
        if wait:
            self.too_many += 1
            return max(1, math.ceil(wait))
        return 0

    def reset(self, config: LimitConfig | None = None) -> None:
        if config is not None:
            self.config = config
        self._global = None
        self._chats.clear()
        self.too_many = 0
