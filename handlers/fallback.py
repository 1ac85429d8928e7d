"""Answers for what no feature claimed: unknown commands and free text."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from domain import texts


async def unknown_command(update: Update, context: BotContext) -> None:
    """Name the unknown command and point to /help."""
    message = update.effective_message
    if message is None or not message.text:
        return
    command = message.text.split()[0].split("@")[0]
    await message.reply_html(texts.unknown_command(command))


async def unrecognised(update: Update, context: BotContext) -> None:
    """Free text, stickers and the like outside any conversation: say what the bot understands."""
    if update.effective_message is not None:
        await update.effective_message.reply_html(texts.free_text_hint())


async def stale_button(update: Update, context: BotContext) -> None:
    """A button from an older version or a removed feature: answer so the spinner stops."""
    if update.callback_query is not None:
        await update.callback_query.answer(texts.stale_button(), show_alert=True)
