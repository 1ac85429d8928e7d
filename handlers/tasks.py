"""Tasks for officials: /tasks, /task <số>, and the buttons under every task."""

from __future__ import annotations

import math

from telegram import Update
from telegram.error import BadRequest

from bot.context import BotContext
from domain import people_texts, task_texts, texts
from domain.callbacks import decode
from domain.statuses import Role, TaskStatus
from domain.task_texts import TaskView
from domain.tasks import Progress, can_report, completion_status
from handlers.access import sees_all_units
from handlers.keyboards import ask, markup, send_card
from storage import task_notices, tasks, units
from storage.models import Official, Task
from storage.tasks import Change, ChangeResult

PER_PAGE = 8
REPORTING = (TaskStatus.NEW, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED)
DECIDER_OPS = {"cf", "rt", "ro", "ea", "er"}


def is_decider(official: Official) -> bool:
    return official.role in (Role.ADMIN, Role.LEADER)


async def list_tasks(update: Update, context: BotContext) -> None:
    """/tasks: the open tasks of my unit and mine, soonest deadline first, in pages."""
    page = int(context.args[0]) if context.args and context.args[0].isdigit() else 1
    await _send_page(update, context, page, edit=False)


async def list_page(update: Update, context: BotContext) -> None:
    """◀️/▶️ under /tasks."""
    query = update.callback_query
    callback = decode(query.data or "") if query else None
    if query is None or callback is None:
        return
    await query.answer()
    await _send_page(update, context, int(callback.args[0]), edit=True)


async def _send_page(update: Update, context: BotContext, page: int, *, edit: bool) -> None:
    official = context.official
    assert official is not None
    today = context.services.today()
    async with context.services.db() as session:
        found, total = await tasks.open_tasks_for(
            session, official=official, page=max(1, page), per_page=PER_PAGE
        )
        views = [await tasks.task_view(session, task=t) for t in found]
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(1, page), pages)
    text = task_texts.task_list(views, page=page, pages=pages, total=total, today=today)
    keyboard = markup(task_texts.list_buttons(views, page=page, pages=pages))
    query = update.callback_query
    if edit and query is not None and query.message is not None:
        try:
            await query.edit_message_text(text, reply_markup=keyboard)
        except BadRequest as exc:  # pressing the same page twice
            if "not modified" not in str(exc).lower():
                raise
        return
    await update.effective_message.reply_html(text, reply_markup=keyboard)  # type: ignore[union-attr]


async def show_task(update: Update, context: BotContext) -> None:
    """/task <số>: one task's card; leaders and the office also see who has acknowledged it."""
    message, official = update.effective_message, context.official
    assert message is not None and official is not None
    ref = (context.args or [""])[0].lstrip("#")
    async with context.services.db() as session:
        task = await tasks.get_task(session, task_id=int(ref)) if ref.isdigit() else None
        if task is None:
            await message.reply_html(task_texts.task_not_found(ref))
            return
        if not sees_all_units(official) and not await tasks.is_assignee(
            session, task=task, official=official
        ):
            await message.reply_html(people_texts.other_unit_refused())
            return
        view = await tasks.task_view(session, task=task, with_acks=is_decider(official))
    await send_card(
        context,
        chat_id=message.chat_id,
        text=task_texts.task_card(view, context.services.today(), show_acks=is_decider(official)),
        buttons=task_texts.task_buttons(view, decider=is_decider(official)),
        task_id=view.id,
        official_id=official.id,
    )


async def on_button(update: Update, context: BotContext) -> None:
    """Every button under a task: v1:t:<task>:<op>:<version>[:arg]."""
    query, official = update.callback_query, context.official
    callback = decode(query.data or "") if query else None
    if query is None or official is None or callback is None or len(callback.args) < 3:
        return
    task_id, op, version = int(callback.args[0]), callback.args[1], int(callback.args[2])
    extra = callback.args[3:]
    async with context.services.db() as session:
        task = await tasks.get_task(session, task_id=task_id)
        allowed = task is not None and (
            is_decider(official)
            if op in DECIDER_OPS
            else sees_all_units(official) or await tasks.is_assignee(session, task=task, official=official)
        )
    if task is None or not allowed:
        await query.answer(
            people_texts.other_unit_refused() if task else task_texts.task_not_found(str(task_id)),
            show_alert=True,
        )
        return
    handler = BUTTONS.get(op)
    if handler is None:
        await query.answer(texts.stale_button(), show_alert=True)
        return
    await handler(update, context, task, version, extra)


