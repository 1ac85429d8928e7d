"""Reading tasks: who works on one, who has received it, what a card shows, the lists."""

from __future__ import annotations

from sqlalchemy import func, or_, union
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.statuses import OPEN_STATUSES, TaskStatus
from domain.task_texts import TaskView
from storage.models import (
    Directive,
    ExtensionRequest,
    Official,
    Task,
    TaskAck,
    TaskOfficial,
    TaskUnit,
    TaskUpdate,
    Unit,
)


async def assignees_of(session: AsyncSession, *, task: Task) -> list[Official]:
    """Who works on the task: the lead unit's active officials and the officials named on it."""
    named = select(TaskOfficial.official_id).where(TaskOfficial.task_id == task.id)
    result = await session.exec(
        select(Official)
        .where(Official.active, or_(col(Official.unit_id) == task.lead_unit_id, col(Official.id).in_(named)))
        .order_by(col(Official.id))
    )
    return list(result.all())


async def received_by(session: AsyncSession, *, task_id: int) -> set[int]:
    """Who has received the task: pressed 📥 Đã nhận, or reported anything on it (which says as much)."""
    acks = (await session.exec(select(TaskAck.official_id).where(TaskAck.task_id == task_id))).all()
    reporters = (
        await session.exec(
            select(TaskUpdate.official_id).where(
                TaskUpdate.task_id == task_id, col(TaskUpdate.official_id).is_not(None)
            )
        )
    ).all()
    return {*acks, *(r for r in reporters if r is not None)}


async def is_assignee(session: AsyncSession, *, task: Task, official: Official) -> bool:
    """May this official report on the task (their unit leads or cooperates, or they are named)?"""
    if official.unit_id == task.lead_unit_id:
        return True
    cooperates = await session.exec(
        select(TaskUnit).where(TaskUnit.task_id == task.id, TaskUnit.unit_id == official.unit_id)
    )
    named = await session.exec(
        select(TaskOfficial).where(TaskOfficial.task_id == task.id, TaskOfficial.official_id == official.id)
    )
    return cooperates.first() is not None or named.first() is not None


async def pending_extension(session: AsyncSession, *, task_id: int) -> ExtensionRequest | None:
    """The request still waiting for a leader's decision, if any."""
    result = await session.exec(
        select(ExtensionRequest)
        .where(ExtensionRequest.task_id == task_id, ExtensionRequest.status == "pending")
        .order_by(col(ExtensionRequest.id).desc())
        .limit(1)
    )
    return result.first()


async def task_view(
    session: AsyncSession, *, task: Task, with_acks: bool = False, viewer: Official | None = None
) -> TaskView:
    """A task with the names a card shows; for `viewer`, whether their 📥 Đã nhận is still missing."""
    assert task.id is not None
    lead = await session.get(Unit, task.lead_unit_id)
    directive = await session.get(Directive, task.directive_id) if task.directive_id else None
    cooperating = (
        await session.exec(
            select(Unit.name)
            .join(TaskUnit, col(TaskUnit.unit_id) == Unit.id)
            .where(TaskUnit.task_id == task.id)
            .order_by(col(Unit.name))
        )
    ).all()
    acked: list[str] = []
    missing: list[str] = []
    received = await received_by(session, task_id=task.id) if with_acks or viewer else set()
    if with_acks:
        assignees = await assignees_of(session, task=task)
        acked = [o.full_name for o in assignees if o.id in received]
        missing = [o.full_name for o in assignees if o.id not in received]
    ack_needed = (
        viewer is not None
        and viewer.id not in received
        and await is_assignee(session, task=task, official=viewer)
    )
    request = (
        await pending_extension(session, task_id=task.id)
        if task.status == TaskStatus.EXTENSION_REQUESTED
        else None
    )
    return TaskView(
        id=task.id,
        version=task.version,
        title=task.title,
        body=task.body,
        status=task.status,
        lead_unit=lead.name if lead else "?",
        due_on=task.due_on,
        original_due_on=task.original_due_on,
        due_wording=task.due_wording,
        directive=directive.number if directive else None,
        cooperating=tuple(cooperating),
        target_quantity=task.target_quantity,
        target_measure=task.target_measure,
        recurrence=task.recurrence,
        progress_quantity=task.progress_quantity,
        progress_percent=task.progress_percent,
        acknowledged=tuple(acked),
        not_acknowledged=tuple(missing),
        ack_needed=ack_needed,
        extension=(request.id or 0, request.requested_due_on) if request else None,
    )


async def open_tasks_for(
    session: AsyncSession, *, official: Official, page: int = 1, per_page: int = 8
) -> tuple[list[Task], int]:
    """Open tasks of the official's unit (lead or cooperating) and those naming them, soonest first."""
    lead = select(Task.id).where(Task.lead_unit_id == official.unit_id)
    cooperating = select(TaskUnit.task_id).where(TaskUnit.unit_id == official.unit_id)
    named = select(TaskOfficial.task_id).where(TaskOfficial.official_id == official.id)
    if session.get_bind().dialect.name == "sqlite":
        # SQLite reads an OR of the three through the status index, every open task of the
        # province (160 ms at 50,000 tasks); the union of ids, each through its index, takes 8 ms.
        mine = col(Task.id).in_(union(lead, cooperating, named))
    else:  # PostgreSQL combines the three indexes itself (BitmapOr), quicker than the union
        mine = or_(
            col(Task.lead_unit_id) == official.unit_id, col(Task.id).in_(cooperating), col(Task.id).in_(named)
        )
    where = (col(Task.status).in_(list(OPEN_STATUSES)), mine)
    total = int((await session.exec(select(func.count()).select_from(Task).where(*where))).one())
    result = await session.exec(
        select(Task)
        .where(*where)
        .order_by(col(Task.due_on).is_(None), col(Task.due_on), col(Task.id))
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list(result.all()), total


async def open_tasks(session: AsyncSession) -> list[Task]:
    """Every open task, soonest deadline first."""
    result = await session.exec(
        select(Task)
        .where(col(Task.status).in_(list(OPEN_STATUSES)))
        .order_by(col(Task.due_on).is_(None), col(Task.due_on), col(Task.id))
    )
    return list(result.all())


async def last_update(session: AsyncSession, *, task_id: int) -> tuple[TaskUpdate, Official | None] | None:
    """The newest entry of the history, with who made it."""
    row = (
        await session.exec(
            select(TaskUpdate, Official)
            .join(Official, col(TaskUpdate.official_id) == Official.id, isouter=True)
            .where(TaskUpdate.task_id == task_id)
            .order_by(col(TaskUpdate.id).desc())
            .limit(1)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def history(session: AsyncSession, *, task_id: int) -> list[TaskUpdate]:
    result = await session.exec(
        select(TaskUpdate).where(TaskUpdate.task_id == task_id).order_by(col(TaskUpdate.id))
    )
    return list(result.all())


async def changed_only_by(
    session: AsyncSession, *, task_id: int, since_version: int, version: int, official_id: int | None
) -> bool:
    """Whether every change after `since_version` (up to `version`) was made by `official_id`:
    each change bumps the version by one and writes one history line, so they are the newest lines."""
    count = version - since_version
    if official_id is None or count <= 0 or count > 50:
        return False
    authors = (
        await session.exec(
            select(TaskUpdate.official_id)
            .where(TaskUpdate.task_id == task_id)
            .order_by(col(TaskUpdate.id).desc())
            .limit(count)
        )
    ).all()
    return len(authors) == count and all(author == official_id for author in authors)
