"""Start-up as an operator meets it: no network means one clear line and retries, Ctrl-C ends
quietly, a refused token stops with one line (issue 11.13)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.runner import SecondPollerError
from emulator import Emulator
from tests.conftest import bot_settings, start_bot
from tests.factories import TEST_TOKEN, TestClock

NO_NETWORK = ("Không kết nối được Telegram", "Cannot reach Telegram")


def bot_env(tmp_path: Path, base_url: str, token: str = TEST_TOKEN) -> dict[str, str]:
    return {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "INFO",
    }


@pytest.fixture
def closed_port() -> AsyncIterator[int]:
    """A loopback port that refuses connections (bound, never listening) for the whole test."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


async def start(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_no_network_one_line_then_retries_and_ctrl_c_ends_quietly(
    tmp_path: Path, closed_port: int
) -> None:
    process = await start(bot_env(tmp_path, f"http://127.0.0.1:{closed_port}"), tmp_path)
    assert process.stderr is not None
    lines: list[str] = []
    try:
        async with asyncio.timeout(120):  # the first line comes after imports and migrations
            while sum(NO_NETWORK[0] in line for line in lines) < 2:  # said, then said again
                line = (await process.stderr.readline()).decode()
                assert line, f"the bot ended: {lines}"
                lines.append(line)
        process.send_signal(signal.SIGINT)  # Ctrl-C
        _, rest = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    output = "".join(lines) + rest.decode()
    assert process.returncode == 0, output
    assert "Traceback" not in output and TEST_TOKEN not in output
    said = [line for line in lines if NO_NETWORK[0] in line]
    assert all(NO_NETWORK[1] in line for line in said)  # Vietnamese and English, one line each
    assert "thử lại sau 1 giây" in said[0] and "thử lại sau 2 giây" in said[1]  # backing off


async def test_refused_token_stops_with_one_line(tmp_path: Path, emulator: Emulator) -> None:
    wrong = "123456789:WRONG_token_that_telegram_refuses"
    process = await start(bot_env(tmp_path, emulator.base_url, token=wrong), tmp_path)
    _, err = await asyncio.wait_for(process.communicate(), 120)
    output = err.decode()
    assert process.returncode == 1, output
    assert "Traceback" not in output and wrong not in output
    assert output.strip().splitlines()[-1].startswith("Telegram từ chối mã bot (401 Unauthorized)")


async def test_a_second_poller_stops_the_first_with_one_line(emulator: Emulator, tmp_path: Path) -> None:
    """Two processes on one token: the older one stops (409) instead of fighting for updates."""
    first = await start_bot(
        bot_settings(emulator, f"sqlite+aiosqlite:///{tmp_path / 'a.db'}", tmp_path), TestClock()
    )
    second = await start_bot(
        bot_settings(emulator, f"sqlite+aiosqlite:///{tmp_path / 'b.db'}", tmp_path), TestClock()
    )
    try:
        with pytest.raises(SecondPollerError):
            await asyncio.wait_for(first.task, 30)
        assert not second.task.done()
    finally:
        await second.shutdown()
