"""Answers to the bot: replies to a task card (5/12, a note, a photo) and answers to its questions."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from domain import people_texts, task_texts, taskflow_texts
from domain.progress import means_done, read_progress
from handlers import evidence, fallback, houses, questions, task_done
from handlers.task_answers import PROMPTS, report_progress, sent_at, tell_if_cut
from handlers.task_cards import take_menu
from handlers.tasks import refused
from storage import messages, tasks
from storage.models import BotMessage, Official, Task
from storage.tasks import Change


async def _target(update: Update, context: BotContext) -> BotMessage | None:
    message = update.effective_message
    assert message is not None
    replied = message.reply_to_message
    async with context.services.read() as session:
        if replied is None:
            return await messages.open_prompt(session, chat_id=message.chat_id)
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


async def _after_progress_button(
    context: BotContext, text: str, target: BotMessage | None
) -> BotMessage | None:
    """Right after ⏳, a typed '60%' or '7/12' answers it, as a reply to the card would."""
    menu_task = take_menu(context, after=target.at if target is not None else None)
    if menu_task is None:
        return target
    async with context.services.read() as session:
        task = await tasks.get_task(session, task_id=menu_task)
    if task is None or read_progress(text, target=task.target_quantity, measure=task.target_measure) is None:
        return target
    return BotMessage(chat_id=0, message_id=0, kind="card", task_id=task.id, at=context.services.clock.now())


async def _refusal(context: BotContext, official: Official, task: Task, op: str) -> str | None:
    """The same rule as the buttons (handlers.tasks.refused) for what is typed or sent."""
    async with context.services.read() as session:
        works = await tasks.is_assignee(session, task=task, official=official)
    return refused(official, task.id or 0, op, works_on=works)


async def on_text(update: Update, context: BotContext) -> None:
    """Text in a private chat: an answer to a question, a report on a card, or neither."""
    message, official = update.effective_message, context.official
    assert message is not None and official is not None
    target = await _target(update, context)
    if message.reply_to_message is None:
        target = await _after_progress_button(context, message.text or "", target)
    if (
        target is not None
        and target.kind == "prompt"
        and not await questions.still_open(update, context, target)
    ):
        return
    if target is not None and target.kind == "prompt" and target.prompt == "house":
        async with context.services.db.begin() as session:
            await messages.mark_answered(session, message=target, now=context.services.clock.now())
        await houses.answer_name(update, context, target.data, message.text or "")
        return
    if target is None or target.task_id is None:
        if message.reply_to_message is not None:
            await message.reply_html(taskflow_texts.reply_to_what())
        else:
            await fallback.unrecognised(update, context)
        return
    async with context.services.read() as session:
        task = await tasks.get_task(session, task_id=target.task_id)
    if task is None:
        await message.reply_html(taskflow_texts.task_not_found(str(target.task_id)))
        return
    # A question's kind (rt, ro: deciders; note: viewers too; the rest: reports), or what a reply
    # to a card does: a number is progress, 'xong' reports it done, anything else a note.
    op = (target.prompt or "") if target.kind == "prompt" else _card_op(message.text or "", task)
    refusal = await _refusal(context, official, task, op)
    if refusal is not None:
        await message.reply_html(refusal)
        return
    if target.kind == "prompt" and target.prompt in PROMPTS:
        await PROMPTS[target.prompt](update, context, target, task, message.text or "")
    else:
        await _report_on_card(update, context, task, message.text or "")


def _card_op(text: str, task: Task) -> str:
    """What a reply to a card does, named as the button that does the same."""
    if read_progress(text, target=task.target_quantity, measure=task.target_measure) is not None:
        return "num"
    return "done" if means_done(text) else "note"


async def _report_on_card(update: Update, context: BotContext, task: Task, text: str) -> None:
    """A reply to a card: '5/12' or '60%' is progress, 'xong' reports it done, anything else a note."""
    reading = read_progress(text, target=task.target_quantity, measure=task.target_measure)
    if reading is not None:
        await report_progress(update, context, task, reading)
        return
    if means_done(text):
        await task_done.done_by_reply(update, context, task)
        return
    note = await tell_if_cut(update, text)
    async with context.services.db.begin() as session:
        result = await tasks.change_task(
            session,
            task_id=task.id or 0,
            known=task,
            official_id=context.official.id,  # type: ignore[union-attr]
            at=sent_at(update),
            update_id=update.update_id,
            message_id=update.effective_message.message_id,  # type: ignore[union-attr]
            note=note,
        )
    if result.outcome == Change.APPLIED:
        await update.effective_message.reply_html(taskflow_texts.recorded("ghi chú", task.id or 0))  # type: ignore[union-attr]


async def on_photo(update: Update, context: BotContext) -> None:
    """A photo replying to a task card: kept as evidence on the task."""
    message, official = update.effective_message, context.official
    assert message is not None and official is not None
    target = await _target(update, context) if message.reply_to_message else None
    if target is None or target.task_id is None:
        await message.reply_html(taskflow_texts.reply_to_what())
        return
    async with context.services.db() as session:
        task = await tasks.get_task(session, task_id=target.task_id)
    refusal = await _refusal(context, official, task, "photo") if task else people_texts.other_unit_refused()
    if refusal is not None or task is None:  # evidence is a report: those who work on the task
        await message.reply_html(refusal or people_texts.other_unit_refused())
        return
    if await evidence.receive_photo(update, context, task_id=task.id) is None:
        return
    async with context.services.db.begin() as session:
        await tasks.change_task(
            session,
            task_id=task.id or 0,
            known=task,
            official_id=official.id,
            at=sent_at(update),
            update_id=update.update_id,
            message_id=message.message_id,
            note=f"Ảnh minh chứng{': ' + message.caption if message.caption else ''}",
        )
    await message.reply_html(taskflow_texts.photo_attached(task.id or 0))
