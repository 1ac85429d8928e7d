"""Xóa nhà tạm in the bot: photo evidence of each household, locations, progress and export."""

from __future__ import annotations

import datetime as dt
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.context import BotContext
from domain import house_texts, people_texts
from domain.callbacks import Callback, decode
from domain.programmes import Programme
from handlers import task_replies
from handlers.access import can_see_unit
from handlers.evidence import receive_photo
from handlers.keyboards import ask
from storage import audit, chats, households, messages, outbox, task_notices, units
from storage.models import Household, Photo

logger = logging.getLogger(__name__)

PICK_HOUSE, PICK_STAGE = "hh", "hs"
TIP_ACTION = "tips.as_file"


def programme_of(context: BotContext) -> Programme:
    return context.services.settings.current_programme()


async def on_photo(update: Update, context: BotContext) -> None:
    """A photo (or an image sent as a file): to a task card, to a household, or asked which."""
    message, official = update.effective_message, context.official
    assert message is not None and official is not None
    target = None
    if message.reply_to_message is not None:
        async with context.services.db() as session:
            target = await messages.get_message(
                session, chat_id=message.chat_id, message_id=message.reply_to_message.message_id
            )
    if target is not None and target.task_id is not None and target.kind == "card":
        await task_replies.on_photo(update, context)
        return
    photo = await receive_photo(update, context)
    if photo is None:
        return
    programme = programme_of(context)
    if target is not None and target.kind == "house":
        stage = programme.stage_from_text(message.caption or "")
        await _attach_or_ask_stage(update, context, photo, int(target.data["household_id"]), stage)
        return
    await _intake(update, context, photo, programme)
    if message.photo and not message.document:
        await _tip_once(update, context)


async def _intake(update: Update, context: BotContext, photo: Photo, programme: Programme) -> None:
    message, official = update.effective_message, context.official
    assert message is not None and official is not None
    caption = message.caption or ""
    stage = programme.stage_from_text(caption)
    async with context.services.db() as session:
        if message.media_group_id:  # a later photo of an album follows the first one
            earlier = await _album_household(session, message.media_group_id, official.id or 0, photo.id or 0)
            if earlier is not None:
                household_id, album_stage = earlier
                if household_id:
                    await _attach(update, context, [photo.id or 0], household_id, album_stage, quiet=True)
                return
        unit = await units.get_unit(session, unit_id=official.unit_id)
        candidates = await households.households_of(
            session, unit_id=official.unit_id or 0, programme=programme.key
        )
    if unit is None or not candidates:
        await message.reply_html(house_texts.no_households(unit.name if unit else "Đơn vị"))
        return
    name = caption.split(" hộ ", 1)[1] if " hộ " in f" {caption}" else caption
    matches = households.match_households(name, candidates) if caption else []
    if len(matches) == 1:
        await _attach_or_ask_stage(update, context, photo, matches[0].id or 0, stage)
        return
    open_ones = [h for h in candidates if h.stage != programme.last_stage]
    offer = matches or open_ones[:8]
    rows = [
        [
            InlineKeyboardButton(
                _label(h), callback_data=Callback(PICK_HOUSE, (str(photo.id), str(h.id))).encode()
            )
        ]
        for h in offer
    ]
    sent = await message.reply_html(
        house_texts.which_household(len(offer)), reply_markup=InlineKeyboardMarkup(rows) if rows else None
    )
    async with context.services.db.begin() as session:
        await messages.record_message(
            session,
            chat_id=message.chat_id,
            message_id=sent.message_id,
            kind="prompt",
            prompt="house",
            official_id=official.id,
            data={"photo_id": photo.id, "stage": stage},
            at=context.services.clock.now(),
        )


def _label(household: Household) -> str:
    return household.head_name + (f" — {household.hamlet}" if household.hamlet else "")


async def _album_household(session, media_group_id: str, official_id: int, photo_id: int):  # type: ignore[no-untyped-def]
    """(household id or None while still asked, stage) of an earlier photo of the same album."""
    from sqlmodel import col, select

    earlier = (
        await session.exec(
            select(Photo)
            .where(
                Photo.media_group_id == media_group_id,
                Photo.official_id == official_id,
                col(Photo.id) != photo_id,
            )
            .order_by(col(Photo.id))
        )
    ).first()
    if earlier is None:
        return None
    return earlier.household_id, earlier.stage


