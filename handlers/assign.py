"""/assign: the office or a leader hands out a task in a short conversation (held in memory only:
losing it on restart costs one retyping, the database holds everything that was decided)."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import BotContext
from domain import assign_texts
from domain.callbacks import Callback, decode, pattern
from domain.dates import DateError, Due, parse_due
from domain.statuses import Role
from handlers.access import private_only, requires
from storage import task_notices, tasks, units

DIRECTIVE, NEW_DIRECTIVE, TITLE, LEAD, COOPERATING, DUE, CONFIRM = range(7)
ACTION = "as"  # callback action of this conversation


def _button(text: str, *args: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=Callback(ACTION, args).encode())


def _draft(context: BotContext) -> dict[str, Any]:
    return context.user_data.setdefault("assign", {})  # type: ignore[union-attr]


async def start(update: Update, context: BotContext) -> int:
    """Step 1: which directive the task comes from."""
    context.user_data["assign"] = {}  # type: ignore[index]
    async with context.services.db() as session:
        recent = await tasks.recent_directives(session)
    rows = [[_button(d.number, "d", str(d.id))] for d in recent]
    rows.append([_button("📄 Văn bản mới", "d", "new"), _button("Không thuộc văn bản", "d", "none")])
    await update.effective_message.reply_html(
        assign_texts.ask_directive(),  # type: ignore[union-attr]
        reply_markup=InlineKeyboardMarkup(rows),
    )
    return DIRECTIVE


async def pick_directive(update: Update, context: BotContext) -> int:
    query = update.callback_query
    callback = decode(query.data or "") if query else None
    assert query is not None and callback is not None
    await query.answer()
    choice = callback.args[1]
    if choice == "new":
        await query.edit_message_text(assign_texts.ask_new_directive())
        return NEW_DIRECTIVE
    _draft(context)["directive_id"] = None if choice == "none" else int(choice)
    await query.edit_message_text(assign_texts.ask_title())
    return TITLE


async def new_directive(update: Update, context: BotContext) -> int:
    """'3022-CV/TU; 03/05/2024; Tăng cường thực hiện nhiệm vụ trọng tâm'."""
    message = update.effective_message
    assert message is not None
    parts = [p.strip() for p in (message.text or "").split(";")]
    if not parts[0]:
        await message.reply_html(assign_texts.ask_new_directive())
        return NEW_DIRECTIVE
    issued_on = None
    if len(parts) > 1 and parts[1]:
        try:
            issued_on = parse_due(parts[1], today=context.services.today(), allow_past=True).on
        except DateError as exc:
            await message.reply_html(f"{exc}\n{assign_texts.ask_new_directive()}")
            return NEW_DIRECTIVE
    async with context.services.db.begin() as session:
        directive = await tasks.add_directive(
            session,
            number=parts[0],
            issued_on=issued_on,
            summary=parts[2] if len(parts) > 2 and parts[2] else parts[0],
        )
    _draft(context)["directive_id"] = directive.id
    await message.reply_html(assign_texts.ask_title())
    return TITLE


async def title(update: Update, context: BotContext) -> int:
    """First line: the title; the rest, if any: the full text."""
    message = update.effective_message
    assert message is not None
    first, _, rest = (message.text or "").strip().partition("\n")
    _draft(context).update(title=first.strip(), body=rest.strip() or None)
    await message.reply_html(assign_texts.ask_lead())
    return LEAD


async def _unit_step(update: Update, context: BotContext, query_text: str, *, step: str) -> int | None:
    """Resolve a typed unit name; ambiguous names get buttons. Returns the unit id or None."""
    async with context.services.db() as session:
        match = await units.find_unit(session, query=query_text)
    if match.found is not None:
        return match.found.unit_id
    rows = [[_button(c.name, step, str(c.unit_id))] for c in match.candidates]
    await update.effective_message.reply_html(  # type: ignore[union-attr]
        assign_texts.unit_unclear(query_text, bool(rows)),
        reply_markup=InlineKeyboardMarkup(rows) if rows else None,
    )
    return None


async def lead_typed(update: Update, context: BotContext) -> int:
    unit_id = await _unit_step(update, context, update.effective_message.text or "", step="l")  # type: ignore[union-attr]
    if unit_id is None:
        return LEAD
    return await _after_lead(update, context, unit_id)


async def lead_picked(update: Update, context: BotContext) -> int:
    query = update.callback_query
    callback = decode(query.data or "") if query else None
    assert query is not None and callback is not None
    await query.answer()
    return await _after_lead(update, context, int(callback.args[1]))


async def _after_lead(update: Update, context: BotContext, unit_id: int) -> int:
    _draft(context)["lead_unit_id"] = unit_id
    _draft(context).setdefault("cooperating", [])
    await context.bot.send_message(
        update.effective_chat.id,
        assign_texts.ask_cooperating(),  # type: ignore[union-attr]
        reply_markup=InlineKeyboardMarkup([[_button("Bỏ qua", "c", "skip")]]),
    )
    return COOPERATING


async def cooperating_typed(update: Update, context: BotContext) -> int:
    """Names separated by commas; each must be found, unclear ones are asked again."""
    names = [n.strip() for n in (update.effective_message.text or "").split(",") if n.strip()]  # type: ignore[union-attr]
    draft = _draft(context)
    for name in names:
        unit_id = await _unit_step(update, context, name, step="c")
        if unit_id is None:
            return COOPERATING
        draft["cooperating"].append(unit_id)
    return await _ask_due(update, context)


async def cooperating_picked(update: Update, context: BotContext) -> int:
    query = update.callback_query
    callback = decode(query.data or "") if query else None
    assert query is not None and callback is not None
    await query.answer()
    if callback.args[1] != "skip":
        _draft(context)["cooperating"].append(int(callback.args[1]))
    return await _ask_due(update, context)


async def _ask_due(update: Update, context: BotContext) -> int:
    await context.bot.send_message(
        update.effective_chat.id,
        assign_texts.ask_due(),  # type: ignore[union-attr]
        reply_markup=InlineKeyboardMarkup([[_button("Không có hạn", "n", "none")]]),
    )
    return DUE


async def due_typed(update: Update, context: BotContext) -> int:
    message = update.effective_message
    assert message is not None
    try:
        due = parse_due(message.text or "", today=context.services.today())
    except DateError as exc:
        await message.reply_html(f"{exc}\n\n{assign_texts.ask_due()}")
        return DUE
    _draft(context)["due"] = (due.on.isoformat(), due.wording)
    return await _summary(update, context)


async def no_due(update: Update, context: BotContext) -> int:
    await update.callback_query.answer()  # type: ignore[union-attr]
    _draft(context)["due"] = None
    return await _summary(update, context)


async def _summary(update: Update, context: BotContext) -> int:
    draft = _draft(context)
    async with context.services.db() as session:
        names = {u.unit_id: u.name for u in await units.unit_names(session)}
    due = dt.date.fromisoformat(draft["due"][0]) if draft.get("due") else None
    text = assign_texts.summary(
        draft["title"],
        names.get(draft["lead_unit_id"], "?"),
        [names.get(u, "?") for u in draft["cooperating"]],
        due,
    )
    rows = [[_button("✅ Giao việc", "ok", "yes"), _button("✖️ Hủy", "ok", "no")]]
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=InlineKeyboardMarkup(rows))  # type: ignore[union-attr]
    return CONFIRM


async def confirm(update: Update, context: BotContext) -> int:
    """Create the task and notify its officials, in one transaction."""
    query = update.callback_query
    callback = decode(query.data or "") if query else None
    assert query is not None and callback is not None and context.official is not None
    await query.answer()
    if callback.args[1] != "yes":
        await query.edit_message_text(assign_texts.cancelled())
        return ConversationHandler.END
    draft, now = _draft(context), context.services.clock.now()
    due = Due(dt.date.fromisoformat(draft["due"][0]), draft["due"][1]) if draft.get("due") else None
    async with context.services.db.begin() as session:
        task = await tasks.add_task(
            session,
            title=draft["title"],
            body=draft.get("body"),
            lead_unit_id=draft["lead_unit_id"],
            due=due,
            directive_id=draft.get("directive_id"),
            cooperating_unit_ids=draft["cooperating"],
            created_by_id=context.official.id,
            now=now,
        )
        sent = await task_notices.notify_assigned(session, task=task, today=context.services.today(), now=now)
    context.services.wake_sender.set()
    await query.edit_message_text(assign_texts.created(task.id or 0, sent))
    context.user_data.pop("assign", None)  # type: ignore[union-attr]
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    context.user_data.pop("assign", None)  # type: ignore[union-attr]
    await update.effective_message.reply_html(assign_texts.cancelled())  # type: ignore[union-attr]
    return ConversationHandler.END


def conversation() -> ConversationHandler[BotContext]:
    """The /assign steps as data."""
    typed = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
    guard = requires(Role.ADMIN, Role.LEADER)
    with warnings.catch_warnings():
        # Buttons belong to the one chat and user of the conversation: per_message is not wanted.
        warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("assign", guard(private_only(start)))],  # type: ignore[arg-type]
            states={
                DIRECTIVE: [CallbackQueryHandler(pick_directive, pattern=pattern(ACTION) + "d:")],
                NEW_DIRECTIVE: [MessageHandler(typed, new_directive)],
                TITLE: [MessageHandler(typed, title)],
                LEAD: [
                    MessageHandler(typed, lead_typed),
                    CallbackQueryHandler(lead_picked, pattern=pattern(ACTION) + "l:"),
                ],
                COOPERATING: [
                    MessageHandler(typed, cooperating_typed),
                    CallbackQueryHandler(cooperating_picked, pattern=pattern(ACTION) + "c:"),
                ],
                DUE: [
                    MessageHandler(typed, due_typed),
                    CallbackQueryHandler(no_due, pattern=pattern(ACTION) + "n:"),
                ],
                CONFIRM: [CallbackQueryHandler(confirm, pattern=pattern(ACTION) + "ok:")],
            },
            fallbacks=[CommandHandler(["cancel", "huy"], cancel)],
            conversation_timeout=dt.timedelta(minutes=15),
            name="assign",
        )
