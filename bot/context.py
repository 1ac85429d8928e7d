"""Typed services shared by handlers and jobs, and the per-update context that carries them."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from storage.db import read_session_factory

if TYPE_CHECKING:
    from storage.models import Official


class Clock(Protocol):
    """Where time comes from: the system in production, a hand-moved clock in tests."""

    def now(self) -> dt.datetime:
        """The current moment, timezone-aware (UTC)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class Services:
    """Everything a handler or job needs besides the update, wired once in build_application."""

    settings: Settings
    db: async_sessionmaker[AsyncSession]
    clock: Clock
    # Set after committing a notification, so the outbox sender looks now, not at its next tick.
    wake_sender: asyncio.Event = field(default_factory=asyncio.Event)
    # Sessions for what a handler only reads, never a write (storage.db.read_session_factory).
    read: async_sessionmaker[AsyncSession] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "read", read_session_factory(self.db.kw["bind"]))

    def today(self) -> dt.date:
        """Today's date in the configured time zone (Asia/Ho_Chi_Minh by default)."""
        return self.clock.now().astimezone(self.settings.tz).date()


class BotData:
    """The application-wide data PTB keeps: only the typed services, never string keys."""

    def __init__(self) -> None:
        self.services: Services | None = None


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """PTB's context plus typed services and the caller as the access layer resolved them."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        # Set in group -1 by handlers.access before any feature handler runs.
        self.official: Official | None = None

    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are wired in build_application; none found")
        return services
