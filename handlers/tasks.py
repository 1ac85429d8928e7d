"""Tasks for officials: /tasks, /task <số>, and the dispatch of the buttons under every card."""

from __future__ import annotations

import math

from telegram import Update

from bot.context import BotContext
from domain import people_texts, task_texts, taskflow_texts, texts
from domain.callbacks import decode
from handlers import task_buttons, task_decisions
from handlers.access import sees_all_units
from handlers.keyboards import markup
from handlers.task_cards import edit_quietly, is_decider, send_task_card, view_for
from storage import tasks
from storage.models import Official

PER_PAGE = 8
DECIDER_OPS = {"cf", "rt", "ro", "ea", "er"}
VIEWER_OPS = {"open", "note"}  # what a leader or the office may do on a unit's task besides deciding
BUTTONS = {**task_buttons.BUTTONS, **task_decisions.BUTTONS}


def _number(text: str) -> int | None:
    """A positive id or page as typed ('12', '#12'); None for anything else (and for absurd sizes)."""
    text = text.lstrip("#")
    return int(text) if text.isdigit() and len(text) <= 9 else None


async def list_tasks(update: Update, context: BotContext) -> None:
    """/tasks [trang]: the open tasks of my unit and mine, soonest deadline first, in pages."""
    page = _number(context.args[0]) if context.args else 1
    await _send_page(update, context, page or 1, edit=False)


async def list_page(update: Update, context: BotContext) -> None:
    """◀️/▶️ under /tasks."""
    query = update.callback_query
    callback = decode(query.data or "") if query else None
    page = _number(callback.args[0]) if callback and callback.args else None
    if query is None or page is None:
        return
    await query.answer()
    await _send_page(update, context, page, edit=True)


async def _send_page(update: Update, context: BotContext, page: int, *, edit: bool) -> None:
    official = context.official
    assert official is not None
    async with context.services.db() as session:
        found, total = await tasks.open_tasks_for(
            session, official=official, page=max(1, page), per_page=PER_PAGE
        )
        views = [await tasks.task_view(session, task=t) for t in found]
    pages = max(1, math.ceil(total / PER_PAGE))
    if total and page > pages:
        await update.effective_message.reply_html(taskflow_texts.page_beyond(page, pages, total))  # type: ignore[union-attr]
        return
    page = min(max(1, page), pages)
    text = task_texts.task_list(
        views,
        page=page,
        pages=pages,
        total=total,
        today=context.services.today(),
        sees_all=sees_all_units(official),
    )
    buttons = task_texts.list_buttons(views, page=page, pages=pages)
    if edit and update.callback_query is not None:
        await edit_quietly(update, text, buttons)
        return
    await update.effective_message.reply_html(text, reply_markup=markup(buttons))  # type: ignore[union-attr]


async def show_task(update: Update, context: BotContext) -> None:
    """/task <số>: one task's card; leaders and the office also see who has received it."""
    message, official = update.effective_message, context.official
    assert message is not None and official is not None
    task_id = _number(context.args[0]) if context.args else None
    if task_id is None:
        await message.reply_html(taskflow_texts.task_usage())
        return
    async with context.services.read() as session:
        task = await tasks.get_task(session, task_id=task_id)
        allowed = task is not None and (
            sees_all_units(official) or await tasks.is_assignee(session, task=task, official=official)
        )
    if task is None:
        await message.reply_html(taskflow_texts.task_not_found(str(task_id)))
        return
    if not allowed:
        await message.reply_html(people_texts.other_unit_refused())
        return
    await send_task_card(context, message.chat_id, await view_for(context, task))


async def on_button(update: Update, context: BotContext) -> None:
    """Every button under a task: v1:t:<task>:<op>:<version>[:arg]."""
    query, official = update.callback_query, context.official
    callback = decode(query.data or "") if query else None
    if query is None or official is None or callback is None or len(callback.args) < 3:
        return
    task_id, version = _number(callback.args[0]), _number(callback.args[2])
    op, extra = callback.args[1], callback.args[3:]
    handler = BUTTONS.get(op)
    if task_id is None or version is None or handler is None:
        await query.answer(texts.stale_button(), show_alert=True)
        return
    async with context.services.read() as session:
        task = await tasks.get_task(session, task_id=task_id)
        works = task is not None and await tasks.is_assignee(session, task=task, official=official)
    if task is None:
        await query.answer(taskflow_texts.task_not_found(str(task_id)), show_alert=True)
        return
    refusal = refused(official, task.id or 0, op, works_on=works)
    if refusal is not None:
        await query.answer(refusal[:200], show_alert=True)
        return
    await handler(update, context, task, version, extra)


def refused(official: Official, task_id: int, op: str, *, works_on: bool) -> str | None:
    """Why the caller may not do `op` on the task, or None: those who work on it report, leaders
    and the office decide (and may look and add a note), nobody else touches it."""
    if op in DECIDER_OPS:
        return None if is_decider(official) else people_texts.deciders_only()
    if works_on:
        return None
    if not sees_all_units(official):
        return people_texts.other_unit_refused()
    return None if op in VIEWER_OPS else taskflow_texts.not_yours_to_report(task_id)
