"""Meetings: one-off conferences with their agenda and preparing units; postpone and cancel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import outbox
from storage.audit import add_audit
from storage.models import Meeting, MeetingItem

PLANNED, CANCELLED = "planned", "cancelled"


async def add_meeting(
    session: AsyncSession,
    *,
    title: str,
    starts_at: dt.datetime,
    items: Sequence[tuple[str, int | None]] = (),
    location: str | None = None,
    now: dt.datetime,
    actor_id: int | None = None,
) -> Meeting:
    """A meeting and its agenda: (item, preparing unit id) in order."""
    meeting = Meeting(title=title, starts_at=starts_at, location=location)
    session.add(meeting)
    await session.flush()
    for position, (item, unit_id) in enumerate(items):
        session.add(
            MeetingItem(meeting_id=meeting.id or 0, position=position, title=item, preparing_unit_id=unit_id)
        )
    await add_audit(
        session,
        at=now,
        action="meetings.add",
        official_id=actor_id,
        entity="meeting",
        entity_id=meeting.id,
        detail={"title": title},
    )
    return meeting


async def items_of(session: AsyncSession, *, meeting_id: int) -> list[MeetingItem]:
    result = await session.exec(
        select(MeetingItem).where(MeetingItem.meeting_id == meeting_id).order_by(col(MeetingItem.position))
    )
    return list(result.all())


async def planned_between(session: AsyncSession, *, start: dt.datetime, end: dt.datetime) -> list[Meeting]:
    result = await session.exec(
        select(Meeting)
        .where(Meeting.status == PLANNED, col(Meeting.starts_at) >= start, col(Meeting.starts_at) < end)
        .order_by(col(Meeting.starts_at))
    )
    return list(result.all())


async def postpone(
    session: AsyncSession, *, meeting: Meeting, to: dt.datetime, now: dt.datetime, actor_id: int | None = None
) -> int:
    """Move a meeting; reminders for the old date not yet sent are withdrawn. Returns how many."""
    withdrawn = await outbox.cancel_pending(session, key_prefix=f"meeting:{meeting.id}:", now=now)
    old = meeting.starts_at
    meeting.starts_at = to
    await add_audit(
        session,
        at=now,
        action="meetings.postpone",
        official_id=actor_id,
        entity="meeting",
        entity_id=meeting.id,
        detail={"from": old.isoformat(), "to": to.isoformat()},
    )
    return withdrawn


async def cancel(
    session: AsyncSession, *, meeting: Meeting, now: dt.datetime, actor_id: int | None = None
) -> int:
    withdrawn = await outbox.cancel_pending(session, key_prefix=f"meeting:{meeting.id}:", now=now)
    meeting.status = CANCELLED
    await add_audit(
        session,
        at=now,
        action="meetings.cancel",
        official_id=actor_id,
        entity="meeting",
        entity_id=meeting.id,
    )
    return withdrawn


async def list_meetings(session: AsyncSession, *, since: dt.datetime) -> list[Meeting]:
    result = await session.exec(
        select(Meeting).where(col(Meeting.starts_at) >= since).order_by(col(Meeting.starts_at))
    )
    return list(result.all())
