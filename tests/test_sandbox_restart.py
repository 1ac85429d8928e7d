"""Item 16: the sandbox restarted on the same data folder is a bot that answers."""

from __future__ import annotations

import asyncio
import io
import shutil
from pathlib import Path

from bot.config import Settings
from bot.sandbox import run_sandbox, running_sandbox
from storage import officials
from storage.db import create_engine, session_factory
from tests.factories import TestClock

HUNG = 9002


def sandbox_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", reminder_tick=0, _env_file=None)  # type: ignore[call-arg]


async def say_start(settings: Settings) -> str:
    """Start the sandbox, write /start as Hùng, return the bot's answer, stop the sandbox."""
    async with running_sandbox(settings, clock=TestClock()) as sandbox:
        sent = await sandbox.emulator.control("message", {"user_id": HUNG, "text": "/start"})
        replies = await sandbox.emulator.wait_for(chat_id=HUNG, after=sent["seq"], timeout=15)
    return replies[0]["message"]["text"] if replies else "(no answer)"


async def test_a_restarted_sandbox_answers(tmp_path: Path) -> None:
    settings = sandbox_settings(tmp_path)
    assert "Xin chào đồng chí Nguyễn Văn Hùng" in await say_start(settings)
    assert "Xin chào đồng chí Nguyễn Văn Hùng" in await say_start(settings)  # was: never answered
    assert (tmp_path / "data" / "sandbox-telegram" / "state.json").exists()


async def test_a_sandbox_whose_telegram_memory_was_lost_still_answers(tmp_path: Path) -> None:
    """The emulator's folder deleted, the bot's database kept: updates are numbered after the inbox's."""
    settings = sandbox_settings(tmp_path)
    assert "Xin chào" in await say_start(settings)
    shutil.rmtree(tmp_path / "data" / "sandbox-telegram")
    assert "Xin chào" in await say_start(settings)


async def test_personas_an_older_sandbox_marked_unreachable_are_reachable_again(tmp_path: Path) -> None:
    """Before personas had started the bot, its first push marked them unreachable for good."""
    settings = sandbox_settings(tmp_path)
    assert "Xin chào" in await say_start(settings)
    url = f"sqlite+aiosqlite:///{settings.data_dir / 'sandbox.db'}"
    engine = create_engine(url)
    try:
        async with session_factory(engine).begin() as session:
            hung = await officials.get_official_by_telegram_id(session, telegram_user_id=HUNG)
            assert hung is not None and hung.id is not None
            await officials.mark_unreachable(session, official_id=hung.id, now=TestClock().now())
        async with running_sandbox(settings, clock=TestClock()), session_factory(engine)() as session:
            hung = await officials.get_official_by_telegram_id(session, telegram_user_id=HUNG)
            assert hung is not None and hung.reachable
    finally:
        await engine.dispose()


async def test_a_second_sandbox_on_the_same_data_says_so(tmp_path: Path) -> None:
    """Two sandboxes on one folder would share its database and Telegram memory: the second stops."""
    settings = sandbox_settings(tmp_path)
    async with running_sandbox(settings, clock=TestClock()):
        said = io.StringIO()
        assert await asyncio.wait_for(run_sandbox(settings, console=False, stdout=said), 30) == 1
    assert said.getvalue().startswith("Một sandbox khác đang chạy trên thư mục dữ liệu")
    assert "Xin chào" in await say_start(settings)  # the first one gone, the folder is free again
