"""What leaders read: per-unit counts the four ways, one unit's details, the week's digest data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, and_, case, cast, func, literal_column
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.statuses import LOCAL_UNIT_KINDS, OPEN_STATUSES, Outcome, TaskStatus
from domain.tasks import days_overdue, four_way, past_deadline
from domain.workdays import WorkCalendar
from storage.models import ExtensionRequest, Task, TaskUpdate, Unit

# Written out, not bound: a planner uses a partial index on blocker reports only for a value it
# sees when planning.
BLOCKER = literal_column(f"'{TaskStatus.BLOCKED}'")


@dataclass
class UnitCounts:
    """One unit's tasks counted the way government trackers count them."""

    unit_id: int
    name: str
    kind: str
    outcomes: dict[Outcome, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    oldest_overdue: int = 0  # working days
    extended: int = 0  # tasks whose deadline an approved extension moved

    @property
    def overdue(self) -> int:
        return self.outcomes.get(Outcome.OVERDUE, 0)

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())


def _local_date(session: AsyncSession, column: object, zone: ZoneInfo, today: dt.date) -> object:
    """The local calendar date of a UTC timestamp column, computed by the database."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone(zone.key, column), Date)
    # SQLite: today's offset, applied to every row (exact for Vietnam, which has no daylight saving).
    offset = dt.datetime.combine(today, dt.time(12), zone).utcoffset() or dt.timedelta(0)
    hours = int(offset.total_seconds() // 3600)
    return func.date(column, f"{hours:+d} hours")


def outcome_flags(session: AsyncSession, *, today: dt.date, zone: ZoneInfo) -> tuple[Any, Any]:
    """The SQL of domain.tasks.past_deadline, applied as domain.tasks.outcome applies it: the
    current deadline (an approved extension moved it) against today, and against the local day of
    the official's completion report."""
    has_due = col(Task.due_on).is_not(None)
    finished = func.coalesce(Task.reported_done_at, Task.completed_at)
    past = case((and_(has_due, past_deadline(today, col(Task.due_on))), 1), else_=0)
    late = case(
        (
            and_(
                Task.status == TaskStatus.DONE,
                has_due,
                finished.is_not(None),
                past_deadline(_local_date(session, finished, zone, today), col(Task.due_on)),
            ),
            1,
        ),
        else_=0,
    )
    return past, late


async def unit_counts(
    session: AsyncSession,
    *,
    today: dt.date,
    zone: ZoneInfo,
    unit_ids: Sequence[int] | None = None,
    calendar: WorkCalendar | None = None,
) -> list[UnitCounts]:
    """Every unit with tasks (or the given ones), worst first: most overdue, then the oldest.

    Counted by the database (GROUP BY), so that a province's 50,000 tasks stay quick."""
    past, late = outcome_flags(session, today=today, zone=zone)
    extended = func.sum(case((col(Task.due_on) != col(Task.original_due_on), 1), else_=0))
    query = select(
        Task.lead_unit_id, Task.status, past, late, func.count(), func.min(Task.due_on), extended
    ).group_by(col(Task.lead_unit_id), col(Task.status), past, late)
    query = query.order_by(col(Task.lead_unit_id), col(Task.status))  # by_status in one order everywhere
    if unit_ids is not None:
        query = query.where(col(Task.lead_unit_id).in_(list(unit_ids)))
    unit_query = select(Unit) if unit_ids is None else select(Unit).where(col(Unit.id).in_(list(unit_ids)))
    units = {u.id: u for u in (await session.exec(unit_query)).all()}
    counts: dict[int, UnitCounts] = {}
    rows = (await session.exec(query)).all()
    for unit_id, status, is_past, is_late, number, oldest_due, moved in rows:
        unit = units.get(unit_id)
        entry = counts.setdefault(
            unit_id, UnitCounts(unit_id, unit.name if unit else "?", unit.kind if unit else "")
        )
        kind = four_way(done=status == TaskStatus.DONE, finished_late=bool(is_late), past_due=bool(is_past))
        entry.outcomes[kind] = entry.outcomes.get(kind, 0) + number
        entry.by_status[status] = entry.by_status.get(status, 0) + number
        entry.extended += int(moved or 0)
        if kind == Outcome.OVERDUE and oldest_due is not None:
            oldest = oldest_due if isinstance(oldest_due, dt.date) else dt.date.fromisoformat(str(oldest_due))
            age = days_overdue(oldest, status, today, calendar)
            entry.oldest_overdue = max(entry.oldest_overdue, age)
    return sorted(counts.values(), key=lambda c: (-c.overdue, -c.oldest_overdue, c.name))


@dataclass(slots=True)
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
            at=r.at,
        )
        for r, title, unit, due in (await session.exec(query)).all()
    ]


