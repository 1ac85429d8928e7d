"""/start (with an invitation code or not), /help, and linking by a shared phone contact."""

from __future__ import annotations

import datetime as dt
import logging

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import BotCommand, BotCommandScopeChat, ReplyKeyboardRemove, Update
from telegram.error import TelegramError

from bot.context import BotContext
from domain import office_texts, people_texts, texts
from domain.people import normalize_phone
from handlers.access import share_phone_keyboard
from storage import invitations, outbox, task_notices, units
from storage.invitations import Redeem, RedeemResult
from storage.models import Official

logger = logging.getLogger(__name__)


async def start(update: Update, context: BotContext) -> None:
    """Greet the caller; with a code (a deep link), link the account to the invited official."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    if context.args:
        now = context.services.clock.now()
        async with context.services.db.begin() as session:
            result = await invitations.redeem(
                session, code=context.args[0], telegram_user_id=user.id, now=now
            )
            if result.outcome == Redeem.RELINKED:
                await _tell_account_moved(session, context, result, new_account=user.id, now=now)
        await _answer_link(update, context, result, refusals=people_texts.REDEEM_REFUSALS)
        return
    official = context.official
    if official is None:
        await message.reply_html(texts.welcome_stranger(user.first_name), reply_markup=share_phone_keyboard())
        return
    async with context.services.db() as session:
        unit = await units.get_unit(session, unit_id=official.unit_id)
    await message.reply_html(texts.welcome_official(official.full_name, unit.name if unit else None))


async def show_help(update: Update, context: BotContext) -> None:
    """List the commands the caller's role can use, with how dates and names may be typed."""
    if update.effective_message is not None:
        role = context.official.role if context.official else None
        await update.effective_message.reply_html(texts.help_text(texts.commands_for(role), role=role))


async def contact_shared(update: Update, context: BotContext) -> None:
    """Link the account if the shared number is the sender's own and belongs to an official."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.contact is None:
        return
    contact = message.contact
    if contact.user_id != user.id:
        await message.reply_html(people_texts.contact_not_own(), reply_markup=share_phone_keyboard())
        return
    phone = normalize_phone(contact.phone_number or "")
    if phone is None:
        await message.reply_html(people_texts.contact_without_phone())
        return
    async with context.services.db.begin() as session:
        result = await invitations.link_by_phone(
            session, phone=phone, telegram_user_id=user.id, now=context.services.clock.now()
        )
    await _answer_link(update, context, result, refusals=people_texts.CONTACT_REFUSALS)


async def _answer_link(
    update: Update, context: BotContext, result: RedeemResult, *, refusals: dict[str, str]
) -> None:
    message = update.effective_message
    assert message is not None
    official = result.official
    if result.outcome in (Redeem.LINKED, Redeem.RELINKED) and official is not None:
        async with context.services.db() as session:
            unit = await units.get_unit(session, unit_id=official.unit_id)
        await message.reply_html(
            people_texts.linked(
                official.full_name,
                unit.name if unit else None,
                official.role,
                relinked=result.outcome == Redeem.RELINKED,
            ),
            reply_markup=ReplyKeyboardRemove(),
        )
        await set_menu(context, official)
    elif result.outcome == Redeem.ALREADY and official is not None:
        await message.reply_html(
            people_texts.already_linked(official.full_name), reply_markup=ReplyKeyboardRemove()
        )
    else:
        await message.reply_html(refusals.get(result.outcome, refusals.get("unknown", "")))


async def _tell_account_moved(
    session: AsyncSession, context: BotContext, result: RedeemResult, *, new_account: int, now: dt.datetime
) -> None:
    """A re-link moved the official to this account: the old account and the office hear of it
    (through the outbox, in the same transaction), so a stranger with a leaked code is noticed."""
    official, old = result.official, result.previous_account
    if official is None or old is None or old == new_account:
        return
    when = f"{now.astimezone(context.services.settings.tz):%H:%M %d/%m/%Y}"
    key = f"account.moved:{official.id}:{old}:{new_account}:{now.isoformat()}"
    await outbox.enqueue(
        session,
        chat_id=old,
        kind="account.moved",
        dedupe_key=key,
        payload={"text": office_texts.account_moved_away(official.full_name, when)},
        due_at=now,
    )
    await task_notices.notify_admins(
        session,
        text=office_texts.office_account_moved(official.full_name, official.id or 0, old, new_account, when),
        kind="account.moved.office",
        key=key,
        now=now,
        exclude_id=official.id,
    )


async def set_menu(context: BotContext, official: Official) -> None:
    """The command menu of the official's role, in their private chat."""
    if official.telegram_user_id is None:
        return
    commands = [BotCommand(name, text) for name, text in texts.commands_for(official.role)]
    try:
        await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(official.telegram_user_id))
    except TelegramError:  # the menu is a convenience; linking already succeeded
        logger.warning("could not set the command menu for official %s", official.id, exc_info=True)
