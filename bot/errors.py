"""The one error handler: log with the update id, apologise to the user in Vietnamese."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import BotContext
from domain import texts

logger = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure and tell the user something went wrong, without any detail."""
    update_id = update.update_id if isinstance(update, Update) else None
    logger.error("update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.internal_error()[:200], show_alert=True)
        else:
            await context.bot.send_message(update.effective_chat.id, texts.internal_error())
    except Forbidden:
        logger.info("could not apologise for update %s: the user blocked the bot", update_id)
    except TelegramError:
        logger.warning("could not apologise for update %s", update_id, exc_info=True)
