"""Answers to the bot's questions about a task: a blocker, a note, a number, an extension, a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update

from bot.context import BotContext
from domain import taskflow_texts
from domain.dates import DateError, fmt, parse_due
from domain.progress import Reading, read_progress
from domain.statuses import TaskStatus
from handlers.keyboards import ask, markup
from handlers.task_cards import REPORTING, progress_question
from storage import messages, task_extensions, task_notices, tasks, units
from storage.models import BotMessage, Task
from storage.tasks import Change, ChangeResult

Answer = Callable[[Update, BotContext, BotMessage, Task, str], Awaitable[None]]
AfterChange = Callable[[Any, Task], Awaitable[object]]  # (session, changed task), in the transaction


def sent_at(update: Update) -> dt.datetime:
    """When the official sent it (Telegram may deliver hours later in poor coverage)."""
    message = update.effective_message
    assert message is not None
    return message.date.astimezone(dt.UTC)


async def reply(update: Update, text: str) -> None:
    await update.effective_message.reply_html(text)  # type: ignore[union-attr]


async def tell_if_cut(update: Update, text: str, limit: int = taskflow_texts.NOTE_LIMIT) -> str:
    """The note as kept; the user hears when it had to be cut."""
    if len(text) > limit:
        await reply(update, taskflow_texts.note_cut(limit))
    return text[:limit]


async def _close_and_change(
    update: Update,
    context: BotContext,
    prompt: BotMessage | None,
    *,
    then: AfterChange | None = None,
    **change: Any,
) -> ChangeResult:
    """Close the question and change the task in one transaction (a redelivery changes nothing);
    `then` adds what follows from an applied change (a request, notices) to the same transaction.
    A question overtaken by another change is closed too: its answer no longer applies."""
    async with context.services.db.begin() as session:
        if prompt is not None and not await messages.mark_answered(
            session, message=prompt, now=context.services.clock.now()
        ):
            return ChangeResult(Change.DUPLICATE)
        result = await tasks.change_task(
            session,
            official_id=context.official.id,  # type: ignore[union-attr]
            at=sent_at(update),
            update_id=update.update_id,
            message_id=update.effective_message.message_id,  # type: ignore[union-attr]
            **change,
        )
        if then is not None and result.outcome == Change.APPLIED:
            await then(session, result.task)  # type: ignore[arg-type]
    if then is not None:
        context.services.wake_sender.set()
    return result


async def _answer_outcome(update: Update, result: ChangeResult, task: Task, ok_text: str) -> bool:
    if result.outcome == Change.APPLIED:
        await reply(update, ok_text)
        return True
    if result.outcome in (Change.STALE, Change.NOT_NOW):
        await reply(update, taskflow_texts.changed_meanwhile(task.id or 0))
    return False


async def report_progress(
    update: Update, context: BotContext, task: Task, reading: Reading, prompt: BotMessage | None = None
) -> None:
    """Record a progress reading; one over the target or below the last report is asked about
    first, never stored silently (an older report delivered late goes into the history only)."""
    question = progress_question(task, reading.progress, at=sent_at(update))
    if question is not None:
        if prompt is not None:
            async with context.services.db.begin() as session:
                await messages.mark_answered(session, message=prompt, now=context.services.clock.now())
        await update.effective_message.reply_html(question[0], reply_markup=markup(question[1]))  # type: ignore[union-attr]
        return
    status = TaskStatus.IN_PROGRESS if task.status in (TaskStatus.NEW, TaskStatus.BLOCKED) else None
    result = await _close_and_change(
        update,
        context,
        prompt,
        task_id=task.id or 0,
        known=task,
        progress=reading.progress,
        new_status=status,
    )
    ok = taskflow_texts.progress_recorded(reading, task.id or 0, task.target_measure)
    if await _answer_outcome(update, result, task, ok) and result.newer_progress_kept:
        when = sent_at(update).astimezone(context.services.settings.tz).strftime("%H:%M %d/%m/%Y")
        await reply(update, taskflow_texts.older_report_kept(task.id or 0, when))


async def _blocked(update: Update, context: BotContext, prompt: BotMessage, task: Task, text: str) -> None:
    text = await tell_if_cut(update, text, taskflow_texts.NOTE_LIMIT - 100)
    result = await _close_and_change(
        update,
        context,
        prompt,
        task_id=task.id or 0,
        known=task,
        allowed_from=REPORTING,
        new_status=TaskStatus.BLOCKED,
        note=f"Vướng mắc: {text}",
    )
    await _answer_outcome(update, result, task, taskflow_texts.recorded("vướng mắc", task.id or 0))


async def _note(update: Update, context: BotContext, prompt: BotMessage, task: Task, text: str) -> None:
    note = await tell_if_cut(update, text)
    result = await _close_and_change(update, context, prompt, task_id=task.id or 0, known=task, note=note)
    await _answer_outcome(update, result, task, taskflow_texts.recorded("ghi chú", task.id or 0))


async def _number(update: Update, context: BotContext, prompt: BotMessage, task: Task, text: str) -> None:
    reading = read_progress(text, target=task.target_quantity, measure=task.target_measure)
    if reading is None:
        await reply(update, taskflow_texts.bad_progress())
        await _ask_again(context, prompt)
        return
    await report_progress(update, context, task, reading, prompt)


async def _ask_again(context: BotContext, prompt: BotMessage, **values: str) -> None:
    await ask(
        context,
        chat_id=prompt.chat_id,
        prompt=prompt.prompt or "",
        text=taskflow_texts.prompt(prompt.prompt or "", prompt.task_id or 0, **values),
        task_id=prompt.task_id,
        official_id=prompt.official_id,
        data=prompt.data,
    )


async def _extension_date(
    update: Update, context: BotContext, prompt: BotMessage, task: Task, text: str
) -> None:
    try:
        due = parse_due(text, today=context.services.today())
    except DateError as exc:
        await reply(update, str(exc))
        await _ask_again(context, prompt)
        return
    if task.due_on is not None and due.on <= task.due_on:  # an extension moves the deadline later
        await reply(update, taskflow_texts.extension_not_later(due.on, task.due_on))
        await _ask_again(context, prompt)
        return
    await ask(
        context,
        chat_id=prompt.chat_id,
        prompt="ext_reason",
        text=taskflow_texts.prompt("ext_reason", task.id or 0, date=fmt(due.on)),
        task_id=task.id,
        official_id=prompt.official_id,
        data={**prompt.data, "due": due.on.isoformat()},
    )


async def _extension_reason(
    update: Update, context: BotContext, prompt: BotMessage, task: Task, text: str
) -> None:
    official = context.official
    assert official is not None
    due_on = dt.date.fromisoformat(prompt.data["due"])
    reason = await tell_if_cut(update, text, 1000)

    async def request_and_notify(session: Any, changed: Task) -> None:
        request = await task_extensions.add_extension_request(
            session,
            task=changed,
            official_id=official.id or 0,
            due_on=due_on,
            reason=reason,
            previous_status=task.status,
            at=sent_at(update),
        )
        unit = await units.get_unit(session, unit_id=official.unit_id)
        await task_notices.notify_extension_request(
            session,
            task=changed,
            request=request,
            requester=official,
            unit_name=unit.name if unit else "",
            now=context.services.clock.now(),
        )

    result = await _close_and_change(
        update,
        context,
        prompt,
        then=request_and_notify,
        task_id=task.id or 0,
        known=task,
        allowed_from=REPORTING,
        new_status=TaskStatus.EXTENSION_REQUESTED,
        note=f"Xin gia hạn đến {fmt(due_on)}: {reason}",
    )
    await _answer_outcome(update, result, task, taskflow_texts.extension_requested(task.id or 0, due_on))


async def _return_or_reopen(
    update: Update, context: BotContext, prompt: BotMessage, task: Task, text: str
) -> None:
    official = context.official
    assert official is not None
    returning = prompt.prompt == "rt"
    reason = await tell_if_cut(update, text, 1800)
    notice = (taskflow_texts.returned if returning else taskflow_texts.reopened)(
        task.id or 0, official.full_name, reason
    )

    async def tell_assignees(session: Any, changed: Task) -> None:
        await task_notices.notify_assignees(
            session,
            task=changed,
            text=notice,
            kind="task.returned" if returning else "task.reopened",
            now=context.services.clock.now(),
            with_card=True,
            today=context.services.today(),
            exclude_id=official.id,
        )

    result = await _close_and_change(
        update,
        context,
        prompt,
        then=tell_assignees,
        task_id=task.id or 0,
        known=task,
        allowed_from=(TaskStatus.AWAITING_CONFIRMATION,) if returning else (TaskStatus.DONE,),
        new_status=TaskStatus.IN_PROGRESS,
        reported_done_at=None,
        completed_at=None,
        confirmed_by_id=None,
        note=("Trả lại báo cáo: " if returning else "Mở lại: ") + reason,
    )
    done = (taskflow_texts.returned_by_you if returning else taskflow_texts.reopened_by_you)(
        task.id or 0, reason
    )
    await _answer_outcome(update, result, task, done)


PROMPTS: dict[str, Answer] = {
    "blk": _blocked,
    "note": _note,
    "num": _number,
    "ext_date": _extension_date,
    "ext_reason": _extension_reason,
    "rt": _return_or_reopen,
    "ro": _return_or_reopen,
}