async def pick_household(update: Update, context: BotContext) -> None:
    """'Ảnh này của hộ nào?' answered with a button."""
    query = update.callback_query
    callback = decode(query.data or "") if query else None
    assert query is not None and callback is not None and context.official is not None
    photo_id, household_id = int(callback.args[0]), int(callback.args[1])
    await query.answer()
    async with context.services.db() as session:
        photo = await session.get(Photo, photo_id)
    if photo is None or photo.official_id != context.official.id:
        return
    stage = context.services.settings.current_programme().stage_from_text(photo.caption or "")
    await _attach_or_ask_stage(update, context, photo, household_id, stage)


async def pick_stage(update: Update, context: BotContext) -> None:
    query = update.callback_query
    callback = decode(query.data or "") if query else None
    assert query is not None and callback is not None and context.official is not None
    photo_id, household_id, stage = int(callback.args[0]), int(callback.args[1]), callback.args[2]
    await query.answer()
    await _attach(update, context, [photo_id], household_id, stage)


async def _attach_or_ask_stage(
    update: Update, context: BotContext, photo: Photo, household_id: int, stage: str | None
) -> None:
    programme = programme_of(context)
    if stage is None:
        async with context.services.db() as session:
            household = await session.get(Household, household_id)
        if household is None:
            return
        current = programme.stage_index(household.stage)
        rows = [
            [
                InlineKeyboardButton(
                    label,
                    callback_data=Callback(PICK_STAGE, (str(photo.id), str(household_id), key)).encode(),
                )
            ]
            for key, label in programme.stages[max(1, current) :]
        ]
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        await context.bot.send_message(
            chat_id, house_texts.which_stage(household.head_name), reply_markup=InlineKeyboardMarkup(rows)
        )
        return
    await _attach(update, context, [photo.id or 0], household_id, stage)


async def _attach(
    update: Update,
    context: BotContext,
    photo_ids: list[int],
    household_id: int,
    stage: str | None,
    *,
    quiet: bool = False,
) -> None:
    """Attach photos (and the rest of their album) to a household, move its stage, flag copies."""
    official = context.official
    assert official is not None
    programme, now, tz = programme_of(context), context.services.clock.now(), context.services.settings.tz
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    async with context.services.db.begin() as session:
        household = await session.get(Household, household_id)
        if household is None or not can_see_unit(official, household.unit_id):
            await context.bot.send_message(chat_id, people_texts.other_unit_refused())
            return
        batch = [p for p in [await session.get(Photo, pid) for pid in photo_ids] if p is not None]
        if batch and batch[0].media_group_id:
            from sqlmodel import col, select

            batch += list(
                (
                    await session.exec(
                        select(Photo).where(
                            Photo.media_group_id == batch[0].media_group_id,
                            col(Photo.household_id).is_(None),
                            col(Photo.id).not_in(photo_ids),
                        )
                    )
                ).all()
            )
        duplicates = []
        for photo in batch:
            photo.household_id, photo.stage = household_id, stage or photo.stage
            twin = await households.find_duplicate(
                session, sha256=photo.sha256, phash=photo.phash, household_id=household_id
            )
            if twin is not None:
                photo.duplicate_of_id = twin.id
                other = await session.get(Household, twin.household_id)
                duplicates.append(other.head_name if other else "?")
            if photo.gps_lat is not None and household.gps_lat is None:
                household.gps_lat, household.gps_lon = photo.gps_lat, photo.gps_lon
        taken = next((p.taken_at for p in batch if p.taken_at), None)
        on = (taken or now).astimezone(tz).date()
        moved = (
            await households.set_stage(
                session,
                household=household,
                stage=stage,
                on=on,
                programme=programme,
                official_id=official.id,
                now=now,
            )
            if stage
            else False
        )
        unit = await units.get_unit(session, unit_id=household.unit_id)
        count = (await households.photo_counts(session, household_ids=[household_id])).get(household_id, 0)
        unit_name = unit.name if unit else ""
        if duplicates:
            await _tell_office_duplicate(session, household, unit_name, duplicates[0], now)
        if moved and stage == programme.last_stage and context.services.settings.handover_news:
            await _handover_news(session, household, unit_name, on, now)
    if duplicates:
        await context.bot.send_message(
            chat_id, house_texts.duplicate_warning(household.head_name, duplicates[0])
        )
    if quiet and not duplicates:
        return
    text = house_texts.attached(
        household.head_name,
        household.hamlet,
        unit_name,
        programme.stage_label(household.stage),
        moved,
        household.stage_on or on,
        count,
        taken.astimezone(tz).strftime("%H:%M %d/%m/%Y") if taken else None,
        household.gps_lat is not None,
    )
    sent = await context.bot.send_message(chat_id, text)
    await _remember_house_card(context, sent, household_id)
    context.services.wake_sender.set()


