"""The giao ban pack beside the Monday digest: a one-page .docx written to the digest's folder and
sent as a document to the groups that get the full digest, to each leader and to the office.

Its dedupe key carries the day and the recipient, so a tick run twice, on two instances or after
a restart sends it once."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from bot.context import Services
from domain import digest
from domain.digest import DigestData
from domain.giaoban import PackData
from domain.giaoban_texts import PACK_CAPTION
from domain.statuses import Role
from domain.workdays import WorkCalendar
from storage import chats, meetings, outbox, reminder_queries

KIND = "digest.pack"
AFTER_DIGEST = dt.timedelta(seconds=1)  # behind the digest's own parts in each chat


def pack_path(folder: Path, day: dt.date) -> Path:
    return folder / f"tai-lieu-giao-ban-{day.isoformat()}.docx"


async def enqueue_pack(
    services: Services,
    *,
    data: DigestData,
    calendar: WorkCalendar,
    folder: Path,
    key: str,
    now: dt.datetime,
) -> int:
    """Write the pack for `data.day` and queue it for every recipient not sent it yet."""
    async with services.db() as session:
        pack = await meetings.pack_data(session, digest=data, zone=services.settings.tz, calendar=calendar)
    path = pack_path(folder, data.day)
    await asyncio.to_thread(_write, path, pack)
    count = 0
    async with services.db.begin() as session:
        targets = [
            (f"c{chat.id}", chat.telegram_chat_id, None)
            for chat in await chats.digest_chats(session)
            if chat.digest_detail == digest.FULL  # a counts-only group is not shown task names
        ]
        targets += [
            (f"o{person.id}", person.telegram_user_id, person.id)
            for person in await reminder_queries.by_roles(session, roles=[Role.LEADER, Role.ADMIN])
            if person.telegram_user_id is not None
        ]
        payload = {
            "document_path": str(path),
            "filename": path.name,
            "caption": PACK_CAPTION.format(day=f"{data.day:%d/%m/%Y}"),
        }
        for suffix, chat_id, official_id in targets:
            count += await outbox.enqueue(
                session,
                chat_id=chat_id,
                kind=KIND,
                dedupe_key=f"{key}:{suffix}:pack",
                payload=payload,
                due_at=now + AFTER_DIGEST,
                official_id=official_id,
            )
    return count


def _write(path: Path, pack: PackData) -> None:
    from domain.giaoban_pack import giao_ban_pack  # python-docx: loaded only when a pack is drawn

    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".docx.part")
    temporary.write_bytes(giao_ban_pack(pack))
    temporary.replace(path)
