"""Updates through the whole stack, beside a bare python-telegram-bot echo bot, and the bot's RSS.

Officials reply to their task card with progress ("3/12") and press its "⏳ Đang thực hiện" button,
each official one action after the other (the next once the bot has answered the last), all
officials at once. The same load goes to nhacviec on SQLite, nhacviec on PostgreSQL (a fresh
schema) and a minimal python-telegram-bot echo bot (which echoes the text under one button and
answers presses), each a process of its own on a fresh emulator with Telegram's limits off, and the
bot's own outgoing limiter off (OUTGOING_LIMITER=0): this measures what the bot can handle when
Telegram is not the bottleneck. Latency: from the update handed to the emulator to the bot's
answer (the progress message, the press's toast). CPU ms: the bot process's CPU time (all its
threads) per update, a figure the machine's other load stretches far less than updates/s. Peak
RSS of the bot process (VmHWM): idle,
after the updates, after a /digest. Goals: ≥ 70 % of the echo bot's updates/s; RSS < 150 MB.
After the burst, the database floor: the CPU that a progress reply's storage calls alone cost (no
Telegram, no handlers), against what 70 % of the echo bot's pace would leave for a whole update.
Then the paced run (fresh data again): 150 actions at 5 a second, each from the next official, so
that latency is the bot's work and not a queue. Goal: p95 under 50 ms.

Run: `python -m bench.updates` (2,000 updates from 200 officials, about 2 minutes);
`--full` for the issue's 10,000 from 500; `--postgres ''` skips PostgreSQL; `--paced 0` skips the
paced run, `--rate`/`--paced` change it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domain.dates import Due
from domain.statuses import Role, UnitKind
from domain.units import lookup_key
from domain.vntext import accent_free_key
from emulator import Emulator
from emulator.limits import LimitConfig
from emulator.state import ApiError, Record
from storage import migrate, tasks, units
from storage.db import create_engine, session_factory
from storage.models import Official

TOKEN = "123456789:BENCH_token_for_the_emulator_only"
FIRST_USER, LEADER = 20_000_001, 20_999_999
NOW = dt.datetime.now(dt.UTC)
GOAL_SHARE, GOAL_RSS_MB, GOAL_P95_MS = 0.70, 150.0, 50.0
PROGRESS_BUTTON = "⏳ Đang thực hiện"
OTHER_NUMBER = "Nhập số khác (trả lời tin này)"
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test?search_path=nhacviec_bench_updates"


@dataclass
class Run:
    label: str
    updates: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    rss_mb: dict[str, float] = field(default_factory=dict)
    cpu_seconds: float = 0.0  # the bot process's CPU time (all its threads) over the updates
    missed: int = 0  # updates the bot did not answer within five minutes
    log_lines: int = 0  # WARNING and ERROR lines the bot logged

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        """CPU milliseconds the bot spent per update: what the machine's load does not stretch
        much, unlike updates/s."""
        return self.cpu_seconds / self.updates * 1000 if self.updates else 0.0

    def line(self) -> str:
        rss = ", ".join(f"{k} {v:.0f}" for k, v in self.rss_mb.items())
        return (
            f"{self.label:<22}{self.updates:>8}{self.seconds:>9.1f}{self.per_second:>8.0f}"
            f"{self.percentile(0.50):>8.1f}{self.percentile(0.95):>8.1f}{self.percentile(0.99):>8.1f}"
            f"{self.cpu_ms:>8.2f}{self.missed:>7}{self.log_lines:>6}  {rss}"
        )

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


class Watch:
    """Resolves a future when the bot does what a waiting official expects in its chat."""

    def __init__(self, emulator: Emulator) -> None:
        self.waiting: dict[int, tuple[Callable[[Record], bool], asyncio.Future[tuple[float, Record]]]] = {}
        original = emulator.state.record

        def record(*args: Any, **kwargs: Any) -> Record:
            entry = original(*args, **kwargs)
            expected = self.waiting.get(entry.chat_id)
            if expected is not None and not expected[1].done() and expected[0](entry):
                expected[1].set_result((time.perf_counter(), entry))
            return entry

        emulator.state.record = record  # type: ignore[method-assign]

    def expect(self, chat_id: int, check: Callable[[Record], bool]) -> asyncio.Future[tuple[float, Record]]:
        future: asyncio.Future[tuple[float, Record]] = asyncio.get_running_loop().create_future()
        self.waiting[chat_id] = (check, future)
        return future


async def fresh_schema(url: str) -> None:
    if "search_path=" not in url:
        return
    import asyncpg

    schema = url.split("search_path=")[1].split("&")[0]
    connection = await asyncpg.connect(url.split("?")[0].replace("+asyncpg", ""))
    await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"')
    await connection.close()


async def seed(url: str, officials: int) -> dict[int, int]:
    """Communes of 10 officials, one task (target 12 căn) per official; a leader. user → task id."""
    await fresh_schema(url)
    engine = create_engine(url)
    await migrate.upgrade(engine)
    db = session_factory(engine)
    cards: dict[int, int] = {}
    async with db.begin() as session:
        province = await units.add_unit(session, name="Tỉnh Thử Nghiệm", kind=UnitKind.PROVINCE)
        session.add(
            Official(full_name="Lãnh Đạo", name_key="lanh dao", role=Role.LEADER, telegram_user_id=LEADER)
        )
        commune = province
        for n in range(officials):
            if n % 10 == 0:
                name = f"Xã Thử {n // 10 + 1}"
                commune = await units.add_unit(
                    session, name=name, kind=UnitKind.COMMUNE, parent_id=province.id
                )
                assert lookup_key(name)
            official = Official(
                full_name=f"Cán bộ {n}",
                name_key=accent_free_key(f"Cán bộ {n}"),
                unit_id=commune.id,
                role=Role.OFFICIAL,
                telegram_user_id=FIRST_USER + n,
            )
            session.add(official)
            await session.flush()
            task = await tasks.add_task(
                session,
                title=f"Xóa nhà tạm đợt {n}",
                lead_unit_id=commune.id or 0,
                now=NOW,
                due=Due(NOW.date() + dt.timedelta(days=30), "30 ngày"),
                official_ids=[official.id or 0],
                target_quantity=12,
                target_measure="căn",
            )
            cards[FIRST_USER + n] = task.id or 0
    await engine.dispose()
    return cards


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far (user + system, all threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> dict[str, float]:
    """The process's resident set now (VmRSS) and at its peak so far (VmHWM), in MB."""
    values: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values