async def _remember_house_card(context: BotContext, sent: Message, household_id: int) -> None:
    async with context.services.db.begin() as session:
        await messages.record_message(
            session,
            chat_id=sent.chat_id,
            message_id=sent.message_id,
            kind="house",
            official_id=context.official.id if context.official else None,
            data={"household_id": household_id},
            at=context.services.clock.now(),
        )


async def _tell_office_duplicate(
    session, household: Household, unit: str, other: str, now: dt.datetime
) -> None:  # type: ignore[no-untyped-def]
    await task_notices.notify_admins(
        session,
        text=house_texts.duplicate_for_office(household.head_name, unit, other),
        kind="photo.duplicate",
        key=f"dup:{household.id}:{now.date().isoformat()}",
        now=now,
    )


async def _handover_news(session, household: Household, unit: str, on: dt.date, now: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    text = house_texts.handover_news(household.head_name, household.hamlet, unit, on)
    for chat in await chats.news_chats(session):
        await outbox.enqueue(
            session,
            chat_id=chat.telegram_chat_id,
            kind="household.handover",
            dedupe_key=f"handover:{household.id}:c{chat.id}",
            payload={"text": text},
            due_at=now,
        )


async def _tip_once(update: Update, context: BotContext) -> None:
    official = context.official
    assert official is not None
    async with context.services.db.begin() as session:
        if await audit.list_audit(session, action=TIP_ACTION, official_id=official.id, limit=1):
            return
        await audit.add_audit(
            session, at=context.services.clock.now(), action=TIP_ACTION, official_id=official.id
        )
    await update.effective_message.reply_html(house_texts.AS_FILE_TIP)  # type: ignore[union-attr]


async def on_location(update: Update, context: BotContext) -> None:
    """A location replying to a household's message: where the house stands."""
    message = update.effective_message
    assert message is not None and message.location is not None
    target = None
    if message.reply_to_message is not None:
        async with context.services.db() as session:
            target = await messages.get_message(
                session, chat_id=message.chat_id, message_id=message.reply_to_message.message_id
            )
    if target is None or target.kind != "house":
        await message.reply_html(house_texts.location_where())
        return
    async with context.services.db.begin() as session:
        household = await session.get(Household, int(target.data["household_id"]))
        if household is None or not can_see_unit(context.official, household.unit_id):  # type: ignore[arg-type]
            await message.reply_html(people_texts.other_unit_refused())
            return
        household.gps_lat, household.gps_lon = message.location.latitude, message.location.longitude
        await audit.add_audit(
            session,
            at=context.services.clock.now(),
            action="households.location",
            official_id=context.official.id if context.official else None,
            entity="household",
            entity_id=household.id,
        )
    await message.reply_html(house_texts.location_saved(household.head_name))


async def answer_name(update: Update, context: BotContext, prompt_data: dict, text: str) -> None:
    """The household named by typing, in answer to 'Ảnh này của hộ nào?'."""
    official = context.official
    assert official is not None
    programme = programme_of(context)
    async with context.services.db() as session:
        candidates = await households.households_of(
            session, unit_id=official.unit_id or 0, programme=programme.key
        )
        photo = await session.get(Photo, int(prompt_data["photo_id"]))
    matches = households.match_households(text, candidates)
    if photo is None:
        return
    if len(matches) == 1:
        await _attach_or_ask_stage(update, context, photo, matches[0].id or 0, prompt_data.get("stage"))
        return
    rows = [
        [
            InlineKeyboardButton(
                _label(h), callback_data=Callback(PICK_HOUSE, (str(photo.id), str(h.id))).encode()
            )
        ]
        for h in matches
    ]
    if not rows:
        await ask(
            context,
            chat_id=update.effective_chat.id,
            prompt="house",  # type: ignore[union-attr]
            text=house_texts.no_match(text),
            task_id=None,
            official_id=official.id,
            data=prompt_data,
        )
        return
    await update.effective_message.reply_html(
        house_texts.which_household(len(rows)),  # type: ignore[union-attr]
        reply_markup=InlineKeyboardMarkup(rows),
    )
