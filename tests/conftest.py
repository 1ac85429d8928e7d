"""Fixtures: databases (SQLite and PostgreSQL), the Bot API emulator, and the running bot."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

import bot  # noqa: F401  (sets PTB_TIMEDELTA before telegram is used)
from bot.config import Settings
from bot.runner import serve
from emulator import Emulator
from emulator.client import EmulatorClient
from emulator.limits import LimitConfig
from storage import migrate
from storage.db import create_engine, session_factory
from tests.factories import TEST_TOKEN, TestClock

# Opt-in: each call that shows in a chat waits a random 0..JITTER s, so concurrent sends land in any
# order (finds tests that take the first reply when the bot promises no order); SEED fixes the draws.
JITTER = float(os.environ.get("NHACVIEC_TEST_JITTER") or 0)
JITTER_SEED = (
    int(os.environ["NHACVIEC_TEST_JITTER_SEED"]) if os.environ.get("NHACVIEC_TEST_JITTER_SEED") else None
)
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
_postgres_error: str | None = None


def _dsn() -> str:
    return POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://")


def pytest_configure(config: pytest.Config) -> None:
    """Find out once whether PostgreSQL is reachable; CI demands it with REQUIRE_POSTGRES=1."""
    global _postgres_error

    async def probe() -> None:
        connection = await asyncpg.connect(_dsn(), timeout=5)
        await connection.close()

    try:
        asyncio.run(probe())
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        _postgres_error = f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            raise pytest.UsageError(f"REQUIRE_POSTGRES=1 but {_postgres_error}") from exc


def _postgres_line() -> str:
    if _postgres_error:
        return f"PostgreSQL tests: SKIPPED ({_postgres_error})"
    return f"PostgreSQL tests: ran against {POSTGRES_URL}"


def _jitter_line() -> str:
    seed = "random" if JITTER_SEED is None else JITTER_SEED
    return f"Emulator jitter: 0..{JITTER} s before each chat action (seed {seed})" if JITTER else ""


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [line for line in (_postgres_line(), _jitter_line()) if line]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly, even under -q, whether the PostgreSQL half of the suite ran."""
    terminalreporter.write_line(_postgres_line(), yellow=bool(_postgres_error), bold=True)
    if JITTER:
        terminalreporter.write_line(_jitter_line(), yellow=True, bold=True)


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of each kind: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    if _postgres_error:
        pytest.skip(_postgres_error)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(_dsn())
    await connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_URL}?search_path={schema}"
    finally:
        await connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await connection.close()


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a migrated empty database."""
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def db(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """A fresh Bot API emulator on a free loopback port, Telegram's limits on (jitter if asked)."""
    async with Emulator(token=TEST_TOKEN, limits=LimitConfig(), jitter=JITTER, seed=JITTER_SEED) as emu:
        yield emu


@pytest.fixture
async def client(emulator: Emulator) -> AsyncIterator[EmulatorClient]:
    async with EmulatorClient(emulator.base_url) as control:
        yield control


def bot_settings(emulator: Emulator, database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        telegram_bot_token=SecretStr(TEST_TOKEN),
        telegram_api_base_url=emulator.base_url,
        database_url=database_url,
        data_dir=tmp_path / "data",
        poll_timeout=2,
        reminder_tick=0,  # tests that want reminders run the tick themselves, at the time they choose
        _env_file=None,  # type: ignore[call-arg]
    )


@dataclass
class RunningBot:
    """The real Application, polling the emulator through the inbox, on a test database."""

    settings: Settings
    clock: TestClock
    stop: asyncio.Event
    task: asyncio.Task[None]

    async def shutdown(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, timeout=15)


async def start_bot(settings: Settings, clock: TestClock) -> RunningBot:
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(settings, stop=stop, clock=clock, ready=ready))
    waiter = asyncio.create_task(ready.wait())
    await asyncio.wait({task, waiter}, timeout=20, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        task.result()
    if not ready.is_set():
        raise RuntimeError("the bot did not start within 20 s")
    return RunningBot(settings, clock, stop, task)


@pytest.fixture
async def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"


@pytest.fixture
async def running_bot(emulator: Emulator, sqlite_url: str, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """The bot running against the emulator on SQLite (storage tests cover PostgreSQL)."""
    running = await start_bot(bot_settings(emulator, sqlite_url, tmp_path), TestClock())
    try:
        yield running
    finally:
        await running.shutdown()


@pytest.fixture
async def bot_db(running_bot: RunningBot) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the running bot's database, for arranging records and checking effects."""
    engine = create_engine(running_bot.settings.database_url)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
def seeded_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """A working folder whose SQLite database holds Tây Ninh and its communes, for CLI tests."""
    from bot.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["units", "seed", "--province", "tay ninh"]) == 0
    assert "Tây Ninh: thêm 96" in capsys.readouterr().out  # the province and its 96 communes and wards
    return tmp_path


@pytest.fixture(autouse=True)
def _data_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings built by any test default to its tmp folder, never the clone's ./data (issue 11.15)."""
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'data' / 'nhacviec.db'}")
