"""Fan-out through the emulator with Telegram's limits on: the outbox sender as the bot runs it.

Two scenarios, one command (`python -m bench.fanout`, about a minute and a half):
  a) 1,000 private chats, one message each;
  b) 800 private chats and 200 messages to one group, interleaved in the outbox (every fifth row
     is the group's), as on a Monday morning when the digest goes to a leaders' group while
     reminders go to officials.
Measured: private messages a second (until the last private one is delivered) as a share of
Telegram's 30/s; the group's rate over its first `--group-window` seconds (default 60: the 200
group messages would need 10 minutes at 20 a minute, so the run stops after the window and the
rest stay pending); and the 429s the emulator answered. Goals: private ≥ 90 % of 30 msg/s, the
group at 20 a minute, 0 × 429. The clock is the wall clock (SystemClock) and quiet hours are
off, so it measures the same at any hour.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr
from sqlmodel import col, select

from bot.config import Settings
from bot.context import Services, SystemClock
from bot.runner import sender_bot
from emulator import Emulator
from emulator.limits import LimitConfig
from scheduler.sender import Sender
from storage import migrate, outbox
from storage.db import create_engine, session_factory
from storage.models import Notification

TOKEN = "123456789:BENCH_token_for_the_emulator_only"
CEILING = 30.0  # Telegram's messages a second to different chats
GROUP = -1_009_999_000_001
GOAL_SHARE, GOAL_GROUP = 0.90, 20.0


@dataclass
class Figures:
    scenario: str
    private: int
    private_per_second: float
    group_sent: int = 0
    group_per_minute: float | None = None
    http_429: int = 0

    @property
    def share(self) -> float:
        return self.private_per_second / CEILING

    @property
    def holds(self) -> bool:
        group_ok = self.group_per_minute is None or GOAL_GROUP * 0.9 <= self.group_per_minute <= GOAL_GROUP
        return self.share >= GOAL_SHARE and group_ok and self.http_429 == 0


async def scenario(
    name: str, *, private: int, group: int, group_window: float, database_url: str | None
) -> Figures:
    """Queue the messages, run the sender, and measure from the database's sent_at stamps."""
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        engine = create_engine(url)
        await migrate.upgrade(engine)
        db = session_factory(engine)
        async with Emulator(token=TOKEN, limits=LimitConfig()) as emulator:
            for chat in range(1, private + 1):
                emulator.state.private_chat(chat)
                emulator.state.started.add(chat)
            emulator.state.add_group({"id": GROUP, "title": "Lãnh đạo tỉnh"})
            clock = SystemClock()
            start = clock.now()
            tag = f"bench:{uuid.uuid4().hex[:8]}"  # a database given twice keeps the runs apart
            await _queue(db, tag=tag, private=private, group=group, due=start - dt.timedelta(seconds=1))
            settings = Settings(
                telegram_bot_token=SecretStr(TOKEN),
                telegram_api_base_url=emulator.base_url,
                database_url=url,
                data_dir=Path(tmp),
                quiet_hours="00:00-00:00",  # no quiet hours: the figures do not depend on the hour
                _env_file=None,  # type: ignore[call-arg]
            )
            services = Services(settings=settings, db=db, clock=clock)
            stop = asyncio.Event()
            async with sender_bot(settings) as bot:
                sender = Sender(bot, services, rate=settings.send_rate)
                begun = clock.now()  # after queueing: only the sending is measured
                running = asyncio.create_task(sender.run(stop))
                started = time.monotonic()
                # Sampled ten times a second: the group's window ends by time, not by an event.
                while True:
                    if _finished(emulator, private, group, time.monotonic() - started, group_window):
                        break
                    await asyncio.sleep(0.1)
                stop.set()
                await running
            too_many = emulator.limiter.too_many
        figures = await _measure(db, name, tag=tag, start=begun, group_window=group_window)
        figures.http_429 = too_many
        await engine.dispose()
    return figures


async def _queue(db, *, tag: str, private: int, group: int, due: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    """Four private messages, then one to the group, and so on while both last."""
    chats, left, order = list(range(1, private + 1)), group, []
    while chats or left:
        order += chats[:4]
        chats = chats[4:]
        if left:
            order.append(GROUP)
            left -= 1
    async with db.begin() as session:
        for n, chat in enumerate(order):
            await outbox.enqueue(
                session,
                chat_id=chat,
                kind=tag,
                dedupe_key=f"{tag}:{n}",
                payload={"text": f"⏰ Nhắc hạn nhiệm vụ #{n}: còn 1 ngày làm việc."},
                due_at=due,
            )


def _finished(emulator: Emulator, private: int, group: int, elapsed: float, window: float) -> bool:
    sent = [r.chat_id for r in emulator.state.records if r.kind == "send"]
    privates = sum(1 for chat in sent if chat > 0)
    return privates >= private and (not group or elapsed >= window or len(sent) - privates >= group)


async def _measure(db, name: str, *, tag: str, start: dt.datetime, group_window: float) -> Figures:  # type: ignore[no-untyped-def]
    async with db() as session:
        rows = (
            await session.exec(
                select(Notification).where(
                    col(Notification.kind) == tag, col(Notification.sent_at).is_not(None)
                )
            )
        ).all()
    private_times = sorted(r.sent_at for r in rows if r.chat_id > 0)
    group_times = sorted(r.sent_at for r in rows if r.chat_id == GROUP)
    private_seconds = (private_times[-1] - start).total_seconds()
    figures = Figures(name, len(private_times), len(private_times) / private_seconds)
    in_window = [t for t in group_times if (t - start).total_seconds() <= group_window]
    if len(in_window) > 1:
        figures.group_sent = len(in_window)
        span = (in_window[-1] - in_window[0]).total_seconds()
        figures.group_per_minute = (len(in_window) - 1) / span * 60
    return figures


def table(results: list[Figures]) -> str:
    lines = [
        "| scenario | private msg/s | % of 30 msg/s | group sent (window) | group /min | 429s | goal | ok |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for f in results:
        group = f"{f.group_per_minute:.1f}" if f.group_per_minute is not None else "–"
        goal = "≥ 90 %, 0 × 429" + (", group 20/min" if f.group_per_minute is not None else "")
        lines.append(
            f"| {f.scenario} | {f.private_per_second:.1f} | {f.share:.0%} | {f.group_sent or '–'} | {group} "
            f"| {f.http_429} | {goal} | {'yes' if f.holds else 'NO'} |"
        )
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--private", type=int, default=1000, help="chats in the private-only run")
    parser.add_argument("--mixed-private", type=int, default=800)
    parser.add_argument("--group", type=int, default=200, help="messages to the one group")
    parser.add_argument(
        "--group-window", type=float, default=60.0, help="seconds the group rate is measured over"
    )
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args, _ = parser.parse_known_args()
    results = [
        await scenario(
            f"{args.private:,} private",
            private=args.private,
            group=0,
            group_window=0,
            database_url=args.database_url,
        ),
        await scenario(
            f"{args.mixed_private:,} private + {args.group} to one group",
            private=args.mixed_private,
            group=args.group,
            group_window=args.group_window,
            database_url=args.database_url,
        ),
    ]
    print("fan-out through the emulator, Telegram's limits on")
    print(table(results))
    alone, mixed = results
    print(
        f"fanout: private {alone.share:.0%} alone and {mixed.share:.0%} beside the group of 30 msg/s "
        f"(goal ≥ 90 %); group {mixed.group_per_minute or 0:.1f}/min (goal 20); "
        f"429s {alone.http_429 + mixed.http_429} (goal 0)"
    )


if __name__ == "__main__":
    asyncio.run(main())
