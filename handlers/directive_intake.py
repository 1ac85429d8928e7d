"""The office forwards a directive (.docx, .pdf, .txt, or `/vanban` with the pasted text); the bot
proposes its tasks one by one; a person accepts, corrects or skips each; the accepted ones are
created and announced to their units as any task is. The dated meetings a programme announces are
shown with their agenda and created too (unless turned off); a conclusions notice's tasks are tied
to the meeting it concludes.

The proposal lives in this conversation's memory until "Tạo nhiệm vụ": nothing of the document is
written before then. A stamped (secret) document is refused, and what Telegram's update carried
of it is wiped from the inbox too: state secrets are not kept.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from dataclasses import asdict
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
from domain import directive_texts as texts
from domain import giaoban_texts
from domain.callbacks import Callback, decode
from domain.dates import DateError, parse_due
from domain.directive import EmptyDocumentError, document_kind, parse_directive
from domain.directive_files import UnreadableFileError, text_of
from domain.directive_text import SecretDocumentError
from domain.giaoban import ConcludedMeeting, concluded_meeting
from domain.statuses import Role
from handlers.access import private_only, requires
from storage import directive_import, inbox, units

logger = logging.getLogger(__name__)

ACTION = "dv"
REVIEW, UNIT, DUE = range(20, 23)
MAX_FILE_BYTES = 20 * 1024 * 1024  # what the Bot API lets a bot download
EXTENSIONS = ("docx", "pdf", "txt")
TIMEOUT = dt.timedelta(minutes=30)  # a review left this long is over


def _button(text: str, op: str, index: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=Callback(ACTION, (op, str(index))).encode())


def _draft(context: BotContext) -> dict[str, Any]:
    return context.user_data.setdefault("directive", {})  # type: ignore[union-attr]


async def receive(update: Update, context: BotContext) -> int:
    """Read the document, propose its tasks, and show the overview."""
    message = update.effective_message
    assert message is not None
    try:
        text = await _document_text(update)
        proposal = parse_directive(text, today=context.services.today())
    except SecretDocumentError:
        async with context.services.db.begin() as session:
            await inbox.redact_update(session, update_id=update.update_id)
        logger.warning("update %s: a stamped (secret) document was refused and not kept", update.update_id)
        await message.reply_html(texts.SECRET)
        return ConversationHandler.END
    except (UnreadableFileError, EmptyDocumentError):
        await message.reply_html(texts.NOT_A_DIRECTIVE)
        return ConversationHandler.END
    except _TooBigError:
        await message.reply_html(texts.TOO_BIG)
        return ConversationHandler.END
    async with context.services.db() as session:
        office = context.official.unit_id  # type: ignore[union-attr]  # whose "Huyện ủy", of several
        rows = await directive_import.proposal_rows(session, proposal=proposal, office_unit_id=office)
        meetings = await directive_import.meeting_rows(session, proposal=proposal)
    concludes = concluded_meeting(text)
    context.user_data["directive"] = {  # type: ignore[index]
        "info": asdict(proposal.directive),
        "tasks": rows,
        "meetings": meetings,
        "meetings_on": True,
        "concludes": concludes.as_json() if concludes else None,
        "kind": document_kind(text),  # names a document whose text gives no number
    }
    return await _overview(update, context)


class _TooBigError(Exception):
    pass


async def _document_text(update: Update) -> str:
    message = update.effective_message
    assert message is not None
    if message.document is None:  # /vanban followed by the pasted text
        return (message.text or "").partition(" ")[2] if message.text else ""
    if message.document.file_size and message.document.file_size > MAX_FILE_BYTES:
        raise _TooBigError
    data = bytes(await (await message.document.get_file()).download_as_bytearray())
    return text_of(data, message.document.file_name or "vanban")


async def _overview(update: Update, context: BotContext) -> int:
    draft = _draft(context)
    rows = draft["tasks"]
    today = context.services.today()
    ready = sum(1 for r in rows if directive_import.ready(r, today=today) and r["state"] == "pending")
    keyboard = []
    if ready:
        keyboard.append([_button(texts.accept_ready(ready), "all")])
    if rows:
        keyboard.append([_button("📋 Xem từng nhiệm vụ", "show", 0)])
    if dated := _dated(draft):
        keyboard.append([_button(giaoban_texts.meetings_button(dated, on=draft["meetings_on"]), "mtg")])
    planned = directive_import.planned(rows)  # a group's row: one task for each of its units
    keyboard.append([_button(texts.make_button(planned[0]), "make"), _button("✖️ Hủy", "cancel")])
    lines = [texts.overview(draft["info"], rows, planned, today=today)]
    if concludes := ConcludedMeeting.from_json(draft["concludes"]):
        lines.append(giaoban_texts.concluded_html(concludes))
    lines += giaoban_texts.overview_meetings(draft["meetings"], on=draft["meetings_on"])
    await context.bot.send_message(
        update.effective_chat.id,  # type: ignore[union-attr]
        "\n".join(lines),
        reply_markup=InlineKeyboardMarkup(keyboard),
    )
    return REVIEW


def _dated(draft: dict[str, Any]) -> int:
    """How many of the document's meetings have a day, and so can be created."""
    return sum(1 for m in draft["meetings"] if m["state"] == directive_import.NEW)


