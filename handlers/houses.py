"""Xóa nhà tạm photos: which household a photo shows (asked when unclear), its stage, its location."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import Message, Update

from bot.context import BotContext
from domain import house_names, house_texts, people_texts
from domain.callbacks import Callback, decode
from domain.programmes import Programme
from domain.task_texts import Buttons
from handlers.access import can_see_unit
from handlers.evidence import receive_photo
from handlers.keyboards import ask, cancel_row, markup
from storage import audit, house_evidence, households, messages, photos, units
from storage.house_evidence import Attached
from storage.models import BotMessage, Household, Photo

logger = logging.getLogger(__name__)

PICK_HOUSE, PICK_STAGE = "hh", "hs"
TIP_ACTION = "tips.as_file"
OPEN_OFFERED = 8  # households offered when a photo names none


def programme_of(context: BotContext) -> Programme:
    return context.services.settings.current_programme()


def _chat_id(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


async def on_photo(update: Update, context: BotContext, replied: BotMessage | None) -> None:
    """A photo not meant for a task card: to the household it replies to or names, or asked which."""
    message = update.effective_message
    assert message is not None
    photo = await receive_photo(update, context)
    if photo is None:
        return
    stage = programme_of(context).stage_from_text(message.caption or "")
    if replied is not None and replied.kind == "house":
        await _attach_or_ask_stage(update, context, photo, int(replied.data["household_id"]), stage)
        return
    if not (message.media_group_id and await _follow_album(update, context, photo)):
        await _intake(update, context, photo, stage)
    if message.photo and not message.document:
        await _tip_once(update, context)


async def _follow_album(update: Update, context: BotContext, photo: Photo) -> bool:
    """A later photo of an album goes where the first one went (or waits while that is asked)."""
    assert context.official is not None and update.effective_message is not None
    async with context.services.db() as session:
        first = await photos.album_first(
            session,
            media_group_id=update.effective_message.media_group_id or "",
            official_id=context.official.id or 0,
            photo_id=photo.id or 0,
        )
    if first is None:
        return False
    if first.household_id is not None:
        await _attach(update, context, [photo.id or 0], first.household_id, first.stage, quiet=True)
    return True


async def _intake(update: Update, context: BotContext, photo: Photo, stage: str | None) -> None:
    """The household named in the caption, or the question 'which household?'."""
    message, official = update.effective_message, context.official
    assert message is not None and official is not None
    programme, caption = programme_of(context), message.caption or ""
    async with context.services.db() as session:
        unit = await units.get_unit(session, unit_id=official.unit_id)
        candidates = await households.households_of(
            session, unit_id=official.unit_id or 0, programme=programme.key
        )
    if unit is None or not candidates:
        await message.reply_html(house_texts.no_households(unit.name if unit else "Đơn vị"))
        return
    matches = house_names.matching(house_names.name_in_caption(caption), candidates) if caption else []
    if len(matches) == 1:
        await _attach_or_ask_stage(update, context, photo, matches[0].id or 0, stage)
        return
    offer = matches or _open_ones(candidates, programme)
    await _ask_household(
        update, context, photo.id or 0, stage, offer, house_texts.which_household(len(offer))
    )


def _open_ones(candidates: Sequence[Household], programme: Programme) -> list[Household]:
    return [h for h in candidates if h.stage != programme.last_stage][:OPEN_OFFERED]


def _label(household: Household) -> str:
    return household.head_name + (f" — {household.hamlet}" if household.hamlet else "")


async def _ask_household(
    update: Update,
    context: BotContext,
    photo_id: int,
    stage: str | None,
    offer: Sequence[Household],
    text: str,
) -> None:
    """'Ảnh này của hộ nào?' with a button per household offered and ✖️ Hủy; a typed name answers too."""
    rows: Buttons = [[(_label(h), Callback(PICK_HOUSE, (str(photo_id), str(h.id))).encode())] for h in offer]
    await ask(
        context,
        chat_id=_chat_id(update),
        prompt="house",
        text=text,
        task_id=None,
        official_id=context.official.id if context.official else None,
        data={"photo_id": photo_id, "stage": stage},
        buttons=rows,
    )


async def answer_name(update: Update, context: BotContext, prompt_data: dict[str, Any], text: str) -> None:
    """Text in answer to 'Ảnh này của hộ nào?': a name (perhaps misspelt), or not a name at all."""
    official = context.official
    assert official is not None
    programme, stage = programme_of(context), prompt_data.get("stage")
    async with context.services.db() as session:
        candidates = await households.households_of(
            session, unit_id=official.unit_id or 0, programme=programme.key
        )
        photo = await photos.get_photo(session, photo_id=int(prompt_data["photo_id"]))
    if photo is None:
        return
    if not house_names.is_a_name(text):
        offer = _open_ones(candidates, programme)
        await _ask_household(update, context, photo.id or 0, stage, offer, house_texts.not_a_name(text))
        return
    matches = house_names.matching(text, candidates)
    if len(matches) == 1:
        await _attach_or_ask_stage(update, context, photo, matches[0].id or 0, stage)
        return
    if matches:
        await _ask_household(
            update, context, photo.id or 0, stage, matches, house_texts.which_household(len(matches))
        )
        return
    offer = house_names.closest(text, candidates)
    await _ask_household(update, context, photo.id or 0, stage, offer, house_texts.no_match(text, len(offer)))


async def pick_household(update: Update, context: BotContext) -> None:
    """'Ảnh này của hộ nào?' answered with a button: the question closes, the photo is attached."""
    query = update.callback_query
    callback = decode(query.data or "") if query else None
    assert query is not None and callback is not None and context.official is not None
    photo_id, household_id = int(callback.args[0]), int(callback.args[1])
    await query.answer()
    async with context.services.db.begin() as session:
        photo = await photos.get_photo(session, photo_id=photo_id)
        if query.message is not None:
            asked = await messages.get_message(
                session, chat_id=query.message.chat.id, message_id=query.message.message_id
            )
            if asked is not None and asked.kind == "prompt":
                await messages.mark_answered(session, message=asked, now=context.services.clock.now())
    if photo is None or photo.official_id != context.official.id:
        return
    stage = programme_of(context).stage_from_text(photo.caption or "")
    await _attach_or_ask_stage(update, context, photo, household_id, stage)


async def pick_stage(update: Update, context: BotContext) -> None:
    """'Ảnh cho thấy giai đoạn nào?' answered with a button."""
    query = update.callback_query
    callback = decode(query.data or "") if query else None
    assert query is not None and callback is not None and context.official is not None
    photo_id, household_id, stage = int(callback.args[0]), int(callback.args[1]), callback.args[2]
    await query.answer()
    await _attach(update, context, [photo_id], household_id, stage)


async def _attach_or_ask_stage(
    update: Update, context: BotContext, photo: Photo, household_id: int, stage: str | None
) -> None:
    if stage is not None:
        await _attach(update, context, [photo.id or 0], household_id, stage)
        return
    programme = programme_of(context)
    async with context.services.db() as session:
        household = await households.get_household(session, household_id=household_id)
    if household is None:
        return
    later = programme.stages[max(1, programme.stage_index(household.stage)) :]
    rows: Buttons = [
        [(label, Callback(PICK_STAGE, (str(photo.id), str(household_id), key)).encode())]
        for key, label in later
    ]
    await context.bot.send_message(
        _chat_id(update),
        house_texts.which_stage(household.head_name),
        reply_markup=markup([*rows, cancel_row()]),
    )


async def _attach(
    update: Update,
    context: BotContext,
    photo_ids: list[int],
    household_id: int,
    stage: str | None,
    *,
    quiet: bool = False,
) -> None:
    """Attach photos to a household (one transaction), then tell the official; quiet for an album's rest."""
    official, services = context.official, context.services
    assert official is not None
    chat_id = _chat_id(update)
    result: Attached | None = None
    async with services.db.begin() as session:
        household = await households.get_household(session, household_id=household_id)
        if household is not None and can_see_unit(official, household.unit_id):
            result = await house_evidence.attach_photos(
                session,
                household=household,
                photo_ids=photo_ids,
                stage=stage,
                programme=programme_of(context),
                official_id=official.id,
                now=services.clock.now(),
                zone=services.settings.tz,
                handover_news=services.settings.handover_news,
            )
    if result is None:
        await context.bot.send_message(chat_id, people_texts.other_unit_refused())
        return
    services.wake_sender.set()  # the office's duplicate notice, the leaders' handover news
    if result.copied_from is not None:
        await context.bot.send_message(
            chat_id, house_texts.duplicate_warning(result.head_name, result.copied_from)
        )
    elif quiet:
        return
    sent = await context.bot.send_message(chat_id, _attached_text(context, result))
    await _remember_house_card(context, sent, household_id)


def _attached_text(context: BotContext, result: Attached) -> str:
    tz = context.services.settings.tz
    return house_texts.attached(
        result.head_name,
        result.hamlet,
        result.unit_name,
        programme_of(context).stage_label(result.stage),
        result.moved,
        result.on,
        result.photos,
        result.taken_at.astimezone(tz).strftime("%H:%M %d/%m/%Y") if result.taken_at else None,
        result.has_gps,
    )


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
