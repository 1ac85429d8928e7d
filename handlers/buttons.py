"""Every button press is checked at the edge: data that does not decode never reaches a feature."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from domain import people_texts
from domain.callbacks import Callback, decode

logger = logging.getLogger(__name__)


async def refuse_forged(update: Update, context: BotContext) -> None:
    """Group -2: a press whose data is empty, too long or does not fit its action gets one toast."""
    query = update.callback_query
    if query is None or decode(query.data) is not None:
        return
    user = query.from_user.id if query.from_user else None
    logger.warning("update %s: refused callback data %r from user %s", update.update_id, query.data, user)
    await query.answer(people_texts.invalid_button(), show_alert=True)
    raise ApplicationHandlerStop


async def accept(update: Update) -> tuple[CallbackQuery, Callback] | None:
    """The press and its decoded data, with the spinner stopped; None when there is nothing to do."""
    query = update.callback_query
    callback = decode(query.data) if query else None
    if query is None or callback is None:
        return None
    await query.answer()
    return query, callback
