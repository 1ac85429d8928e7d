"""/houses [xã]: programme progress; /exporthouses [xã]: every household with stage and photos."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from domain import house_texts, people_texts
from domain.programmes import read_case
from domain.render import split_message
from domain.statuses import LOCAL_UNIT_KINDS
from handlers.access import can_see_unit, sees_all_units
from handlers.houses import programme_of as _programme
from handlers.people import unit_buttons
from storage import households, photos, units

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
                people_texts.unit_not_found(query, [c.label for c in match.candidates]),
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
            for _unit_id, name, result in await households.progress_by_unit(
                session, programme=programme, today=today, working_days_left=left
            ):
                lines.append(house_texts.overview_line(name, result, programme))
            if len(lines) == 1:
                lines.append(house_texts.no_programme_data())
        else:
            result = await households.progress_of(
                session, programme=programme, unit_ids=unit_ids, today=today, working_days_left=left
            )
            flagged = len(await photos.flagged_photos(session, unit_id=unit_ids[0] if unit_ids else None))
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
    programme = _programme(context)
    async with context.services.db() as session:
        rows, per_unit = await households.export_data(session, programme=programme, unit_ids=unit_ids)
    workbook = house_texts.export_workbook(programme, rows, per_unit)
    await update.effective_message.reply_document(  # type: ignore[union-attr]
        workbook, filename="xoa-nha-tam.xlsx", caption=house_texts.export_caption(unit_name, len(rows))
    )


async def add_house(update: Update, context: BotContext) -> None:
    """/addhouse Họ tên chủ hộ; thôn/ấp; diện; xây mới|sửa chữa[; xã] — a household joins the list."""
    official, message = context.official, update.effective_message
    assert official is not None and message is not None
    programme = _programme(context)
    parts = [p.strip() for p in (message.text or "").partition(" ")[2].split(";")]
    name, hamlet, track_text, kind_text, unit_text = (*parts, "", "", "", "")[:5]
    if not name:
        await message.reply_html(house_texts.add_usage(programme))
        return
    choices = read_case(programme, track_text, kind_text)
    if not choices.ok:
        await message.reply_html(house_texts.add_problem(programme, choices))
        return
    refusal, added = None, None
    async with context.services.db.begin() as session:
        unit_id = official.unit_id
        if unit_text:
            match = await units.find_unit(session, query=unit_text)
            unit_id = match.found.unit_id if match.found else None
        unit = await units.get_unit(session, unit_id=unit_id)
        if unit is None or unit.kind not in LOCAL_UNIT_KINDS:
            refusal = house_texts.add_which_commune()
        elif not can_see_unit(official, unit.id):
            refusal = people_texts.other_unit_refused()
        else:
            household = await households.add_household(
                session,
                programme=programme,
                unit_id=unit.id or 0,
                head_name=name,
                hamlet=hamlet or None,
                track=choices.track,
                work_kind=choices.work_kind,
                official_id=official.id,
                now=context.services.clock.now(),
            )
            added = house_texts.added(household.head_name, unit.name)
    await message.reply_html(refusal or added or "")
