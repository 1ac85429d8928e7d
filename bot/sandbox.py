"""The sandbox: the emulator, the bot against it on SQLite, and a console chat in the terminal.

Everything lives in DATA_DIR: `sandbox.db` (the bot's database), `sandbox-telegram/` (what the
emulated Telegram remembers, so that a restarted sandbox is the same Telegram to the bot) and
`sandbox-tep/` (the files the bot sent, saved by the console), `sandbox-mau/` (sample photos),
`sandbox-console.json` (how far the console showed each chat).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import sandbox_texts as texts
from bot.config import Settings
from bot.context import Clock, SystemClock
from bot.runner import serve
from bot.sandbox_console import Console
from bot.sandbox_seed import (
    FILES_DIR,
    GROUP_ID,
    GROUP_TITLE,
    PERSONAS,
    SAMPLES_DIR,
    STARTED,
    sample_photos,
    seed_demo,
)
from domain.statuses import InboxStatus
from emulator import Emulator
from storage import inbox
from storage.db import create_engine, session_factory
from storage.models import InboxUpdate

logger = logging.getLogger(__name__)

SANDBOX_TOKEN = "1000000001:SANDBOX_sandbox_sandbox_sandbox"


NO_QUIET_HOURS = "00:00-00:00"  # equal ends: no quiet hours


class SandboxBusyError(Exception):
    """Another sandbox runs on the same data folder (it would share its database and Telegram)."""


@contextlib.contextmanager
def _alone_on(data: Path) -> Iterator[None]:
    """Hold DATA_DIR/sandbox.lock while the sandbox runs; the system frees it if the process dies."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no guard
        yield
        return
    with (data / "sandbox.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SandboxBusyError(str(data)) from None
        yield


@dataclass
class Sandbox:
    """A running sandbox: the emulator (to play the users) and the settings the bot runs with."""

    emulator: Emulator
    settings: Settings
    files_dir: Path
    db: async_sessionmaker[AsyncSession]

    async def processed(self, update_id: int) -> bool:
        """Has the bot finished this update (answered, or decided to say nothing)?"""
        async with self.db() as session:
            row = await session.get(InboxUpdate, update_id)
        return row is not None and row.status != InboxStatus.PENDING


@contextlib.asynccontextmanager
async def running_sandbox(
    settings: Settings, *, clock: Clock | None = None, port: int = 0
) -> AsyncIterator[Sandbox]:
    """Start the emulator (restoring what it remembered), seed the demo, start the bot; stop on exit."""
    clock = clock or SystemClock()
    data = settings.data_dir
    data.mkdir(parents=True, exist_ok=True)
    with _alone_on(data):
        async with _started(settings, clock, port) as sandbox:
            yield sandbox


@contextlib.asynccontextmanager
async def _started(settings: Settings, clock: Clock, port: int) -> AsyncIterator[Sandbox]:
    data = settings.data_dir
    async with Emulator(token=SANDBOX_TOKEN, port=port, state_dir=data / "sandbox-telegram") as emulator:
        bot_settings = settings.model_copy(
            update={
                "telegram_bot_token": SecretStr(SANDBOX_TOKEN),
                "telegram_api_base_url": emulator.base_url,
                "database_url": f"sqlite+aiosqlite:///{data / 'sandbox.db'}",
                "poll_timeout": 10,
                "webhook_url": None,  # the sandbox polls its emulator, whatever .env says
                # A tour at night still shows every push; QUIET_HOURS, when set, is kept.
                **({} if "quiet_hours" in settings.model_fields_set else {"quiet_hours": NO_QUIET_HOURS}),
            }
        )
        await seed_demo(bot_settings, clock.now())
        await asyncio.to_thread(sample_photos, data / SAMPLES_DIR)
        await _number_updates_after_inbox(emulator, bot_settings)
        for persona in PERSONAS:
            emulator.state.add_user(
                {
                    "id": persona.telegram_id,
                    "first_name": persona.first_name,
                    "started": persona.telegram_id in STARTED,
                }
            )
        emulator.state.add_group({"id": GROUP_ID, "title": GROUP_TITLE})
        emulator.save()
        stop, ready = asyncio.Event(), asyncio.Event()
        bot_task = asyncio.create_task(serve(bot_settings, stop=stop, ready=ready, clock=clock))
        ready_wait = asyncio.create_task(ready.wait())
        await asyncio.wait({bot_task, ready_wait}, return_when=asyncio.FIRST_COMPLETED)
        if bot_task.done():
            ready_wait.cancel()
            bot_task.result()  # raises what stopped the bot
            raise RuntimeError("the bot stopped before it was ready")
        engine = create_engine(bot_settings.database_url)
        try:
            yield Sandbox(emulator, bot_settings, data / FILES_DIR, session_factory(engine))
        finally:
            stop.set()
            await bot_task
            await engine.dispose()


async def _number_updates_after_inbox(emulator: Emulator, settings: Settings) -> None:
    """Should the emulator's memory be lost, its updates still come after those the bot has seen."""
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            offset = await inbox.next_offset(session)
    finally:
        await engine.dispose()
    if offset is not None:
        emulator.state.number_updates_from(offset)


async def run_sandbox(
    settings: Settings,
    *,
    console: bool = True,
    port: int = 0,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Start everything; the console chat (or Ctrl-C) ends the sandbox, quietly."""
    out = stdout or sys.stdout
    quit_now = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, quit_now.set)
    if console:  # keep the chat readable: only warnings and errors reach the terminal
        logging.getLogger().setLevel(logging.WARNING)
    try:
        return await _run(settings, console=console, port=port, stdin=stdin, out=out, quit_now=quit_now)
    except SandboxBusyError:
        print(texts.BUSY.format(data=settings.data_dir), file=out, flush=True)
        return 1
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)


async def _run(
    settings: Settings,
    *,
    console: bool,
    port: int,
    stdin: TextIO | None,
    out: TextIO,
    quit_now: asyncio.Event,
) -> int:
    async with running_sandbox(settings, port=port) as sandbox:
        say = texts.STARTED.format(url=sandbox.emulator.base_url, db=settings.data_dir / "sandbox.db")
        print(say, file=out, flush=True)
        if console:
            lines = _line_reader(stdin or sys.stdin)
            memory = settings.data_dir / "sandbox-console.json"
            chat = Console(sandbox.emulator, out, sandbox.files_dir, sandbox.processed, memory, db=sandbox.db)
            chat.tty = _is_terminal(stdin or sys.stdin)
            await _until(chat.run(lambda: _next_line(lines, quit_now)), quit_now)
        else:
            print(texts.RUNNING, file=out, flush=True)
            await quit_now.wait()
    print(texts.STOPPED.format(data=settings.data_dir), file=out, flush=True)
    return 0


async def _until(work: Coroutine[Any, Any, None], quit_now: asyncio.Event) -> None:
    """Run `work` until it ends or Ctrl-C is pressed."""
    task = asyncio.ensure_future(work)
    stopper = asyncio.ensure_future(quit_now.wait())
    await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    for pending in (task, stopper):
        pending.cancel()
    await asyncio.gather(task, stopper, return_exceptions=True)
    if not task.cancelled() and task.exception() is not None:  # a console bug: say it, stop cleanly
        logger.error("the sandbox console stopped", exc_info=task.exception())


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (ValueError, OSError):
        return False


def _line_reader(stream: TextIO) -> asyncio.Queue[str | None]:
    """Lines of `stream` read by a daemon thread (a blocked read never holds up the exit)."""
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()

    readline = stream.readline

    def read() -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed first: nobody reads any more
            # The terminal going away (window closed, SSH dropped: EIO) ends the input like Ctrl-D.
            with contextlib.suppress(OSError, ValueError):
                for line in iter(readline, ""):
                    loop.call_soon_threadsafe(lines.put_nowait, line)
            loop.call_soon_threadsafe(lines.put_nowait, None)

    threading.Thread(target=read, name="sandbox-stdin", daemon=True).start()
    return lines


async def _next_line(lines: asyncio.Queue[str | None], quit_now: asyncio.Event) -> str | None:
    if quit_now.is_set():
        return None
    return await lines.get()
