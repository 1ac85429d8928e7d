"""What the monthly report counts, read in one session: the month's tasks the four ways, blockers,
extension requests, the programme's progress and what falls due next month."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, not_, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.programmes import Programme
from domain.report import Houses, Item, Month, ReportData, ReportTask
from domain.report.history import deadline_then, status_then
from domain.statuses import Outcome, TaskStatus, UnitKind
from domain.tasks import days_overdue, is_open, outcome
from domain.workdays import WorkCalendar
from storage import households
from storage.models import Directive, ExtensionRequest, Household, Task, TaskUpdate, Unit


async def monthly_report_data(
    session: AsyncSession,
    *,
    month: Month,
    today: dt.date,
    zone: ZoneInfo,
    programme: Programme,
    calendar: WorkCalendar,
    unit_id: int | None = None,
) -> ReportData:
    """The month's figures as of its last day (or today, while the month runs), for one unit's
    tasks or, without a unit, for everyone's under the top of the tree."""
    as_of = min(today, month.last)
    start = dt.datetime.combine(month.first, dt.time(0), zone)
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(0), zone)
    issuer = await _issuer(session, unit_id)
    unit_ids = [unit_id] if unit_id is not None else None
    tasks = await month_tasks(
        session, start=start, as_of=as_of, zone=zone, calendar=calendar, unit_id=unit_id
    )
    following = month.next()
    return ReportData(
        month=month,
        as_of=as_of,
        issuer=issuer.name if issuer else "",
        state_layout=issuer is not None and issuer.kind == UnitKind.PEOPLES_COMMITTEE,
        tasks=tasks,
        blockers=await _blockers(session, tasks, start=start, end=end),
        extensions=await extension_requests(session, start=start, end=end, unit_id=unit_id),
        houses=await _houses(session, programme=programme, unit_ids=unit_ids, as_of=as_of),
        next_month=[  # open at the month's end, due next month by the deadline in force then
            Item(task.title, task.unit, task.due_on)
            for task in sorted(tasks, key=lambda t: (t.due_on or following.last, t.task_id))
            if is_open(task.status) and task.due_on and following.first <= task.due_on <= following.last
        ],
    )


async def _issuer(session: AsyncSession, unit_id: int | None) -> Unit | None:
    """The unit named, or the top of the tree (the province, or the district of a legacy set-up)."""
    if unit_id is not None:
        return await session.get(Unit, unit_id)
    top = select(Unit).where(col(Unit.parent_id).is_(None), Unit.active).order_by(col(Unit.id)).limit(1)
    return (await session.exec(top)).first()


async def month_tasks(
    session: AsyncSession,
    *,
    start: dt.datetime,
    as_of: dt.date,
    zone: ZoneInfo,
    calendar: WorkCalendar,
    unit_id: int | None = None,
) -> list[ReportTask]:
    """Every task given by the end of `as_of` and not finished before the month began, counted four
    ways by domain.tasks.outcome as it stood then: a task changed since is read back from its
    history (status, completion report, deadline), so a past month is not told today's statuses.
    A task was given when its first history row was written (the bot's clock); `created_at`, the
    database's clock, only dates a task without history."""
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(0), zone)
    finished = func.coalesce(Task.reported_done_at, Task.completed_at)
    history = select(TaskUpdate.id).where(col(TaskUpdate.task_id) == Task.id)
    given = or_(
        history.where(col(TaskUpdate.at) < end).exists(),
        and_(not_(history.exists()), col(Task.created_at) < end),
    )
    query = (
        select(
            Task.id,
            Task.title,
            Unit.name,
            Directive.number,
            Task.due_on,
            Task.original_due_on,
            Task.status,
            finished,
        )
        .join(Unit, col(Task.lead_unit_id) == Unit.id)
        .join(Directive, col(Task.directive_id) == Directive.id, isouter=True)
        .where(
            given,
            not_(and_(Task.status == TaskStatus.DONE, finished.is_not(None), finished < start)),
        )
        .order_by(col(Unit.name), col(Task.due_on), col(Task.id))
    )
    if unit_id is not None:
        query = query.where(Task.lead_unit_id == unit_id)
    changes = await _changes_before(session, end)
    approvals = await _approvals_of_extended_since(session, end)
    found = []
    for task_id, title, unit, directive, due_on, original, status, moment in (
        await session.exec(query)
    ).all():
        if task_id in changes:
            status, moment = status_then(changes[task_id])
        if task_id in approvals:
            due_on = deadline_then(original if original is not None else due_on, approvals[task_id], end)
        if status == TaskStatus.DONE and moment is not None and moment >= end:
            status, moment = TaskStatus.IN_PROGRESS, None  # finished after the report's day
        if status == TaskStatus.DONE and moment is not None and moment < start:
            continue  # finished before the month (and reopened since)
        done_on = moment.astimezone(zone).date() if moment and status == TaskStatus.DONE else None
        kind = outcome(due_on, status, done_on, as_of)
        late = days_overdue(due_on, status, as_of, calendar)
        if kind == Outcome.DONE_LATE and due_on is not None and done_on is not None:
            late = calendar.days_overdue(due_on, done_on)
        found.append(ReportTask(task_id or 0, title, unit, directive or "", due_on, status, kind, late))
    return found


