"""Multi-step conversations in the database: a restart, or another instance, goes on from the step.

/assign and a directive's review are python-telegram-bot ConversationHandlers; their step lived in
the process and their draft in `user_data`, so a restart in the middle lost both and the next
press met "Nút này đã cũ". This is python-telegram-bot's persistence hook (BasePersistence) over
two tables (storage.conversations): a step and a draft are written once the update that changed
them has been handled, before the inbox marks it done, and read back at start-up.

The timeout is decided here on the injected clock, not by a job in one process's memory: before
an update of a private chat runs, a step older than its conversation's timeout is dropped, so the
text typed a day later is not taken as the answer to a question asked yesterday. With several
instances (webhook mode) the step and the draft of the chat are read from the database before
each of its updates, because the previous update may have run in another instance.
"""

from __future__ import annotations

import datetime as dt
import logging
import pickle
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.ext import Application, BasePersistence, ConversationHandler, PersistenceInput

from bot.context import Clock
from storage import conversations

logger = logging.getLogger(__name__)

Data = dict[Any, Any]
ConversationKey = tuple[int | str, ...]  # python-telegram-bot's: here (chat id, user id)
ConversationDict = dict[ConversationKey, object]


class StoredConversations(BasePersistence[Data, Data, Data]):
    """Steps and drafts in the database; nothing of chat_data, bot_data or callback data."""

    def __init__(
        self,
        db: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        timeouts: Mapping[str, dt.timedelta],
        shared: bool = False,
    ) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True, callback_data=False),
            update_interval=60,
        )
        self.db, self.clock, self.timeouts, self.shared = db, clock, dict(timeouts), shared
        self._reached: dict[tuple[str, ConversationKey], dt.datetime] = {}  # when each step was reached
        self._written: dict[int, bytes | None] = {}  # each person's draft as last stored

    # --- what the inbox calls around an update --------------------------------------------------

    async def prepare(self, update: Update, handlers: list[ConversationHandler[Any]]) -> list[str]:
        """Before a private chat's update: its steps as the database has them (several instances),
        and none past its conversation's timeout; the names of the conversations that ended so."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or chat.type != chat.PRIVATE:
            return []
        ended: list[str] = []
        key, now = (chat.id, user.id), self.clock.now()
        if self.shared:  # the chat's last update may have run in another instance: the database's
            async with self.db() as session:
                stored = await conversations.steps_of(session, key=key)
        for handler in handlers:
            name, steps = handler.name or "", _steps(handler)
            if self.shared:
                steps.data.pop(key, None)  # untracked: the database has the truth
                if name in stored:
                    state, self._reached[(name, key)] = stored[name]
                    steps.update_no_track({key: state})
            if key not in steps:
                self._reached.pop((name, key), None)
            elif self._reached.get((name, key), now) < now - self.timeouts[name]:
                logger.info("conversation %s of chat %s ended: no answer within its timeout", name, chat.id)
                steps.pop(key)  # written as ended by the next update_persistence
                self._reached.pop((name, key), None)
                ended.append(name)
        return ended

    # --- python-telegram-bot's persistence -------------------------------------------------------

    async def get_conversations(self, name: str) -> ConversationDict:
        now = self.clock.now()
        since = now - self.timeouts[name]
        async with self.db.begin() as session:
            forgotten = await conversations.forget_before(session, name=name, before=since)
            stored = await conversations.states(session, name=name, since=since)
        if forgotten:
            logger.info("conversation %s: %d abandoned steps forgotten", name, forgotten)
        for key, (_, reached) in stored.items():
            self._reached[(name, key)] = reached
        return {key: state for key, (state, _) in stored.items()}

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        if len(key) != 2:  # every conversation here is per chat and per user
            raise ValueError(f"conversation {name}: unexpected key {key!r}")
        chat_id, user_id = int(key[0]), int(key[1])
        ended = not isinstance(new_state, int) or new_state == ConversationHandler.END
        state = None if ended else int(new_state)  # type: ignore[arg-type]
        now = self.clock.now()
        async with self.db.begin() as session:
            await conversations.set_state(session, name=name, key=(chat_id, user_id), state=state, at=now)
        if state is None:
            self._reached.pop((name, key), None)
        else:
            self._reached[(name, key)] = now

    async def get_user_data(self) -> dict[int, Data]:
        """The drafts at start-up, without those of conversations abandoned meanwhile (each keeps
        its draft under its own name; the row is rewritten at the person's next update)."""
        now = self.clock.now()
        async with self.db() as session:
            stored = await conversations.drafts(session)
            live = {
                name: {
                    user_id
                    for _, user_id in await conversations.states(session, name=name, since=now - timeout)
                }
                for name, timeout in self.timeouts.items()
            }
        loaded: dict[int, Data] = {}
        for user_id, blob in stored.items():
            data = self._unpickle(user_id, blob)
            for name in self.timeouts:
                if user_id not in live[name]:
                    data.pop(name, None)
            if data:
                loaded[user_id] = data
        self._written = dict(stored)
        return loaded

    async def update_user_data(self, user_id: int, data: Data) -> None:
        blob = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL) if data else None
        if self._written.get(user_id) == blob:
            return  # most updates change no draft: no write
        async with self.db.begin() as session:
            await conversations.set_draft(session, user_id=user_id, data=blob, at=self.clock.now())
        self._written[user_id] = blob

    async def refresh_user_data(self, user_id: int, user_data: Data) -> None:
        if not self.shared:
            return  # one process: what it holds is what it wrote
        async with self.db() as session:
            blob = (await conversations.drafts(session, user_ids=[user_id])).get(user_id)
        if blob == self._written.get(user_id):
            return
        data = self._unpickle(user_id, blob) if blob else {}
        for name in self.timeouts:  # a draft whose step prepare() found ended (or never saw) goes
            if (name, (user_id, user_id)) not in self._reached:  # (a private chat's id is its user's)
                data.pop(name, None)
        user_data.clear()
        user_data.update(data)
        self._written[user_id] = blob

    async def drop_user_data(self, user_id: int) -> None:
        await self.update_user_data(user_id, {})

    def _unpickle(self, user_id: int, blob: bytes) -> Data:
        try:
            data = pickle.loads(blob)  # written by this bot, in its own database
        except Exception:  # a draft of an older version that no longer reads: start afresh
            logger.warning("the stored draft of user %s could not be read; dropped", user_id, exc_info=True)
            return {}
        return data if isinstance(data, dict) else {}

    # --- what is not kept -----------------------------------------------------------------------

    async def get_chat_data(self) -> dict[int, Data]:
        return {}

    async def get_bot_data(self) -> Data:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: Data) -> None:
        return None

    async def update_bot_data(self, data: Data) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: Data) -> None:
        return None

    async def refresh_bot_data(self, bot_data: Data) -> None:
        return None

    async def flush(self) -> None:
        return None  # every change is written as it happens


