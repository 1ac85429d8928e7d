"""/status of one unit, each part costing what it shows (issue 13): a list reads the rows it shows
through ix_task_lead_status_due (lead unit, status, deadline) and counts the rest from the index
alone, a blocked task's latest reason is one probe a task shown, never one a blocked task, and
the unit's newest reports are looked for among the province's newest first."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, literal_column
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.progress import current
from domain.status_texts import Shown
from domain.statuses import OPEN_STATUSES, TaskStatus
from domain.task_texts import progress_text
from domain.tasks import days_overdue, four_way, past_deadline
from domain.workdays import WorkCalendar
from storage.models import Official, Photo, Task, TaskUpdate, Unit
from storage.reports import BLOCKER, TaskLine, UnitCounts, outcome_flags

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
        .where(col(TaskUpdate.task_id).in_(task_ids), col(TaskUpdate.new_status) == BLOCKER)
        .group_by(col(TaskUpdate.task_id))
    )
    return select(TaskUpdate).where(col(TaskUpdate.id).in_(newest.scalar_subquery()))


async def _reasons(session: AsyncSession, task_ids: list[int]) -> dict[int, TaskUpdate]:
    if not task_ids:
        return {}
    return {u.task_id: u for u in (await session.exec(reasons_query(task_ids))).all()}


async def latest_updates(
    session: AsyncSession, *, unit_id: int | None, limit: int = 5, since: dt.datetime | None = None
) -> list[TaskLine]:
    """The newest reports on a unit's tasks (or everyone's), with who sent them and photo counts."""
    query = (
        select(
            TaskUpdate,
            Task.title,
            Task.status,
            Task.due_on,
            Official.full_name,
            Unit.name,
            Task.target_quantity,
            Task.target_measure,
        )
        .join(Task, col(TaskUpdate.task_id) == Task.id)
        .join(Unit, col(Task.lead_unit_id) == Unit.id)
        .join(Official, col(TaskUpdate.official_id) == Official.id, isouter=True)
        .where(col(TaskUpdate.official_id).is_not(None))
    )
    if since is not None:
        query = query.where(col(TaskUpdate.at) >= since)
    if unit_id is not None:
        newest = await _newest_of_unit(session, unit_id, limit, since)
        query = query.where(col(TaskUpdate.id).in_(newest))
    # "id + 0": order without the primary key index, so that SQLite looks up the few reports chosen
    # (or walks the task_id index) instead of every update of the province backwards.
    rows = (await session.exec(query.order_by((col(TaskUpdate.id) + 0).desc()).limit(limit))).all()
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
            note=u.note or _progress(u, target, measure),
            who=who,
            photos=int(photos.get(u.task_id, 0)),
            at=u.at,
        )
        for u, title, status, due_on, who, unit, target, measure in rows
    ]


RECENT = 2_000  # the province's newest reports where a unit's newest are looked for first


async def _newest_of_unit(
    session: AsyncSession, unit_id: int, limit: int, since: dt.datetime | None
) -> list[int]:
    """The ids of the unit's `limit` newest reports: among the province's newest RECENT when they
    hold that many (the reports of an active unit: a few hundred rows read, whatever the size of
    the database), else one index probe a task of the unit (a quiet unit)."""
    found = list((await session.exec(recent_query(unit_id, limit, since))).all())
    if len(found) == limit:
        return found
    busiest = [
        task_id for task_id, last in (await session.exec(busiest_query(unit_id, limit, since))).all() if last
    ]
    if not busiest:
        return []
    query = select(TaskUpdate.id).where(
        col(TaskUpdate.task_id).in_(busiest), col(TaskUpdate.official_id).is_not(None)
    )
    if since is not None:
        query = query.where(col(TaskUpdate.at) >= since)
    return list((await session.exec(query.order_by(col(TaskUpdate.id).desc()).limit(limit))).all())


def recent_query(unit_id: int, limit: int, since: dt.datetime | None) -> Any:
    """The unit's newest `limit` reports among the province's newest RECENT: the primary key walked
    backwards from the newest, each report's task looked up by its key, stopping at `limit`."""
    floor = select(func.max(TaskUpdate.id)).scalar_subquery() - RECENT
    # A scalar subquery, not EXISTS: PostgreSQL would turn EXISTS into a join driven by the unit's
    # tasks, one probe a task again; this is looked up report by report, newest first.
    lead = select(Task.lead_unit_id).where(Task.id == TaskUpdate.task_id).scalar_subquery()
    query = select(TaskUpdate.id).where(
        col(TaskUpdate.id) > floor, col(TaskUpdate.official_id).is_not(None), lead == unit_id
    )
    if since is not None:
        query = query.where(col(TaskUpdate.at) >= since)
    return query.order_by(col(TaskUpdate.id).desc()).limit(limit)


def busiest_query(unit_id: int, limit: int, since: dt.datetime | None) -> Any:
    """The unit's `limit` tasks with the newest reports: the newest `limit` reports of the unit are
    all theirs. One index probe a task (ix_task_update_reported: task_id, id), instead of reading
    every report of the unit, which grows with the database."""
    newest_of = select(func.max(TaskUpdate.id)).where(
        col(TaskUpdate.task_id) == Task.id, col(TaskUpdate.official_id).is_not(None)
    )
    if since is not None:
        newest_of = newest_of.where(col(TaskUpdate.at) >= since)
    newest = newest_of.scalar_subquery().label("newest")
    query = select(Task.id, newest).where(Task.lead_unit_id == unit_id)  # the label: one probe, not two
    return query.order_by(literal_column("newest").desc().nulls_last()).limit(limit)


def _progress(update: TaskUpdate, target: float | None, measure: str | None) -> str | None:
    """The report's progress as the card shows it: '6/12 căn (50%)', or '12,5%' without a target."""
    reading = current(update.progress_percent, update.progress_quantity, target)
    return f"tiến độ {progress_text(reading, measure)}" if reading else None
