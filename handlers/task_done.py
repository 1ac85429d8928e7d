"""Reporting a task done — by ✅ Hoàn thành or by a reply such as 'xong' — and withdrawing it."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext
from domain import progress as progress_rules
from domain import task_texts, taskflow_texts
from domain.statuses import TaskStatus
from domain.tasks import completion_status
from handlers.keyboards import cancel_row, markup
from handlers.task_answers import sent_at
from handlers.task_cards import REPORTING, AfterChange, answer_change, change_by_button, view_for
from storage import outbox, task_completion, tasks, units
from storage.models import Notification, Official, Task
from storage.tasks import Change, ChangeResult

logger = logging.getLogger(__name__)
CONFIRMED = "y"  # the extra argument of ✅ once 'Xác nhận hoàn thành?' was answered


def confirm_question(task: Task, version: int) -> tuple[str, task_texts.Buttons] | None:
    """✅ at 0/12 is asked about first ('Xác nhận hoàn thành?'); None: report it now."""
    if not task.target_quantity or not progress_rules.is_unstarted(task.progress_percent):
        return None
    confirm = task_texts.button_data(task.id or 0, "done", version, CONFIRMED)
    text = taskflow_texts.confirm_done_question(task.id or 0, task.target_quantity, task.target_measure)
    return text, [[(taskflow_texts.CONFIRM_DONE_LABEL, confirm), *cancel_row()]]


def _completion(
    official: Official, task: Task, now: dt.datetime
) -> tuple[dict[str, Any], AfterChange, list[int]]:
    """The change that reports the task done, what follows it in the same transaction (the
    request to confirm it), and where that tells how many were asked."""
    status = completion_status(task.needs_confirmation)
    change: dict[str, Any] = {
        "allowed_from": REPORTING,
        "new_status": status,
        "note": "Báo hoàn thành",
        "reported_done_at": now,
        **({"completed_at": now} if status == TaskStatus.DONE else {}),
    }
    asked: list[int] = []

    async def ask_to_confirm(session: Any, changed: Task) -> None:
        if status == TaskStatus.AWAITING_CONFIRMATION:
            unit = await units.get_unit(session, unit_id=official.unit_id)
            asked.append(
                await task_completion.ask_to_confirm(
                    session, task=changed, reporter=official, unit_name=unit.name if unit else "", now=now
                )
            )

    return change, ask_to_confirm, asked


async def done_by_button(
    update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]
) -> None:
    """✅ Hoàn thành (asked first at 0/12)."""
    query, official = update.callback_query, context.official
    assert query is not None and query.message is not None and official is not None
    question = None if CONFIRMED in extra else confirm_question(task, version)
    if question is not None:
        await query.answer()
        await query.message.reply_html(question[0], reply_markup=markup(question[1]))  # type: ignore[union-attr]
        return
    change, then, asked = _completion(official, task, context.services.clock.now())
    result = await change_by_button(update, context, task, version, then=then, **change)
    done = taskflow_texts.reported_done(
        task.id or 0, needs_confirmation=task.needs_confirmation, confirmers=asked[0] if asked else None
    )
    if await answer_change(update, context, result, done) and asked == [0]:
        await query.message.reply_html(taskflow_texts.nobody_to_confirm(task.id or 0))  # type: ignore[union-attr]


async def done_by_reply(update: Update, context: BotContext, task: Task) -> None:
    """'xong', 'đã hoàn thành'... in reply to a card: the same as ✅ Hoàn thành on it."""
    message, official = update.effective_message, context.official
    assert message is not None and official is not None
    question = confirm_question(task, task.version)
    if question is not None:
        await message.reply_html(question[0], reply_markup=markup(question[1]))
        return
    change, then, asked = _completion(official, task, context.services.clock.now())
    async with context.services.db.begin() as session:
        result = await tasks.change_task(
            session,
            task_id=task.id or 0,
            known=task,
            official_id=official.id,
            at=sent_at(update),  # when the official sent it, as every reply is recorded
            update_id=update.update_id,
            message_id=message.message_id,
            **change,
        )
        if result.outcome == Change.APPLIED:
            await then(session, result.task)  # type: ignore[arg-type]
    context.services.wake_sender.set()
    if result.outcome == Change.APPLIED:
        confirmers = asked[0] if asked else None
        await message.reply_html(
            taskflow_texts.reported_done(
                task.id or 0, needs_confirmation=task.needs_confirmation, confirmers=confirmers
            )
        )
        if asked == [0]:
            await message.reply_html(taskflow_texts.nobody_to_confirm(task.id or 0))
    elif result.outcome == Change.NOT_NOW and result.task is not None:
        await message.reply_html(taskflow_texts.not_now(await view_for(context, result.task)))


async def withdraw(
    update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]
) -> None:
    """↩️ Rút báo hoàn thành: back to work while nobody has confirmed it yet; the requests to
    confirm it are withdrawn (not sent: cancelled; sent: edited to say so, buttons removed)."""
    official = context.official
    assert official is not None
    now = context.services.clock.now()
    shown: list[Notification] = []

    async def withdraw_requests(session: Any, changed: Task) -> None:
        shown.extend(
            await task_completion.withdraw_requests(
                session, task_id=task.id or 0, reported_at=task.reported_done_at, now=now
            )
        )

    result: ChangeResult = await change_by_button(
        update,
        context,
        task,
        version,
        then=withdraw_requests,
        allowed_from=(TaskStatus.AWAITING_CONFIRMATION,),
        new_status=TaskStatus.IN_PROGRESS,
        note="Rút báo cáo hoàn thành",
        reported_done_at=None,
    )
    await answer_change(update, context, result, taskflow_texts.withdrawn(task.id or 0))
    when = now.astimezone(context.services.settings.tz).strftime("%H:%M %d/%m/%Y")
    said = taskflow_texts.withdrawn_for_office(task.id or 0, official.full_name, when)
    for notice in shown:
        await _say_withdrawn(context, notice, said)


async def _say_withdrawn(context: BotContext, notice: Notification, said: str) -> None:
    """Edit one request to confirm; a message that cannot be edited (deleted, too old, the chat's
    limit met) gets the news as a short message through the outbox instead."""
    try:
        await context.bot.edit_message_text(
            f"{notice.payload.get('text', '')}\n\n{said}",
            chat_id=notice.chat_id,
            message_id=notice.telegram_message_id,
            reply_markup=None,
        )
        return
    except TelegramError as exc:
        if "not modified" in str(exc).lower():
            return
        logger.warning("withdrawn request %s not edited: %s", notice.id, exc)
    async with context.services.db.begin() as session:
        await outbox.enqueue(
            session,
            chat_id=notice.chat_id,
            kind="task.withdrawn",
            dedupe_key=f"{notice.dedupe_key}:withdrawn",
            payload={"text": said},
            due_at=context.services.clock.now(),
            official_id=notice.official_id,
        )
    context.services.wake_sender.set()
