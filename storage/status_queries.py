"""/status of one unit, each part costing what it shows (issue 13): a list reads the rows it shows
through ix_task_lead_status_due (lead unit, status, deadline) and counts the rest from the index
alone, and a blocked task's latest reason is one probe a task shown, never one a blocked task."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.status_texts import Shown
from domain.statuses import OPEN_STATUSES, TaskStatus
from domain.tasks import days_overdue, four_way, past_deadline
from domain.workdays import WorkCalendar
from storage.models import Task, TaskUpdate, Unit
from storage.reports import TaskLine, UnitCounts, outcome_flags

OPEN = sorted(OPEN_STATUSES)


def counts_query(session: AsyncSession, *, unit_id: int, today: dt.date, zone: ZoneInfo) -> Any:
    """The unit's tasks counted by status in one pass over its index entries, in status order."""
    past, late = outcome_flags(session, today=today, zone=zone)
    due = col(Task.due_on)
    return (
        select(
            Task.status,
            func.count(),
            func.sum(past),
            func.sum(late),
            func.min(case((past == 1, due))),
            func.sum(case((due != col(Task.original_due_on), 1), else_=0)),
        )
        .where(Task.lead_unit_id == unit_id)
        .group_by(col(Task.status))
        .order_by(col(Task.status))
    )


async def counts_of(
    session: AsyncSession,
    *,
    unit: Unit,
    today: dt.date,
    zone: ZoneInfo,
    calendar: WorkCalendar | None = None,
) -> UnitCounts | None:
    """The unit's tasks the four ways, by status, its oldest overdue and its extended, as
    storage.reports.unit_counts counts them (None without tasks)."""
    rows = (await session.exec(counts_query(session, unit_id=unit.id or 0, today=today, zone=zone))).all()
    if not rows:
        return None
    counts = UnitCounts(unit.id or 0, unit.name, unit.kind)
    for status, number, past, late, oldest_due, moved in rows:
        done = status == TaskStatus.DONE
        behind = int(late or 0) if done else int(past or 0)
        for kind, many in (
            (four_way(done=done, finished_late=True, past_due=True), behind),
            (four_way(done=done, finished_late=False, past_due=False), number - behind),
        ):
            if many:
                counts.outcomes[kind] = counts.outcomes.get(kind, 0) + many
        counts.by_status[status] = number
        counts.extended += int(moved or 0)
        if not done and past and oldest_due is not None:
            oldest = oldest_due if isinstance(oldest_due, dt.date) else dt.date.fromisoformat(str(oldest_due))
            counts.oldest_overdue = max(counts.oldest_overdue, days_overdue(oldest, status, today, calendar))
    return counts


def listed_query(unit_id: int, statuses: list[str], *conditions: Any, limit: int) -> Any:
    """The unit's first `limit` tasks in these statuses, soonest deadline first (then the oldest
    task): the ids are picked from the index alone, only the rows shown are read."""
    picked = (
        select(Task.id)
        .where(Task.lead_unit_id == unit_id, col(Task.status).in_(statuses), *conditions)
        .order_by(col(Task.due_on), col(Task.id))
        .limit(limit)
    )
    return (
        select(Task.id, Task.title, Unit.name, Task.due_on, Task.status)
        .join(Unit, col(Task.lead_unit_id) == Unit.id)
        .where(col(Task.id).in_(picked.scalar_subquery()))
        .order_by(col(Task.due_on), col(Task.id))
    )


def counted_query(unit_id: int, statuses: list[str], *conditions: Any) -> Any:
    """How many tasks the list has in all, counted from the index alone."""
    return (
        select(func.count())
        .select_from(Task)
        .where(Task.lead_unit_id == unit_id, col(Task.status).in_(statuses), *conditions)
    )


async def _listed(
    session: AsyncSession, unit_id: int, statuses: list[str], *conditions: Any, limit: int
) -> tuple[list[Any], int]:
    rows = list((await session.exec(listed_query(unit_id, statuses, *conditions, limit=limit))).all())
    total = len(rows)
    if total == limit:  # perhaps more: count them
        total = int((await session.exec(counted_query(unit_id, statuses, *conditions))).one())
    return rows, total


async def overdue_of(
    session: AsyncSession, *, unit_id: int, today: dt.date, limit: int, calendar: WorkCalendar | None = None
) -> Shown:
    """The unit's open tasks past their deadline, the oldest deadline first: the first `limit`."""
    rows, total = await _listed(session, unit_id, OPEN, past_deadline(today, col(Task.due_on)), limit=limit)
    return Shown(
        [
            TaskLine(tid or 0, title, unit, due_on, status, days_overdue(due_on, status, today, calendar))
            for tid, title, unit, due_on, status in rows
        ],
        total,
    )


async def due_of(session: AsyncSession, *, unit_id: int, start: dt.date, end: dt.date, limit: int) -> Shown:
    """The unit's open tasks due between `start` and `end` (both included): the first `limit`."""
    due = col(Task.due_on)
    rows, total = await _listed(session, unit_id, OPEN, due >= start, due <= end, limit=limit)
    return Shown([TaskLine(tid or 0, title, unit, d, status) for tid, title, unit, d, status in rows], total)


async def blocked_of(session: AsyncSession, *, unit_id: int, limit: int) -> Shown:
    """The unit's blocked tasks, soonest deadline first, each with the latest reason given."""
    rows, total = await _listed(session, unit_id, [TaskStatus.BLOCKED], limit=limit)
    reasons = await _reasons(session, [row[0] for row in rows])
    lines = []
    for task_id, title, unit, due_on, status in rows:
        reason = reasons.get(task_id or 0)
        note, at = (reason.note, reason.at) if reason else (None, None)
        lines.append(TaskLine(task_id or 0, title, unit, due_on, status, note=note, at=at))
    return Shown(lines, total)


def reasons_query(task_ids: list[int]) -> Any:
    """Each task's newest blocker report: through the task_id index, one probe a task."""
    newest = (
        select(func.max(TaskUpdate.id))
        .where(col(TaskUpdate.task_id).in_(task_ids), TaskUpdate.new_status == TaskStatus.BLOCKED)
        .group_by(col(TaskUpdate.task_id))
    )
    return select(TaskUpdate).where(col(TaskUpdate.id).in_(newest.scalar_subquery()))


async def _reasons(session: AsyncSession, task_ids: list[int]) -> dict[int, TaskUpdate]:
    if not task_ids:
        return {}
    return {u.task_id: u for u in (await session.exec(reasons_query(task_ids))).all()}
