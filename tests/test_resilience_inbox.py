"""The bot stays up: a locked SQLite file or dropped PostgreSQL connections delay answers, never
lose them, never answer twice, and never stop the bot (issue 10.1)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import bot.inbox
import storage.db
from domain import texts
from domain.dates import Due
from domain.statuses import InboxStatus, UnitKind
from emulator import Emulator
from emulator.client import EmulatorClient
from storage import migrate, tasks
from storage.db import create_engine, session_factory
from storage.models import InboxUpdate, TaskUpdate
from tests.conftest import RunningBot, bot_settings, start_bot
from tests.factories import TestClock, add_official, add_unit, say, wait_until
from tests.test_tasks_e2e import buttons

HUNG, LAN, TAM, BINH = 8301, 8302, 8303, 8304


async def eventually(check: Callable[[], Awaitable[bool]], *, limit: float = 30.0) -> None:
    """Wait until `check` holds, or fail after `limit` seconds."""
    async with asyncio.timeout(limit):
        while not await check():  # noqa: ASYNC110 - polls the bot's effects
            await asyncio.sleep(0.05)


@pytest.fixture
async def bot_on(request: pytest.FixtureRequest, emulator: Emulator, tmp_path: Path) -> AsyncIterator[Any]:
    """Start the bot on a database URL of the test's choosing; stops it at the end."""
    started: list[RunningBot] = []

    async def start(url: str) -> RunningBot:
        running = await start_bot(bot_settings(emulator, url, tmp_path), TestClock())
        started.append(running)
        return running

    yield start
    for running in started:
        await running.shutdown()


async def arrange(db: async_sessionmaker[AsyncSession]) -> None:
    """One task of a commune, then four officials of that commune (no announcement is pending)."""
    province = await add_unit(db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    commune = await add_unit(db, "Xã Long Hiệp", parent_id=province.id)
    async with db.begin() as session:
        await tasks.add_task(
            session,
            title="Xóa nhà tạm",
            lead_unit_id=commune.id,
            now=dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC),
            due=Due(dt.date(2026, 12, 30), "30/12"),
        )
    for user, name in (
        (HUNG, "Nguyễn Văn Hùng"),
        (LAN, "Võ Thị Lan"),
        (TAM, "Phạm Văn Tâm"),
        (BINH, "Lê Bình"),
    ):
        await add_official(db, name, unit=commune, telegram_user_id=user)


async def users_write(client: EmulatorClient, card: dict[str, Any]) -> dict[int, int]:
    """Three users write and one presses ✅ on the task card; returns each chat's last seq before."""
    seqs = {}
    for user, text in ((LAN, "/start"), (TAM, "/help"), (BINH, "/viec1")):
        seqs[user] = (await client.send(user, text))["seq"]
    pressed = await client.press(HUNG, card["message"]["message_id"], data=buttons(card)["✅ Hoàn thành"])
    seqs[HUNG] = pressed["seq"]
    return seqs


async def answered_once(client: EmulatorClient, seqs: dict[int, int]) -> None:
    """Each one who wrote got exactly one message back, and nobody an apology."""
    for user, seq in seqs.items():
        await client.wait(user, after=seq, count=1, timeout=30)
    for user, seq in seqs.items():
        records = await client.records(user, after=seq)
        assert all(texts.internal_error() not in str(r.get("message")) for r in records), records
        if user != HUNG:  # the press edits the card instead
            assert [r["kind"] for r in records] == ["send"], (user, records)


async def inbox_rows(db: async_sessionmaker[AsyncSession]) -> list[InboxUpdate]:
    async with db() as session:
        return list((await session.exec(select(InboxUpdate).order_by(col(InboxUpdate.update_id)))).all())


async def all_closed(db: async_sessionmaker[AsyncSession], count: int) -> bool:
    rows = await inbox_rows(db)
    return len(rows) >= count and all(r.status != InboxStatus.PENDING for r in rows)


async def recorded_once(db: async_sessionmaker[AsyncSession], pressed_update_id: int) -> None:
    async with db() as session:
        history = (
            await session.exec(select(TaskUpdate).where(TaskUpdate.telegram_update_id == pressed_update_id))
        ).all()
    assert len(history) == 1


