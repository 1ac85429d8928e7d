"""The official's buttons on a card: received, done (asked first at 0), progress, questions, withdraw."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.context import BotContext
from domain import progress as progress_rules
from domain import task_texts, taskflow_texts
from domain.statuses import TaskStatus
from domain.tasks import can_report
from handlers import task_done
from handlers.keyboards import ask, markup
from handlers.task_cards import (
    REPORTING,
    answer_change,
    card_text,
    change_by_button,
    current_version,
    edit_quietly,
    forget_menu,
    progress_question,
    refresh_card,
    remember_menu,
    send_task_card,
    view_for,
)
from storage import tasks
from storage.models import Task
from storage.tasks import Change, ChangeResult

Button = Callable[[Update, BotContext, Task, int, tuple[str, ...]], Awaitable[None]]


async def _open(
    update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]
) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer()
    await send_task_card(context, query.message.chat.id, await view_for(context, task))


async def _ack(update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]) -> None:
    async with context.services.db.begin() as session:
        await tasks.acknowledge(
            session,
            task_id=task.id or 0,
            official_id=context.official.id or 0,  # type: ignore[union-attr]
            at=context.services.clock.now(),
        )
    await update.callback_query.answer(taskflow_texts.acknowledged(task.id or 0))  # type: ignore[union-attr]
    await refresh_card(update, context, task.id or 0)  # the 📥 button goes away


async def _progress_menu(
    update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]
) -> None:
    query = update.callback_query
    assert query is not None
    view = await view_for(context, task)
    drawn, version = version, await current_version(context, task, version)
    if view.version != version or not can_report(view.status):
        outcome = Change.STALE if view.version != version else Change.NOT_NOW
        await answer_change(update, context, ChangeResult(outcome, task), "", view)
        return
    await query.answer()
    if drawn == view.version:
        await query.edit_message_reply_markup(markup(task_texts.percent_buttons(view)))
    else:  # the card was drawn before the caller's own change: its text is redrawn with the choices
        await edit_quietly(update, card_text(context, view), task_texts.percent_buttons(view))
    remember_menu(context, task.id or 0)


async def _percent(
    update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]
) -> None:
    """A quick percentage (25/50/75%); never over 100 (that is asked first, then recorded by ovr)."""
    wanted = extra[0] if extra else ""
    quick = wanted if wanted.isdigit() and len(wanted) <= 3 and int(wanted) <= 100 else None  # 25/50/75%
    if quick is None:
        await update.callback_query.answer()  # type: ignore[union-attr]
        return
    reading = progress_rules.Reading(progress_rules.from_percent(int(quick), task.target_quantity))
    await record_progress(
        update, context, task, version, progress_rules.whole_units(reading, task.target_measure)
    )


async def _exceeded(
    update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]
) -> None:
    value = progress_rules.decode(extra[0] if extra else "", target=task.target_quantity)
    if value is None:
        await update.callback_query.answer()  # type: ignore[union-attr]
        return
    await record_progress(update, context, task, version, value, asked=True)


async def record_progress(
    update: Update,
    context: BotContext,
    task: Task,
    version: int,
    value: progress_rules.Progress | progress_rules.Reading,
    *,
    asked: bool = False,
) -> None:
    """Record a reading from a button; one below the last report is asked about first."""
    query = update.callback_query
    assert query is not None and query.message is not None
    reading = value if isinstance(value, progress_rules.Reading) else progress_rules.Reading(value)
    value = reading.progress
    version = version if asked else await current_version(context, task, version)
    if not asked and task.version == version:
        question = progress_question(task, value, at=context.services.clock.now())
        if question is not None:
            await query.answer()
            await query.message.reply_html(question[0], reply_markup=markup(question[1]))  # type: ignore[union-attr]
            return
    result = await change_by_button(
        update,
        context,
        task,
        version,
        allowed_from=REPORTING,
        new_status=TaskStatus.IN_PROGRESS,
        progress=value,
    )
    await answer_change(
        update, context, result, taskflow_texts.progress_recorded(reading, task.id or 0, task.target_measure)
    )


def asker(kind: str) -> Button:
    async def ask_for(
        update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]
    ) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer()
        forget_menu(context)
        await ask(
            context,
            chat_id=query.message.chat.id,
            prompt=kind,
            text=taskflow_texts.prompt(kind, task.id or 0),
            task_id=task.id,
            official_id=context.official.id,  # type: ignore[union-attr]
            data={"version": version},
        )

    return ask_for


BUTTONS: dict[str, Button] = {
    "open": _open,
    "ack": _ack,
    "done": task_done.done_by_button,
    "wd": task_done.withdraw,
    "prog": _progress_menu,
    "pct": _percent,
    "ovr": _exceeded,
    "num": asker("num"),
    "blk": asker("blk"),
    "ext": asker("ext_date"),
    "note": asker("note"),
}
