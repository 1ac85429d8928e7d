"""Receiving a photo as evidence: size limit, a real image, kept under its hash with EXIF and hash."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from domain import house_texts
from domain.evidence import MAX_BYTES, EvidenceError, examine
from storage import photos
from storage.models import Photo


async def receive_photo(update: Update, context: BotContext, *, task_id: int | None = None) -> Photo | None:
    """Download, check it really is an image, keep it; refuse clearly (and keep nothing) otherwise."""
    message, official = update.effective_message, context.official
    assert message is not None and official is not None
    file = message.photo[-1] if message.photo else message.document
    assert file is not None
    if file.file_size and file.file_size > MAX_BYTES:
        await message.reply_html(house_texts.too_big())
        return None
    data = bytes(await (await file.get_file()).download_as_bytearray())
    try:
        evidence = examine(data, zone=context.services.settings.tz)
    except EvidenceError as exc:
        await message.reply_html(house_texts.not_an_image(str(exc)))
        return None
    digest, path = photos.store_bytes(context.services.settings.data_dir, data)
    async with context.services.db.begin() as session:
        photo, _new = await photos.add_photo(
            session,
            file_id=file.file_id,
            file_unique_id=file.file_unique_id,
            sha256=digest,
            path=path,
            size=len(data),
            official_id=official.id,
            task_id=task_id,
            caption=message.caption,
            taken_at=evidence.taken_at,
            phash=evidence.phash,
            gps=(evidence.latitude, evidence.longitude),
            media_group_id=message.media_group_id,
        )
    return photo
