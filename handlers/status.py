"""Leaders ask and read: /status [xã] and /digest (the Monday giao ban digest, on demand)."""

from __future__ import annotations

import datetime as dt
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext, Services
from domain import digest, house_texts, people_texts, status_texts
from domain.callbacks import Callback, decode
from domain.digest_render import DigestFiles, DrawError
from domain.render import split_message
from domain.status_texts import SHOWN, Shown, UnitStatus
from domain.task_texts import TASK
from domain.units import split_former_name
from handlers.access import can_see_unit, sees_all_units
from handlers.people import unit_buttons
from storage import digest_data, households, reports, status_queries, units

logger = logging.getLogger(__name__)

UNIT_PICK = "st"


async def status(update: Update, context: BotContext) -> None:
    """/status: every unit, worst first; /status <xã>: one unit in detail (accents and typos forgiven)."""
    official, message = context.official, update.effective_message
    assert official is not None and message is not None
    query = " ".join(context.args or []).strip()
    if not query:
        if sees_all_units(official):
            await _overview(update, context)
        else:
            await _detail(update, context, official.unit_id or 0, None)
        return
    async with context.services.db() as session:
        match = await units.find_unit(session, query=query)
    if match.found is None:
        text = (
            status_texts.unit_unclear(query, [c.label for c in match.candidates])
            if match.candidates
            else status_texts.unit_unknown(query)
        )
        if former := split_former_name(query, match):  # an old commune divided between new ones
            text = status_texts.unit_split(former)
        await message.reply_html(
            text, reply_markup=unit_buttons(match.candidates, UNIT_PICK) if match.candidates else None
        )
        return
    await _detail(update, context, match.found.unit_id, match.via_alias)


async def pick_unit(update: Update, context: BotContext) -> None:
    query = update.callback_query
    callback = decode(query.data or "") if query else None
    if query is None or callback is None or not callback.args:
        return
    await query.answer()
    await _detail(update, context, int(callback.args[0]), None)


async def _overview(update: Update, context: BotContext) -> None:
    today = context.services.today()
    async with context.services.db() as session:
        counts = await reports.unit_counts(
            session,
            today=today,
            zone=context.services.settings.tz,
            calendar=context.services.settings.work_calendar(),
        )
        extensions = await reports.pending_extensions(session, unit_id=None)
    lines = [
        status_texts.overview_head(len(counts), today),
        *(status_texts.overview_line(c) for c in counts),
        *status_texts.pending_extensions(extensions),
    ]
    await _reply_chunks(update, context, lines, [x.task_id for x in extensions])


async def _detail(update: Update, context: BotContext, unit_id: int, via_alias: str | None) -> None:
    official = context.official
    chat = update.effective_chat
    assert official is not None and chat is not None
    if not can_see_unit(official, unit_id):
        await context.bot.send_message(chat.id, people_texts.other_unit_refused())
        return
    lines, task_ids = await unit_status_lines(context.services, unit_id, via_alias)
    await _reply_chunks(update, context, lines, task_ids)


async def _reply_chunks(update: Update, context: BotContext, lines: list[str], task_ids: list[int]) -> None:
    """The lines as messages; the last one carries a button for each task worth opening."""
    chat = update.effective_chat
    assert chat is not None
    buttons = [
        InlineKeyboardButton(f"#{tid}", callback_data=Callback(TASK, (str(tid), "open", "0")).encode())
        for tid in list(dict.fromkeys(task_ids))[:10]
    ]
    chunks = split_message(lines)
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        markup = (
            InlineKeyboardMarkup([buttons[i : i + 5] for i in range(0, len(buttons), 5)])
            if last and buttons
            else None
        )
        await context.bot.send_message(chat.id, chunk, reply_markup=markup)


async def unit_status_lines(
    services: Services, unit_id: int, via_alias: str | None
) -> tuple[list[str], list[int]]:
    """The /status lines of one unit and the tasks worth a button (overdue first)."""
    today, zone = services.today(), services.settings.tz
    monday = today - dt.timedelta(days=today.weekday())
    programme = services.settings.current_programme()
    calendar = services.settings.work_calendar()
    async with services.db() as session:
        unit = await units.get_unit(session, unit_id=unit_id)
        counts = (
            await status_queries.counts_of(session, unit=unit, today=today, zone=zone, calendar=calendar)
            if unit
            else None
        )
        overdue = await status_queries.overdue_of(
            session, unit_id=unit_id, today=today, limit=SHOWN, calendar=calendar
        )
        due = await status_queries.due_of(
            session, unit_id=unit_id, start=today, end=monday + dt.timedelta(days=6), limit=SHOWN
        )
        blocked = await status_queries.blocked_of(session, unit_id=unit_id, limit=SHOWN)
        extensions = Shown.every(await reports.pending_extensions(session, unit_id=unit_id))
        latest = Shown.every(await status_queries.latest_updates(session, unit_id=unit_id))
        left = calendar.working_days_between(today, programme.deadline) if programme.deadline else None
        result = await households.progress_of(
            session, programme=programme, unit_ids=[unit_id], today=today, working_days_left=left
        )
        house_lines = (
            house_texts.progress_lines(programme, unit.name if unit else "", result, 0)[:6]
            if result.planned
            else []
        )
    status = UnitStatus(
        unit.name if unit else "?",
        counts,
        overdue,
        due,
        blocked,
        extensions,
        latest,
        house_lines,
        via_alias,
    )
    # The buttons (the first ten tasks) come from the lines shown: a section's first 15, or all.
    task_ids = [
        *(x.task_id for x in extensions.lines),  # a decision waits on these: first
        *(x.task_id for x in overdue.lines),
        *(x.task_id for x in due.lines),
        *(x.task_id for x in blocked.lines),
    ]
    return status_texts.unit_status(status, today, zone=zone), task_ids


async def preview_digest(update: Update, context: BotContext) -> None:
    """/digest: the Monday digest as it would be sent now (text, chart, workbook)."""
    message = update.effective_message
    assert message is not None
    async with DigestFiles() as files:  # drawn in a process of its own: the bot's memory stays low
        data = await gather(context.services)
        for chunk in digest.compose(data):
            await message.reply_html(chunk)
        try:
            chart, book = await files.draw(data)
        except DrawError:  # a drawing process killed or stuck: the numbers above stand
            logger.exception("/digest: the chart and workbook were not drawn")
            await message.reply_text(digest.files_missing())
            return
    await message.reply_photo(chart, caption=digest.caption(data))
    await message.reply_document(book, filename=f"giao-ban-{data.day:%Y-%m-%d}.xlsx")


async def gather(services: Services) -> digest.DigestData:
    """The digest's data as of today."""
    today = services.today()
    programme = services.settings.current_programme()
    calendar = services.settings.work_calendar()
    left = calendar.working_days_between(today, programme.deadline) if programme.deadline else None
    async with services.db() as session:
        return await digest_data.build_digest(
            session,
            day=today,
            zone=services.settings.tz,
            programme=programme,
            working_days_left=left,
            calendar=calendar,
        )
