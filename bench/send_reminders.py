"""1,000 reminders to 1,000 chats through the emulator with Telegram's limits on.

Prints messages a second as a share of Telegram's 30/s ceiling and how many 429s came back.
Goal: at least 90 % of the ceiling, zero 429s. Run: `make bench` or `python -m bench`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr
from telegram import Bot

from bot.config import Settings
from bot.context import Services, SystemClock
from emulator import Emulator
from emulator.limits import LimitConfig
from scheduler.sender import Sender
from storage import migrate, outbox
from storage.db import create_engine, session_factory

TOKEN = "123456789:BENCH_token_for_the_emulator_only"
CEILING = 30.0


async def run(count: int, database_url: str | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        engine = create_engine(url)
        await migrate.upgrade(engine)
        db = session_factory(engine)
        async with Emulator(token=TOKEN, limits=LimitConfig()) as emulator:
            for chat in range(1, count + 1):
                emulator.state.private_chat(chat)
                emulator.state.started.add(chat)
            now = SystemClock().now()
            async with db.begin() as session:
                for chat in range(1, count + 1):
                    await outbox.enqueue(
                        session,
                        chat_id=chat,
                        kind="bench",
                        dedupe_key=f"bench:{chat}",
                        payload={"text": f"⏰ Nhắc hạn nhiệm vụ #{chat}: còn 1 ngày làm việc."},
                        due_at=now - dt.timedelta(seconds=1),
                    )
            settings = Settings(
                telegram_bot_token=SecretStr(TOKEN), telegram_api_base_url=emulator.base_url, _env_file=None
            )  # type: ignore[call-arg]
            services = Services(settings=settings, db=db, clock=SystemClock())
            async with Bot(TOKEN, base_url=f"{emulator.base_url}/bot") as bot:
                sender = Sender(bot, services, rate=settings.send_rate)
                started = time.perf_counter()
                while True:
                    await sender.drain_once()
                    async with db() as session:
                        if await outbox.pending_count(session) == 0:
                            break
                    await asyncio.sleep(0.05)
                elapsed = time.perf_counter() - started
            too_many = emulator.limiter.too_many
        await engine.dispose()
    rate = count / elapsed
    return {
        "messages": count,
        "seconds": elapsed,
        "per_second": rate,
        "share": rate / CEILING,
        "http_429": too_many,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args, _ = parser.parse_known_args()
    figures = await run(args.count, args.database_url)
    print(
        f"send_reminders: {figures['messages']} messages to {figures['messages']} chats in "
        f"{figures['seconds']:.1f} s = {figures['per_second']:.1f} msg/s = "
        f"{figures['share']:.0%} of Telegram's 30/s ceiling; 429 answers: {figures['http_429']}"
    )


if __name__ == "__main__":
    asyncio.run(main())