class AroundUpdates:
    """What the inbox calls around each update: the chat's steps before it, the changes after."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.app = app
        self._handlers: list[ConversationHandler[Any]] | None = None

    @property
    def handlers(self) -> list[ConversationHandler[Any]]:
        if self._handlers is None:  # registered by now: the inbox runs after build_application
            self._handlers = [
                handler
                for group in self.app.handlers.values()
                for handler in group
                if isinstance(handler, ConversationHandler) and handler.persistent
            ]
        return self._handlers

    async def prepare(self, update: Update) -> None:
        if not isinstance(self.app.persistence, StoredConversations):
            return
        ended = await self.app.persistence.prepare(update, self.handlers)
        if ended and update.effective_user is not None:  # each keeps its draft under its own name
            drafts = self.app.user_data[update.effective_user.id]
            for name in ended:
                drafts.pop(name, None)  # stored as gone with the update's other changes

    async def store(self) -> None:
        """Write the steps and drafts the update changed; a failure is logged, not the update's
        (it has been handled: running it again would answer a step it has already passed)."""
        if self.app.persistence is None:
            return
        try:
            await self.app.update_persistence()
        except Exception as exc:
            logger.warning("conversation steps not stored (%s); kept in memory", exc, exc_info=True)


def _steps(handler: ConversationHandler[Any]) -> Any:
    """The handler's step by key: python-telegram-bot keeps it private and offers no setter; a
    persistent handler's is a TrackingDict (update_no_track, pop)."""
    return handler._conversations
