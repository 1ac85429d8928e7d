"""A photo (or an image file) in a private chat: to the task card it replies to, else to a household.

This router sits above both features so that neither imports the other.
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from handlers import houses, task_replies
from storage import messages


async def on_photo(update: Update, context: BotContext) -> None:
    """Send the photo to the task card it replies to, or to the xóa nhà tạm intake."""
    message = update.effective_message
    assert message is not None
    replied = None
    if message.reply_to_message is not None:
        async with context.services.db() as session:
            replied = await messages.get_message(
                session, chat_id=message.chat_id, message_id=message.reply_to_message.message_id
            )
    if replied is not None and replied.task_id is not None and replied.kind == "card":
        await task_replies.on_photo(update, context)
        return
    await houses.on_photo(update, context, replied)