async def _view(task_id: int, context: BotContext, *, decider: bool = False) -> TaskView:
    async with context.services.db() as session:
        task = await tasks.get_task(session, task_id=task_id)
        assert task is not None
        return await tasks.task_view(session, task=task, with_acks=decider)


async def refresh_card(update: Update, context: BotContext, task_id: int) -> None:
    """Redraw the card the button was on, so its buttons match the new status."""
    query, official = update.callback_query, context.official
    if query is None or query.message is None or official is None:
        return
    view = await _view(task_id, context, decider=is_decider(official))
    text = task_texts.task_card(view, context.services.today(), show_acks=is_decider(official))
    try:
        await query.edit_message_text(
            text, reply_markup=markup(task_texts.task_buttons(view, decider=is_decider(official)))
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def answer_change(update: Update, context: BotContext, result: ChangeResult, done_text: str) -> bool:
    """Tell the user how a change went; True when it was applied."""
    query = update.callback_query
    assert query is not None
    if result.outcome == Change.APPLIED:
        await query.answer(done_text[:200])
        await refresh_card(update, context, result.task.id)  # type: ignore[union-attr]
        return True
    if result.outcome == Change.DUPLICATE:
        await query.answer()
        return False
    task = result.task
    assert task is not None
    view = await _view(task.id or 0, context)
    if result.outcome == Change.STALE:
        async with context.services.db() as session:
            last = await tasks.last_update(session, task_id=task.id or 0)
        who = last[1].full_name if last and last[1] else None
        when = (
            last[0].at.astimezone(context.services.settings.tz).strftime("%H:%M %d/%m/%Y") if last else None
        )
        await query.answer()
        await send_card(
            context,
            chat_id=query.message.chat.id,  # type: ignore[union-attr]
            text=task_texts.stale(view, who, when, context.services.today()),
            buttons=task_texts.task_buttons(view, decider=is_decider(context.official)),  # type: ignore[arg-type]
            task_id=view.id,
            official_id=context.official.id,
        )  # type: ignore[union-attr]
        return False
    await query.answer(task_texts.not_now(view)[:200], show_alert=True)
    return False


async def _ack(update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]) -> None:
    async with context.services.db.begin() as session:
        await tasks.acknowledge(
            session,
            task_id=task.id or 0,
            official_id=context.official.id or 0,  # type: ignore[union-attr]
            at=context.services.clock.now(),
        )
    await update.callback_query.answer(task_texts.acknowledged(task.id or 0))  # type: ignore[union-attr]


async def _done(
    update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]
) -> None:
    official = context.official
    assert official is not None
    now = context.services.clock.now()
    status = completion_status(task.needs_confirmation)
    fields = {"reported_done_at": now}
    if status == TaskStatus.DONE:
        fields["completed_at"] = now
    async with context.services.db.begin() as session:
        result = await tasks.change_task(
            session,
            task_id=task.id or 0,
            official_id=official.id,
            at=now,
            update_id=update.update_id,
            expected_version=version,
            allowed_from=REPORTING,
            new_status=status,
            note="Báo hoàn thành",
            **fields,
        )
        if result.outcome == Change.APPLIED and status == TaskStatus.AWAITING_CONFIRMATION:
            unit = await units.get_unit(session, unit_id=official.unit_id)
            await task_notices.notify_confirmation(
                session,
                task=result.task,
                reporter=official,  # type: ignore[arg-type]
                unit_name=unit.name if unit else "",
                today=context.services.today(),
                now=now,
            )
    context.services.wake_sender.set()
    await answer_change(
        update,
        context,
        result,
        task_texts.reported_done(task.id or 0, needs_confirmation=task.needs_confirmation),
    )


