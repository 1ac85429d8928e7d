"""/houses [xã]: programme progress; /exporthouses [xã]: every household with stage and photos."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from domain import house_texts, people_texts
from domain.render import split_message
from domain.sheets import rows_xlsx
from handlers.access import can_see_unit, sees_all_units
from handlers.houses import programme_of as _programme
from handlers.people import unit_buttons
from storage import households, units

UNIT_PICK = "hu"


async def _scope(update: Update, context: BotContext) -> tuple[list[int] | None, str | None, bool]:
    """(unit ids or None for all, a unit's name, ok); answers the user itself when not ok."""
    official, message = context.official, update.effective_message
    assert official is not None and message is not None
    query = " ".join(context.args or [])
    if not query:
        if sees_all_units(official):
            return None, None, True
        unit_id = official.unit_id
    else:
        async with context.services.db() as session:
            match = await units.find_unit(session, query=query)
        if match.found is None:
            await message.reply_html(
                people_texts.unit_not_found(query, [c.name for c in match.candidates]),
                reply_markup=unit_buttons(match.candidates, UNIT_PICK) if match.candidates else None,
            )
            return None, None, False
        unit_id = match.found.unit_id
    if not can_see_unit(official, unit_id):
        await message.reply_html(people_texts.other_unit_refused())
        return None, None, False
    async with context.services.db() as session:
        unit = await units.get_unit(session, unit_id=unit_id)
    return [unit_id] if unit_id is not None else [], unit.name if unit else "", True


def _days_left(context: BotContext) -> int | None:
    programme = _programme(context)
    if programme.deadline is None:
        return None
    today = context.services.today()
    return context.services.settings.work_calendar().working_days_between(today, programme.deadline)


async def show_houses(update: Update, context: BotContext) -> None:
    """Planned, started, finished and handed over; by track and kind; funds; the pace needed."""
    unit_ids, unit_name, ok = await _scope(update, context)
    if not ok:
        return
    programme, today, left = _programme(context), context.services.today(), _days_left(context)
    message = update.effective_message
    assert message is not None
    async with context.services.db() as session:
        if unit_ids is None:
            lines = [house_texts.overview_head(programme)]
            for unit_id, name in await households.units_with_households(session, programme=programme.key):
                result = await households.progress_of(
                    session, programme=programme, unit_ids=[unit_id], today=today, working_days_left=left
                )
                lines.append(house_texts.overview_line(name, result, programme))
            if len(lines) == 1:
                lines.append(house_texts.no_programme_data())
        else:
            result = await households.progress_of(
                session, programme=programme, unit_ids=unit_ids, today=today, working_days_left=left
            )
            flagged = len(await households.flagged_photos(session, unit_id=unit_ids[0] if unit_ids else None))
            lines = house_texts.progress_lines(programme, unit_name or "", result, flagged)
    for chunk in split_message(lines):
        await message.reply_html(chunk)


async def pick_unit(update: Update, context: BotContext) -> None:
    """A 'which commune?' button of /houses."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    await query.answer()
    async with context.services.db() as session:
        unit = await units.get_unit(session, unit_id=int(query.data.rsplit(":", 1)[1]))
    if unit is not None:
        context.args = [unit.name]
        await show_houses(update, context)


async def export_houses(update: Update, context: BotContext) -> None:
    """The workbook the office hands to the provincial report."""
    unit_ids, unit_name, ok = await _scope(update, context)
    if not ok:
        return
    async with context.services.db() as session:
        names = {u.unit_id: u.name for u in await units.unit_names(session, active_only=False)}
        rows = await households.export_rows(
            session, programme=_programme(context), unit_ids=unit_ids, unit_names=names
        )
    workbook = rows_xlsx("Ho gia dinh", house_texts.EXPORT_HEADERS, rows)
    await update.effective_message.reply_document(  # type: ignore[union-attr]
        workbook, filename="xoa-nha-tam.xlsx", caption=house_texts.export_caption(unit_name, len(rows))
    )