@contextlib.asynccontextmanager
async def process(module: list[str], env: dict[str, str], emulator: Emulator, cwd: Path):  # type: ignore[no-untyped-def]
    """Start a bot process (its log in cwd/bot.log) and wait until it polls; stop it at the end."""
    calls = emulator.calls.get("getUpdates", 0)
    log = (cwd / "bot.log").open("wb")
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", *module, env={**os.environ, **env}, cwd=cwd, stderr=log
    )
    try:
        async with asyncio.timeout(60):
            while emulator.calls.get("getUpdates", 0) <= calls:
                if child.returncode is not None:
                    raise RuntimeError((cwd / "bot.log").read_text())
                await asyncio.sleep(0.05)
        yield child
    finally:
        if child.returncode is None:
            child.terminate()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(child.wait(), 20)
        if child.returncode is None:
            child.kill()
        log.close()


async def open_card(emulator: Emulator, watch: Watch, user: int, opener: str) -> int:
    """The official opens its task card (the echo bot: any text); returns the card's message id."""
    waiting = watch.expect(user, lambda r: r.kind == "send" and bool(r.markup))
    await emulator.control("message", {"user_id": user, "text": opener})
    _, card = await asyncio.wait_for(waiting, 120)
    return int(card.message["message_id"])


async def official(emulator: Emulator, watch: Watch, user: int, card_id: int, rounds: int, run: Run) -> None:
    """One official, one action after the other: `rounds` × (a progress reply, a press)."""
    for k in range(1, rounds + 1):
        text = f"{k}/12"
        waiting = watch.expect(
            user, lambda r, t=text: r.kind == "send" and t in (r.message.get("text") or "")
        )
        started = time.perf_counter()
        await emulator.control("message", {"user_id": user, "text": text, "reply_to_message_id": card_id})
        await settle(waiting, started, run)
        waiting = watch.expect(user, lambda r: r.kind == "answer")
        started = time.perf_counter()
        await press_progress(emulator, user, card_id)
        await settle(waiting, started, run)


