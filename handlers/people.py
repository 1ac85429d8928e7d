"""Officials: the list by unit for everyone allowed, and the office's add/edit/lock/invite."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext
from domain import people_texts
from domain.callbacks import Callback
from domain.render import split_message
from domain.statuses import Role
from domain.units import UnitName
from handlers import buttons
from handlers.access import can_see_unit, sees_all_units
from storage import officials, units
from storage.models import Official, Unit

UNIT_PICK = "ou"


def unit_buttons(candidates: Sequence[UnitName], action: str = UNIT_PICK) -> InlineKeyboardMarkup:
    """One button per candidate unit, for 'did you mean' answers."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(c.label, callback_data=Callback(action, (str(c.unit_id),)).encode())]
            for c in candidates
        ]
    )


async def list_officials(update: Update, context: BotContext) -> None:
    """/officials [đơn vị]: who is in a unit and who has not activated the bot yet."""
    message, caller = update.effective_message, context.official
    if message is None or caller is None:
        return
    query = " ".join(context.args or [])
    async with context.services.db() as session:
        if not query:
            if sees_all_units(caller):
                await _overview(update, context)
                return
            unit = await units.get_unit(session, unit_id=caller.unit_id)
        else:
            match = await units.find_unit(session, query=query)
            if match.found is None:
                await message.reply_html(
                    people_texts.unit_not_found(query, [c.label for c in match.candidates]),
                    reply_markup=unit_buttons(match.candidates) if match.candidates else None,
                )
                return
            unit = await units.get_unit(session, unit_id=match.found.unit_id)
    await _send_unit(update, context, unit)


async def pick_unit(update: Update, context: BotContext) -> None:
    """A 'did you mean' button of /officials was pressed."""
    pressed = await buttons.accept(update)
    if pressed is None:
        return
    async with context.services.db() as session:
        unit = await units.get_unit(session, unit_id=pressed[1].number(0))
    await _send_unit(update, context, unit)


async def _send_unit(update: Update, context: BotContext, unit: Unit | None) -> None:
    caller = context.official
    chat = update.effective_chat
    if caller is None or chat is None:
        return
    if unit is None or not can_see_unit(caller, unit.id):
        await context.bot.send_message(chat.id, people_texts.other_unit_refused())
        return
    async with context.services.db() as session:
        rows = await officials.list_officials(
            session, unit_id=unit.id, include_inactive=caller.role == Role.ADMIN
        )
    show_ids = caller.role == Role.ADMIN
    lines = [people_texts.officials_header(unit.name, len(rows))]
    lines += [
        people_texts.official_line(
            o.id or 0,
            o.full_name,
            o.title,
            o.role,
            o.telegram_user_id is not None,
            o.active,
            show_ids=show_ids,
        )
        for o, _ in rows
    ]
    for chunk in split_message(lines):
        await context.bot.send_message(chat.id, chunk)


async def _overview(update: Update, context: BotContext) -> None:
    async with context.services.db() as session:
        rows = await officials.list_officials(session)
    per_unit: dict[str, list[Official]] = {}
    for official, unit in rows:
        per_unit.setdefault(unit.name if unit else people_texts.NO_UNIT, []).append(official)
    lines = [people_texts.officials_usage()]
    lines += [
        people_texts.units_overview_line(name, len(people), sum(p.telegram_user_id is None for p in people))
        for name, people in sorted(per_unit.items())
    ]
    for chunk in split_message(lines):
        await update.effective_message.reply_html(chunk)  # type: ignore[union-attr]
