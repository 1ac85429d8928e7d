"""Photo evidence on disk under its content hash, and its record in the database."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.evidence import SIMILAR_BITS, distance
from storage.models import Household, Photo


def store_bytes(data_dir: Path, data: bytes) -> tuple[str, Path]:
    """Write the bytes once under their SHA-256; returns (hash, path)."""
    digest = hashlib.sha256(data).hexdigest()
    folder = data_dir / "photos" / digest[:2]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / digest
    if not path.exists():
        temporary = path.with_suffix(".part")
        temporary.write_bytes(data)
        temporary.replace(path)  # atomic: a crash never leaves half a photo under its hash
    return digest, path


async def get_photo(session: AsyncSession, *, photo_id: int) -> Photo | None:
    return await session.get(Photo, photo_id)


async def add_photo(
    session: AsyncSession,
    *,
    file_id: str,
    file_unique_id: str,
    sha256: str,
    path: Path,
    size: int,
    official_id: int | None,
    task_id: int | None = None,
    household_id: int | None = None,
    caption: str | None = None,
    taken_at: dt.datetime | None = None,
    phash: str | None = None,
    gps: tuple[float | None, float | None] = (None, None),
    media_group_id: str | None = None,
) -> tuple[Photo, bool]:
    """Record a photo once per Telegram file and record it belongs to; returns (photo, was_new).

    The same file sent for another record is a new row (and the duplicate check flags it)."""
    existing = (
        await session.exec(
            select(Photo).where(
                Photo.file_unique_id == file_unique_id,
                col(Photo.task_id).is_(None) if task_id is None else col(Photo.task_id) == task_id,
                col(Photo.household_id).is_(None)
                if household_id is None
                else col(Photo.household_id) == household_id,
            )
        )
    ).first()
    if existing is not None:
        return existing, False
    photo = Photo(
        file_id=file_id,
        file_unique_id=file_unique_id,
        sha256=sha256,
        path=str(path),
        size_bytes=size,
        official_id=official_id,
        task_id=task_id,
        household_id=household_id,
        caption=caption[:1024] if caption else None,
        taken_at=taken_at,
        phash=phash,
        gps_lat=gps[0],
        gps_lon=gps[1],
        media_group_id=media_group_id,
    )
    session.add(photo)
    await session.flush()
    return photo, True


async def find_duplicate(
    session: AsyncSession, *, sha256: str, phash: str | None, household_id: int | None
) -> Photo | None:
    """A photo of another household that is the same picture (same bytes, or the same image)."""
    same = (
        await session.exec(
            select(Photo).where(
                Photo.sha256 == sha256,
                col(Photo.household_id).is_not(None),
                col(Photo.household_id) != household_id,
            )
        )
    ).first()
    if same is not None or phash is None:
        return same
    others = await session.exec(
        select(Photo).where(
            col(Photo.phash).is_not(None),
            col(Photo.household_id).is_not(None),
            col(Photo.household_id) != household_id,
        )
    )
    return next((p for p in others.all() if distance(p.phash or "", phash) <= SIMILAR_BITS), None)


async def photo_counts(session: AsyncSession, *, household_ids: Sequence[int]) -> dict[int, int]:
    if not household_ids:
        return {}
    result = await session.exec(
        select(Photo.household_id, func.count())
        .where(col(Photo.household_id).in_(list(household_ids)))
        .group_by(col(Photo.household_id))
    )
    return {int(hid): int(n) for hid, n in result.all() if hid is not None}


async def flagged_photos(
    session: AsyncSession, *, unit_id: int | None = None
) -> list[tuple[Photo, Household]]:
    """Photos that repeat a picture already used for another household, for the office."""
    query = (
        select(Photo, Household)
        .join(Household, col(Photo.household_id) == Household.id)
        .where(col(Photo.duplicate_of_id).is_not(None))
    )
    if unit_id is not None:
        query = query.where(Household.unit_id == unit_id)
    return [(p, h) for p, h in (await session.exec(query)).all()]


async def album_first(
    session: AsyncSession, *, media_group_id: str, official_id: int, photo_id: int
) -> Photo | None:
    """The earliest other photo of the same album from the same official (its household leads)."""
    result = await session.exec(
        select(Photo)
        .where(
            Photo.media_group_id == media_group_id,
            Photo.official_id == official_id,
            col(Photo.id) != photo_id,
        )
        .order_by(col(Photo.id))
    )
    return result.first()


async def with_album(session: AsyncSession, *, photo_ids: Sequence[int]) -> list[Photo]:
    """The photos, and the rest of their album not yet given to a household."""
    batch = [p for p in [await session.get(Photo, pid) for pid in photo_ids] if p is not None]
    if batch and batch[0].media_group_id:
        rest = await session.exec(
            select(Photo).where(
                Photo.media_group_id == batch[0].media_group_id,
                col(Photo.household_id).is_(None),
                col(Photo.id).not_in(list(photo_ids)),
            )
        )
        batch += list(rest.all())
    return batch
