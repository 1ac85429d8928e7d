"""Where a house stands: a location shared in reply to the household's message."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from domain import house_texts, people_texts
from handlers.access import can_see_unit
from storage import households, messages


async def on_location(update: Update, context: BotContext) -> None:
    """A location replying to a household's message: where the house stands."""
    message, official = update.effective_message, context.official
    assert message is not None and message.location is not None and official is not None
    target = None
    async with context.services.db() as session:
        if message.reply_to_message is not None:
            target = await messages.get_message(
                session, chat_id=message.chat_id, message_id=message.reply_to_message.message_id
            )
    if target is None or target.kind != "house":
        await message.reply_html(house_texts.location_where())
        return
    saved = None
    async with context.services.db.begin() as session:
        household = await households.get_household(session, household_id=int(target.data["household_id"]))
        if household is not None and can_see_unit(official, household.unit_id):
            await households.set_location(
                session,
                household=household,
                lat=message.location.latitude,
                lon=message.location.longitude,
                official_id=official.id,
                now=context.services.clock.now(),
            )
            saved = household.head_name
    if saved is None:
        await message.reply_html(people_texts.other_unit_refused())
        return
    await message.reply_html(house_texts.location_saved(saved))