async def _show(update: Update, context: BotContext, index: int) -> int:
    rows = _draft(context)["tasks"]
    pending = [i for i in range(index, len(rows)) if rows[i]["state"] == "pending"]
    if not pending:
        return await _overview(update, context)
    i = pending[0]
    row = rows[i]
    keyboard = [
        [_button("✅ Nhận", "ok", i), _button("⏭ Bỏ qua", "skip", i)],
        [_button("🏢 Đơn vị", "unit", i), _button("📅 Hạn", "due", i)],
        [_button("⬅️ Về tổng quan", "back")],
    ]
    await context.bot.send_message(
        update.effective_chat.id,  # type: ignore[union-attr]
        texts.task_card(row, position=i + 1, total=len(rows), today=context.services.today()),
        reply_markup=InlineKeyboardMarkup(keyboard),
    )
    return REVIEW


async def on_button(update: Update, context: BotContext) -> int:
    """Accept all ready ones, page through, accept, skip, correct, create, cancel."""
    query = update.callback_query
    assert query is not None
    callback = decode(query.data)
    draft = _draft(context)
    if callback is None or ("tasks" not in draft and callback.args[0] != "cancel"):
        await query.answer(texts.EXPIRED, show_alert=True)
        return ConversationHandler.END
    op, index = callback.args[0], callback.number(1)
    rows, refusal = draft.get("tasks", []), _refusal(draft, op, index)
    await query.answer(refusal, show_alert=refusal is not None)  # a query is answered once
    if refusal is not None:
        return REVIEW
    if index >= len(rows) and op in ("ok", "skip", "unit", "due", "show"):
        return REVIEW
    if op == "cancel":
        context.user_data.pop("directive", None)  # type: ignore[union-attr]
        await query.edit_message_text(texts.CANCELLED)
        return ConversationHandler.END
    if op == "all":  # a deadline already past is not taken as it is: it needs the office
        for row in rows:
            if row["state"] == "pending" and directive_import.ready(row, today=context.services.today()):
                row["state"] = "accepted"
        return await _overview(update, context)
    if op == "ok" and directive_import.past_due(rows[index], today=context.services.today()):
        draft["asking"], draft["accepting"] = index, True  # accepted once its new deadline is typed
        text = texts.ask_new_due(rows[index]["ref"], rows[index]["due"])
        await context.bot.send_message(query.message.chat.id, text)  # type: ignore[union-attr]
        return DUE
    if op in ("ok", "skip"):
        rows[index]["state"] = "accepted" if op == "ok" else "skipped"
        return await _show(update, context, index + 1)
    if op in ("unit", "due"):
        draft["asking"], draft["accepting"] = index, False
        await context.bot.send_message(query.message.chat.id, texts.ask(op, rows[index]["ref"]))  # type: ignore[union-attr]
        return UNIT if op == "unit" else DUE
    if op == "show":
        return await _show(update, context, index)
    if op == "mtg":
        draft["meetings_on"] = not draft["meetings_on"]
    if op == "make":
        return await _make(update, context)
    return await _overview(update, context)


def _refusal(draft: dict[str, Any], op: str, index: int) -> str | None:
    """Why a press cannot be done (the office sees it as an alert), or None."""
    rows = draft.get("tasks", [])  # none once the review ended ("cancel" still answers)
    if op == "ok" and index < len(rows) and not directive_import.ready(rows[index]):
        return texts.NEEDS_UNIT_AND_DUE
    made = op != "make" or directive_import.planned(rows)[0] or (draft["meetings_on"] and _dated(draft))
    return None if made else texts.NOTHING_ACCEPTED


