"""Photos joining a household: its album, the stage they show, and pictures already used elsewhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from domain import house_texts
from domain.programmes import Programme
from storage import chats, households, outbox, photos, task_notices
from storage.models import Household, Photo, Unit


@dataclass(frozen=True, slots=True)
class Attached:
    """What the official is told once the photos are kept."""

    head_name: str
    hamlet: str | None
    unit_name: str
    stage: str
    moved: bool
    on: dt.date
    photos: int
    taken_at: dt.datetime | None
    has_gps: bool
    copied_from: str | None  # the head of the household whose picture one of these repeats


async def attach_photos(
    session: AsyncSession,
    *,
    household: Household,
    photo_ids: Sequence[int],
    stage: str | None,
    programme: Programme,
    official_id: int | None,
    now: dt.datetime,
    zone: ZoneInfo,
    handover_news: bool,
) -> Attached:
    """Give the photos (and the rest of their album) to the household, move its stage forward,
    flag a picture already used for another household, and queue the office's and leaders' news."""
    batch = await photos.with_album(session, photo_ids=photo_ids)
    copied = [await _claim(session, photo, household, stage) for photo in batch]
    copied_from = next((name for name in copied if name), None)
    taken = next((p.taken_at for p in batch if p.taken_at), None)
    on = (taken or now).astimezone(zone).date()
    moved = False
    if stage:
        moved = await households.set_stage(
            session,
            household=household,
            stage=stage,
            on=on,
            programme=programme,
            official_id=official_id,
            now=now,
        )
    unit = await session.get(Unit, household.unit_id)
    unit_name = unit.name if unit else ""
    if copied_from is not None:
        await _tell_office(session, household, unit_name, copied_from, now)
    if moved and stage == programme.last_stage and handover_news:
        await _handover_news(session, household, unit_name, on, now)
    counts = await photos.photo_counts(session, household_ids=[household.id or 0])
    return Attached(
        household.head_name,
        household.hamlet,
        unit_name,
        household.stage,
        moved,
        household.stage_on or on,
        counts.get(household.id or 0, 0),
        taken,
        household.gps_lat is not None,
        copied_from,
    )


async def _claim(session: AsyncSession, photo: Photo, household: Household, stage: str | None) -> str | None:
    """Give one photo to the household; the head of another household it repeats, if any."""
    photo.household_id, photo.stage = household.id, stage or photo.stage
    if photo.gps_lat is not None and household.gps_lat is None:
        household.gps_lat, household.gps_lon = photo.gps_lat, photo.gps_lon
    twin = await photos.find_duplicate(
        session, sha256=photo.sha256, phash=photo.phash, household_id=household.id
    )
    if twin is None:
        return None
    photo.duplicate_of_id = twin.id
    other = await session.get(Household, twin.household_id)
    return other.head_name if other else "?"


async def _tell_office(
    session: AsyncSession, household: Household, unit: str, other: str, now: dt.datetime
) -> None:
    await task_notices.notify_admins(
        session,
        text=house_texts.duplicate_for_office(household.head_name, unit, other),
        kind="photo.duplicate",
        key=f"dup:{household.id}:{now.date().isoformat()}",
        now=now,
    )


async def _handover_news(
    session: AsyncSession, household: Household, unit: str, on: dt.date, now: dt.datetime
) -> None:
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
