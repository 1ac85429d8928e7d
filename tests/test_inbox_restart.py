"""Exactly once across crashes: updates fetched but not handled are handled after a restart."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlmodel import select

from bot.app import build_application
from bot.inbox import InboxPoller
from domain.statuses import InboxStatus
from emulator import Emulator
from emulator.client import EmulatorClient
from storage import migrate
from storage.db import create_engine, session_factory
from storage.models import InboxUpdate
from tests.conftest import bot_settings, start_bot
from tests.factories import TEST_TOKEN, TestClock, add_official


async def eventually(check: Callable[[], Awaitable[bool]], *, limit: float = 30.0) -> None:
    """Wait until `check` holds; fail with a clear message if it never does."""
    async with asyncio.timeout(limit):
        while not await check():  # noqa: ASYNC110 - polls another process's effects
            await asyncio.sleep(0.05)


def replies_by_command(records: list[dict]) -> dict[str, int]:
    """How many times the bot answered each unknown command (its answer names the command)."""
    counts: dict[str, int] = {}
    for record in records:
        if record["kind"] == "send":
            text = record["message"]["text"]
            command = text.split("lệnh ")[1].split(".")[0] if "Bot không có lệnh" in text else text
            counts[command] = counts.get(command, 0) + 1
    return counts


async def inbox_rows(database_url: str) -> list[InboxUpdate]:
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            return list((await session.exec(select(InboxUpdate).order_by(InboxUpdate.update_id))).all())
    finally:
        await engine.dispose()


async def all_done(database_url: str, *, count: int) -> bool:
    """Whether `count` updates are stored and none is still pending."""
    rows = await inbox_rows(database_url)
    return len(rows) == count and all(r.status != InboxStatus.PENDING for r in rows)


async def test_batch_fetched_but_not_handled_is_handled_once_after_restart(
    emulator: Emulator, client: EmulatorClient, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    settings = bot_settings(emulator, url, tmp_path)
    for n in (1, 2, 3):
        await client.send(700, f"/viec{n}")

    # First life: fetch and store the batch, then die before handling any of it.
    engine = create_engine(url)
    await migrate.upgrade(engine)
    await add_official(session_factory(engine), "Nguyễn Văn Hùng", telegram_user_id=700)
    first_life = build_application(settings, db=session_factory(engine), clock=TestClock())
    async with first_life:
        poller = InboxPoller(first_life, poll_timeout=0)
        assert await poller.fetch_once() == 3
        await poller.aclose()
    await engine.dispose()
    assert await client.records(700, after=0) and replies_by_command(await client.records(700)) == {}

    await client.send(700, "/viec4")  # arrives while the bot is down
    running = await start_bot(settings, TestClock())
    try:
        await client.wait(700, count=4)
        # Every update finished (its answers are sent before its row is closed): no reply can follow.
        await eventually(lambda: all_done(url, count=4))
    finally:
        await running.shutdown()
    assert replies_by_command(await client.records(700)) == {
        "/viec1": 1,
        "/viec2": 1,
        "/viec3": 1,
        "/viec4": 1,
    }
    rows = await inbox_rows(url)
    assert [(r.status, r.attempts) for r in rows] == [(InboxStatus.DONE, 1)] * 4


async def test_hard_kill_mid_batch_then_restart(
    emulator: Emulator, client: EmulatorClient, tmp_path: Path
) -> None:
    """SIGKILL the bot process while it handles a fetched batch; the next process finishes it."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "DATABASE_URL": url,
        "DATA_DIR": str(tmp_path / "data"),
        "POLL_TIMEOUT": "1",
        "LOG_LEVEL": "WARNING",
    }

    async def launch() -> asyncio.subprocess.Process:
        calls_before = emulator.calls.get("getUpdates", 0)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )

        async def polling() -> bool:
            if process.returncode is not None:
                raise AssertionError((await process.stderr.read()).decode())  # type: ignore[union-attr]
            return emulator.calls.get("getUpdates", 0) > calls_before

        await eventually(polling)
        return process

    engine = create_engine(url)
    await migrate.upgrade(engine)
    await add_official(session_factory(engine), "Nguyễn Văn Hùng", telegram_user_id=701)
    await engine.dispose()
    first = await launch()
    # The first reply hangs (and then fails): the process is stuck inside the batch.
    await client.fault("sendMessage", delay=60, status=502, times=1)
    await client.send_batch(701, ["/viec1", "/viec2", "/viec3"])

    async def handling() -> bool:
        return emulator.calls.get("sendMessage", 0) >= 1

    await eventually(handling)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    rows = await inbox_rows(url)
    assert [r.status for r in rows] == [InboxStatus.PENDING] * 3  # stored, none finished

    await client.clear_faults()
    second = await launch()
    try:
        await client.wait(701, count=3, timeout=30)
        await eventually(lambda: all_done(url, count=3))
    finally:
        second.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.wait(), 30) == 0
    assert replies_by_command(await client.records(701)) == {"/viec1": 1, "/viec2": 1, "/viec3": 1}
    rows = await inbox_rows(url)
    assert [r.status for r in rows] == [InboxStatus.DONE] * 3
    assert rows[0].attempts == 2 and rows[1].attempts == 1  # the interrupted one ran again
