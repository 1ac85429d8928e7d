"""Meetings: one-off conferences with their agenda and preparing units; postpone and cancel; the
meetings a programme announces and the ones a conclusions notice concludes, found again by their
day and title so that importing a document twice creates nothing twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.digest import DigestData
from domain.giaoban import GIAO_BAN, PackData
from domain.tasks import days_overdue
from domain.workdays import WorkCalendar
from storage import outbox
from storage.audit import add_audit
from storage.models import Meeting, MeetingItem, Task, Unit
from storage.reports import TaskLine

PLANNED, CANCELLED, HELD = "planned", "cancelled", "held"


class MeetingClosedError(Exception):
    """A cancelled or held meeting cannot be postponed or cancelled (its status says which)."""

    def __init__(self, meeting: Meeting) -> None:
        super().__init__(f"meeting {meeting.id} is {meeting.status}")
        self.meeting_id, self.status = meeting.id, meeting.status


def _still_planned(meeting: Meeting) -> None:
    if meeting.status != PLANNED:
        raise MeetingClosedError(meeting)


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
    """Move a planned meeting; reminders for the old date not yet sent are withdrawn. Returns how
    many. A cancelled or held meeting raises MeetingClosedError, and nothing changes."""
    _still_planned(meeting)
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
    """Cancel a planned meeting and withdraw its unsent reminders (MeetingClosedError otherwise)."""
    _still_planned(meeting)
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


async def find_meeting(
    session: AsyncSession, *, title: str, start: dt.datetime, end: dt.datetime, giao_ban: bool = False
) -> Meeting | None:
    """The meeting held between `start` and `end` with this title (any giao ban, for a giao ban)."""
    query = select(Meeting).where(col(Meeting.starts_at) >= start, col(Meeting.starts_at) < end)
    if giao_ban:
        query = query.where(func.lower(Meeting.title).contains(GIAO_BAN))
    else:
        query = query.where(func.lower(Meeting.title) == title.lower())
    return (await session.exec(query.order_by(col(Meeting.id)))).first()


async def add_once(
    session: AsyncSession,
    *,
    title: str,
    starts_at: dt.datetime,
    day_start: dt.datetime,
    items: Sequence[tuple[str, int | None]],
    now: dt.datetime,
    actor_id: int | None = None,
) -> tuple[Meeting, bool]:
    """A programme's meeting, unless one of that title is already on its day (from `day_start`):
    the existing one is returned as it is. True when it was created."""
    end = day_start + dt.timedelta(days=1)
    existing = await find_meeting(session, title=title, start=day_start, end=end)
    if existing is not None:
        return existing, False
    return await add_meeting(
        session, title=title, starts_at=starts_at, items=items, now=now, actor_id=actor_id
    ), True


async def concluded(
    session: AsyncSession,
    *,
    title: str,
    giao_ban: bool,
    day_start: dt.datetime,
    starts_at: dt.datetime,
    now: dt.datetime,
    actor_id: int | None = None,
) -> Meeting:
    """The meeting a conclusions notice concludes: found on its day, or recorded as held."""
    end = day_start + dt.timedelta(days=1)
    meeting = await find_meeting(session, title=title, start=day_start, end=end, giao_ban=giao_ban)
    if meeting is None:
        meeting = await add_meeting(session, title=title, starts_at=starts_at, now=now, actor_id=actor_id)
    if meeting.status != HELD:
        meeting.status = HELD
        session.add(meeting)
    return meeting


async def last_giao_ban(session: AsyncSession, *, before: dt.datetime) -> Meeting | None:
    """The latest giao ban before `before` whose conclusions were entered as tasks."""
    query = (
        select(Meeting)
        .where(
            col(Meeting.starts_at) < before,
            func.lower(Meeting.title).contains(GIAO_BAN),
            col(Meeting.id).in_(select(Task.meeting_id).where(col(Task.meeting_id).is_not(None))),
        )
        .order_by(col(Meeting.starts_at).desc(), col(Meeting.id).desc())
    )
    return (await session.exec(query)).first()


async def concluded_lines(
    session: AsyncSession, *, meeting_id: int, today: dt.date, calendar: WorkCalendar | None = None
) -> list[TaskLine]:
    """The tasks a meeting decided, with where each stands today, in the order they were entered."""
    query = (
        select(Task.id, Task.title, Unit.name, Task.due_on, Task.status)
        .join(Unit, col(Task.lead_unit_id) == Unit.id)
        .where(Task.meeting_id == meeting_id)
        .order_by(col(Task.id))
    )
    return [
        TaskLine(tid or 0, title, unit, due_on, status, days_overdue(due_on, status, today, calendar))
        for tid, title, unit, due_on, status in (await session.exec(query)).all()
    ]


async def pack_data(
    session: AsyncSession, *, digest: DigestData, zone: ZoneInfo, calendar: WorkCalendar | None = None
) -> PackData:
    """The giao ban pack: the digest's lists, and what the last giao ban before this one decided."""
    day = digest.day
    last = await last_giao_ban(session, before=dt.datetime.combine(day, dt.time(0), zone))
    concluded = (
        await concluded_lines(session, meeting_id=last.id or 0, today=day, calendar=calendar) if last else []
    )
    return PackData(
        day=day,
        office=digest.office,
        last_meeting=last.starts_at.astimezone(zone).date() if last else None,
        concluded=concluded,
        overdue=digest.overdue,
        due_this_week=digest.due_this_week,
        extensions=digest.extensions,
    )
