"""A deadline extension: asked for by those who work on a task, decided once by a leader."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.audit import add_audit
from storage.models import ExtensionRequest, Task
from storage.tasks import change_task


async def add_extension_request(
    session: AsyncSession,
    *,
    task: Task,
    official_id: int,
    due_on: dt.date,
    reason: str,
    previous_status: str,
    at: dt.datetime,
) -> ExtensionRequest:
    request = ExtensionRequest(
        task_id=task.id or 0,
        official_id=official_id,
        requested_due_on=due_on,
        reason=reason[:1000],
        previous_status=previous_status,
        at=at,
    )
    session.add(request)
    await session.flush()
    return request


async def decide_extension(
    session: AsyncSession, *, request_id: int, approve: bool, decider_id: int, at: dt.datetime
) -> ExtensionRequest | None:
    """Approve or reject once; None when it was decided already. Approval moves the deadline,
    keeping the original one; either way the task returns to the status it had."""
    claimed = await session.exec(
        update(ExtensionRequest)
        .where(col(ExtensionRequest.id) == request_id, col(ExtensionRequest.status) == "pending")
        .values(status="approved" if approve else "rejected", decided_by_id=decider_id, decided_at=at)
    )
    if not claimed.rowcount:
        return None
    request = await session.get(ExtensionRequest, request_id, populate_existing=True)
    assert request is not None
    fields: dict[str, object] = {}
    if approve:
        fields["due_on"] = request.requested_due_on
    await change_task(
        session,
        task_id=request.task_id,
        official_id=decider_id,
        at=at,
        new_status=request.previous_status,
        note=("Đồng ý gia hạn" if approve else "Không đồng ý gia hạn"),
        **fields,
    )
    await add_audit(
        session,
        at=at,
        action="tasks.extension." + ("approve" if approve else "reject"),
        official_id=decider_id,
        entity="task",
        entity_id=request.task_id,
        detail={"due": request.requested_due_on.isoformat()},
    )
    return request
