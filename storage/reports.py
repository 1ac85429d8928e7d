"""What leaders read: per-unit counts the four ways, one unit's details, the week's digest data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.statuses import LOCAL_UNIT_KINDS, OPEN_STATUSES, Outcome, TaskStatus
from domain.tasks import days_overdue, outcome
from storage.models import ExtensionRequest, Official, Photo, Task, TaskUpdate, Unit


@dataclass
class UnitCounts:
    """One unit's tasks counted the way government trackers count them."""

    unit_id: int
    name: str
    kind: str
    outcomes: dict[Outcome, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    oldest_overdue: int = 0  # days

    @property
    def overdue(self) -> int:
        return self.outcomes.get(Outcome.OVERDUE, 0)

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())


def done_on(task_completed: dt.datetime | None, zone: ZoneInfo) -> dt.date | None:
    return task_completed.astimezone(zone).date() if task_completed else None


async def unit_counts(
    session: AsyncSession, *, today: dt.date, zone: ZoneInfo, unit_ids: Sequence[int] | None = None
) -> list[UnitCounts]:
    """Every unit with tasks (or the given ones), worst first: most overdue, then the oldest."""
    query = select(Task.lead_unit_id, Task.status, Task.due_on, Task.completed_at)
    if unit_ids is not None:
        query = query.where(col(Task.lead_unit_id).in_(list(unit_ids)))
    units = {u.id: u for u in (await session.exec(select(Unit))).all()}
    counts: dict[int, UnitCounts] = {}
    for unit_id, status, due_on, completed_at in (await session.exec(query)).all():
        unit = units.get(unit_id)
        entry = counts.setdefault(
            unit_id, UnitCounts(unit_id, unit.name if unit else "?", unit.kind if unit else "")
        )
        kind = outcome(due_on, status, done_on(completed_at, zone), today)
        entry.outcomes[kind] = entry.outcomes.get(kind, 0) + 1
        entry.by_status[status] = entry.by_status.get(status, 0) + 1
        entry.oldest_overdue = max(entry.oldest_overdue, days_overdue(due_on, status, today))
    return sorted(counts.values(), key=lambda c: (-c.overdue, -c.oldest_overdue, c.name))


@dataclass
class TaskLine:
    task_id: int
    title: str
    unit: str
    due_on: dt.date | None
    status: str
    days_overdue: int = 0
    note: str | None = None
    who: str | None = None
    photos: int = 0
    at: dt.datetime | None = None


async def open_tasks_of(session: AsyncSession, *, unit_id: int) -> list[Task]:
    result = await session.exec(
        select(Task)
        .where(Task.lead_unit_id == unit_id, col(Task.status).in_(list(OPEN_STATUSES)))
        .order_by(col(Task.due_on).is_(None), col(Task.due_on))
    )
    return list(result.all())


async def latest_updates(
    session: AsyncSession, *, unit_id: int | None, limit: int = 5, since: dt.datetime | None = None
) -> list[TaskLine]:
    """The newest reports on a unit's tasks (or everyone's), with who sent them and photo counts."""
    query = (
        select(TaskUpdate, Task.title, Task.status, Task.due_on, Official.full_name, Unit.name)
        .join(Task, col(TaskUpdate.task_id) == Task.id)
        .join(Unit, col(Task.lead_unit_id) == Unit.id)
        .join(Official, col(TaskUpdate.official_id) == Official.id, isouter=True)
        .where(col(TaskUpdate.official_id).is_not(None))
    )
    if unit_id is not None:
        query = query.where(Task.lead_unit_id == unit_id)
    if since is not None:
        query = query.where(col(TaskUpdate.at) >= since)
    rows = (await session.exec(query.order_by(col(TaskUpdate.id).desc()).limit(limit))).all()
    task_ids = list({row[0].task_id for row in rows})
    photos = (
        dict(
            (
                await session.exec(
                    select(Photo.task_id, func.count())
                    .where(col(Photo.task_id).in_(task_ids))
                    .group_by(col(Photo.task_id))
                )
            ).all()
        )
        if task_ids
        else {}
    )
    return [
        TaskLine(
            u.task_id,
            title,
            unit,
            due_on,
            status,
            note=u.note or _progress(u),
            who=who,
            photos=int(photos.get(u.task_id, 0)),
            at=u.at,
        )
        for u, title, status, due_on, who, unit in rows
    ]