async def _progress_menu(
    update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]
) -> None:
    query = update.callback_query
    assert query is not None
    view = await _view(task.id or 0, context)
    if view.version != version or not can_report(view.status):
        await answer_change(
            update,
            context,
            ChangeResult(Change.STALE if view.version != version else Change.NOT_NOW, task),
            "",
        )
        return
    await query.answer()
    await query.edit_message_reply_markup(markup(task_texts.percent_buttons(view)))


async def _percent(
    update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]
) -> None:
    percent = int(extra[0]) if extra and extra[0].isdigit() else 0
    now = context.services.clock.now()
    async with context.services.db.begin() as session:
        result = await tasks.change_task(
            session,
            task_id=task.id or 0,
            official_id=context.official.id,
            at=now,  # type: ignore[union-attr]
            update_id=update.update_id,
            expected_version=version,
            allowed_from=REPORTING,
            new_status=TaskStatus.IN_PROGRESS,
            progress=Progress(percent=percent),
        )
    await answer_change(update, context, result, task_texts.recorded(f"tiến độ {percent}%", task.id or 0))


def _asker(kind: str):  # type: ignore[no-untyped-def]
    async def ask_for(
        update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]
    ) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer()
        await ask(
            context,
            chat_id=query.message.chat.id,
            prompt=kind,
            text=task_texts.prompt(kind, task.id or 0),
            task_id=task.id,
            official_id=context.official.id,  # type: ignore[union-attr]
            data={"version": version},
        )

    return ask_for


async def _confirm(
    update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]
) -> None:
    official = context.official
    assert official is not None
    now = context.services.clock.now()
    async with context.services.db.begin() as session:
        result = await tasks.change_task(
            session,
            task_id=task.id or 0,
            official_id=official.id,
            at=now,
            update_id=update.update_id,
            expected_version=version,
            allowed_from=(TaskStatus.AWAITING_CONFIRMATION,),
            new_status=TaskStatus.DONE,
            note="Xác nhận hoàn thành",
            completed_at=task.reported_done_at or now,
            confirmed_by_id=official.id,
        )
        if result.outcome == Change.APPLIED:
            await task_notices.notify_assignees(
                session,
                task=result.task,
                kind="task.confirmed",
                now=now,  # type: ignore[arg-type]
                text=task_texts.confirmed(task.id or 0, official.full_name),
            )
    context.services.wake_sender.set()
    await answer_change(update, context, result, task_texts.confirmed(task.id or 0, official.full_name))


async def _decide_extension(
    update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...], *, approve: bool
) -> None:
    query, official = update.callback_query, context.official
    assert query is not None and official is not None
    now = context.services.clock.now()
    async with context.services.db.begin() as session:
        request = await tasks.decide_extension(
            session, request_id=int(extra[0]), approve=approve, decider_id=official.id or 0, at=now
        )
        if request is not None:
            text = task_texts.extension_decided(
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
        await query.answer(task_texts.already_decided(), show_alert=True)
        return
    await query.answer(text[:200])
    await query.edit_message_text(f"{query.message.text_html}\n\n{text}", reply_markup=None)  # type: ignore[union-attr]


async def _approve(
    update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]
) -> None:
    await _decide_extension(update, context, task, version, extra, approve=True)


async def _reject(
    update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]
) -> None:
    await _decide_extension(update, context, task, version, extra, approve=False)


async def _open(
    update: Update, context: BotContext, task: Task, version: int, extra: tuple[str, ...]
) -> None:
    query, official = update.callback_query, context.official
    assert query is not None and official is not None and query.message is not None
    await query.answer()
    view = await _view(task.id or 0, context, decider=is_decider(official))
    await send_card(
        context,
        chat_id=query.message.chat.id,
        text=task_texts.task_card(view, context.services.today(), show_acks=is_decider(official)),
        buttons=task_texts.task_buttons(view, decider=is_decider(official)),
        task_id=view.id,
        official_id=official.id,
    )


BUTTONS = {
    "open": _open,
    "ack": _ack,
    "done": _done,
    "prog": _progress_menu,
    "pct": _percent,
    "num": _asker("num"),
    "blk": _asker("blk"),
    "ext": _asker("ext_date"),
    "note": _asker("note"),
    "cf": _confirm,
    "rt": _asker("rt"),
    "ro": _asker("ro"),
    "ea": _approve,
    "er": _reject,
}
