"""What the reminder tick reads: tasks by deadline, officials by role, who has reported lately."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.statuses import TaskStatus
from storage.models import Official, Task, TaskOfficial, TaskUpdate, Unit

# Reminders pause while the office or a leader has the next move.
REMINDED = (TaskStatus.NEW, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED)


async def tasks_due_in(session: AsyncSession, *, ranges: Sequence[tuple[dt.date, dt.date]]) -> list[Task]:
    """Tasks still being worked on whose deadline falls in one of the [start, end) ranges."""
    if not ranges:
        return []
    within = or_(*(col(Task.due_on).between(start, end - dt.timedelta(days=1)) for start, end in ranges))
    result = await session.exec(select(Task).where(col(Task.status).in_(REMINDED), within))
    return list(result.all())


async def overdue_tasks(session: AsyncSession, *, today: dt.date) -> list[Task]:
    result = await session.exec(
        select(Task)
        .where(col(Task.status).in_(REMINDED), col(Task.due_on) < today)
        .order_by(col(Task.due_on))
    )
    return list(result.all())


async def unit_heads(session: AsyncSession, *, unit_id: int) -> list[Official]:
    result = await session.exec(
        select(Official).where(Official.unit_id == unit_id, Official.is_unit_head, Official.active)
    )
    return list(result.all())


async def by_roles(session: AsyncSession, *, roles: Sequence[str]) -> list[Official]:
    result = await session.exec(
        select(Official)
        .where(col(Official.role).in_(list(roles)), Official.active)
        .order_by(col(Official.id))
    )
    return list(result.all())


async def officials_with_open_tasks(session: AsyncSession) -> list[tuple[Official, list[Task]]]:
    """Each linked official with the open tasks of their unit and those naming them."""
    people = (
        await session.exec(
            select(Official)
            .where(
                Official.active,
                col(Official.telegram_user_id).is_not(None),
                col(Official.unit_id).is_not(None),
            )
            .order_by(col(Official.id))
        )
    ).all()
    open_tasks = (
        await session.exec(
            select(Task)
            .where(col(Task.status).in_(REMINDED))
            .order_by(col(Task.due_on).is_(None), col(Task.due_on))
        )
    ).all()
    by_unit: dict[int, list[Task]] = {}
    for task in open_tasks:
        by_unit.setdefault(task.lead_unit_id, []).append(task)
    named: dict[int, list[int]] = {}
    for task_id, official_id in (
        await session.exec(select(TaskOfficial.task_id, TaskOfficial.official_id))
    ).all():
        named.setdefault(official_id, []).append(task_id)
    by_id = {t.id: t for t in open_tasks}
    found = []
    for person in people:
        mine = list(by_unit.get(person.unit_id or 0, []))
        mine += [by_id[t] for t in named.get(person.id or 0, []) if t in by_id and by_id[t] not in mine]
        if mine:
            found.append((person, mine))
    return found


async def reported_since(session: AsyncSession, *, since: dt.datetime) -> set[int]:
    """Officials who recorded anything on a task since the moment."""
    result = await session.exec(select(TaskUpdate.official_id).where(col(TaskUpdate.at) >= since).distinct())
    return {official_id for official_id in result.all() if official_id is not None}


async def unreachable_officials(session: AsyncSession) -> list[tuple[Official, str]]:
    """Active officials the bot cannot write to (never linked, or blocked), with their unit's name."""
    result = await session.exec(
        select(Official, Unit.name)
        .join(Unit, col(Official.unit_id) == Unit.id, isouter=True)
        .where(Official.active, or_(col(Official.telegram_user_id).is_(None), ~col(Official.reachable)))
        .order_by(col(Unit.name), col(Official.name_key))
    )
    return [(official, unit_name or "") for official, unit_name in result.all()]


async def count_open(session: AsyncSession) -> int:
    return int(
        (
            await session.exec(select(func.count()).select_from(Task).where(col(Task.status).in_(REMINDED)))
        ).one()
    )
