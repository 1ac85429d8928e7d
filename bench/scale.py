"""Province scale with a size parameter: /status of a commune, the overview, /tasks and the digest
at 5,000, 50,000 (default) and 500,000 tasks, on SQLite and PostgreSQL.

Each size is the province of bench/status_digest.py (100 communes, 2,000 officials, 20,000
households) with `size` tasks and ten updates a task. Each view is timed as its handler does the
work (database + text), without Telegram: /status and /tasks as the median of 20 communes and 20
officials, the overview as the median of 3; the digest as the bot sends it: its text (the data
read and composed, median of 3), and separately the whole digest with its chart and workbook,
drawn in the two short-lived processes the bot uses (domain/digest_render.py: their start-up
included; median of 3, a single run swings by a tenth of a second).
Goals: /status at the largest size within 1.5× of the smallest; the whole digest (text, chart and
workbook) of the 50,000-task province under 1 s (other sizes' digests are printed for reference).
Run: `python -m bench.scale` (5,000 and 50,000, a few minutes); `--sizes 5000,50000,500000`
for the issue's three (the largest takes long to build); `--postgres ''` skips PostgreSQL;
`--keep DIR` builds each SQLite province once in DIR and reuses it on later runs, and each
PostgreSQL province once in a schema of its own (the URL's search_path + `_<size>`).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from pydantic import SecretStr
from sqlmodel import select

from bench.status_digest import DEFAULT_POSTGRES, TOKEN, FixedClock, populate
from bench.updates import fresh_schema
from bot.config import Settings
from bot.context import Services
from domain import digest, status_texts, task_texts
from domain.digest_render import DigestFiles
from domain.render import split_message
from domain.vntext import accent_free_key
from handlers.status import gather, unit_status_lines
from storage import migrate, reports, tasks, units
from storage.db import create_engine, session_factory
from storage.models import Official

VIEWS = ("/status xã", "overview", "/tasks", "digest", "+ files")
GOAL_STATUS_RATIO, GOAL_DIGEST_S = 1.5, 1.0
PROVINCE = 50_000  # the province: 100 communes, 50,000 tasks, 500,000 updates


async def timed(work: Callable[[], Awaitable[object]], times: int) -> float:
    """The median seconds of `times` runs of `work`, after one warm-up run."""
    await work()
    spent = []
    for _ in range(times):
        begin = time.perf_counter()
        await work()
        spent.append(time.perf_counter() - begin)
    return statistics.median(spent)


async def measure(url: str, size: int, *, reuse: bool = False) -> tuple[float, dict[str, float]]:
    """Build the province at `size` tasks (or reuse the one built before: `--keep`); return the
    build time and each view's seconds."""
    if not reuse:
        await fresh_schema(url)
    engine = create_engine(url)
    await migrate.upgrade(engine)
    db = session_factory(engine)
    rng = random.Random(42)
    begin = time.perf_counter()
    if reuse:
        async with db() as session:
            names = [u.name for u in await units.unit_names(session) if u.name.startswith("Xã ")]
    else:
        names = await populate(db, rng, tasks=size)
        await vacuum(url)
    built = time.perf_counter() - begin
    settings = Settings(telegram_bot_token=SecretStr(TOKEN), database_url=url, _env_file=None)  # type: ignore[call-arg]
    services = Services(settings=settings, db=db, clock=FixedClock())
    today, zone, calendar = services.today(), settings.tz, settings.work_calendar()
    communes = iter(rng.sample(names, 20) * 2)
    async with db() as session:
        people = list((await session.exec(select(Official).limit(20))).all())
    officials = iter(people * 2)

    async def status() -> None:
        typed = accent_free_key(next(communes)).removeprefix("xa ")  # as an official types it
        async with db() as session:
            match = await units.find_unit(session, query=typed)
        unit_id = match.found.unit_id if match.found else match.candidates[0].unit_id
        lines, _ = await unit_status_lines(services, unit_id, None)
        split_message(lines)

    async def overview() -> None:
        async with db() as session:
            counts = await reports.unit_counts(session, today=today, zone=zone, calendar=calendar)
            extensions = await reports.pending_extensions(session, unit_id=None)
        lines = [
            status_texts.overview_head(len(counts), today),
            *(status_texts.overview_line(c) for c in counts),
            *status_texts.pending_extensions(extensions),
        ]
        split_message(lines)

    async def task_list() -> None:
        official = next(officials)
        async with db() as session:
            found, total = await tasks.open_tasks_for(session, official=official, page=1, per_page=8)
            views = [await tasks.task_view(session, task=t) for t in found]
        task_texts.task_list(views, page=1, pages=max(1, -(-total // 8)), total=total, today=today)

    async def digest_text() -> None:
        digest.compose(await gather(services))

    async def digest_files() -> None:  # as the bot makes them: a drawing process started first
        async with DigestFiles() as files:
            await files.draw(await gather(services))

    figures = {
        "/status xã": await timed(status, 19),
        "overview": await timed(overview, 3),
        "/tasks": await timed(task_list, 19),
        "digest": await timed(digest_text, 3),
        "+ files": await timed(digest_files, 3),
    }
    await engine.dispose()
    return built, figures


async def vacuum(url: str) -> None:
    """PostgreSQL: the statistics and visibility map autovacuum would have made a minute after the
    load (this server runs without it), so that plans are those of a live database."""
    if "search_path=" not in url:
        return
    import asyncpg

    schema = url.split("search_path=")[1].split("&")[0]
    connection = await asyncpg.connect(url.split("?")[0].replace("+asyncpg", ""))
    try:
        for table in ("unit", "official", "task", "task_update", "household"):
            await connection.execute(f'VACUUM (ANALYZE) "{schema}".{table}')
    finally:
        await connection.close()


def sized_schema(url: str, size: int) -> str:
    """The URL with a schema of its own for this size: `--keep` builds each PostgreSQL province once."""
    if "search_path=" not in url:
        return url
    return re.sub(r"search_path=([^&]+)", lambda m: f"search_path={m.group(1)}_{size}", url)


async def built_before(url: str, size: int) -> bool:
    """Whether the URL's schema already holds a province of `size` tasks, fully built."""
    if "search_path=" not in url:
        return False
    import asyncpg

    schema = url.split("search_path=")[1].split("&")[0]
    connection = await asyncpg.connect(url.split("?")[0].replace("+asyncpg", ""))
    try:
        found = await connection.fetchval(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 "
            "AND table_name IN ('task', 'household')",
            schema,
        )
        if found != 2:
            return False
        tasks = await connection.fetchval(f'SELECT count(*) FROM "{schema}".task')
        houses = await connection.fetchval(f'SELECT count(*) FROM "{schema}".household')
        return bool(tasks == size and houses)  # the houses are added last
    finally:
        await connection.close()


async def main(sizes: list[int], postgres: str | None, keep: Path | None = None) -> None:
    databases: list[tuple[str, str | None]] = [("sqlite", None)]
    if postgres:
        databases.append(("postgresql", postgres))
    results: dict[tuple[str, int], dict[str, float]] = {}
    print(f"{'database':<11}{'tasks':>9}{'built s':>9}" + "".join(f"{v + ' ms':>15}" for v in VIEWS))
    for label, url in databases:
        for size in sizes:
            with tempfile.TemporaryDirectory() as tmp:
                kept = keep / f"scale-{size}.db" if keep and not url else None
                reuse = bool(kept and kept.exists())
                target = url or f"sqlite+aiosqlite:///{kept or Path(tmp) / 'scale.db'}"
                try:
                    if url and keep:
                        target = sized_schema(url, size)
                        reuse = await built_before(target, size)
                    built, figures = await measure(target, size, reuse=reuse)
                except OSError as exc:
                    print(f"{label:<11}{size:>9}  skipped: not reachable ({exc})")
                    break
            results[(label, size)] = figures
            cells = "".join(f"{figures[v] * 1000:>15.1f}" for v in VIEWS)
            print(f"{label:<11}{size:>9,}{built:>9.0f}{cells}", flush=True)
    small, large = min(sizes), max(sizes)
    notes = []
    for label, _ in databases:
        if (label, small) in results and (label, large) in results:
            ratio = results[(label, large)]["/status xã"] / results[(label, small)]["/status xã"]
            note = f"{label}: /status {ratio:.2f}× from {small:,} to {large:,} tasks"
            note += f" (goal ≤ {GOAL_STATUS_RATIO}×)"
            # The digest's goal is the province's: 50,000 tasks (the table); others for reference.
            for size in sorted(s for s in sizes if (label, s) in results and s >= PROVINCE):
                whole = results[(label, size)]["+ files"]
                goal = f" (goal < {GOAL_DIGEST_S:.0f} s)" if size == PROVINCE else ""
                note += f", the whole digest at {size:,} {whole:.2f} s{goal}"
            notes.append(note)
    print("scale: " + "; ".join(notes))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="5000,50000", help="tasks, separated by commas")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="'' skips PostgreSQL")
    parser.add_argument("--keep", type=Path, help="a folder: SQLite provinces built once, reused after")
    args = parser.parse_args()
    asyncio.run(main([int(s) for s in args.sizes.split(",")], args.postgres or None, args.keep))
