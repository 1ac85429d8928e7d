"""/assign: the office or a leader hands out a task in a short conversation.

The draft lives in memory until ✅ Giao việc: nothing — not even a new directive — is written
before that, so a cancelled or abandoned conversation leaves no trace in later lists. Losing the
draft on restart costs one retyping; the database holds everything that was decided.
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

from telegram import InlineKeyboardMarkup, Update
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
from domain.dates import DateError, parse_due
from domain.statuses import Role
from domain.vntext import means_none
from handlers import assign_review
from handlers.access import private_only, requires
from handlers.assign_review import ACTION, CONFIRM, button, draft_of, picked
from storage import tasks, units

DIRECTIVE, NEW_DIRECTIVE, TITLE, LEAD, COOPERATING, DUE = range(6)


async def start(update: Update, context: BotContext) -> int:
    """Step 1: which directive the task comes from."""
    async with context.services.db() as session:
        recent = await tasks.recent_directives(session)
    context.user_data["assign"] = {"recent": {str(d.id): d.number for d in recent}}  # type: ignore[index]
    rows = [[button(d.number, "d", str(d.id))] for d in recent]
    rows.append([button("📄 Văn bản mới", "d", "new"), button("Không thuộc văn bản", "d", "none")])
    await update.effective_message.reply_html(  # type: ignore[union-attr]
        assign_texts.ask_directive(), reply_markup=InlineKeyboardMarkup(rows)
    )
    return DIRECTIVE


async def pick_directive(update: Update, context: BotContext) -> int:
    callback = await picked(update)
    if callback is None:
        return DIRECTIVE
    choice = callback.args[1]
    if choice == "new":
        await update.callback_query.edit_message_text(assign_texts.ask_new_directive())  # type: ignore[union-attr]
        return NEW_DIRECTIVE
    draft = draft_of(context)
    draft["directive_id"] = None if choice == "none" else int(choice)
    draft["directive"] = draft.get("recent", {}).get(choice)
    await update.callback_query.edit_message_text(assign_texts.ask_title())  # type: ignore[union-attr]
    return TITLE


async def new_directive(update: Update, context: BotContext) -> int:
    """'3022-CV/TU; 03/05/2024; Tăng cường thực hiện nhiệm vụ trọng tâm': kept in the draft only."""
    message = update.effective_message
    assert message is not None
    parts = [" ".join(p.split()) for p in (message.text or "").split(";")]
    number, date_text = parts[0], parts[1] if len(parts) > 1 else ""
    problem = assign_texts.directive_problem(number, bool(date_text))
    if problem is not None:
        await message.reply_html(f"{problem}\n{assign_texts.ask_new_directive()}")
        return NEW_DIRECTIVE
    try:
        issued_on = parse_due(date_text, today=context.services.today(), allow_past=True).on
    except DateError as exc:
        await message.reply_html(f"{exc}\n{assign_texts.ask_new_directive()}")
        return NEW_DIRECTIVE
    summary = parts[2] if len(parts) > 2 and parts[2] else number
    draft_of(context)["new_directive"] = {
        "number": number,
        "issued_on": issued_on.isoformat(),
        "summary": summary,
    }
    await message.reply_html(assign_texts.ask_title())
    return TITLE


async def title(update: Update, context: BotContext) -> int:
    """First line: the title; the rest, if any: the full text."""
    message = update.effective_message
    assert message is not None
    first, _, rest = (message.text or "").strip().partition("\n")
    if not first.strip():
        await message.reply_html(assign_texts.empty_title())
        return TITLE
    draft_of(context).update(title=first.strip(), body=rest.strip() or None)
    await message.reply_html(assign_texts.ask_lead())
    return LEAD


async def _resolve(update: Update, context: BotContext, typed: str, *, step: str) -> int | None:
    """A typed unit name's id; an unclear one gets buttons (and None)."""
    async with context.services.db() as session:
        match = await units.find_unit(session, query=typed)
    if match.found is not None:
        return match.found.unit_id
    rows = [[button(c.label, step, str(c.unit_id))] for c in match.candidates]
    coop = draft_of(context).get("cooperating", [])
    added = assign_texts.cooperating_so_far(await _names(context, coop)) if step == "c" else ""
    await update.effective_message.reply_html(  # type: ignore[union-attr]
        "\n".join(filter(None, [added, assign_texts.unit_unclear(typed, bool(rows))])),
        reply_markup=InlineKeyboardMarkup(rows) if rows else None,
    )
    return None


async def _names(context: BotContext, unit_ids: list[int]) -> list[str]:
    async with context.services.db() as session:
        names = {u.unit_id: u.name for u in await units.unit_names(session)}
    return [names.get(u, "?") for u in unit_ids]


async def lead_typed(update: Update, context: BotContext) -> int:
    unit_id = await _resolve(update, context, update.effective_message.text or "", step="l")  # type: ignore[union-attr]
    return LEAD if unit_id is None else await _after_lead(update, context, unit_id)


async def lead_picked(update: Update, context: BotContext) -> int:
    callback = await picked(update)
    return LEAD if callback is None else await _after_lead(update, context, callback.number(1))