def warned(caplog: pytest.LogCaptureFixture, needle: str, times: int) -> Callable[[], Awaitable[bool]]:
    """A check: the inbox has logged a WARNING containing `needle` at least `times` times."""

    async def check() -> bool:
        found = [r for r in caplog.records if r.name == "bot.inbox" and needle in r.getMessage()]
        return len(found) >= times and all(r.levelno == logging.WARNING and not r.exc_info for r in found)

    return check


async def take_write_lock(path: Path) -> sqlite3.Connection:
    """Another process's write lock, taken without blocking the event loop the bot runs on (a
    blocking wait here would keep the bot from ever finishing the write it is in)."""
    holder = sqlite3.connect(path, isolation_level=None, timeout=0)
    async with asyncio.timeout(60):
        while True:
            try:
                holder.execute("BEGIN IMMEDIATE")
                return holder
            except sqlite3.OperationalError:
                await asyncio.sleep(0.02)


async def test_sqlite_write_lock_held_past_the_busy_timeout(
    bot_on: Any,
    client: EmulatorClient,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The same behaviour as with the default 5 s, in a fraction of the time.
    monkeypatch.setattr(storage.db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "bot.db"
    url = f"sqlite+aiosqlite:///{path}"
    running = await bot_on(url)
    engine = create_engine(url)
    db = session_factory(engine)
    try:
        await arrange(db)
        card = (await say(client, HUNG, "/task 1"))[0]
        before = len(await inbox_rows(db))
        caplog.set_level(logging.WARNING, logger="bot.inbox")

        # Another process (an import, a backup) takes the write lock and keeps it.
        holder = await take_write_lock(path)
        try:
            seqs = await users_write(client, card)
            # The bot fetched the batch and could not store it, twice: past the busy timeout.
            await eventually(warned(caplog, "database is locked", times=2))
            assert not running.task.done()
        finally:
            holder.execute("ROLLBACK")
            holder.close()

        await answered_once(client, seqs)
        await eventually(lambda: all_closed(db, before + 4))
        rows = await inbox_rows(db)
        assert [r.status for r in rows[before:]] == [InboxStatus.DONE] * 4
        assert len({r.update_id for r in rows}) == len(rows)
        press_id = max(r.update_id for r in rows if r.chat_id == HUNG)
        await recorded_once(db, press_id)
        assert not running.task.done()
    finally:
        await engine.dispose()


async def test_sqlite_lock_taken_while_an_answer_is_on_its_way_is_waited_out_in_place(
    bot_on: Any,
    emulator: Emulator,
    client: EmulatorClient,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The answer went out but the update cannot be closed yet: the bot waits to close it rather
    than run it again (which would answer twice), and everyone else is answered afterwards."""
    monkeypatch.setattr(storage.db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "bot.db"
    url = f"sqlite+aiosqlite:///{path}"
    await bot_on(url)
    engine = create_engine(url)
    db = session_factory(engine)
    try:
        await arrange(db)
        await say(client, LAN, "/start")
        caplog.set_level(logging.WARNING, logger="bot.inbox")
        await client.fault("sendMessage", delay=1.5, times=1)  # the next answer takes a while
        replies_before = emulator.calls.get("sendMessage", 0)
        first = await client.send(LAN, "/help")

        async def answering() -> bool:
            return emulator.calls.get("sendMessage", 0) > replies_before

        await eventually(answering)
        holder = await take_write_lock(path)
        try:
            second = await client.send(TAM, "/start")
            await eventually(warned(caplog, "database is locked", times=2))
            # The poller fetches beside the handling, so its own warnings may come first.
            await eventually(warned(caplog, "cannot record its outcome", times=1))
        finally:
            holder.execute("ROLLBACK")
            holder.close()

        await answered_once(client, {LAN: first["seq"], TAM: second["seq"]})
        await eventually(lambda: all_closed(db, 3))
        rows = await inbox_rows(db)
        assert [(r.status, r.attempts) for r in rows[-2:]] == [(InboxStatus.DONE, 1)] * 2
    finally:
        await engine.dispose()


BLOCKED = """
    SELECT DISTINCT l.pid FROM pg_locks l
    JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1 AND NOT l.granted"""


@dataclass
class Outage:
    """Another session that holds the officials table, and one that drops the bot's connections."""

    schema: str
    locker: asyncpg.Connection
    killer: asyncpg.Connection

    @contextlib.asynccontextmanager
    async def officials_locked(self) -> AsyncIterator[None]:
        async with self.locker.transaction():
            await self.locker.execute(f'LOCK TABLE "{self.schema}".official IN ACCESS EXCLUSIVE MODE')
            yield

    async def waiting(self) -> bool:
        """Whether a query of the bot waits on the lock inside PostgreSQL."""
        return bool(await self.killer.fetch(BLOCKED, self.schema))

    async def terminate_waiting(self) -> None:
        """Drop the bot's connections that wait, as a failover or an operator would."""
        for record in await self.killer.fetch(BLOCKED, self.schema):
            await self.killer.execute("SELECT pg_terminate_backend($1)", record["pid"])


@pytest.fixture
async def outage(database_url: str) -> AsyncIterator[Outage]:
    schema = database_url.split("search_path=")[1]
    dsn = database_url.split("?")[0].replace("postgresql+asyncpg://", "postgresql://")
    locker, killer = await asyncpg.connect(dsn), await asyncpg.connect(dsn)
    try:
        yield Outage(schema, locker, killer)
    finally:
        await locker.close()
        await killer.close()


@pytest.fixture
async def pg_db(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    yield session_factory(engine)
    await engine.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_postgresql_connections_terminated_mid_query(
    bot_on: Any,
    client: EmulatorClient,
    database_url: str,
    pg_db: async_sessionmaker[AsyncSession],
    outage: Outage,
    caplog: pytest.LogCaptureFixture,
) -> None:
    db = pg_db
    running = await bot_on(database_url)
    await arrange(db)
    card = (await say(client, HUNG, "/task 1"))[0]
    before = len(await inbox_rows(db))
    caplog.set_level(logging.WARNING)

    async with outage.officials_locked():
        seqs = await users_write(client, card)
        await eventually(outage.waiting)
        await outage.terminate_waiting()

    # The interrupted updates run again when their retry falls due on the bot's clock.
    await wait_until(lambda: all_closed(db, before + 4), clock=running.clock)
    await answered_once(client, seqs)
    rows = await inbox_rows(db)
    assert [r.status for r in rows[before:]] == [InboxStatus.DONE] * 4
    assert max(r.attempts for r in rows[before:]) >= 2  # the interrupted one ran again
    press_id = max(r.update_id for r in rows if r.chat_id == HUNG)
    await recorded_once(db, press_id)
    assert not running.task.done()
    errors = [
        r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("bot")
    ]
    assert errors == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_an_update_that_keeps_failing_gets_the_apology_once_and_is_set_aside(
    bot_on: Any,
    client: EmulatorClient,
    database_url: str,
    pg_db: async_sessionmaker[AsyncSession],
    outage: Outage,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bot.inbox, "MAX_ATTEMPTS", 2)
    running = await bot_on(database_url)
    await arrange(pg_db)
    await say(client, LAN, "/start")
    before = len(await inbox_rows(pg_db))

    async def failed() -> bool:
        rows = (await inbox_rows(pg_db))[before:]
        if rows and rows[0].status == InboxStatus.FAILED:
            return True
        if await outage.waiting():
            await outage.terminate_waiting()  # every attempt loses its connection
        return False

    async with outage.officials_locked():
        sent = await client.send(LAN, "/help")
        await wait_until(failed, clock=running.clock)  # the second attempt falls due on the bot's clock

    [row] = (await inbox_rows(pg_db))[before:]
    assert row.attempts == 2 and row.last_error
    apology = await client.wait(LAN, after=sent["seq"], count=1)
    assert apology[0]["message"]["text"] == texts.internal_error()
    again = await say(client, LAN, "/help")  # the bot is still up, and the database back
    assert "Hướng dẫn" in again[0]["message"]["text"]
    assert [r["kind"] for r in await client.records(LAN, after=sent["seq"])].count("send") == 2
