"""Everything the Monday digest shows, gathered from the database in one read-only session."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.digest import DigestData, HouseRow
from domain.programmes import Programme, pace_text
from domain.statuses import UnitKind
from domain.workdays import WorkCalendar
from storage import reports
from storage.models import Household, Notification, Official, Unit


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
    house_rows = await _house_rows(session, programme=programme, working_days_left=working_days_left)
    return DigestData(
        day=day,
        last_week=(last_monday, last_sunday),
        counts=await reports.unit_counts(session, today=day, zone=zone, calendar=calendar),
        completed=await reports.completed_between(session, start=start, end=end),
        overdue=await reports.overdue_lines(session, today=day, calendar=calendar),
        # From the day it is made: what fell due earlier this week is overdue, listed there once.
        due_this_week=await reports.due_between(session, start=day, end=monday + dt.timedelta(days=6)),
        new_blockers=await reports.blockers(session, unit_id=None, since=start),
        extensions=await reports.pending_extensions(session, unit_id=None),
        houses=house_rows,
        house_unit=programme.unit_label,
        silent=await silent_after_checkin(session, monday=monday, zone=zone),
        office=await _office(session),
    )


async def _house_rows(
    session: AsyncSession, *, programme: Programme, working_days_left: int | None
) -> list[HouseRow]:
    """Each unit's houses at each stage, counted by the database (a province's 20,000 households
    come back as a few hundred rows), least handed over first. The counts of domain.programmes.progress:
    a stage the programme does not know counts as its first."""
    order = [key for key, _ in programme.stages]
    query = (
        select(Household.unit_id, Unit.name, Household.stage, func.count())
        .join(Unit, col(Household.unit_id) == Unit.id)
        .where(Household.programme == programme.key)
        .group_by(col(Household.unit_id), col(Unit.name), col(Household.stage))
    )
    per_unit: dict[tuple[int, str], list[int]] = {}
    for unit_id, name, stage, number in (await session.exec(query)).all():
        at = per_unit.setdefault((unit_id, name), [0] * len(order))
        at[order.index(stage) if stage in order else 0] += number

    def reached(at: list[int], index: int) -> int:
        return sum(at[index:])

    rows = []
    for (_, name), at in sorted(per_unit.items(), key=lambda kv: kv[0][1]):
        planned, handed_over = sum(at), reached(at, len(order) - 1)
        left = planned - handed_over
        pace = left / max(1, working_days_left) if left > 0 and working_days_left is not None else None
        rows.append(
            HouseRow(
                name,
                planned,
                reached(at, 1) if len(order) > 1 else 0,
                reached(at, len(order) - 2) if len(order) > 2 else 0,
                handed_over,
                pace_text(pace, programme.unit_label) if pace else None,
            )
        )
    rows.sort(key=lambda h: (h.handed_over / h.planned if h.planned else 1, h.unit))
    return rows


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
