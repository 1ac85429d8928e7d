"""Everything the Monday digest shows, gathered from the database in one read-only session."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.digest import DigestData, HouseRow
from domain.programmes import Programme, pace_text
from domain.statuses import UnitKind
from domain.workdays import WorkCalendar
from storage import households, reports
from storage.models import Notification, Official, Unit


async def build_digest(
    session: AsyncSession,
    *,
    day: dt.date,
    zone: ZoneInfo,
    programme: Programme,
    working_days_left: int | None,
    calendar: WorkCalendar | None = None,
) -> DigestData:
    monday = day - dt.timedelta(days=day.weekday())
    last_monday, last_sunday = monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)
    start = dt.datetime.combine(last_monday, dt.time(0), zone)
    end = dt.datetime.combine(monday, dt.time(0), zone)
    house_rows = []
    for _unit_id, name, result in await households.progress_by_unit(
        session, programme=programme, today=day, working_days_left=working_days_left
    ):
        stages = [key for key, _ in programme.stages]
        house_rows.append(
            HouseRow(
                name,
                result.planned,
                result.reached(stages[1]) if len(stages) > 1 else 0,
                result.reached(stages[-2]) if len(stages) > 2 else 0,
                result.reached(stages[-1]),
                pace_text(result.per_day_needed) if result.per_day_needed else None,
            )
        )
    house_rows.sort(key=lambda h: (h.handed_over / h.planned if h.planned else 1, h.unit))
    return DigestData(
        day=day,
        last_week=(last_monday, last_sunday),
        counts=await reports.unit_counts(session, today=day, zone=zone, calendar=calendar),
        completed=await reports.completed_between(session, start=start, end=end),
        overdue=await reports.overdue_lines(session, today=day, calendar=calendar),
        due_this_week=await reports.due_between(session, start=monday, end=monday + dt.timedelta(days=6)),
        new_blockers=await reports.blockers(session, unit_id=None, since=start),
        extensions=await reports.pending_extensions(session, unit_id=None),
        houses=house_rows,
        house_unit=programme.unit_label,
        silent=await silent_after_checkin(session, monday=monday, zone=zone),
        office=await _office(session),
    )


async def _office(session: AsyncSession) -> str:
    """The unit the digest speaks for: the top of the tree (the province), named in the workbook."""
    top = (
        select(Unit.name)
        .where(col(Unit.parent_id).is_(None), Unit.active, Unit.kind == UnitKind.PROVINCE)
        .order_by(col(Unit.id))
        .limit(1)
    )
    return (await session.exec(top)).first() or ""


async def silent_after_checkin(
    session: AsyncSession, *, monday: dt.date, zone: ZoneInfo
) -> list[tuple[str, str]]:
    """Officials asked in last week's check-in who have reported nothing since it was sent."""
    from storage.reminder_queries import reported_since

    friday = monday - dt.timedelta(days=7)
    asked = (
        await session.exec(
            select(Notification.official_id, Notification.sent_at).where(
                Notification.kind == "checkin",
                col(Notification.sent_at).is_not(None),
                col(Notification.sent_at) >= dt.datetime.combine(friday, dt.time(0), zone),
                col(Notification.sent_at) < dt.datetime.combine(monday, dt.time(0), zone),
            )
        )
    ).all()
    if not asked:
        return []
    since = min(sent for _, sent in asked if sent is not None)
    answered = await reported_since(session, since=since)
    ids = [official_id for official_id, _ in asked if official_id not in answered]
    rows = (
        await session.exec(
            select(Unit.name, Official.full_name)
            .join(Unit, col(Official.unit_id) == Unit.id)
            .where(col(Official.id).in_(ids))
            .order_by(col(Unit.name), col(Official.name_key))
        )
    ).all()
    return [(unit, name) for unit, name in rows]
