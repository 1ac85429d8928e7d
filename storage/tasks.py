"""Directives, tasks and their history: create, list, and change them exactly once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.dates import RECURRENCES, Due, next_due
from domain.progress import Progress
from domain.statuses import TaskStatus
from domain.tasks import is_older_report
from storage import outbox, task_notices
from storage.audit import add_audit
from storage.models import Directive, Task, TaskAck, TaskOfficial, TaskUnit, TaskUpdate
from storage.task_views import (  # noqa: F401  (the public surface of tasks, read side)
    assignees_of,
    changed_only_by,
    history,
    is_assignee,
    last_update,
    open_tasks,
    open_tasks_for,
    task_view,
)


async def add_directive(
    session: AsyncSession,
    *,
    number: str,
    summary: str,
    issued_on: dt.date | None = None,
    issuer: str | None = None,
) -> Directive:
    """A directive by its number as written; the same number again returns the existing one."""
    number = " ".join(number.split())
    existing = (
        await session.exec(select(Directive).where(func.lower(Directive.number) == number.lower()))
    ).first()
    if existing is not None:
        return existing
    directive = Directive(number=number, summary=summary, issued_on=issued_on, issuer=issuer)
    session.add(directive)
    await session.flush()
    return directive


async def recent_directives(session: AsyncSession, *, limit: int = 5) -> list[Directive]:
    result = await session.exec(select(Directive).order_by(col(Directive.id).desc()).limit(limit))
    return list(result.all())


async def add_task(
    session: AsyncSession,
    *,
    title: str,
    lead_unit_id: int,
    now: dt.datetime,
    body: str | None = None,
    due: Due | None = None,
    directive_id: int | None = None,
    cooperating_unit_ids: Sequence[int] = (),
    official_ids: Sequence[int] = (),
    target_quantity: float | None = None,
    target_measure: str | None = None,
    needs_confirmation: bool = True,
    created_by_id: int | None = None,
    recurrence: str | None = None,
) -> Task:
    """Create a task (status mới); the original deadline is kept for ever beside the current one."""
    task = Task(
        recurrence=recurrence,
        title=" ".join(title.split())[:500],
        body=body,
        lead_unit_id=lead_unit_id,
        due_on=due.on if due else None,
        original_due_on=due.on if due else None,
        due_wording=due.wording[:200] if due else None,
        directive_id=directive_id,
        target_quantity=target_quantity,
        target_measure=target_measure,
        needs_confirmation=needs_confirmation,
        created_by_id=created_by_id,
    )
    session.add(task)
    await session.flush()
    assert task.id is not None
    for unit_id in dict.fromkeys(cooperating_unit_ids):
        if unit_id != lead_unit_id:
            session.add(TaskUnit(task_id=task.id, unit_id=unit_id))
    for official_id in dict.fromkeys(official_ids):
        session.add(TaskOfficial(task_id=task.id, official_id=official_id))
    session.add(
        TaskUpdate(
            task_id=task.id,
            official_id=created_by_id,
            at=now,
            new_status=TaskStatus.NEW,
            note="Giao nhiệm vụ",
        )
    )
    await add_audit(
        session,
        at=now,
        action="tasks.add",
        official_id=created_by_id,
        entity="task",
        entity_id=task.id,
        detail={"title": task.title},
    )
    return task


async def get_task(session: AsyncSession, *, task_id: int, for_update: bool = False) -> Task | None:
    query = select(Task).where(Task.id == task_id).execution_options(populate_existing=True)
    if for_update and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return (await session.exec(query)).first()


# --- changes ----------------------------------------------------------------------------------


class Change(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"  # this Telegram update was recorded before
    STALE = "stale"  # someone changed the task after the button was drawn
    NOT_NOW = "not_now"  # the status does not allow it
    MISSING = "missing"


@dataclass
class ChangeResult:
    outcome: Change
    task: Task | None = None
    newer_progress_kept: bool = False  # a late report went into the history only


def _progress_values(task: Task, progress: Progress, at: dt.datetime) -> dict[str, object] | None:
    """The task's progress columns after a report sent at `at`: one number in two consistent views.
    None when a newer report is already on the task (an older one delivered late never wins)."""
    if is_older_report(at, task.progress_at):
        return None
    values: dict[str, object] = {
        "progress_percent": progress.percent,
        "progress_quantity": progress.quantity,
        "progress_at": at,
    }
    if not task.target_quantity and progress.target:
        values["target_quantity"] = progress.target  # '5/12' on a task without one: said to the user
    return values


async def change_task(
    session: AsyncSession,
    *,
    task_id: int,
    official_id: int | None,
    at: dt.datetime,
    update_id: int | None = None,
    message_id: int | None = None,
    expected_version: int | None = None,
    allowed_from: Sequence[str] | None = None,
    new_status: str | None = None,
    progress: Progress | None = None,
    note: str | None = None,
    known: Task | None = None,
    **fields: object,
) -> ChangeResult:
    """One change of a task, recorded in its history in the same transaction; exactly once per
    Telegram update, and never over a change the caller had not seen (the version check).

    `known` is the task as the caller read it a moment ago: the change is tried over that
    version without reading the row again (the UPDATE's version check decides), and only a
    refusal or a lost race reads it afresh, so no outcome rests on a copy that may be old."""
    if update_id is not None:
        seen = await session.exec(select(TaskUpdate.id).where(TaskUpdate.telegram_update_id == update_id))
        if seen.first() is not None:
            return ChangeResult(Change.DUPLICATE, await get_task(session, task_id=task_id))
    task = known if known is not None and known.id == task_id else None
    while True:
        fresh = task is None
        if task is None:
            task = await get_task(session, task_id=task_id, for_update=True)
            if task is None:
                return ChangeResult(Change.MISSING)
        refusal = (
            Change.STALE
            if expected_version is not None and task.version != expected_version
            else Change.NOT_NOW
            if allowed_from is not None and task.status not in allowed_from
            else None
        )
        if refusal is not None:
            if fresh:
                return ChangeResult(refusal, task)
            task = None  # the caller's copy may be old: decide on the row itself
            continue
        was_done, recurrence = task.status == TaskStatus.DONE, task.recurrence  # before the update
        values: dict[str, object] = {"version": task.version + 1, **fields}
        if new_status is not None:
            values["status"] = new_status
        progress_values = _progress_values(task, progress, at) if progress is not None else None
        values.update(progress_values or {})
        # A conditional update: two presses racing on one version, only one wins; the changed
        # row comes back with it.
        changed = (
            (
                await session.exec(
                    update(Task)
                    .where(col(Task.id) == task_id, col(Task.version) == task.version)
                    .values(**values)
                    .returning(Task)
                    .execution_options(synchronize_session=False, populate_existing=True)
                )
            )
            .scalars()
            .first()
        )
        if changed is not None:
            break
        if fresh:
            return ChangeResult(Change.STALE, await get_task(session, task_id=task_id))
        task = None  # changed since the caller read it: read it here and decide again
    if new_status == TaskStatus.DONE and recurrence and not was_done:
        await _next_occurrence(session, task=task, at=at)
    if new_status in (TaskStatus.DONE, TaskStatus.AWAITING_CONFIRMATION) or "due_on" in fields:
        # Reminders for the old deadline, or for finished work, must not go out any more.
        await outbox.cancel_pending(session, key_prefix=f"task:{task_id}:due:", now=at)
        await outbox.cancel_pending(session, key_prefix=f"task:{task_id}:overdue:", now=at)
    session.add(
        TaskUpdate(
            task_id=task_id,
            official_id=official_id,
            at=at,
            new_status=new_status,
            progress_quantity=progress.quantity if progress else None,
            progress_percent=progress.percent if progress else None,
            note=note,
            telegram_update_id=update_id,
            telegram_message_id=message_id,
        )
    )
    await session.flush()
    kept = progress is not None and progress_values is None
    return ChangeResult(Change.APPLIED, changed, newer_progress_kept=kept)


async def acknowledge(session: AsyncSession, *, task_id: int, official_id: int, at: dt.datetime) -> bool:
    """'Đã nhận': recorded once per official."""
    existing = await session.get(TaskAck, (task_id, official_id))
    if existing is not None:
        return False
    session.add(TaskAck(task_id=task_id, official_id=official_id, at=at))
    await session.flush()
    return True


async def _next_occurrence(session: AsyncSession, *, task: Task, at: dt.datetime) -> Task:
    """A recurring task, once done, hands out its next occurrence (same units, people, target)."""
    base = task.due_on or at.date()
    due_on = next_due(base, task.recurrence or "monthly")
    cooperating = (await session.exec(select(TaskUnit.unit_id).where(TaskUnit.task_id == task.id))).all()
    named = (
        await session.exec(select(TaskOfficial.official_id).where(TaskOfficial.task_id == task.id))
    ).all()
    following = await add_task(
        session,
        title=task.title,
        body=task.body,
        lead_unit_id=task.lead_unit_id,
        now=at,
        due=Due(due_on, f"{RECURRENCES.get(task.recurrence or '', '')}, hạn {due_on:%d/%m/%Y}"),
        directive_id=task.directive_id,
        cooperating_unit_ids=list(cooperating),
        official_ids=list(named),
        target_quantity=task.target_quantity,
        target_measure=task.target_measure,
        needs_confirmation=task.needs_confirmation,
        created_by_id=task.created_by_id,
        recurrence=task.recurrence,
    )
    await task_notices.notify_assigned(session, task=following, today=at.date(), now=at)
    return following
