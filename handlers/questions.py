"""Leaving a question: /huy and ✖️ Hủy close it; one left too long expires and says so."""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest

from bot.context import BotContext
from domain import taskflow_texts
from storage import messages
from storage.models import BotMessage


async def cancel(update: Update, context: BotContext) -> None:
    """/huy: close whatever question the bot is waiting on in this chat."""
    message = update.effective_message
    assert message is not None
    async with context.services.db.begin() as session:
        closed = await messages.close_prompts(
            session, chat_id=message.chat_id, now=context.services.clock.now()
        )
    await message.reply_html(
        taskflow_texts.question_cancelled() if closed else taskflow_texts.nothing_to_cancel()
    )


async def cancel_button(update: Update, context: BotContext) -> None:
    """✖️ Hủy under a question or a confirmation: close it and say so on the message itself."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    async with context.services.db.begin() as session:
        await messages.close_prompts(
            session,
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            now=context.services.clock.now(),
        )
    await query.answer(taskflow_texts.question_cancelled()[:200])
    text = getattr(query.message, "text_html", None) or ""
    try:
        await query.edit_message_text(text + taskflow_texts.cancelled_suffix(), reply_markup=None)
    except BadRequest as exc:  # pressed twice
        if "not modified" not in str(exc).lower():
            raise


async def still_open(update: Update, context: BotContext, prompt: BotMessage) -> bool:
    """False (and the user told why) when the question was closed or has expired meanwhile."""
    message = update.effective_message
    assert message is not None
    now = context.services.clock.now()
    if prompt.answered_at is not None:
        await message.reply_html(taskflow_texts.question_closed())
        return False
    if not messages.is_expired(prompt, now):
        return True
    async with context.services.db.begin() as session:
        await messages.mark_answered(session, message=prompt, now=now)
    minutes = int(messages.PROMPT_OPEN_FOR.total_seconds() // 60)
    await message.reply_html(taskflow_texts.question_expired(minutes))
    return False
