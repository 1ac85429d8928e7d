"""Fixed recurring jobs (APScheduler via PTB's JobQueue); their state lives in the database.

Every instance schedules them; a job runs only in the instance holding the job lease
(scheduler.lease), so that several instances on one database run each job once.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from telegram.ext import Application

from bot.context import BotContext, Services
from domain.reminders import Policy
from domain.workdays import WorkCalendar
from scheduler.lease import Lease
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
    lease: Lease | None = None,
) -> Lease:
    """Add the recurring jobs, each behind `lease` (a new one if None, returned either way).
    Job names are stable: they show up in logs."""
    if app.job_queue is None:
        raise RuntimeError("python-telegram-bot[job-queue] is required")
    services: Services = app.bot_data.services
    if lease is None:
        lease = Lease(services.db, services.clock, seconds=services.settings.job_lease)
    if tick_seconds:
        app.job_queue.run_repeating(
            reminders_job,
            interval=tick_seconds,
            first=5,
            name="reminders:tick",
            data=(lease, ReminderTick(services, calendar=calendar, policy=policy)),
            job_kwargs={"misfire_grace_time": tick_seconds, "coalesce": True},
        )
    app.job_queue.run_daily(
        purge_inbox_job,
        time=dt.time(3, 15),
        name="housekeeping:purge-inbox",
        data=lease,
        job_kwargs={"misfire_grace_time": MISFIRE_GRACE_SECONDS, "coalesce": True},
    )
    return lease


async def reminders_job(context: BotContext) -> None:
    """Every few minutes: what reminders are due now goes into the outbox (lease holder only)."""
    lease, tick = context.job.data  # type: ignore[union-attr,misc]
    if await lease.hold():
        await tick(context.services.clock.now())


async def purge_inbox_job(context: BotContext) -> None:
    """Nightly: forget processed updates older than INBOX_KEEP (lease holder only)."""
    lease: Lease = context.job.data  # type: ignore[union-attr,assignment]
    if await lease.hold():
        await purge_inbox(context.services.db, now=context.services.clock.now())


async def purge_inbox(db: Any, *, now: dt.datetime) -> int:
    """Delete processed inbox rows older than INBOX_KEEP; return how many went."""
    async with db.begin() as session:
        removed = await inbox.purge_processed(session, before=now - INBOX_KEEP)
    if removed:
        logger.info("purged %d processed updates", removed)
    return removed