def _progress(update: TaskUpdate) -> str | None:
    if update.progress_quantity is not None:
        return f"tiến độ {update.progress_quantity:g}"
    if update.progress_percent is not None:
        return f"tiến độ {update.progress_percent}%"
    return None


async def pending_extensions(session: AsyncSession, *, unit_id: int | None) -> list[TaskLine]:
    query = (
        select(ExtensionRequest, Task.title, Unit.name, Task.due_on)
        .join(Task, col(ExtensionRequest.task_id) == Task.id)
        .join(Unit, col(Task.lead_unit_id) == Unit.id)
        .where(ExtensionRequest.status == "pending")
    )
    if unit_id is not None:
        query = query.where(Task.lead_unit_id == unit_id)
    return [
        TaskLine(
            r.task_id,
            title,
            unit,
            due,
            TaskStatus.EXTENSION_REQUESTED,
            note=f"xin đến {r.requested_due_on:%d/%m/%Y}: {r.reason}",
        )
        for r, title, unit, due in (await session.exec(query)).all()
    ]


async def blockers(
    session: AsyncSession, *, unit_id: int | None, since: dt.datetime | None = None
) -> list[TaskLine]:
    """Blocked tasks with the latest reason given."""
    query = (
        select(Task, Unit.name)
        .join(Unit, col(Task.lead_unit_id) == Unit.id)
        .where(Task.status == TaskStatus.BLOCKED)
    )
    if unit_id is not None:
        query = query.where(Task.lead_unit_id == unit_id)
    lines = []
    for task, unit in (await session.exec(query)).all():
        reason = (
            await session.exec(
                select(TaskUpdate)
                .where(TaskUpdate.task_id == task.id, TaskUpdate.new_status == TaskStatus.BLOCKED)
                .order_by(col(TaskUpdate.id).desc())
                .limit(1)
            )
        ).first()
        if since is not None and (reason is None or reason.at < since):
            continue
        lines.append(
            TaskLine(
                task.id or 0,
                task.title,
                unit,
                task.due_on,
                task.status,
                note=reason.note if reason else None,
                at=reason.at if reason else None,
            )
        )
    return lines


async def completed_between(session: AsyncSession, *, start: dt.datetime, end: dt.datetime) -> list[TaskLine]:
    query = (
        select(Task, Unit.name)
        .join(Unit, col(Task.lead_unit_id) == Unit.id)
        .where(Task.status == TaskStatus.DONE, col(Task.completed_at) >= start, col(Task.completed_at) < end)
        .order_by(col(Unit.name), col(Task.id))
    )
    return [
        TaskLine(t.id or 0, t.title, unit, t.due_on, t.status, at=t.completed_at)
        for t, unit in (await session.exec(query)).all()
    ]


async def overdue_lines(
    session: AsyncSession, *, today: dt.date, unit_id: int | None = None
) -> list[TaskLine]:
    query = (
        select(Task, Unit.name)
        .join(Unit, col(Task.lead_unit_id) == Unit.id)
        .where(col(Task.status).in_(list(OPEN_STATUSES)), col(Task.due_on) < today)
    )
    if unit_id is not None:
        query = query.where(Task.lead_unit_id == unit_id)
    rows = (await session.exec(query.order_by(col(Task.due_on)))).all()
    return [
        TaskLine(t.id or 0, t.title, unit, t.due_on, t.status, days_overdue(t.due_on, t.status, today))
        for t, unit in rows
    ]


async def due_between(
    session: AsyncSession, *, start: dt.date, end: dt.date, unit_id: int | None = None
) -> list[TaskLine]:
    query = (
        select(Task, Unit.name)
        .join(Unit, col(Task.lead_unit_id) == Unit.id)
        .where(col(Task.status).in_(list(OPEN_STATUSES)), col(Task.due_on) >= start, col(Task.due_on) <= end)
    )
    if unit_id is not None:
        query = query.where(Task.lead_unit_id == unit_id)
    return [
        TaskLine(t.id or 0, t.title, unit, t.due_on, t.status)
        for t, unit in (await session.exec(query.order_by(col(Task.due_on)))).all()
    ]


async def local_units(session: AsyncSession) -> list[Unit]:
    result = await session.exec(
        select(Unit).where(col(Unit.kind).in_(list(LOCAL_UNIT_KINDS)), Unit.active).order_by(col(Unit.name))
    )
    return list(result.all())