async def press_progress(emulator: Emulator, user: int, card_id: int) -> None:
    """⏳ on the card; once a press has opened its quick choices (a press after one's own reply is
    not stale any more), the choice 'Nhập số khác', which asks for the number."""
    try:
        await emulator.control("press", {"user_id": user, "message_id": card_id, "text": PROGRESS_BUTTON})
    except ApiError:  # the card shows 25% / 50% / 75% / Nhập số khác since the last ⏳
        await emulator.control("press", {"user_id": user, "message_id": card_id, "text": OTHER_NUMBER})


async def paced(
    emulator: Emulator, watch: Watch, cards: dict[int, int], rate: float, count: int, run: Run
) -> None:
    """`count` actions at `rate` a second, each from the next official (a reply, then a press):
    latency without queueing, as an office's ordinary day sends them."""
    users, begin, actions = list(cards.items()), time.perf_counter(), []

    async def act(user: int, card_id: int, k: int) -> None:
        if k % 2:
            text = f"{k // 2 + 1}/12"
            waiting = watch.expect(
                user, lambda r, t=text: r.kind == "send" and t in (r.message.get("text") or "")
            )
            started = time.perf_counter()
            await emulator.control("message", {"user_id": user, "text": text, "reply_to_message_id": card_id})
        else:
            waiting = watch.expect(user, lambda r: r.kind == "answer")
            started = time.perf_counter()
            await press_progress(emulator, user, card_id)
        await settle(waiting, started, run)

    for n in range(count):
        user, card_id = users[n % len(users)]
        actions.append(asyncio.create_task(act(user, card_id, n // len(users) + 1)))
        await asyncio.sleep(max(0.0, begin + (n + 1) / rate - time.perf_counter()))
    await asyncio.gather(*actions)


async def settle(waiting: asyncio.Future[tuple[float, Record]], started: float, run: Run) -> None:
    """Count the answer's latency, or a miss when none comes within five minutes."""
    try:
        answered, _ = await asyncio.wait_for(waiting, 300)
    except TimeoutError:
        run.missed += 1
        return
    run.latencies.append(answered - started)


async def measure(
    label: str,
    module: list[str],
    env: dict[str, str],
    cards: dict[int, int],
    rounds: int,
    pace: tuple[float, int] | None = None,
) -> Run:
    """The burst (every official at once, `rounds` each) or, with `pace` (rate, count), paced."""
    run = Run(label + (f" {pace[0]:g}/s" if pace else ""))
    with tempfile.TemporaryDirectory() as tmp:
        async with Emulator(token=TOKEN, limits=LimitConfig(enabled=False)) as emulator:
            for user in [*cards, LEADER]:
                emulator.state.private_chat(user)
                emulator.state.started.add(user)
            watch = Watch(emulator)
            settings = {"TELEGRAM_API_BASE_URL": emulator.base_url, "DATA_DIR": str(Path(tmp) / "data")}
            async with process(module, {**env, **settings}, emulator, Path(tmp)) as child:
                await asyncio.sleep(1.0)
                run.rss_mb["idle"] = rss_mb(child.pid)["VmRSS"]
                openers = {user: f"/task {task}" if task else "mở thẻ" for user, task in cards.items()}
                opened = await asyncio.gather(
                    *(open_card(emulator, watch, user, opener) for user, opener in openers.items())
                )
                begin, cpu_begin = time.perf_counter(), cpu_seconds(child.pid)
                if pace:
                    await paced(emulator, watch, dict(zip(cards, opened, strict=True)), *pace, run)
                else:
                    await asyncio.gather(
                        *(
                            official(emulator, watch, user, card, rounds, run)
                            for user, card in zip(cards, opened, strict=True)
                        )
                    )
                run.seconds = time.perf_counter() - begin
                run.cpu_seconds = cpu_seconds(child.pid) - cpu_begin
                run.updates = len(run.latencies)
                run.rss_mb["after updates"] = rss_mb(child.pid)["VmRSS"]
                if any(cards.values()):  # nhacviec: a /digest from the leader (text, chart, workbook)
                    waiting = watch.expect(LEADER, lambda r: r.kind == "send" and "document" in r.message)
                    await emulator.control("message", {"user_id": LEADER, "text": "/digest"})
                    await asyncio.wait_for(waiting, 120)
                    run.rss_mb["after digest"] = rss_mb(child.pid)["VmRSS"]
                run.rss_mb["peak"] = rss_mb(child.pid)["VmHWM"]
            log = (Path(tmp) / "bot.log").read_text(errors="replace")
            run.log_lines = len(log.splitlines())
            name = "-".join(run.label.replace("/", "").split()[1:])
            kept = Path(tempfile.gettempdir()) / f"bench-updates-{name}.log"
            kept.write_text(log)  # for a look afterwards
    print(run.line(), flush=True)
    return run


def bot_env(url: str) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DATABASE_URL": url,
        "OUTGOING_LIMITER": "0",
        "REMINDER_TICK": "0",
        "LOG_LEVEL": "WARNING",
        "POLL_TIMEOUT": "10",
        "QUIET_HOURS": "00:00-00:01",
    }


async def database_floor(url: str, cards: dict[int, int], *, rounds: int = 3) -> float:
    """CPU milliseconds a progress reply's database work alone costs, in this process: the same
    storage calls the bot makes for one (storing it in the inbox, its claim and close, the caller,
    the card, the task, the change with its history line), through the same engine and sessions, no
    Telegram, handlers or HTTP. What 70 % of the echo bot would leave for the whole update is
    compared with it in the closing line."""
    from domain.progress import Progress
    from storage import inbox, messages, officials
    from storage.db import read_session_factory
    from storage.models import BotMessage
    from storage.update_claims import UpdateClaims

    engine = create_engine(url)
    db, read = session_factory(engine), read_session_factory(engine)
    claims = UpdateClaims(engine)
    users = list(cards.items())
    async with db.begin() as session:
        for n, (user, task_id) in enumerate(users):
            card = BotMessage(chat_id=user, message_id=900_000 + n, kind="card", task_id=task_id, at=NOW)
            session.add(card)
    update_id, done = 10_000_000, 0
    begin = time.process_time()
    for k in range(1, rounds + 1):
        for n, (user, task_id) in enumerate(users):
            update_id += 1
            async with db.begin() as session:
                await inbox.add_updates(session, updates=[{"update_id": update_id}], now=NOW)
            await claims.start_attempt(update_id)
            async with read() as session:
                official = await officials.get_official_by_telegram_id(session, telegram_user_id=user)
                await messages.get_message(session, chat_id=user, message_id=900_000 + n)
            async with read() as session:
                task = await tasks.get_task(session, task_id=task_id)
            async with db.begin() as session:
                await tasks.change_task(
                    session,
                    task_id=task_id,
                    known=task,
                    official_id=official.id if official else None,
                    at=NOW + dt.timedelta(seconds=update_id),
                    update_id=update_id,
                    progress=Progress(percent=round(100 * k / 12, 1), quantity=k, target=12),
                )
            await claims.close(update_id, now=NOW)
            done += 1
    spent = time.process_time() - begin
    await claims.aclose()
    await engine.dispose()
    return spent / done * 1000


HEADER = (
    f"{'bot':<22}{'updates':>8}{'seconds':>9}{'upd/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'CPU ms':>8}"
)


def report(runs: list[Run], floors: dict[str, float] | None = None) -> None:
    print(f"{HEADER}{'missed':>7}{'logged':>6}  RSS MB")
    for run in runs:
        print(run.line())
    parts = []
    for paced_run in (False, True):
        group = [r for r in runs if r.label.endswith("/s") == paced_run]
        echo = next((r for r in group if r.label.startswith("echo")), None)
        for r in group:
            if r is echo:
                continue
            if paced_run:
                parts.append(f"{r.label} p95 {r.percentile(0.95):.0f} ms (goal < {GOAL_P95_MS:.0f})")
            elif echo:
                parts.append(
                    f"{r.label} {r.per_second / echo.per_second:.0%} of the echo bot (goal ≥ "
                    f"{GOAL_SHARE:.0%}; CPU per update {r.cpu_ms:.1f} ms against {echo.cpu_ms:.1f}), "
                    f"peak RSS {r.rss_mb['peak']:.0f} MB (goal < {GOAL_RSS_MB:.0f})"
                )
    echo = next((r for r in runs if r.label == "echo (bare PTB)"), None)
    for name, floor in (floors or {}).items():
        budget = echo.cpu_ms / GOAL_SHARE if echo else 0.0
        parts.append(
            f"a reply's database work alone on {name}: {floor:.1f} ms of CPU (70 % of the echo bot "
            f"leaves {budget:.1f} ms for the whole update)"
        )
    print("updates: " + "; ".join(parts))


async def main(
    officials: int, updates: int, postgres: str | None, pace: tuple[float, int] | None = None
) -> None:
    """The burst on every bot; with `pace`, then the paced run on every bot (fresh data each)."""
    rounds = max(1, updates // officials // 2)
    print(
        f"{HEADER}{'missed':>7}{'logged':>6}  RSS MB  (each line as its run ends; the table again at the end)"
    )
    runs: list[Run] = []
    floors: dict[str, float] = {}
    for how in (None, pace) if pace else (None,):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'updates.db'}"
            cards = await seed(url, officials)
            runs.append(await measure("nhacviec sqlite", ["bot", "run"], bot_env(url), cards, rounds, how))
            if how is None:
                floors["sqlite"] = await database_floor(url, cards)
        if postgres:
            try:
                cards = await seed(postgres, officials)
            except OSError as exc:
                print(f"updates[postgresql]: skipped, PostgreSQL not reachable ({exc})")
            else:
                bot = ["bot", "run"]
                runs.append(await measure("nhacviec postgresql", bot, bot_env(postgres), cards, rounds, how))
                if how is None:
                    floors["postgresql"] = await database_floor(postgres, cards)
        echo_env, echo_cards = {"TELEGRAM_BOT_TOKEN": TOKEN}, dict.fromkeys(cards, 0)
        runs.append(await measure("echo (bare PTB)", ["bench.echo_bot"], echo_env, echo_cards, rounds, how))
    report(runs, floors)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--officials", type=int, default=200)
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--full", action="store_true", help="the issue's size: 10,000 updates from 500")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="'' skips PostgreSQL")
    parser.add_argument("--rate", type=float, default=5.0, help="the paced run's updates a second")
    parser.add_argument("--paced", type=int, default=150, help="the paced run's updates (0: none)")
    args = parser.parse_args()
    if args.full:
        args.officials, args.updates = 500, 10_000
    pace = (args.rate, args.paced) if args.paced else None
    asyncio.run(main(args.officials, args.updates, args.postgres or None, pace))
