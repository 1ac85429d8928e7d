"""Sending what users answer: keyboards from button data, task cards and questions, all recorded."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.context import BotContext
from domain.callbacks import Callback
from domain.task_texts import Buttons
from domain.taskflow_texts import CANCEL_LABEL
from storage import messages

CANCEL = "qx"  # callback action of ✖️ Hủy under any question: v1:qx


def cancel_row() -> list[tuple[str, str]]:
    """✖️ Hủy, for any question or confirmation (houses may put it under their questions too)."""
    return [(CANCEL_LABEL, Callback(CANCEL).encode())]


def markup(buttons: Buttons | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in buttons]
    )


async def send_card(
    context: BotContext, *, chat_id: int, text: str, buttons: Buttons, task_id: int, official_id: int | None
) -> Message:
    """Send a task card and remember it, so that a reply to it lands on the task."""
    sent = await context.bot.send_message(chat_id, text, reply_markup=markup(buttons))
    async with context.services.db.begin() as session:
        await messages.record_message(
            session,
            chat_id=chat_id,
            message_id=sent.message_id,
            kind="card",
            task_id=task_id,
            official_id=official_id,
            at=context.services.clock.now(),
        )
    return sent


async def ask(
    context: BotContext,
    *,
    chat_id: int,
    prompt: str,
    text: str,
    task_id: int | None,
    official_id: int | None,
    data: dict[str, Any] | None = None,
    buttons: Buttons | None = None,
) -> Message:
    """Ask a question whose answer (a reply, or the next plain text, or one of `buttons`) the bot
    will expect; ✖️ Hủy under it (or /huy) closes it, and it expires after messages.PROMPT_OPEN_FOR."""
    sent = await context.bot.send_message(
        chat_id, text, reply_markup=markup([*(buttons or []), cancel_row()])
    )
    now = context.services.clock.now()
    async with context.services.db.begin() as session:
        await messages.close_prompts(session, chat_id=chat_id, now=now)
        await messages.record_message(
            session,
            chat_id=chat_id,
            message_id=sent.message_id,
            kind="prompt",
            task_id=task_id,
            official_id=official_id,
            prompt=prompt,
            data=data,
            at=now,
        )
    return sent
