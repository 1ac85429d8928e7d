"""Photo evidence on disk under its content hash, and its record in the database."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Photo


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
