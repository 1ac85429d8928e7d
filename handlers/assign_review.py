"""/assign's last step: the review, its ⚙️ options (named officials, a target, recurrence, the
confirmation flag), and the one transaction that writes the directive and the task."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from rapidfuzz import fuzz, process
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler
from telegram.ext.filters import BaseFilter

from bot.context import BotContext
from domain import assign_texts
from domain.callbacks import Callback, decode
from domain.dates import Due, parse_recurrence
from domain.vntext import accent_free_key
from storage import officials as officials_store
from storage import task_notices, tasks, units

ACTION = "as"  # callback action of the /assign conversation
CONFIRM, OFFICIALS, TARGET, REPEAT = range(10, 14)
_NAME_SCORE = 85  # a typed name within this of one official's name (accent-free) picks them


def button(text: str, *args: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=Callback(ACTION, args).encode())


def draft_of(context: BotContext) -> dict[str, Any]:
    return context.user_data.setdefault("assign", {})  # type: ignore[union-attr]


async def picked(update: Update) -> Callback | None:
    """Answer the press; None (with a toast) for a button that no longer belongs to a step."""
    query = update.callback_query
    assert query is not None
    callback = decode(query.data)
    if callback is None or len(callback.args) < 2:
        await query.answer(assign_texts.expired_button(), show_alert=True)
        return None
    await query.answer()
    return callback


async def show(update: Update, context: BotContext) -> int:
    """The review with its buttons, as a new message."""
    draft = draft_of(context)
    draft.setdefault("confirm", True)
    text, markup = await _review(context)
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)  # type: ignore[union-attr]
    return CONFIRM


async def _review(context: BotContext) -> tuple[str, InlineKeyboardMarkup]:
    draft = draft_of(context)
    async with context.services.db() as session:
        names = {u.unit_id: u.name for u in await units.unit_names(session)}
    directive = (draft.get("new_directive") or {}).get("number", draft.get("directive"))
    view = assign_texts.Draft(
        title=draft["title"],
        directive=directive,
        lead=names.get(draft["lead_unit_id"], "?"),
        cooperating=[names.get(u, "?") for u in draft["cooperating"]],
        due=dt.date.fromisoformat(draft["due"][0]) if draft.get("due") else None,
        officials=[name for _id, name in draft.get("officials", [])],
        target=tuple(draft["target"]) if draft.get("target") else None,  # type: ignore[arg-type]
        recurrence=draft.get("recurrence"),
        needs_confirmation=draft["confirm"],
    )
    flag = "☑️ Cần xác nhận: Có" if draft["confirm"] else "☐ Cần xác nhận: Không"
    rows = [
        [button("✅ Giao việc", "ok", "yes"), button("✖️ Hủy", "ok", "no")],
        [button("⚙️ Cán bộ", "xo", "yes"), button("⚙️ Chỉ tiêu", "xt", "yes")],
        [button("⚙️ Lặp lại", "xr", "yes"), button(flag, "xc", "yes")],
    ]
    return assign_texts.summary(view), InlineKeyboardMarkup(rows)


async def option(update: Update, context: BotContext) -> int:
    """A ⚙️ button: ask for the value, or flip the confirmation flag in place."""
    callback = await picked(update)
    if callback is None:
        return CONFIRM
    step = callback.args[0]
    if step == "xc":
        draft = draft_of(context)
        draft["confirm"] = not draft.get("confirm", True)
        text, markup = await _review(context)
        await update.callback_query.edit_message_text(text, reply_markup=markup)  # type: ignore[union-attr]
        return CONFIRM
    questions = {
        "xo": (assign_texts.ask_officials(), OFFICIALS),
        "xt": (assign_texts.ask_target(), TARGET),
        "xr": (assign_texts.ask_recurrence(), REPEAT),
    }
    question, state = questions[step]
    await context.bot.send_message(update.effective_chat.id, question)  # type: ignore[union-attr]
    return state


async def officials_typed(update: Update, context: BotContext) -> int:
    """Names of officials of the lead or cooperating units, accent-free and slightly misspelt."""
    draft = draft_of(context)
    typed = [n.strip() for n in (update.effective_message.text or "").split(",") if n.strip()]  # type: ignore[union-attr]
    async with context.services.db() as session:
        people = [
            (official.id, official.full_name)
            for unit_id in [draft["lead_unit_id"], *draft["cooperating"]]
            for official, _unit in await officials_store.list_officials(session, unit_id=unit_id)
        ]
    keys = {pid: accent_free_key(name) for pid, name in people}
    chosen, missing = list(draft.get("officials", [])), []
    for name in typed:
        best = process.extractOne(
            accent_free_key(name), keys, scorer=fuzz.token_sort_ratio, score_cutoff=_NAME_SCORE
        )
        # Officials call each other by the given name: 'hung' is Nguyễn Văn Hùng when he is the only Hùng.
        given = _by_given_name(accent_free_key(name), keys) if best is None else [best[2]]
        if len(given) > 1:
            names = [dict(people)[pid] for pid in given]
            await update.effective_message.reply_html(assign_texts.officials_ambiguous(name, names))  # type: ignore[union-attr]
            draft["officials"] = chosen
            return OFFICIALS
        if not given:
            missing.append(name)
            continue
        pid = given[0]
        if all(pid != known for known, _name in chosen):
            chosen.append((pid, dict(people)[pid]))
    draft["officials"] = chosen
    if missing:
        await update.effective_message.reply_html(assign_texts.officials_unclear(missing))  # type: ignore[union-attr]
        return OFFICIALS
    return await show(update, context)


def _by_given_name(typed: str, keys: dict[int, str]) -> list[int]:
    """The officials whose name ends with the words typed ('hung', 'van hung')."""
    words = typed.split()
    return [pid for pid, key in keys.items() if words and key.split()[-len(words) :] == words]


async def target_typed(update: Update, context: BotContext) -> int:
    typed = update.effective_message.text or ""  # type: ignore[union-attr]
    target = assign_texts.parse_target(typed)
    if target is None:
        await update.effective_message.reply_html(assign_texts.bad_target(typed))  # type: ignore[union-attr]
        return TARGET
    draft_of(context)["target"] = list(target)
    return await show(update, context)


async def recurrence_typed(update: Update, context: BotContext) -> int:
    typed = update.effective_message.text or ""  # type: ignore[union-attr]
    recurrence = parse_recurrence(typed)
    if recurrence is None:
        await update.effective_message.reply_html(assign_texts.bad_recurrence(typed))  # type: ignore[union-attr]
        return REPEAT
    draft_of(context)["recurrence"] = recurrence
    return await show(update, context)


async def confirm(update: Update, context: BotContext) -> int:
    """Write the directive (when new) and the task, and queue the notices: one transaction."""
    callback = await picked(update)
    if callback is None:
        return CONFIRM
    query = update.callback_query
    assert query is not None and context.official is not None
    if callback.args[1] != "yes":
        context.user_data.pop("assign", None)  # type: ignore[union-attr]
        await query.edit_message_text(assign_texts.cancelled())
        return ConversationHandler.END
    draft, now = draft_of(context), context.services.clock.now()
    due = Due(dt.date.fromisoformat(draft["due"][0]), draft["due"][1]) if draft.get("due") else None
    target = draft.get("target") or (None, None)
    async with context.services.db.begin() as session:
        directive_id = draft.get("directive_id")
        if draft.get("new_directive"):
            new = draft["new_directive"]
            directive = await tasks.add_directive(
                session,
                number=new["number"],
                issued_on=dt.date.fromisoformat(new["issued_on"]),
                summary=new["summary"],
            )
            directive_id = directive.id
        task = await tasks.add_task(
            session,
            title=draft["title"],
            body=draft.get("body"),
            lead_unit_id=draft["lead_unit_id"],
            due=due,
            directive_id=directive_id,
            cooperating_unit_ids=draft["cooperating"],
            official_ids=[pid for pid, _name in draft.get("officials", [])],
            target_quantity=target[0],
            target_measure=target[1],
            recurrence=draft.get("recurrence"),
            needs_confirmation=draft.get("confirm", True),
            created_by_id=context.official.id,
            now=now,
        )
        sent = await task_notices.notify_assigned(session, task=task, today=context.services.today(), now=now)
    context.services.wake_sender.set()
    await query.edit_message_text(assign_texts.created(task.id or 0, sent))
    context.user_data.pop("assign", None)  # type: ignore[union-attr]
    return ConversationHandler.END


def states(typed: BaseFilter, step: Callable[[str], str]) -> dict[object, list[BaseHandler[Any, Any, Any]]]:
    """The review's states for the conversation table."""
    return {
        CONFIRM: [
            CallbackQueryHandler(confirm, pattern=step("ok")),
            CallbackQueryHandler(option, pattern=rf"^v1:{ACTION}:x[otrc]:"),
        ],
        OFFICIALS: [MessageHandler(typed, officials_typed)],
        TARGET: [MessageHandler(typed, target_typed)],
        REPEAT: [MessageHandler(typed, recurrence_typed)],
    }
