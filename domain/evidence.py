"""Photo evidence from bytes: is it an image, when and where was it taken, what does it look like."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # Pillow and imagehash (numpy, scipy) load with the first photo, not at start-up
    from PIL import Image

MAX_BYTES = 20 * 1024 * 1024  # what a bot may download through getFile
MAX_PIXELS = 80_000_000
SIMILAR_BITS = 6  # perceptual hashes closer than this are the same picture (resized, recompressed)


class EvidenceError(ValueError):
    """A file that cannot be kept as evidence; the message is Vietnamese, for the user."""


@dataclass(frozen=True, slots=True)
class Evidence:
    width: int
    height: int
    phash: str
    taken_at: dt.datetime | None  # from EXIF, in the given zone, converted to UTC
    latitude: float | None
    longitude: float | None


def examine(data: bytes, *, zone: ZoneInfo) -> Evidence:
    """Open the bytes as an image (refusing anything else), read EXIF time and GPS, hash it."""
    if len(data) > MAX_BYTES:
        raise EvidenceError("Ảnh quá lớn (tối đa 20 MB).")
    import imagehash
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise EvidenceError("Ảnh có kích thước quá lớn.")
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise EvidenceError("Tệp gửi lên không phải là ảnh hợp lệ (JPEG, PNG, WebP...).") from None
    exif = image.getexif()
    taken_at = _taken_at(exif, zone)
    latitude, longitude = _gps(exif)
    return Evidence(
        image.width, image.height, str(imagehash.phash(image.convert("RGB"))), taken_at, latitude, longitude
    )


def distance(a: str, b: str) -> int:
    """The bits in which two hex perceptual hashes differ (imagehash's `-`, without loading it)."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _taken_at(exif: Image.Exif, zone: ZoneInfo) -> dt.datetime | None:
    raw = exif.get_ifd(0x8769).get(0x9003) or exif.get(0x0132)  # DateTimeOriginal, else DateTime
    if not raw:
        return None
    try:
        local = dt.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return local.replace(tzinfo=zone).astimezone(dt.UTC)  # cameras write local time without a zone


def _gps(exif: Image.Exif) -> tuple[float | None, float | None]:
    gps = exif.get_ifd(0x8825)
    try:
        lat = _degrees(gps[2]) * (-1 if str(gps.get(1, "N")).upper().startswith("S") else 1)
        lon = _degrees(gps[4]) * (-1 if str(gps.get(3, "E")).upper().startswith("W") else 1)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    return round(lat, 6), round(lon, 6)


def _degrees(value: tuple[float, float, float]) -> float:
    d, m, s = (float(v) for v in value)
    return d + m / 60 + s / 3600
