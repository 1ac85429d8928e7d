"""Answers to the bot: replies to a task card (5/12, a note, a photo) and answers to its questions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update

from bot.context import BotContext
from domain import people_texts, task_texts
from domain.dates import DateError, fmt, parse_due
from domain.statuses import TaskStatus
from domain.tasks import parse_progress
from handlers import evidence, fallback
from handlers.access import sees_all_units
from handlers.keyboards import ask
from handlers.tasks import REPORTING, is_decider
from storage import messages, task_notices, tasks, units
from storage.models import BotMessage, Official, Task
from storage.tasks import Change


def _sent_at(update: Update) -> dt.datetime:
    """When the official sent it (Telegram may deliver hours later in poor coverage)."""
    message = update.effective_message
    assert message is not None
    return message.date.astimezone(dt.UTC)


async def _target(update: Update, context: BotContext) -> BotMessage | None:
    message = update.effective_message
    assert message is not None
    replied = message.reply_to_message
    async with context.services.db() as session:
        if replied is None:
            return await messages.open_prompt(
                session, chat_id=message.chat_id, now=context.services.clock.now()
            )
        found = await messages.get_message(session, chat_id=message.chat_id, message_id=replied.message_id)
    if found is None and replied.from_user is not None and replied.from_user.id == context.bot.id:
        # A card the sender delivered a moment ago may not be recorded yet: its text names the task.
        task_id = task_texts.task_id_in(replied.text or replied.caption or "")
        if task_id is not None:
            return BotMessage(
                chat_id=message.chat_id,
                message_id=replied.message_id,
                kind="card",
                task_id=task_id,
                at=context.services.clock.now(),
            )
    return found


async def _allowed(context: BotContext, official: Official, task: Task, decider_only: bool) -> bool:
    if decider_only:
        return is_decider(official)
    if sees_all_units(official):
        return True
    async with context.services.db() as session:
        return await tasks.is_assignee(session, task=task, official=official)


async def on_text(update: Update, context: BotContext) -> None:
    """Text in a private chat: an answer to a question, a report on a card, or neither."""
    message, official = update.effective_message, context.official
    assert message is not None and official is not None
    target = await _target(update, context)
    if target is not None and target.kind == "prompt" and target.prompt == "house":
        from handlers import houses  # (imported here: houses hands task-card photos back to this module)

        async with context.services.db.begin() as session:
            await messages.mark_answered(session, message=target, now=context.services.clock.now())
        await houses.answer_name(update, context, target.data, message.text or "")
        return
    if target is None or target.task_id is None:
        if message.reply_to_message is not None:
            await message.reply_html(task_texts.reply_to_what())
        else:
            await fallback.unrecognised(update, context)
        return
    async with context.services.db() as session:
        task = await tasks.get_task(session, task_id=target.task_id)
    if task is None:
        await message.reply_html(task_texts.task_not_found(str(target.task_id)))
        return
    decider_only = target.kind == "prompt" and target.prompt in ("rt", "ro")
    if not await _allowed(context, official, task, decider_only):
        await message.reply_html(people_texts.other_unit_refused())
        return
    if target.kind == "prompt" and target.prompt in PROMPTS:
        await PROMPTS[target.prompt](update, context, target, task, message.text or "")
    else:
        await _report_on_card(update, context, task, message.text or "")


async def _report_on_card(update: Update, context: BotContext, task: Task, text: str) -> None:
    """A reply to a card: '5/12' or '60%' is progress, anything else a note."""
    progress = parse_progress(text, target=task.target_quantity)
    status = TaskStatus.IN_PROGRESS if progress and task.status == TaskStatus.NEW else None
    async with context.services.db.begin() as session:
        result = await tasks.change_task(
            session,
            task_id=task.id or 0,
            official_id=context.official.id,
            at=_sent_at(update),  # type: ignore[union-attr]
            update_id=update.update_id,
            message_id=update.effective_message.message_id,  # type: ignore[union-attr]
            progress=progress,
            note=None if progress else text[:2000],
            new_status=status,
        )
    if result.outcome == Change.APPLIED:
        what = f"tiến độ {text.strip()}" if progress else "ghi chú"
        await update.effective_message.reply_html(task_texts.recorded(what, task.id or 0))  # type: ignore[union-attr]


Answer = Callable[[Update, BotContext, BotMessage, Task, str], Awaitable[None]]


async def _close_and_change(
    update: Update, context: BotContext, prompt: BotMessage, **change: Any
) -> tuple[Change, Task | None]:
    """Close the question and change the task in one transaction (a redelivery changes nothing).
    A question overtaken by another change is closed too: its answer no longer applies."""
    async with context.services.db.begin() as session:
        if not await messages.mark_answered(session, message=prompt, now=context.services.clock.now()):
            return Change.DUPLICATE, None
        result = await tasks.change_task(
            session,
            task_id=prompt.task_id or 0,
            official_id=context.official.id,  # type: ignore[union-attr]
            at=_sent_at(update),
            update_id=update.update_id,
            message_id=update.effective_message.message_id,
            **change,
        )  # type: ignore[union-attr]
        return result.outcome, result.task


async def _reply(update: Update, text: str) -> None:
    await update.effective_message.reply_html(text)  # type: ignore[union-attr]


async def _answer_outcome(update: Update, outcome: Change, task: Task | None, ok_text: str) -> bool:
    if outcome == Change.APPLIED:
        await _reply(update, ok_text)
        return True
    if outcome in (Change.STALE, Change.NOT_NOW) and task is not None:
        await _reply(update, task_texts.changed_meanwhile(task.id or 0))
    return False


async def _blocked(update: Update, context: BotContext, prompt: BotMessage, task: Task, text: str) -> None:
    outcome, changed = await _close_and_change(
        update,
        context,
        prompt,
        allowed_from=REPORTING,
        new_status=TaskStatus.BLOCKED,
        note=f"Vướng mắc: {text[:1900]}",
    )
    await _answer_outcome(update, outcome, changed or task, task_texts.recorded("vướng mắc", task.id or 0))


async def _note(update: Update, context: BotContext, prompt: BotMessage, task: Task, text: str) -> None:
    outcome, changed = await _close_and_change(update, context, prompt, note=text[:2000])
    await _answer_outcome(update, outcome, changed or task, task_texts.recorded("ghi chú", task.id or 0))


async def _number(update: Update, context: BotContext, prompt: BotMessage, task: Task, text: str) -> None:
    progress = parse_progress(text, target=task.target_quantity)
    if progress is None:
        await _reply(update, task_texts.bad_progress())
        await _ask_again(update, context, prompt)
        return
    status = TaskStatus.IN_PROGRESS if task.status in (TaskStatus.NEW, TaskStatus.BLOCKED) else None
    outcome, changed = await _close_and_change(update, context, prompt, progress=progress, new_status=status)
    await _answer_outcome(
        update, outcome, changed or task, task_texts.recorded(f"tiến độ {text.strip()}", task.id or 0)
    )


async def _ask_again(update: Update, context: BotContext, prompt: BotMessage, **values: str) -> None:
    await ask(
        context,
        chat_id=prompt.chat_id,
        prompt=prompt.prompt or "",
        text=task_texts.prompt(prompt.prompt or "", prompt.task_id or 0, **values),
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
        await _reply(update, str(exc))
        await _ask_again(update, context, prompt)
        return
    await ask(
        context,
        chat_id=prompt.chat_id,
        prompt="ext_reason",
        text=task_texts.prompt("ext_reason", task.id or 0, date=fmt(due.on)),
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
    now = context.services.clock.now()
    async with context.services.db.begin() as session:
        if not await messages.mark_answered(session, message=prompt, now=now):
            return
        previous = task.status
        result = await tasks.change_task(
            session,
            task_id=task.id or 0,
            official_id=official.id,
            at=_sent_at(update),
            update_id=update.update_id,
            allowed_from=REPORTING,
            new_status=TaskStatus.EXTENSION_REQUESTED,
            note=f"Xin gia hạn đến {fmt(due_on)}: {text[:1800]}",
        )
        if result.outcome == Change.APPLIED:
            request = await tasks.add_extension_request(
                session,
                task=result.task,
                official_id=official.id or 0,  # type: ignore[arg-type]
                due_on=due_on,
                reason=text,
                previous_status=previous,
                at=_sent_at(update),
            )
            unit = await units.get_unit(session, unit_id=official.unit_id)
            await task_notices.notify_extension_request(
                session,
                task=result.task,
                request=request,  # type: ignore[arg-type]
                requester=official,
                unit_name=unit.name if unit else "",
                now=now,
            )
    context.services.wake_sender.set()
    await _answer_outcome(
        update, result.outcome, result.task, task_texts.extension_requested(task.id or 0, due_on)
    )


async def _return_or_reopen(
    update: Update, context: BotContext, prompt: BotMessage, task: Task, text: str
) -> None:
    official = context.official
    assert official is not None
    returning = prompt.prompt == "rt"
    now = context.services.clock.now()
    async with context.services.db.begin() as session:
        if not await messages.mark_answered(session, message=prompt, now=now):
            return
        result = await tasks.change_task(
            session,
            task_id=task.id or 0,
            official_id=official.id,
            at=_sent_at(update),
            update_id=update.update_id,
            allowed_from=(TaskStatus.AWAITING_CONFIRMATION,) if returning else (TaskStatus.DONE,),
            new_status=TaskStatus.IN_PROGRESS,
            reported_done_at=None,
            completed_at=None,
            confirmed_by_id=None,
            note=("Trả lại báo cáo: " if returning else "Mở lại: ") + text[:1800],
        )
        if result.outcome == Change.APPLIED:
            notice = (task_texts.returned if returning else task_texts.reopened)(
                task.id or 0, official.full_name, text
            )
            await task_notices.notify_assignees(
                session,
                task=result.task,
                text=notice,  # type: ignore[arg-type]
                kind="task.returned" if returning else "task.reopened",
                now=now,
                with_card=True,
                today=context.services.today(),
            )
    context.services.wake_sender.set()
    done = (task_texts.returned if returning else task_texts.reopened)(task.id or 0, official.full_name, text)
    await _answer_outcome(update, result.outcome, result.task, done)


PROMPTS: dict[str, Answer] = {
    "blk": _blocked,
    "note": _note,
    "num": _number,
    "ext_date": _extension_date,
    "ext_reason": _extension_reason,
    "rt": _return_or_reopen,
    "ro": _return_or_reopen,
}


async def on_photo(update: Update, context: BotContext) -> None:
    """A photo replying to a task card: kept as evidence on the task."""
    message, official = update.effective_message, context.official
    assert message is not None and official is not None
    target = await _target(update, context) if message.reply_to_message else None
    if target is None or target.task_id is None:
        await message.reply_html(task_texts.reply_to_what())
        return
    async with context.services.db() as session:
        task = await tasks.get_task(session, task_id=target.task_id)
    if task is None or not await _allowed(context, official, task, decider_only=False):
        await message.reply_html(people_texts.other_unit_refused())
        return
    if await evidence.receive_photo(update, context, task_id=task.id) is None:
        return
    async with context.services.db.begin() as session:
        await tasks.change_task(
            session,
            task_id=task.id or 0,
            official_id=official.id,
            at=_sent_at(update),
            update_id=update.update_id,
            message_id=message.message_id,
            note=f"Ảnh minh chứng{': ' + message.caption if message.caption else ''}",
        )
    await message.reply_html(task_texts.photo_attached(task.id or 0))
