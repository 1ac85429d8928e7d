"""The job lease: with several instances on one database, only the holder runs recurring jobs.

Every instance schedules the same jobs; each job first renews (or takes) the lease and does
nothing if another instance holds it. While an instance runs, `keep` renews the lease every
third of its length, so a long job is never taken over; when the holder dies, the lease
expires and the next instance to ask takes it over (within JOB_LEASE seconds plus one renewal;
at once if the holder was a process of the same machine that no longer runs: `is_gone`).
A clean shutdown releases it at once. The outbox and the inbox need no lease: their rows are
claimed one by one (see storage.outbox, storage.update_claims).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import uuid
from typing import Any

from bot.context import Clock
from bot.errors import describe
from storage import lease

logger = logging.getLogger(__name__)

JOBS = "recurring-jobs"  # the lease of the reminder tick, the digest and the housekeeping
POLLING = "telegram-polling"  # the lease of getUpdates: one poller a database (see bot.runner)


def instance_id() -> str:
    """This process, as other instances see it in the lease table: host, pid and a random tag."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def is_gone(holder: str) -> bool:
    """Whether `holder` was a process of this machine that no longer runs (killed, crashed):
    its lease is taken at once rather than at its expiry. A holder on another machine cannot be
    checked from here; its lease expires."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return True  # an earlier life under this process id (a restarted container's pid 1)
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


class Lease:
    """One named lease held, or not, by this instance."""

    def __init__(
        self, db: Any, clock: Clock, *, name: str = JOBS, seconds: int = 45, holder: str | None = None
    ) -> None:
        self.db, self.clock, self.name = db, clock, name
        self.ttl = dt.timedelta(seconds=seconds)
        self.holder = holder or instance_id()
        self.held = False

    async def hold(self) -> bool:
        """Renew or take the lease now; True if this instance holds it. A database error counts
        as not holding it (the job waits for its next run), and is logged."""
        try:
            held = await self._take()
            if not held:
                async with self.db() as session:
                    state = await lease.state(session, name=self.name)
                if state is not None and is_gone(state.holder):
                    held = await self._take(replacing=state.holder)
        except Exception as exc:
            logger.warning("lease %s not renewed (%s)", self.name, describe(exc))
            held = False
        if held != self.held:
            if held:
                logger.info("lease %s taken by %s", self.name, self.holder)
            else:
                logger.warning("lease %s lost by %s", self.name, self.holder)
        self.held = held
        return held

    async def _take(self, replacing: str | None = None) -> bool:
        async with self.db.begin() as session:
            now = self.clock.now()
            return await lease.take(
                session, name=self.name, holder=self.holder, now=now, ttl=self.ttl, replacing=replacing
            )

    async def keep(self, stop: asyncio.Event) -> None:
        """Renew every third of the lease's length until `stop`, then release it."""
        interval = self.ttl.total_seconds() / 3
        try:
            while not stop.is_set():
                await self.hold()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=interval)
        finally:
            await self.release()

    async def release(self) -> None:
        """Give the lease up if held, so that another instance takes over without waiting."""
        if not self.held:
            return
        self.held = False
        try:
            async with self.db.begin() as session:
                await lease.release(session, name=self.name, holder=self.holder)
        except Exception as exc:  # it expires by itself
            logger.warning("lease %s not released (%s); it expires by itself", self.name, describe(exc))
        else:
            logger.info("lease %s released by %s", self.name, self.holder)
