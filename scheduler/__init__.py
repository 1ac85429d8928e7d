"""Fixed recurring jobs (APScheduler via PTB's JobQueue); their state lives in the database."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from telegram.ext import Application

from bot.context import BotContext
from domain.reminders import Policy
from domain.workdays import WorkCalendar
from scheduler.reminders import ReminderTick
from storage import inbox

logger = logging.getLogger(__name__)

INBOX_KEEP = dt.timedelta(days=30)
# APScheduler's default grace of 1 second silently drops a job due while the loop was busy.
MISFIRE_GRACE_SECONDS = 3600


def schedule_jobs(
    app: Application[Any, Any, Any, Any, Any, Any],
    *,
    calendar: WorkCalendar,
    policy: Policy,
    tick_seconds: int = 300,
) -> None:
    """Add the recurring jobs. Job names are stable: they show up in logs."""
    if app.job_queue is None:
        raise RuntimeError("python-telegram-bot[job-queue] is required")
    if tick_seconds:
        app.job_queue.run_repeating(
            reminders_job,
            interval=tick_seconds,
            first=5,
            name="reminders:tick",
            data=ReminderTick(app.bot_data.services, calendar=calendar, policy=policy),
            job_kwargs={"misfire_grace_time": tick_seconds, "coalesce": True},
        )
    app.job_queue.run_daily(
        purge_inbox_job,
        time=dt.time(3, 15),
        name="housekeeping:purge-inbox",
        job_kwargs={"misfire_grace_time": MISFIRE_GRACE_SECONDS, "coalesce": True},
    )


async def reminders_job(context: BotContext) -> None:
    """Every few minutes: what reminders are due now goes into the outbox."""
    tick: ReminderTick = context.job.data  # type: ignore[union-attr,assignment]
    await tick(context.services.clock.now())


async def purge_inbox_job(context: BotContext) -> None:
    """Nightly: forget processed updates older than INBOX_KEEP."""
    await purge_inbox(context.services.db, now=context.services.clock.now())


async def purge_inbox(db: Any, *, now: dt.datetime) -> int:
    """Delete processed inbox rows older than INBOX_KEEP; return how many went."""
    async with db.begin() as session:
        removed = await inbox.purge_processed(session, before=now - INBOX_KEEP)
    if removed:
        logger.info("purged %d processed updates", removed)
    return removed
