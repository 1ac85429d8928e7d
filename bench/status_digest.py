"""/status and the digest on a province-sized database, on SQLite and on PostgreSQL.

100 communes, 2,000 officials, 50,000 tasks, 500,000 task updates, 20,000 households. Prints the
median /status time (lookup by typed name + database work + rendering) and the digest time
(database work + text; then + chart + workbook, drawn in the bot's short-lived drawing process).
Goals: /status under 50 ms, the digest under 2 s.
Run: `make bench` or `python -m bench.status_digest [--postgres URL]`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import insert

from bot.config import Settings
from bot.context import Services
from domain import digest
from domain.digest_render import DigestFiles
from domain.render import split_message
from domain.statuses import TaskStatus, UnitKind
from domain.units import lookup_key
from domain.vntext import accent_free_key
from handlers.status import gather, unit_status_lines
from storage import migrate, units
from storage.db import create_engine, session_factory
from storage.models import Household, Official, Task, TaskUpdate, Unit

TOKEN = "123456789:BENCH_token_for_the_emulator_only"
NOW = dt.datetime(2026, 11, 23, 0, 30, tzinfo=dt.UTC)
SYLLABLES = ("Long", "Tân", "Bình", "Hòa", "An", "Phước", "Mỹ", "Thạnh", "Hiệp", "Hựu", "Đức", "Lợi", "Thuận")
STAGES = ("chua_khoi_cong", "dang_thi_cong", "hoan_thanh", "da_ban_giao")


class FixedClock:
    def now(self) -> dt.datetime:
        return NOW


async def populate(db, rng: random.Random, tasks: int = 50_000) -> list[str]:  # type: ignore[no-untyped-def]
    """100 communes, 2,000 officials, `tasks` tasks with ten updates each, 20,000 households."""
    names: list[str] = []
    async with db.begin() as session:
        province = await units.add_unit(session, name="Tỉnh Thử Nghiệm", kind=UnitKind.PROVINCE)
        while len(names) < 100:
            name = f"Xã {rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"
            if name not in names:
                names.append(name)
        rows = [
            {
                "name": n,
                "key": lookup_key(n),
                "kind": UnitKind.COMMUNE,
                "parent_id": province.id,
                "active": True,
            }
            for n in names
        ]
        await session.exec(insert(Unit), params=rows)  # type: ignore[call-overload]
    async with db() as session:
        unit_ids = [u.unit_id for u in await units.unit_names(session) if u.name in names]
    async with db.begin() as session:
        officials = [
            {
                "full_name": f"Cán bộ {i}",
                "name_key": f"can bo {i}",
                "unit_id": unit_ids[i % 100],
                "role": "official",
                "is_unit_head": i < 100,
                "active": True,
                "reachable": True,
                "telegram_user_id": 10_000_000 + i,
            }
            for i in range(2000)
        ]
        await session.exec(insert(Official), params=officials)  # type: ignore[call-overload]
    statuses = (
        TaskStatus.NEW,
        TaskStatus.IN_PROGRESS,
        TaskStatus.BLOCKED,
        TaskStatus.EXTENSION_REQUESTED,
        TaskStatus.AWAITING_CONFIRMATION,
        TaskStatus.DONE,
        TaskStatus.DONE,
        TaskStatus.DONE,
    )
    for start in range(0, tasks, 5_000):
        batch = []
        for n in range(start, min(tasks, start + 5_000)):
            due = NOW.date() + dt.timedelta(days=rng.randint(-60, 60))
            status = rng.choice(statuses)
            batch.append(
                {
                    "title": f"Nhiệm vụ {n} về xóa nhà tạm và cải cách hành chính",
                    "lead_unit_id": unit_ids[n % 100],
                    "due_on": due,
                    "original_due_on": due,
                    "status": status,
                    "needs_confirmation": True,
                    "version": 1,
                    "completed_at": NOW - dt.timedelta(days=rng.randint(0, 60))
                    if status == TaskStatus.DONE
                    else None,
                }
            )
        async with db.begin() as session:
            await session.exec(insert(Task), params=batch)  # type: ignore[call-overload]
    for start in range(0, tasks * 10, 20_000):
        batch = [
            {
                "task_id": 1 + (n % tasks),
                "official_id": 1 + (n % 2000),
                "at": NOW - dt.timedelta(minutes=n),
                "new_status": TaskStatus.BLOCKED if n % 37 == 0 else None,
                "note": "Báo cáo tiến độ",
            }
            for n in range(start, min(tasks * 10, start + 20_000))
        ]
        async with db.begin() as session:
            await session.exec(insert(TaskUpdate), params=batch)  # type: ignore[call-overload]
    async with db.begin() as session:
        houses = [
            {
                "programme": "xoa_nha_tam",
                "unit_id": unit_ids[n % 100],
                "head_name": f"Hộ {n}",
                "head_key": accent_free_key(f"Hộ {n}"),
                "stage": rng.choice(STAGES),
                "funds": {"trung_uong": 6e7},
                "transferred": 3e7,
                "extra": {},
            }
            for n in range(20_000)
        ]
        await session.exec(insert(Household), params=houses)  # type: ignore[call-overload]
    return names


async def measure(url: str, label: str) -> None:
    if "search_path=" in url:  # a fresh schema for each run
        import asyncpg

        schema = url.split("search_path=")[1].split("&")[0]
        connection = await asyncpg.connect(url.split("?")[0].replace("+asyncpg", ""))
        await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"')
        await connection.close()
    engine = create_engine(url)
    await migrate.upgrade(engine)
    db = session_factory(engine)
    rng = random.Random(42)
    started = time.perf_counter()
    names = await populate(db, rng)
    built = time.perf_counter() - started
    settings = Settings(telegram_bot_token=SecretStr(TOKEN), database_url=url, _env_file=None)  # type: ignore[call-arg]
    services = Services(settings=settings, db=db, clock=FixedClock())
    timings = []
    for name in rng.sample(names, 20):
        typed = accent_free_key(name).removeprefix("xa ")  # as an official types it
        begin = time.perf_counter()
        async with db() as session:
            match = await units.find_unit(session, query=typed)
        unit_id = match.found.unit_id if match.found else match.candidates[0].unit_id
        lines, _ = await unit_status_lines(services, unit_id, None)
        split_message(lines)
        timings.append(time.perf_counter() - begin)
    begin = time.perf_counter()
    async with DigestFiles() as files:  # as the bot does: the drawing process starts first
        data = await gather(services)
        digest.compose(data)
        text_time = time.perf_counter() - begin
        await files.draw(data)
    digest_time = time.perf_counter() - begin
    await engine.dispose()
    print(
        f"status_digest[{label}]: database built in {built:.0f} s; /status median "
        f"{statistics.median(timings) * 1000:.1f} ms (max {max(timings) * 1000:.1f} ms, goal 50 ms); "
        f"digest text {text_time:.2f} s, with its chart and workbook {digest_time:.2f} s (goal 2 s)"
    )


DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test?search_path=nhacviec_bench"


async def main(postgres: str | None = DEFAULT_POSTGRES) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        await measure(f"sqlite+aiosqlite:///{Path(tmp) / 'province.db'}", "sqlite")
    if postgres:
        try:
            await measure(postgres, "postgresql")
        except OSError as exc:
            print(f"status_digest[postgresql]: skipped, PostgreSQL not reachable ({exc})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="'' skips PostgreSQL")
    asyncio.run(main(parser.parse_args().postgres or None))
