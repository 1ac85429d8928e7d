"""Task cards as each viewer sees them: drawing, redrawing, and telling how a change went."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from telegram import Update
from telegram.error import BadRequest

from bot.context import BotContext
from domain import task_texts, taskflow_texts
from domain.progress import Progress, current, encode
from domain.statuses import Role, TaskStatus
from domain.task_texts import TaskView
from domain.tasks import is_older_report, lowers_progress
from handlers.keyboards import cancel_row, markup, send_card
from storage import task_completion, tasks
from storage.models import Official, Task
from storage.tasks import Change, ChangeResult

EXCEEDED = taskflow_texts.EXCEEDED_LABEL
MENU = "progress_menu"  # chat_data: (task id, when) of the last ⏳ pressed, so a typed '60%' answers it
MENU_OPEN_FOR = dt.timedelta(minutes=30)
REPORTING = (TaskStatus.NEW, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED)
AfterChange = Callable[[Any, Task], Awaitable[object]]  # (session, changed task), in the transaction


def is_decider(official: Official | None) -> bool:
    return official is not None and official.role in (Role.ADMIN, Role.LEADER)


async def view_for(context: BotContext, task: Task | int) -> TaskView:
    """The card of a task as the caller sees it (acknowledgements for deciders, 📥 and the report
    buttons for those who work on it, ✔️ for deciders but the one who reported it done). Given the
    task as the handler has just read or changed it, the row is not read again."""
    official = context.official
    async with context.services.read() as session:
        if isinstance(task, int):
            found = await tasks.get_task(session, task_id=task)
            assert found is not None
            task = found
        task_id = task.id or 0
        view = await tasks.task_view(session, task=task, with_acks=is_decider(official), viewer=official)
        if official is None:
            return view
        works_on = await tasks.is_assignee(session, task=task, official=official)
        reporter = (
            await task_completion.reporter_of(session, task_id=task_id)
            if task.status == TaskStatus.AWAITING_CONFIRMATION
            else None
        )
    return replace(view, works_on=works_on, reported_by_viewer=reporter == official.id)


def card_text(context: BotContext, view: TaskView) -> str:
    return task_texts.task_card(view, context.services.today(), show_acks=is_decider(context.official))


def card_buttons(context: BotContext, view: TaskView) -> task_texts.Buttons:
    return task_texts.task_buttons(view, decider=is_decider(context.official))


async def send_task_card(context: BotContext, chat_id: int, view: TaskView, text: str | None = None) -> None:
    """A new card message (recorded, so replies to it land on the task)."""
    await send_card(
        context,
        chat_id=chat_id,
        text=text or card_text(context, view),
        buttons=card_buttons(context, view),
        task_id=view.id,
        official_id=context.official.id if context.official else None,
    )


async def change_by_button(
    update: Update,
    context: BotContext,
    task: Task,
    version: int,
    *,
    then: AfterChange | None = None,
    **change: Any,
) -> ChangeResult:
    """A button's change, only over the version its card showed, or over the caller's own later
    changes (a reply, another card) when it still applies to the task as it is now; `then` adds
    what follows from it (notices) to the same transaction, and the sender is woken once it is
    committed."""
    official_id = context.official.id if context.official else None
    async with context.services.db.begin() as session:

        async def attempt(over: Task, expected: int) -> ChangeResult:
            return await tasks.change_task(
                session,
                task_id=task.id or 0,
                known=over,
                official_id=official_id,
                at=context.services.clock.now(),
                update_id=update.update_id,
                expected_version=expected,
                **change,
            )

        result = await attempt(task, version)
        if result.outcome == Change.STALE and result.task is not None:
            latest = result.task
            if await tasks.changed_only_by(
                session,
                task_id=latest.id or 0,
                since_version=version,
                version=latest.version,
                official_id=official_id,
            ):
                again = await attempt(latest, latest.version)
                # Refused on the task as it is now: the card tells what the caller changed meanwhile.
                result = result if again.outcome == Change.NOT_NOW else again
        if then is not None and result.outcome == Change.APPLIED:
            await then(session, result.task)  # type: ignore[arg-type]
    if then is not None:
        context.services.wake_sender.set()
    return result


async def current_version(context: BotContext, task: Task, version: int) -> int:
    """The version a press acts on: the task's own when every change since its card was drawn
    was the caller's (their reply must not spoil their next press); else the card's."""
    if version == task.version:
        return version
    async with context.services.read() as session:
        mine = await tasks.changed_only_by(
            session,
            task_id=task.id or 0,
            since_version=version,
            version=task.version,
            official_id=context.official.id if context.official else None,
        )
    return task.version if mine else version


async def edit_quietly(update: Update, text: str, buttons: task_texts.Buttons | None) -> None:
    """Edit the message the button was on; pressing twice ('not modified') is no error."""
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_text(text, reply_markup=markup(buttons))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def refresh_card(update: Update, context: BotContext, task: Task | int) -> None:
    """Redraw the card the button was on, so its buttons match the new status."""
    query = update.callback_query
    if query is None or query.message is None or context.official is None:
        return
    view = await view_for(context, task)
    await edit_quietly(update, card_text(context, view), card_buttons(context, view))


async def answer_change(
    update: Update, context: BotContext, result: ChangeResult, done_text: str, view: TaskView | None = None
) -> bool:
    """Tell the user how a change went; True when it was applied. `view`: the card of the task in
    `result` when the caller has drawn it already."""
    query = update.callback_query
    assert query is not None and query.message is not None
    if result.outcome == Change.APPLIED:
        await query.answer(done_text[:200])
        await refresh_card(update, context, result.task)  # type: ignore[arg-type]
        return True
    if result.outcome == Change.DUPLICATE:
        await query.answer()
        return False
    task = result.task
    assert task is not None
    view = view or await view_for(context, task)
    if result.outcome == Change.STALE:
        async with context.services.read() as session:
            last = await tasks.last_update(session, task_id=task.id or 0)
        who = last[1] if last else None
        when = (
            last[0].at.astimezone(context.services.settings.tz).strftime("%H:%M %d/%m/%Y") if last else None
        )
        by_you = who is not None and context.official is not None and who.id == context.official.id
        text = taskflow_texts.stale(
            view, who.full_name if who else None, when, context.services.today(), by_you=by_you
        )
        await query.answer()
        await send_task_card(context, query.message.chat.id, view, text)
        return False
    await query.answer(taskflow_texts.not_now(view)[:200], show_alert=True)
    return False


def progress_question(
    task: Task, progress: Progress, *, at: dt.datetime
) -> tuple[str, task_texts.Buttons] | None:
    """Over the target, or below the last report (sent after it): asked first, never recorded
    silently; the ✔️ button records it (a correction), ✖️ Hủy drops it. None: record it now."""
    task_id = task.id or 0
    if progress.exceeds:
        text, label = taskflow_texts.exceeded_question(task_id, progress, task.target_measure), EXCEEDED
    elif lowers_progress(task.progress_percent, progress.percent) and not is_older_report(
        at, task.progress_at
    ):
        before = current(task.progress_percent, task.progress_quantity, task.target_quantity)
        assert before is not None
        text = taskflow_texts.lower_question(task_id, progress, before, task.target_measure)
        label = taskflow_texts.LOWER_LABEL
    else:
        return None
    confirm = task_texts.button_data(task_id, "ovr", task.version, encode(progress))
    return text, [[(label, confirm)], cancel_row()]


def remember_menu(context: BotContext, task_id: int) -> None:
    """⏳ was pressed: a progress typed next (without replying) is for this task. Kept in memory
    only: after a restart the official replies to the card or presses «Nhập số khác»."""
    if context.chat_data is not None:
        context.chat_data[MENU] = (task_id, context.services.clock.now())


def forget_menu(context: BotContext) -> None:
    """A question asked after ⏳ is the one a typed answer goes to."""
    if context.chat_data is not None:
        context.chat_data.pop(MENU, None)


def take_menu(context: BotContext, *, after: dt.datetime | None) -> int | None:
    """The task whose ⏳ was pressed last in this chat, if within MENU_OPEN_FOR and after `after`
    (a question asked later wins); forgotten once taken."""
    entry = context.chat_data.get(MENU) if context.chat_data is not None else None
    if entry is None:
        return None
    task_id, at = entry
    if context.services.clock.now() - at > MENU_OPEN_FOR or (after is not None and at < after):
        return None
    del context.chat_data[MENU]  # type: ignore[union-attr]
    return int(task_id)
