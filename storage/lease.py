"""Leases in the database: at most one holder of a name at any moment, across instances.

A lease is taken when it is free or expired and renewed by its holder; a holder that stops
renewing (killed, cut off from the database) loses it at `expires_at`, and the next instance
to ask takes it over. All times come from the caller's clock, so that every instance and the
tests agree on what "expired" means; the two statements below are atomic on SQLite (one
writer at a time) and on PostgreSQL (a concurrent UPDATE re-checks its WHERE on the new row).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, delete, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import JobLease
from storage.upsert import insert_ignoring_duplicates


@dataclass(frozen=True, slots=True)
class LeaseState:
    """Who holds a lease and until when (None if nobody ever took it)."""

    holder: str
    acquired_at: dt.datetime
    expires_at: dt.datetime


async def take(
    session: AsyncSession,
    *,
    name: str,
    holder: str,
    now: dt.datetime,
    ttl: dt.timedelta,
    replacing: str | None = None,
) -> bool:
    """Take the lease `name` for `holder` until now + ttl, or renew it if `holder` has it.
    True if `holder` holds it afterwards; False while another holder's lease runs, unless that
    holder is `replacing` (known to be dead: see scheduler.lease.is_gone)."""
    mine_or_expired = (col(JobLease.holder) == holder) | (col(JobLease.expires_at) <= now)
    if replacing is not None:
        mine_or_expired |= col(JobLease.holder) == replacing
    renewed = await session.exec(  # type: ignore[call-overload]
        update(JobLease)
        .where(col(JobLease.name) == name, mine_or_expired)
        .values(
            holder=holder,
            expires_at=now + ttl,
            # A renewal keeps the time it was first taken; a takeover starts a new one.
            acquired_at=case((col(JobLease.holder) == holder, col(JobLease.acquired_at)), else_=now),
        )
    )
    if renewed.rowcount:
        return True
    row = {"name": name, "holder": holder, "acquired_at": now, "expires_at": now + ttl}
    return await insert_ignoring_duplicates(session, JobLease, [row], conflict_columns=["name"]) == 1


async def release(session: AsyncSession, *, name: str, holder: str) -> bool:
    """Give the lease up (a clean shutdown): the next instance need not wait for it to expire."""
    result = await session.exec(  # type: ignore[call-overload]
        delete(JobLease).where(col(JobLease.name) == name, col(JobLease.holder) == holder)
    )
    return bool(result.rowcount)


async def state(session: AsyncSession, *, name: str) -> LeaseState | None:
    """The lease as stored (it may have expired: compare expires_at with the clock)."""
    row = await session.get(JobLease, name)
    if row is None:
        return None
    return LeaseState(row.holder, row.acquired_at, row.expires_at)