async def _changes_before(
    session: AsyncSession, end: dt.datetime
) -> dict[int, list[tuple[dt.datetime, str]]]:
    """The status changes before `end` of every task whose status changed at or after it."""
    since = select(TaskUpdate.task_id).where(
        col(TaskUpdate.new_status).is_not(None), col(TaskUpdate.at) >= end
    )
    rows = await session.exec(
        select(TaskUpdate.task_id, TaskUpdate.at, TaskUpdate.new_status)
        .where(
            col(TaskUpdate.task_id).in_(since),
            col(TaskUpdate.new_status).is_not(None),
            col(TaskUpdate.at) < end,
        )
        .order_by(col(TaskUpdate.task_id), col(TaskUpdate.at), col(TaskUpdate.id))
    )
    changes: dict[int, list[tuple[dt.datetime, str]]] = {}
    for task_id, at, new_status in rows.all():
        changes.setdefault(task_id, []).append((at, new_status or ""))
    return changes


async def _approvals_of_extended_since(
    session: AsyncSession, end: dt.datetime
) -> dict[int, list[tuple[dt.datetime, dt.date]]]:
    """Every approved extension of the tasks whose deadline an approval moved at or after `end`."""
    approved = col(ExtensionRequest.status) == "approved"
    since = select(ExtensionRequest.task_id).where(approved, col(ExtensionRequest.decided_at) >= end)
    rows = await session.exec(
        select(
            ExtensionRequest.task_id, ExtensionRequest.decided_at, ExtensionRequest.requested_due_on
        ).where(approved, col(ExtensionRequest.task_id).in_(since))
    )
    approvals: dict[int, list[tuple[dt.datetime, dt.date]]] = {}
    for task_id, decided_at, due in rows.all():
        approvals.setdefault(task_id, []).append((decided_at or end, due))
    return approvals


async def _blockers(
    session: AsyncSession, tasks: Sequence[ReportTask], *, start: dt.datetime, end: dt.datetime
) -> list[Item]:
    """Of the month's tasks, those blocked at its end and the ones still open then on which a
    blocker was reported during it, with the latest reason given by its end."""
    newest = (
        select(func.max(TaskUpdate.id))
        .where(TaskUpdate.new_status == TaskStatus.BLOCKED, col(TaskUpdate.at) < end)
        .group_by(col(TaskUpdate.task_id))
    )
    reasons = {
        task_id: (at, note)
        for task_id, at, note in (
            await session.exec(
                select(TaskUpdate.task_id, TaskUpdate.at, TaskUpdate.note).where(
                    col(TaskUpdate.id).in_(newest.scalar_subquery())
                )
            )
        ).all()
    }
    blocked = [
        task
        for task in tasks
        if task.status == TaskStatus.BLOCKED
        or (is_open(task.status) and task.task_id in reasons and reasons[task.task_id][0] >= start)
    ]
    blocked.sort(key=lambda t: (t.due_on or dt.date.max, t.task_id))
    return [Item(t.title, t.unit, t.due_on, reasons.get(t.task_id, (None, None))[1]) for t in blocked]


async def extension_requests(
    session: AsyncSession, *, start: dt.datetime, end: dt.datetime, unit_id: int | None = None
) -> list[Item]:
    """Extension requests sent in the period, with what was decided on them by its end (a decision
    taken after it was still pending then)."""
    query = (
        select(ExtensionRequest, Task.title, Unit.name, Task.original_due_on)
        .join(Task, col(ExtensionRequest.task_id) == Task.id)
        .join(Unit, col(Task.lead_unit_id) == Unit.id)
        .where(col(ExtensionRequest.at) >= start, col(ExtensionRequest.at) < end)
        .order_by(col(ExtensionRequest.at))
    )
    if unit_id is not None:
        query = query.where(Task.lead_unit_id == unit_id)
    return [
        Item(title, unit, due, request.reason, request.requested_due_on, _decision_by(request, end))
        for request, title, unit, due in (await session.exec(query)).all()
    ]


def _decision_by(request: ExtensionRequest, end: dt.datetime) -> str:
    decided = request.decided_at is not None and request.decided_at < end
    return request.status if decided else "pending"


async def _houses(
    session: AsyncSession, *, programme: Programme, unit_ids: list[int] | None, as_of: dt.date
) -> Houses:
    result = await households.progress_of(
        session, programme=programme, unit_ids=unit_ids, today=as_of, working_days_left=None
    )
    query = select(Household.funds).where(Household.programme == programme.key)
    if unit_ids is not None:
        query = query.where(col(Household.unit_id).in_(unit_ids))
    by_source: dict[str, float] = {}
    for funds in (await session.exec(query)).all():
        for source, amount in (funds or {}).items():
            by_source[source] = by_source.get(source, 0.0) + float(amount or 0)
    stages = [key for key, _ in programme.stages]
    return Houses(
        programme=programme.name,
        unit_label=programme.unit_label,
        planned=result.planned,
        started=result.reached(stages[1]) if len(stages) > 1 else 0,
        handed_over=result.reached(stages[-1]),
        pledged=result.pledged,
        transferred=result.transferred,
        funds=[(programme.fund_sources.get(key, key), amount) for key, amount in sorted(by_source.items())],
    )
