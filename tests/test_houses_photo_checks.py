"""The two duplicate-photo checks, each alone: the same bytes, and the same picture re-encoded or resized."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from domain.evidence import SIMILAR_BITS, distance, examine
from domain.programmes import XOA_NHA_TAM
from domain.statuses import UnitKind
from emulator.client import EmulatorClient
from storage import households, photos, units
from storage.models import Photo
from tests.conftest import RunningBot
from tests.test_houses_e2e import HUNG, world

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def scene(seed: int) -> bytes:
    """A picture with shapes and no noise, the same for the same seed: its perceptual hash is stable
    under re-encoding (random noise is not, and made this test flaky)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (480, 360), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(image)
    for _ in range(14):
        x, y = rng.randrange(440), rng.randrange(320)
        w, h = rng.randrange(40, 200), rng.randrange(40, 160)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        (draw.rectangle if rng.random() < 0.5 else draw.ellipse)((x, y, x + w, y + h), fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def reencoded(data: bytes, *, quality: int = 55, scale: float = 1.0) -> bytes:
    """The same picture saved again: another JPEG quality, perhaps resized (as apps and Telegram do)."""
    image = Image.open(io.BytesIO(data))
    if scale != 1.0:
        image = image.resize((int(image.width * scale), int(image.height * scale)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


async def _two_households(db) -> tuple[int, int]:
    async with db.begin() as session:
        commune = await units.add_unit(session, name="Xã Long Hiệp", kind=UnitKind.COMMUNE)
        ids = []
        for name in ("Nguyễn Văn A", "Trần Thị B"):
            household = await households.add_household(
                session, programme=XOA_NHA_TAM, unit_id=commune.id or 0, head_name=name, now=NOW
            )
            ids.append(household.id or 0)
    return ids[0], ids[1]


async def _keep(
    db, tmp_path: Path, data: bytes, household_id: int, *, name: str, phash: bool = True
) -> Photo:
    digest, path = photos.store_bytes(tmp_path, data)
    async with db.begin() as session:
        photo, _ = await photos.add_photo(
            session,
            file_id=name,
            file_unique_id=name,
            sha256=digest,
            path=path,
            size=len(data),
            official_id=None,
            household_id=household_id,
            phash=examine(data, zone=HANOI).phash if phash else None,
        )
    return photo


async def test_the_same_file_for_another_household_is_caught_by_its_bytes(db, tmp_path: Path) -> None:
    first, second = await _two_households(db)
    original = scene(1)
    # Kept before perceptual hashes were recorded: only the bytes can tell it is the same file.
    await _keep(db, tmp_path, original, first, name="f1", phash=False)
    async with db() as session:
        twin = await photos.find_duplicate(
            session, sha256=hashlib.sha256(original).hexdigest(), phash=None, household_id=second
        )
        own = await photos.find_duplicate(
            session, sha256=hashlib.sha256(original).hexdigest(), phash=None, household_id=first
        )
    assert twin is not None and twin.household_id == first
    assert own is None  # the household's own earlier photo is not a copy


async def test_a_reencoded_or_resized_copy_is_caught_by_its_look(db, tmp_path: Path) -> None:
    first, second = await _two_households(db)
    original = scene(1)
    await _keep(db, tmp_path, original, first, name="f1")
    for copy in (reencoded(original, quality=55), reencoded(original, quality=85, scale=0.5)):
        assert hashlib.sha256(copy).digest() != hashlib.sha256(original).digest()
        look = examine(copy, zone=HANOI).phash
        assert distance(look, examine(original, zone=HANOI).phash) <= SIMILAR_BITS
        async with db() as session:
            twin = await photos.find_duplicate(
                session, sha256=hashlib.sha256(copy).hexdigest(), phash=look, household_id=second
            )
        assert twin is not None and twin.household_id == first
    other = scene(4)  # a different house is not a copy
    async with db() as session:
        assert (
            await photos.find_duplicate(
                session,
                sha256=hashlib.sha256(other).hexdigest(),
                phash=examine(other, zone=HANOI).phash,
                household_id=second,
            )
            is None
        )


async def test_a_resized_copy_sent_for_another_household_is_flagged(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    ids = await world(bot_db, client)
    original = scene(1)
    sent = await client.photo(HUNG, original, caption="thi công nhà hộ Nguyễn Văn A")
    await client.wait(HUNG, after=sent["seq"])
    copy = reencoded(original, quality=70, scale=0.75)
    sent = await client.photo(HUNG, copy, caption="thi công nhà hộ Trần Thị B")
    replies = [r["message"]["text"] for r in await client.wait(HUNG, after=sent["seq"], count=2)]
    assert any(t.startswith("⚠️ Ảnh này trùng với ảnh đã dùng cho hộ Nguyễn Văn A.") for t in replies)
    async with bot_db() as session:
        flagged = [p for _, p in await photos.flagged_photos(session)]
    assert [h.id for h in flagged] == [ids["Trần Thị B"]]
