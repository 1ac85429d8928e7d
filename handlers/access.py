"""Access control: who is calling, resolved once per update before any feature handler."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from storage import people

logger = logging.getLogger(__name__)


async def load_caller(update: Update, context: BotContext) -> None:
    """Attach the caller's official record; ignore group chats no admin has registered."""
    chat, user = update.effective_chat, update.effective_user
    async with context.services.db() as session:
        if chat is not None and chat.type != ChatType.PRIVATE:
            registered = await people.get_registered_chat(session, telegram_chat_id=chat.id)
            if registered is None:
                logger.info(
                    "ignoring update %s from unregistered chat %s", update.update_id, chat.id
                )
                raise ApplicationHandlerStop
        if user is not None:
            context.official = await people.get_official_by_telegram_id(
                session, telegram_user_id=user.id
            )
