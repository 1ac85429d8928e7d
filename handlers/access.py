"""Access control, the one place it is decided: who is calling, and what their role allows."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import KeyboardButton, ReplyKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot import logs
from bot.context import BotContext
from domain import people_texts
from domain.statuses import Role
from storage import chats, officials, outbox
from storage.models import Official

logger = logging.getLogger(__name__)

Handler = Callable[[Update, BotContext], Awaitable[Any]]

# What a stranger may do in a private chat: learn what the bot is, and get linked.
PUBLIC_COMMANDS = frozenset({"start", "help"})
# The only command heard in a group that is not registered yet.
GROUP_SETUP_COMMAND = "registergroup"
# Messages refused while the official had blocked the bot are resent if they are this recent.
REFUSED_RETRY_WINDOW = dt.timedelta(days=7)


def command_of(update: Update) -> str | None:
    """'/start@nhacviec_bot abc' → 'start'; None when the update is not a command."""
    message = update.effective_message
    if message is None or not message.text or not message.text.startswith("/"):
        return None
    return message.text.split()[0][1:].split("@")[0].lower()


async def load_caller(update: Update, context: BotContext) -> None:
    """Group -1: resolve the caller, and stop here whatever the caller may not reach."""
    chat, user = update.effective_chat, update.effective_user
    if user is None or chat is None:
        raise ApplicationHandlerStop  # channel posts and the like: not for this bot
    private = chat.type == ChatType.PRIVATE
    async with context.services.read() as session:
        official = await officials.get_official_by_telegram_id(
            session, telegram_user_id=user.id, include_inactive=True
        )
        registered = private or await chats.get_registered_chat(session, telegram_chat_id=chat.id)
    if official is not None and not official.active:
        if private:
            await _refuse(update, people_texts.account_locked())
        raise ApplicationHandlerStop
    context.official = official
    logs.annotate(official_id=official.id if official is not None else None)
    if private and official is not None and not official.reachable:
        await _reachable_again(context, official, chat_id=chat.id)
    command = command_of(update)
    if not private:
        if official is None:  # a stranger's press still gets its toast, or the button spins
            await _answer_press(update, people_texts.stranger_toast())
        elif not registered and not (command == GROUP_SETUP_COMMAND and official.role == Role.ADMIN):
            await _hint_unregistered(update, context, command, official)
        else:
            return
        logger.debug("ignoring update %s in group %s", update.update_id, chat.id)
        raise ApplicationHandlerStop
    if official is None:
        message = update.effective_message
        if command in PUBLIC_COMMANDS or (message is not None and message.contact is not None):
            return
        if update.callback_query is not None:
            await _answer_press(update, people_texts.stranger_toast())
        elif message is not None:  # the text names the phone button: the button comes with it
            await message.reply_html(people_texts.stranger_refused(), reply_markup=share_phone_keyboard())
        raise ApplicationHandlerStop


def share_phone_keyboard() -> ReplyKeyboardMarkup:
    """The one button that shares the caller's own number, to be linked by it."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(people_texts.SHARE_PHONE_BUTTON, request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def _hint_unregistered(
    update: Update, context: BotContext, command: str | None, official: Official
) -> None:
    """A known official's command (or press) in a group the office has not registered: one short
    hint, so it is not mistaken for a broken bot; chatter and other bots' commands stay unanswered."""
    if update.callback_query is not None:
        await _answer_press(update, people_texts.group_not_registered())
        return
    message = update.effective_message
    if command is None or message is None or not _addressed_to_me(message.text or "", context):
        return
    if command == GROUP_SETUP_COMMAND:  # only an admin gets past load_caller with it
        await message.reply_html(people_texts.register_group_admins_only())
    else:
        await message.reply_html(people_texts.group_not_registered())


def _addressed_to_me(text: str, context: BotContext) -> bool:
    """'/status' or '/status@this_bot', not '/status@another_bot' (groups often have several bots)."""
    _, at, name = text.split()[0].partition("@")
    return not at or name.lower() == (context.bot.username or "").lower()


async def _reachable_again(context: BotContext, official: Official, *, chat_id: int) -> None:
    """The official writes to the bot again after a refused delivery (403): deliverable again,
    and what was refused lately is sent after all."""
    assert official.id is not None
    now = context.services.clock.now()
    async with context.services.db.begin() as session:
        await officials.mark_reachable(session, official_id=official.id, now=now)
        retried = await outbox.retry_refused(
            session, chat_id=chat_id, since=now - REFUSED_RETRY_WINDOW, now=now
        )
    official.reachable = True
    if retried:
        context.services.wake_sender.set()
    logger.info("official %s is reachable again; %d refused messages resent", official.id, retried)


def requires(*roles: Role) -> Callable[[Handler], Handler]:
    """Let the handler run only for officials of these roles; everyone else gets one clear no."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: BotContext) -> Any:
            official = context.official
            if official is None or official.role not in roles:
                text = people_texts.admins_only() if roles == (Role.ADMIN,) else people_texts.not_allowed()
                await _refuse(update, text)
                return None
            return await handler(update, context)  # a conversation's next state passes through

        return guarded

    return decorate


def private_only(handler: Handler) -> Handler:
    """Keep a command out of group chats (invitation links and personal data are not for groups)."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: BotContext) -> Any:
        chat = update.effective_chat
        if chat is not None and chat.type != ChatType.PRIVATE:
            await _refuse(update, people_texts.private_only())
            return None
        return await handler(update, context)

    return guarded


def sees_all_units(official: Official) -> bool:
    """Leaders and the office see every unit; an official sees only their own."""
    return official.role in (Role.ADMIN, Role.LEADER)


def can_see_unit(official: Official, unit_id: int | None) -> bool:
    return sees_all_units(official) or (unit_id is not None and unit_id == official.unit_id)


async def _refuse(update: Update, text: str) -> None:
    if update.callback_query is not None:
        await _answer_press(update, text)
    elif update.effective_message is not None:
        await update.effective_message.reply_html(text)


async def _answer_press(update: Update, text: str) -> None:
    """Answer a button press with an alert (Telegram shows at most 200 characters)."""
    if update.callback_query is not None:
        await update.callback_query.answer(text[:200], show_alert=True)
