"""A job that meets a locked database is logged in one line and the next run goes ahead: a
failing job never stops the scheduler or the process (issue 10.1)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest

import storage.db
from bot.app import build_application
from bot.context import BotContext
from emulator import Emulator
from storage import audit, migrate
from storage.db import create_engine, session_factory
from tests.conftest import bot_settings
from tests.factories import TestClock


async def test_a_job_on_a_locked_database_is_logged_and_the_next_run_goes_ahead(
    emulator: Emulator, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage.db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "bot.db"
    url = f"sqlite+aiosqlite:///{path}"
    engine = create_engine(url)
    await migrate.upgrade(engine)
    app = build_application(
        bot_settings(emulator, url, tmp_path), db=session_factory(engine), clock=TestClock()
    )
    runs: list[str] = []

    async def write(context: BotContext) -> None:
        """A job that writes, as the reminder tick and the nightly purge do."""
        async with context.services.db.begin() as session:
            await audit.add_audit(session, at=context.services.clock.now(), action="test.job")
        runs.append("done")

    caplog.set_level(logging.WARNING, logger="bot.errors")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        async with app:
            await app.start()
            assert app.job_queue is not None
            holder.execute("BEGIN IMMEDIATE")
            app.job_queue.run_once(write, when=0, name="test:write")

            async with asyncio.timeout(20):
                while not [r for r in caplog.records if "job test:write" in r.getMessage()]:  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
            holder.execute("ROLLBACK")
            app.job_queue.run_once(write, when=0, name="test:write")
            async with asyncio.timeout(20):
                while not runs:  # noqa: ASYNC110 - the scheduler runs it in its own task
                    await asyncio.sleep(0.05)
            await app.stop()
    finally:
        holder.close()
        await engine.dispose()
    [record] = [r for r in caplog.records if "job test:write" in r.getMessage()]
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "database is locked" in record.getMessage()
