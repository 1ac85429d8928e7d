"""The update inbox: raw updates stored before acknowledgement, processed once from here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.statuses import InboxStatus
from storage.models import InboxUpdate
from storage.upsert import insert_ignoring_duplicates


async def add_updates(session: AsyncSession, *, updates: Sequence[dict[str, Any]], now: dt.datetime) -> int:
    """Store raw updates; an update id seen before is ignored. Returns how many were new."""
    rows = [
        {
            "update_id": int(raw["update_id"]),
            "payload": raw,
            "received_at": now,
            "status": InboxStatus.PENDING,
            "attempts": 0,
        }
        for raw in updates
    ]
    return await insert_ignoring_duplicates(session, InboxUpdate, rows, conflict_columns=["update_id"])


async def next_offset(session: AsyncSession) -> int | None:
    """The getUpdates offset that confirms everything stored so far (None for an empty inbox)."""
    highest = (await session.exec(select(func.max(InboxUpdate.update_id)))).one()
    return None if highest is None else int(highest) + 1


async def pending_update_ids(session: AsyncSession, *, limit: int = 100) -> list[int]:
    """Ids of updates not yet processed, oldest first."""
    result = await session.exec(
        select(InboxUpdate.update_id)
        .where(InboxUpdate.status == InboxStatus.PENDING)
        .order_by(col(InboxUpdate.update_id))
        .limit(limit)
    )
    return [int(value) for value in result]


async def start_attempt(session: AsyncSession, *, update_id: int) -> InboxUpdate | None:
    """Count one more processing attempt and return the row, or None if it is no longer pending."""
    result = await session.exec(
        update(InboxUpdate)
        .where(col(InboxUpdate.update_id) == update_id, col(InboxUpdate.status) == InboxStatus.PENDING)
        .values(attempts=InboxUpdate.attempts + 1)
    )
    if not result.rowcount:
        return None
    return await session.get(InboxUpdate, update_id, populate_existing=True)


async def mark_processed(
    session: AsyncSession, *, update_id: int, now: dt.datetime, error: str | None = None
) -> None:
    """Close an update: done, or failed with the reason when it cannot be processed."""
    await session.exec(
        update(InboxUpdate)
        .where(col(InboxUpdate.update_id) == update_id)
        .values(
            status=InboxStatus.FAILED if error else InboxStatus.DONE,
            processed_at=now,
            last_error=error[:500] if error else None,
        )
    )


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    """How many updates are pending, done and failed."""
    result = await session.exec(select(InboxUpdate.status, func.count()).group_by(col(InboxUpdate.status)))
    return {str(status): int(count) for status, count in result.all()}


async def purge_processed(session: AsyncSession, *, before: dt.datetime) -> int:
    """Delete processed updates older than `before`, keeping the newest row for the offset."""
    newest = (await session.exec(select(func.max(InboxUpdate.update_id)))).one()
    result = await session.exec(
        delete(InboxUpdate).where(
            col(InboxUpdate.status) != InboxStatus.PENDING,
            col(InboxUpdate.processed_at) < before,
            col(InboxUpdate.update_id) != newest,
        )
    )
    return int(result.rowcount or 0)
