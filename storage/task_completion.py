"""Completion that needs confirming: who reported it, and who may confirm it (never the reporter)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain import task_texts, taskflow_texts
from domain.statuses import Role, TaskStatus
from storage import officials, task_notices, task_views
from storage.models import Notification, Official, Task, TaskUpdate


async def reporter_of(session: AsyncSession, *, task_id: int) -> int | None:
    """Who sent the task to 'Chờ xác nhận' last: the one person who may not confirm it."""
    result = await session.exec(
        select(TaskUpdate.official_id)
        .where(
            TaskUpdate.task_id == task_id,
            TaskUpdate.new_status == TaskStatus.AWAITING_CONFIRMATION,
        )
        .order_by(col(TaskUpdate.id).desc())
        .limit(1)
    )
    return result.first()


async def confirmers(session: AsyncSession, *, task: Task, reporter_id: int | None) -> list[Official]:
    """The office and the assigning leader (leaders when no office is linked), but never the
    reporter; when the reporter was the only one, every other leader and the office."""
    named = [task.created_by_id] if task.created_by_id else []
    people = await task_notices.deciders(session, role=Role.ADMIN, fallback=Role.LEADER, extra_ids=named)
    others = [p for p in people if p.id != reporter_id and p.role in (Role.ADMIN, Role.LEADER)]
    if not others:
        everyone = await officials.officials_to_notify(session, roles=[Role.ADMIN, Role.LEADER])
        others = [p for p in everyone if p.id != reporter_id]
    return others


async def ask_to_confirm(
    session: AsyncSession, *, task: Task, reporter: Official, unit_name: str, now: dt.datetime
) -> int:
    """'Hoàn thành' reported: the card with ✔️/↩️ to those who may confirm; how many were asked
    (0: nobody but the reporter could, and the reporter is told so)."""
    people = await confirmers(session, task=task, reporter_id=reporter.id)
    if not people:
        return 0
    view = replace(await task_views.task_view(session, task=task), works_on=False)
    await task_notices.send_to(
        session,
        people,
        kind="task.confirm",
        key=f"task:{task.id}:v{task.version}:confirm",
        text=taskflow_texts.confirm_prompt(view, reporter.full_name, unit_name),
        buttons=task_texts.task_buttons(view, decider=True),
        task_id=task.id,
        now=now,
    )
    return len(people)


async def withdraw_requests(
    session: AsyncSession, *, task_id: int, reported_at: dt.datetime | None, now: dt.datetime
) -> list[Notification]:
    """The report made at `reported_at` withdrawn: its requests to confirm not sent yet are
    cancelled, and those sent (returned, for their messages to say so) are marked, so no request
    stands twice. An earlier report's requests (returned since) are left as they are."""
    standing = list(
        (
            await session.exec(
                select(Notification).where(
                    col(Notification.dedupe_key).startswith(f"task:{task_id}:v"),
                    Notification.kind == "task.confirm",
                    col(Notification.cancelled_at).is_(None),
                    col(Notification.due_at) >= (reported_at or now),  # asked when it was reported
                )
            )
        ).all()
    )
    if standing:
        await session.exec(
            update(Notification)
            .where(
                col(Notification.id).in_([n.id for n in standing]), col(Notification.cancelled_at).is_(None)
            )
            .values(cancelled_at=now, last_error="withdrawn")
        )
    return [n for n in standing if n.sent_at is not None and n.telegram_message_id is not None]