async def _after_lead(update: Update, context: BotContext, unit_id: int) -> int:
    draft = draft_of(context)
    draft["lead_unit_id"] = unit_id
    draft["cooperating"], draft["queue"] = [], []
    await context.bot.send_message(
        update.effective_chat.id,  # type: ignore[union-attr]
        assign_texts.ask_cooperating(),
        reply_markup=InlineKeyboardMarkup([[button("Bỏ qua", "c", "skip")]]),
    )
    return COOPERATING


def _add_cooperating(draft: dict[str, Any], unit_id: int) -> None:
    """Once each, and never the lead unit itself."""
    if unit_id != draft["lead_unit_id"] and unit_id not in draft["cooperating"]:
        draft["cooperating"].append(unit_id)


async def cooperating_typed(update: Update, context: BotContext) -> int:
    """Names separated by commas; a retyped name replaces the unclear one, the rest are kept."""
    typed = update.effective_message.text or ""  # type: ignore[union-attr]
    draft = draft_of(context)
    if means_none(typed):  # "không", "bo qua": the same as the «Bỏ qua» button
        draft["queue"] = []
        return await _ask_due(update, context)
    names = [n.strip() for n in typed.split(",") if n.strip()]
    draft["queue"] = names + draft["queue"][1:]
    return await _next_cooperating(update, context)


async def _next_cooperating(update: Update, context: BotContext) -> int:
    draft = draft_of(context)
    while draft["queue"]:
        unit_id = await _resolve(update, context, draft["queue"][0], step="c")
        if unit_id is None:
            return COOPERATING
        _add_cooperating(draft, unit_id)
        draft["queue"].pop(0)
    return await _ask_due(update, context)


async def cooperating_picked(update: Update, context: BotContext) -> int:
    callback = await picked(update)
    if callback is None:
        return COOPERATING
    draft = draft_of(context)
    if callback.args[1] == "skip":
        draft["queue"] = []
        return await _ask_due(update, context)
    _add_cooperating(draft, callback.number(1))
    if draft["queue"]:
        draft["queue"].pop(0)
    return await _next_cooperating(update, context)


async def _ask_due(update: Update, context: BotContext) -> int:
    await context.bot.send_message(
        update.effective_chat.id,  # type: ignore[union-attr]
        assign_texts.ask_due(),
        reply_markup=InlineKeyboardMarkup([[button("Không có hạn", "n", "none")]]),
    )
    return DUE


async def due_typed(update: Update, context: BotContext) -> int:
    message = update.effective_message
    assert message is not None
    if means_none(message.text or ""):  # "không có hạn": the same as its button
        draft_of(context)["due"] = None
        return await assign_review.show(update, context)
    try:
        due = parse_due(message.text or "", today=context.services.today())
    except DateError as exc:
        await message.reply_html(f"{exc}\n\n{assign_texts.ask_due()}")
        return DUE
    draft_of(context)["due"] = (due.on.isoformat(), due.wording)
    return await assign_review.show(update, context)


async def no_due(update: Update, context: BotContext) -> int:
    if await picked(update) is None:
        return DUE
    draft_of(context)["due"] = None
    return await assign_review.show(update, context)


async def cancel(update: Update, context: BotContext) -> int:
    context.user_data.pop("assign", None)  # type: ignore[union-attr]
    await update.effective_message.reply_html(assign_texts.cancelled())  # type: ignore[union-attr]
    return ConversationHandler.END


TIMEOUT = dt.timedelta(minutes=15)  # unanswered this long, /assign is over


def conversation() -> ConversationHandler[BotContext]:
    """The /assign steps as data."""
    typed = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
    guard = requires(Role.ADMIN, Role.LEADER)

    def step(name: str) -> str:
        return rf"^v1:{ACTION}:{name}:"

    with warnings.catch_warnings():
        # Buttons belong to the one chat and user of the conversation: per_message is not wanted.
        warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("assign", guard(private_only(start)))],  # type: ignore[arg-type]
            states={
                # Typing `số hiệu; ngày; trích yếu` at once is the same as 📄 Văn bản mới.
                DIRECTIVE: [
                    CallbackQueryHandler(pick_directive, pattern=step("d")),
                    MessageHandler(typed, new_directive),
                ],
                NEW_DIRECTIVE: [MessageHandler(typed, new_directive)],
                TITLE: [MessageHandler(typed, title)],
                LEAD: [
                    MessageHandler(typed, lead_typed),
                    CallbackQueryHandler(lead_picked, pattern=step("l")),
                ],
                COOPERATING: [
                    MessageHandler(typed, cooperating_typed),
                    CallbackQueryHandler(cooperating_picked, pattern=step("c")),
                ],
                DUE: [MessageHandler(typed, due_typed), CallbackQueryHandler(no_due, pattern=step("n"))],
                **assign_review.states(typed, step),
            },
            fallbacks=[CommandHandler(["cancel", "huy"], cancel)],
            name="assign",
            persistent=True,  # the step and the draft survive a restart (bot.persistence), which
            # also ends them after TIMEOUT: a step reached longer ago is not answered
        )


__all__ = ["CONFIRM", "conversation"]
