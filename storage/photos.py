"""Photo evidence on disk under its content hash, and its record in the database."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Photo

MAX_PHOTO_BYTES = 20 * 1024 * 1024  # what the Bot API lets a bot download
_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF", b"GIF87a", b"GIF89a")


class PhotoError(ValueError):
    """A file that cannot be kept as evidence; the message is Vietnamese, for the user."""


def check_image(data: bytes) -> None:
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError("Ảnh quá lớn (tối đa 20 MB).")
    if not data.startswith(_SIGNATURES) and data[4:12] not in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        raise PhotoError("Tệp gửi lên không phải là ảnh (JPEG, PNG, WebP, HEIC).")


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
    at: dt.datetime | None = None,
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
        taken_at=None,
    )
    session.add(photo)
    await session.flush()
    return photo, True