async def blockers(
    session: AsyncSession, *, unit_id: int | None, since: dt.datetime | None = None
) -> list[TaskLine]:
    """Blocked tasks with the latest reason given: two queries, whatever the number of tasks.

    With `since`: every open task on which a blocker was reported since then, even if a later
    report (an extension request) has changed its status since."""
    query = select(Task.id, Task.title, Unit.name, Task.due_on, Task.status).join(
        Unit, col(Task.lead_unit_id) == Unit.id
    )
    if since is None:
        query = query.where(Task.status == TaskStatus.BLOCKED)
    else:
        reported = select(TaskUpdate.task_id).where(
            col(TaskUpdate.new_status) == BLOCKER, col(TaskUpdate.at) >= since
        )
        query = query.where(col(Task.status).in_(list(OPEN_STATUSES)), col(Task.id).in_(reported))
    if unit_id is not None:
        query = query.where(Task.lead_unit_id == unit_id)
    tasks = (await session.exec(query.order_by(col(Task.due_on), col(Task.id)))).all()
    ids = [row[0] for row in tasks]
    reasons: dict[int, TaskUpdate] = {}
    if ids:
        newest = (
            select(func.max(TaskUpdate.id))
            .where(col(TaskUpdate.task_id).in_(ids), col(TaskUpdate.new_status) == BLOCKER)
            .group_by(col(TaskUpdate.task_id))
        )
        found = await session.exec(select(TaskUpdate).where(col(TaskUpdate.id).in_(newest.scalar_subquery())))
        reasons = {u.task_id: u for u in found.all()}
    lines = []
    for task_id, title, unit, due_on, status in tasks:
        reason = reasons.get(task_id or 0)
        if since is not None and (reason is None or reason.at < since):
            continue
        lines.append(
            TaskLine(
                task_id or 0,
                title,
                unit,
                due_on,
                status,
                note=reason.note if reason else None,
                at=reason.at if reason else None,
            )
        )
    return lines


async def completed_between(session: AsyncSession, *, start: dt.datetime, end: dt.datetime) -> list[TaskLine]:
    query = (
        select(Task.id, Task.title, Unit.name, Task.due_on, Task.completed_at)
        .join(Unit, col(Task.lead_unit_id) == Unit.id)
        .where(Task.status == TaskStatus.DONE, col(Task.completed_at) >= start, col(Task.completed_at) < end)
        .order_by(col(Unit.name), col(Task.id))
    )
    return [
        TaskLine(tid or 0, title, unit, due_on, TaskStatus.DONE, at=done)
        for tid, title, unit, due_on, done in (await session.exec(query)).all()
    ]


async def overdue_lines(
    session: AsyncSession,
    *,
    today: dt.date,
    unit_id: int | None = None,
    calendar: WorkCalendar | None = None,
) -> list[TaskLine]:
    # Columns, not Task objects: a province has thousands of overdue tasks.
    query = (
        select(Task.id, Task.title, Unit.name, Task.due_on, Task.status)
        .join(Unit, col(Task.lead_unit_id) == Unit.id)
        .where(col(Task.status).in_(list(OPEN_STATUSES)), past_deadline(today, col(Task.due_on)))
    )
    if unit_id is not None:
        query = query.where(Task.lead_unit_id == unit_id)
    # Read on the connection (Core rows), not through the ORM's result machinery: 16,000 rows at
    # the 50,000-task province, a third of the digest's data read.
    connection = await session.connection()
    rows = (await connection.execute(query.order_by(col(Task.due_on), col(Task.id)))).all()
    ages: dict[tuple[dt.date | None, str], int] = {}  # a province's thousands share a few deadlines
    lines = []
    for tid, title, unit, due_on, status in rows:
        age = ages.get((due_on, status))
        if age is None:
            age = ages[(due_on, status)] = days_overdue(due_on, status, today, calendar)
        lines.append(TaskLine(tid or 0, title, unit, due_on, status, age))
    return lines


async def due_between(
    session: AsyncSession, *, start: dt.date, end: dt.date, unit_id: int | None = None
) -> list[TaskLine]:
    query = (
        select(Task.id, Task.title, Unit.name, Task.due_on, Task.status)
        .join(Unit, col(Task.lead_unit_id) == Unit.id)
        .where(col(Task.status).in_(list(OPEN_STATUSES)), col(Task.due_on) >= start, col(Task.due_on) <= end)
    )
    if unit_id is not None:
        query = query.where(Task.lead_unit_id == unit_id)
    rows = (await session.exec(query.order_by(col(Task.due_on), col(Task.id)))).all()
    return [TaskLine(tid or 0, title, unit, due_on, status) for tid, title, unit, due_on, status in rows]


async def local_units(session: AsyncSession) -> list[Unit]:
    result = await session.exec(
        select(Unit).where(col(Unit.kind).in_(list(LOCAL_UNIT_KINDS)), Unit.active).order_by(col(Unit.name))
    )
    return list(result.all())
