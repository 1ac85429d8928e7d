"""Task news into the outbox: new tasks to their officials, decisions to leaders and the office."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from domain import task_texts, taskflow_texts
from domain.statuses import Role
from domain.task_texts import Buttons
from storage import officials, outbox, task_views
from storage.models import ExtensionRequest, Official, Task


def _payload(text: str, buttons: Buttons | None = None, task_id: int | None = None) -> dict[str, object]:
    payload: dict[str, object] = {"text": text}
    if buttons:
        payload["buttons"] = [[list(button) for button in row] for row in buttons]
    if task_id is not None:
        payload["task_id"] = task_id  # the sender records the card, so replies to it find the task
    return payload


async def send_to(
    session: AsyncSession,
    people: Sequence[Official],
    *,
    kind: str,
    key: str,
    text: str,
    now: dt.datetime,
    buttons: Buttons | None = None,
    task_id: int | None = None,
) -> int:
    """One outbox row per linked, active person under `key:o<id>`; returns how many were new."""
    count = 0
    for person in {p.id: p for p in people}.values():
        if person.telegram_user_id is None or not person.active:
            continue
        count += await outbox.enqueue(
            session,
            chat_id=person.telegram_user_id,
            kind=kind,
            dedupe_key=f"{key}:o{person.id}",
            payload=_payload(text, buttons, task_id),
            due_at=now,
            official_id=person.id,
        )
    return count


async def notify_assigned(session: AsyncSession, *, task: Task, today: dt.date, now: dt.datetime) -> int:
    """The new task, with its buttons and 'Đã nhận', to each of its officials."""
    view = await task_views.task_view(session, task=task)
    text = f"{taskflow_texts.assigned_intro()}\n\n{task_texts.task_card(view, today)}"
    people = await task_views.assignees_of(session, task=task)
    return await send_to(
        session,
        people,
        kind="task.assigned",
        key=f"task:{task.id}:assigned",
        text=text,
        buttons=task_texts.task_buttons(view, with_ack=True),
        task_id=task.id,
        now=now,
    )


async def deciders(
    session: AsyncSession, *, role: Role, fallback: Role = Role.ADMIN, extra_ids: Sequence[int] = ()
) -> list[Official]:
    """Leaders (or the office) who decide, plus anyone named; the fallback role when none is linked."""
    people = await officials.officials_to_notify(session, roles=[role], official_ids=extra_ids)
    if not [p for p in people if p.role == role]:
        people += await officials.officials_to_notify(session, roles=[fallback])
    return list({p.id: p for p in people}.values())


async def notify_extension_request(
    session: AsyncSession,
    *,
    task: Task,
    request: ExtensionRequest,
    requester: Official,
    unit_name: str,
    now: dt.datetime,
) -> int:
    view = await task_views.task_view(session, task=task)
    text = taskflow_texts.extension_prompt_for_leader(
        view, requester.full_name, unit_name, request.requested_due_on, request.reason
    )
    people = await deciders(session, role=Role.LEADER)
    return await send_to(
        session,
        people,
        kind="task.extension",
        key=f"task:{task.id}:ext:{request.id}",
        text=text,
        buttons=task_texts.extension_buttons(task.id or 0, request.id or 0),
        task_id=None,
        now=now,
    )


async def notify_assignees(
    session: AsyncSession,
    *,
    task: Task,
    text: str,
    kind: str,
    now: dt.datetime,
    with_card: bool = False,
    today: dt.date | None = None,
    exclude_id: int | None = None,
) -> int:
    """News about a task to the officials who work on it (but `exclude_id`, who made it happen)."""
    buttons = None
    if with_card and today is not None:
        view = await task_views.task_view(session, task=task)
        text = f"{text}\n\n{task_texts.task_card(view, today)}"
        buttons = task_texts.task_buttons(view)
    people = [p for p in await task_views.assignees_of(session, task=task) if p.id != exclude_id]
    return await send_to(
        session,
        people,
        kind=kind,
        key=f"task:{task.id}:v{task.version}:{kind}",
        text=text,
        buttons=buttons,
        task_id=task.id if with_card else None,
        now=now,
    )


async def notify_one(
    session: AsyncSession, *, official_id: int | None, text: str, kind: str, key: str, now: dt.datetime
) -> int:
    if official_id is None:
        return 0
    person = await session.get(Official, official_id)
    return await send_to(
        session,
        [person] if person else [],
        kind=kind,
        key=key,
        text=text,
        buttons=None,
        task_id=None,
        now=now,
    )


async def notify_admins(
    session: AsyncSession, *, text: str, kind: str, key: str, now: dt.datetime, exclude_id: int | None = None
) -> int:
    """The office (every admin but `exclude_id`) hears of something it must check."""
    admins = [
        a for a in await officials.officials_to_notify(session, roles=[Role.ADMIN]) if a.id != exclude_id
    ]
    return await send_to(session, admins, kind=kind, key=key, text=text, now=now)
