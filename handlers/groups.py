"""Registering group chats (e.g. the leaders' group that receives the Monday digest)."""

from __future__ import annotations

from telegram import Chat, Message, Update
from telegram.constants import ChatType

from bot.context import BotContext
from domain import people_texts
from domain.vntext import accent_free_key
from storage import chats

DETAIL_WORDS = {"": None, "soluong": "counts", "chitiet": "full"}  # None: keep what the group had


async def register_group(update: Update, context: BotContext) -> None:
    """/registergroup in a group: the bot serves it from now on."""
    chat, message = await _group(update)
    if chat is None or message is None:
        return
    # "/registergroup soluong": a wider group sees counts only; "chitiet" (the default): units and names.
    word = accent_free_key(" ".join(context.args or [])).replace(" ", "")
    if word not in DETAIL_WORDS:  # a slip is explained, never taken as "the default"
        await message.reply_html(people_texts.usage("registergroup", "chitiet | soluong"))
        return
    detail = DETAIL_WORDS[word]
    async with context.services.db.begin() as session:
        record, was_new = await chats.register_chat(
            session,
            telegram_chat_id=chat.id,
            title=chat.title or str(chat.id),
            now=context.services.clock.now(),
            actor_id=context.official.id if context.official else None,
            detail=detail,
        )
    await message.reply_html(people_texts.group_registered(record.title, was_new, record.digest_detail))


async def unregister_group(update: Update, context: BotContext) -> None:
    """/unregistergroup in a group: the bot ignores it from now on."""
    chat, message = await _group(update)
    if chat is None or message is None:
        return
    async with context.services.db.begin() as session:
        record = await chats.get_registered_chat(session, telegram_chat_id=chat.id)
        if record is not None:
            await chats.unregister_chat(
                session,
                chat=record,
                now=context.services.clock.now(),
                actor_id=context.official.id if context.official else None,
            )
    await message.reply_html(
        people_texts.group_unregistered(record.title) if record else people_texts.not_registered_group()
    )


async def _group(update: Update) -> tuple[Chat | None, Message | None]:
    """The group and the command's message; (None, None) after explaining in a private chat."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return None, None
    if chat.type == ChatType.PRIVATE:
        await message.reply_html(people_texts.group_only())
        return None, None
    return chat, message
