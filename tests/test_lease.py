"""The job lease (issue 14.2), on SQLite and PostgreSQL: one holder at a time, renewed by its
holder, taken over once it has expired, released on a clean stop."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import socket
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.app import build_application
from bot.cli import SECOND_POLLER
from domain.dates import Due
from emulator import Emulator
from emulator.client import EmulatorClient
from scheduler.lease import Lease, is_gone
from storage import lease, tasks
from tests.conftest import bot_settings
from tests.factories import TestClock, add_unit, say
from tests.test_inbox_restart import eventually
from tests.test_resilience_startup import bot_env, start

Db = async_sessionmaker[AsyncSession]
TTL = dt.timedelta(seconds=45)


async def _take(db: Db, holder: str, now: dt.datetime, name: str = "jobs") -> bool:
    async with db.begin() as session:
        return await lease.take(session, name=name, holder=holder, now=now, ttl=TTL)


async def _state(db: Db, name: str = "jobs") -> lease.LeaseState | None:
    async with db() as session:
        return await lease.state(session, name=name)


async def test_one_holder_until_the_lease_expires(db: Db) -> None:
    t0 = TestClock().now()
    assert await _take(db, "a", t0)
    assert not await _take(db, "b", t0 + dt.timedelta(seconds=1))
    assert await _take(db, "a", t0 + dt.timedelta(seconds=30))  # renewed by its holder
    assert not await _take(db, "b", t0 + dt.timedelta(seconds=60))  # 30 + 45: still a's
    state = await _state(db)
    assert state == lease.LeaseState("a", t0, t0 + dt.timedelta(seconds=75))
    # a stopped renewing: at expiry, b takes it over, and a, back, does not get it back
    assert await _take(db, "b", t0 + dt.timedelta(seconds=75))
    assert not await _take(db, "a", t0 + dt.timedelta(seconds=76))
    later = t0 + dt.timedelta(seconds=75)
    assert await _state(db) == lease.LeaseState("b", later, later + TTL)


async def test_leases_of_different_names_do_not_meet(db: Db) -> None:
    t0 = TestClock().now()
    assert await _take(db, "a", t0, name="jobs")
    assert await _take(db, "b", t0, name="polling")
    assert not await _take(db, "b", t0, name="jobs")


async def test_only_one_of_many_racing_instances_takes_it(db: Db) -> None:
    t0 = TestClock().now()
    for round_ in range(3):  # a free lease, then an expired one, twice
        now = t0 + round_ * (TTL + dt.timedelta(seconds=1))
        won = await asyncio.gather(*(_take(db, f"i{n}", now) for n in range(8)))
        assert sum(won) == 1, won
        state = await _state(db)
        assert state is not None and state.holder == f"i{won.index(True)}"


async def test_a_released_lease_is_taken_at_once_and_only_by_its_holder(db: Db) -> None:
    t0 = TestClock().now()
    assert await _take(db, "a", t0)
    async with db.begin() as session:
        assert not await lease.release(session, name="jobs", holder="b")
    assert not await _take(db, "b", t0)
    async with db.begin() as session:
        assert await lease.release(session, name="jobs", holder="a")
    assert await _take(db, "b", t0)


async def test_a_kept_lease_stays_with_its_instance_and_is_released_on_stop(db: Db) -> None:
    clock = TestClock()
    first = Lease(db, clock, seconds=3, holder="first")
    second = Lease(db, clock, seconds=3, holder="second")
    stop = asyncio.Event()
    keeping = asyncio.create_task(first.keep(stop))
    try:
        async with asyncio.timeout(10):
            while not first.held:  # noqa: ASYNC110 - the keeper's first renewal
                await asyncio.sleep(0.02)
        for _ in range(3):  # time passes past the length of one lease: renewed, never lost
            clock.advance(seconds=2)
            assert await first.hold()
            assert not await second.hold()
    finally:
        stop.set()
        await keeping
    assert not first.held
    assert await second.hold()  # released: no need to wait for it to expire


async def test_the_reminder_tick_runs_only_where_the_lease_is(
    db: Db, database_url: str, emulator: Emulator, tmp_path: Path
) -> None:
    """Two instances' applications on one database, a task due today: each runs its tick job;
    only the lease holder's tick does the work, until the holder stops renewing."""
    clock = TestClock(dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC))  # Wednesday 09:00 in Hanoi
    unit = await add_unit(db, "Xã Long Hiệp")
    async with db.begin() as session:
        today = dt.date(2026, 11, 25)
        await tasks.add_task(
            session, title="Bàn giao nhà", lead_unit_id=unit.id or 0, due=Due(today, "x"), now=clock.now()
        )
    settings = bot_settings(emulator, database_url, tmp_path).model_copy(update={"reminder_tick": 60})
    apps = [
        build_application(settings, db=db, clock=clock, lease=Lease(db, clock, seconds=45, holder=name))
        for name in ("a", "b")
    ]
    jobs = [app.job_queue.get_jobs_by_name("reminders:tick")[0] for app in apps if app.job_queue]

    def ticked() -> list[bool]:  # a tick that ran has seen today's reminder of the task
        return [bool(job.data[1]._seen) for job in jobs]  # type: ignore[index]

    for job, app in zip(jobs, apps, strict=True):
        await job.run(app)
    assert ticked() == [True, False]
    clock.advance(seconds=46)  # a stopped renewing: its lease expired
    await jobs[1].run(apps[1])
    assert ticked() == [True, True]


def test_a_holder_is_gone_only_if_it_was_a_process_of_this_machine_that_ended() -> None:
    host = socket.gethostname()
    assert not is_gone(f"{host}:{os.getppid()}:abc123")  # alive
    assert is_gone(f"{host}:{os.getpid()}:abc123")  # an earlier life under this pid
    assert is_gone(f"{host}:{2**22 + 7}:abc123")  # beyond pid_max: no such process
    assert not is_gone(f"another-host:{2**22 + 7}:abc123")  # cannot tell: it expires


async def test_a_second_poller_on_the_same_database_stops_before_it_polls(
    emulator: Emulator, client: EmulatorClient, tmp_path: Path
) -> None:
    """Polling: the second `bot run` on the same database refuses with one line (exit 1) and the
    first keeps the updates; after a kill -9 of the first, a restart is not refused."""
    env = {**bot_env(tmp_path, emulator.base_url), "POLL_TIMEOUT": "1", "LOG_LEVEL": "WARNING"}
    first = await start(env, tmp_path)
    started: list[asyncio.subprocess.Process] = [first]
    try:

        async def polling(count: int = 1) -> bool:
            return emulator.calls.get("getUpdates", 0) >= count

        await eventually(polling, limit=60)
        second = await start(env, tmp_path)
        started.append(second)
        _, err = await asyncio.wait_for(second.communicate(), 60)
        output = err.decode()
        assert second.returncode == 1, output
        assert "Traceback" not in output
        assert output.strip().splitlines() == [SECOND_POLLER]
        assert first.returncode is None
        await client.user(5201, "Lan")
        assert await say(client, 5201, "/viec9")  # the first still answers
        first.send_signal(signal.SIGKILL)
        await first.wait()
        third = await start(env, tmp_path)  # a restart after a crash takes the dead one's place
        started.append(third)
        calls = emulator.calls.get("getUpdates", 0)
        await eventually(lambda: polling(calls + 1), limit=60)
        assert third.returncode is None
    finally:
        for process in started:
            if process.returncode is None:
                process.kill()
                await process.wait()
