"""/start and /help: what the bot is, and for strangers how to get an invitation."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from domain import texts
from storage import people


async def start(update: Update, context: BotContext) -> None:
    """Greet the caller: an official by name, a stranger with how to get an invitation."""
    message = update.effective_message
    if message is None:
        return
    official = context.official
    if official is None:
        user = update.effective_user
        await message.reply_html(texts.welcome_stranger(user.first_name if user else None))
        return
    async with context.services.db() as session:
        unit = await people.get_unit(session, unit_id=official.unit_id)
    await message.reply_html(
        texts.welcome_official(official.full_name, unit.name if unit else None)
    )


async def show_help(update: Update, context: BotContext) -> None:
    """List the commands, with how dates and names may be typed."""
    if update.effective_message is not None:
        await update.effective_message.reply_html(texts.help_text())
