"""The one error handler: log with the update id, apologise in Vietnamese, or ask for a retry.

A transient database failure (SQLite busy, a PostgreSQL connection dropped) rolled the handler's
transaction back, so the inbox may run the update again later: the user then gets the real
answer instead of an apology. The inbox tells this handler which attempt runs through a
context variable, and reads back what was decided.
"""

from __future__ import annotations

import contextvars
import logging
from dataclasses import dataclass

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from domain import texts
from storage.transient import is_transient

logger = logging.getLogger(__name__)


@dataclass
class Attempt:
    """One processing attempt of an inbox update, as the error handler leaves it."""

    number: int
    last: bool  # no retry after this one: a failure is final
    retry: bool = False  # a transient failure: run the update again later
    error: str | None = None  # what went wrong, for the inbox row


current_attempt: contextvars.ContextVar[Attempt | None] = contextvars.ContextVar(
    "current_attempt", default=None
)


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure; retry a transient one later, else tell the user something went wrong."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    attempt = current_attempt.get() if isinstance(update, Update) else None
    if error is not None and is_transient(error):
        if attempt is not None and not attempt.last:
            attempt.retry, attempt.error = True, describe(error)
            logger.warning("update %s: database unavailable (%s); will retry", update_id, describe(error))
            raise ApplicationHandlerStop  # no further handler groups: the whole update runs again
        if update_id is None:  # a job: it runs again at its next tick
            logger.warning("job %s: database unavailable (%s)", _job_name(context), describe(error))
            return
        logger.error("update %s failed after retries: %s", update_id, describe(error))
    elif update_id is None:
        logger.error("job %s failed", _job_name(context), exc_info=error)
        return
    else:
        logger.error("update %s failed", update_id, exc_info=error)
    if attempt is not None:
        attempt.error = describe(error) if error is not None else "error"
    await _apologise(update, context)
    if attempt is not None:
        raise ApplicationHandlerStop  # a failed update is not half-handled by later groups


async def _apologise(update: object, context: BotContext) -> None:
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.internal_error()[:200], show_alert=True)
        else:
            await context.bot.send_message(update.effective_chat.id, texts.internal_error())
    except Forbidden:
        logger.info("could not apologise for update %s: the user blocked the bot", update.update_id)
    except TelegramError:
        logger.warning("could not apologise for update %s", update.update_id, exc_info=True)


def _job_name(context: BotContext) -> str | None:
    return context.job.name if context.job is not None else None
