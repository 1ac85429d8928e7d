"""Leaders and the office ask for the monthly report draft: /baocao [tháng] sends a .docx."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.context import BotContext
from domain.report import month_out_of_range, parse_month, texts
from domain.report.document import monthly_report
from handlers.access import sees_all_units
from storage import report_data


async def monthly(update: Update, context: BotContext) -> None:
    """/baocao [tháng]: the month's report as a .docx for the office to edit and sign."""
    official, message = context.official, update.effective_message
    assert official is not None and message is not None
    services = context.services
    typed = " ".join(context.args or [])
    month = parse_month(typed, today=services.today())
    if month is None:
        wrong = month_out_of_range(typed)
        await message.reply_text(texts.USAGE if wrong is None else texts.no_such_month(wrong))
        return
    async with services.db() as session:
        data = await report_data.monthly_report_data(
            session,
            month=month,
            today=services.today(),
            zone=services.settings.tz,
            programme=services.settings.current_programme(),
            calendar=services.settings.work_calendar(),
            unit_id=None if sees_all_units(official) else official.unit_id,
        )
    document = await asyncio.to_thread(monthly_report, data)  # python-docx works for a moment: off the loop
    await message.reply_document(
        document, filename=texts.filename(month), caption=texts.caption(month, len(data.tasks))
    )
