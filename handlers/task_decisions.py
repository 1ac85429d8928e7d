"""Leaders' and the office's buttons on a card: confirm, return, reopen, decide an extension."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.context import BotContext
from domain import taskflow_texts
from domain.statuses import TaskStatus
from domain.tasks import may_confirm
from handlers.task_buttons import Button, asker
from handlers.task_cards import answer_change, change_by_button, edit_quietly, refresh_card
from storage import messages, task_completion, task_extensions, task_notices
from storage.models import Task


async def _confirm(
    update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]
) -> None:
    official = context.official
    assert official is not None
    async with context.services.db() as session:
        reporter = await task_completion.reporter_of(session, task_id=task.id or 0)
    if task.status == TaskStatus.AWAITING_CONFIRMATION and not may_confirm(official.id, reporter):
        await update.callback_query.answer(  # type: ignore[union-attr]
            taskflow_texts.not_your_confirmation(task.id or 0)[:200], show_alert=True
        )
        return
    now = context.services.clock.now()

    async def tell_assignees(session: Any, changed: Task) -> None:
        await task_notices.notify_assignees(
            session,
            task=changed,
            kind="task.confirmed",
            now=now,
            text=taskflow_texts.confirmed(task.id or 0, official.full_name),
            exclude_id=official.id,
        )

    result = await change_by_button(
        update,
        context,
        task,
        version,
        then=tell_assignees,
        allowed_from=(TaskStatus.AWAITING_CONFIRMATION,),
        new_status=TaskStatus.DONE,
        note="Xác nhận hoàn thành",
        completed_at=task.reported_done_at or now,
        confirmed_by_id=official.id,
    )
    await answer_change(update, context, result, taskflow_texts.confirmed_by_you(task.id or 0))


async def _decide_extension(
    update: Update, context: BotContext, task: Task, extra: tuple[str, ...], *, approve: bool
) -> None:
    query, official = update.callback_query, context.official
    assert query is not None and official is not None
    request_id = int(extra[0]) if extra and extra[0].isdigit() and len(extra[0]) <= 9 else 0
    now = context.services.clock.now()
    async with context.services.db.begin() as session:
        request = await task_extensions.decide_extension(
            session, request_id=request_id, approve=approve, decider_id=official.id or 0, at=now
        )
        if request is not None:
            text = taskflow_texts.extension_decided(
                task.id or 0, approve, request.requested_due_on, official.full_name
            )
            await task_notices.notify_one(
                session,
                official_id=request.official_id,
                text=text,
                kind="task.extension.decided",
                key=f"ext:{request.id}:decided",
                now=now,
            )
    context.services.wake_sender.set()
    if request is None:
        await query.answer(taskflow_texts.already_decided(), show_alert=True)
        return
    await query.answer(text[:200])
    async with context.services.db() as session:
        shown = await messages.get_message(
            session,
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,  # type: ignore[union-attr]
        )
    if shown is not None and shown.kind == "card":  # decided on the card: redraw it with the new deadline
        await refresh_card(update, context, task.id or 0)
        return
    await edit_quietly(update, f"{query.message.text_html}\n\n{text}", None)  # type: ignore[union-attr]


async def _approve(
    update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]
) -> None:
    await _decide_extension(update, context, task, extra, approve=True)


async def _reject(
    update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]
) -> None:
    await _decide_extension(update, context, task, extra, approve=False)


BUTTONS: dict[str, Button] = {
    "cf": _confirm,
    "rt": asker("rt"),
    "ro": asker("ro"),
    "ea": _approve,
    "er": _reject,
}