async def unit_typed(update: Update, context: BotContext) -> int:
    draft, typed = _draft(context), (update.effective_message.text or "").strip()  # type: ignore[union-attr]
    async with context.services.db() as session:
        match = await units.find_unit(session, query=typed)
    if match.found is None:
        choices = ", ".join(c.label for c in match.candidates[:5])
        await update.effective_message.reply_html(texts.unit_not_found(typed, choices))  # type: ignore[union-attr]
        return UNIT
    row = draft["tasks"][draft.pop("asking")]
    row["unit_id"], row["unit_name"] = match.found.unit_id, match.found.name
    return await _show(update, context, draft["tasks"].index(row))


async def due_typed(update: Update, context: BotContext) -> int:
    draft, typed = _draft(context), (update.effective_message.text or "").strip()  # type: ignore[union-attr]
    try:
        due = parse_due(typed, today=context.services.today())
    except DateError as exc:
        await update.effective_message.reply_html(f"{exc}\n{texts.ask('due', '')}")  # type: ignore[union-attr]
        return DUE
    index = draft.pop("asking")
    row = draft["tasks"][index]
    row["due"], row["due_text"] = due.on.isoformat(), due.wording
    if due.recurrence:
        row["recurrence"] = due.recurrence
    if draft.pop("accepting", False):  # ✅ Nhận asked for this new deadline: the task is taken now
        row["state"] = "accepted"
        index += 1
    return await _show(update, context, index)


async def _make(update: Update, context: BotContext) -> int:
    """The directive and every accepted task, in one transaction; then the notices go out."""
    draft, official = _draft(context), context.official
    assert official is not None
    meetings = draft["meetings"] if draft["meetings_on"] else []
    groups = directive_import.planned(draft["tasks"])[1]
    now, today = context.services.clock.now(), context.services.today()
    settings = context.services.settings
    async with context.services.db.begin() as session:
        done = await directive_import.create_accepted(
            session,
            info=draft["info"],
            rows=draft["tasks"],
            fallback_number=texts.unnumbered_name(draft["info"], draft.get("kind")),
            created_by_id=official.id,
            today=today,
            now=now,
            zone=settings.tz,
            meeting_rows=meetings,
            concludes=ConcludedMeeting.from_json(draft["concludes"]),
            giao_ban_at=settings.reminder_policy().giao_ban_at,
        )
    context.services.wake_sender.set()
    context.user_data.pop("directive", None)  # type: ignore[union-attr]
    numbered = bool(draft["info"]["number"])
    made = texts.created(done.number, done.task_ids, groups, numbered=numbered) if done.task_ids else None
    lines = [
        made or giaoban_texts.saved(done.number, numbered=numbered),
        giaoban_texts.kept_tasks(done.tasks_kept),
        giaoban_texts.created_meetings(len(done.meetings_created), done.meetings_kept),
    ]
    await update.callback_query.edit_message_text("\n".join(line for line in lines if line))  # type: ignore[union-attr]
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    context.user_data.pop("directive", None)  # type: ignore[union-attr]
    await update.effective_message.reply_html(texts.CANCELLED)  # type: ignore[union-attr]
    return ConversationHandler.END


def document_filter() -> filters.BaseFilter:
    """A directive file sent in a private chat."""
    kinds = filters.Document.FileExtension(EXTENSIONS[0])
    for extension in EXTENSIONS[1:]:
        kinds = kinds | filters.Document.FileExtension(extension)
    return kinds & filters.ChatType.PRIVATE


def conversation() -> ConversationHandler[BotContext]:
    """The review as data: a document or /vanban opens it; buttons and typed corrections follow."""
    typed = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
    office = requires(Role.ADMIN)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*per_message=False.*", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                MessageHandler(document_filter(), office(receive)),  # type: ignore[arg-type]
                CommandHandler("vanban", office(private_only(receive))),  # type: ignore[arg-type]
            ],
            states={
                REVIEW: [CallbackQueryHandler(on_button, pattern=rf"^v1:{ACTION}:")],
                UNIT: [MessageHandler(typed, unit_typed)],
                DUE: [MessageHandler(typed, due_typed)],
            },
            fallbacks=[CommandHandler(["cancel", "huy"], cancel)],
            name="directive",
            persistent=True,  # the review survives a restart (bot.persistence), ended after TIMEOUT
        )
