"""Several instances, one PostgreSQL (issue 14.2): two `bot` processes in webhook mode behind a
load balancer, the emulator posting updates to it, one of them killed (SIGKILL) mid-run. Every
update is stored and answered once, every reminder and the digest sent once, and the survivor
takes the job lease over. NHACVIEC_LONG_TESTS=1 runs a longer stream of updates.

The processes run the real `bot.runner.serve` with an injected clock that starts on a Monday at
09:00 in Hanoi (the digest's day) and then runs at the wall clock's pace, the same in both.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import signal
import socket
import sys
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp import web
from sqlmodel import col, select

from bot.inbox import WORKERS
from domain.dates import Due
from domain.statuses import InboxStatus, Role, UnitKind
from emulator import Emulator
from emulator.client import EmulatorClient
from storage import lease, migrate, tasks
from storage.db import create_engine, session_factory
from storage.models import Chat, InboxUpdate, Notification, Unit
from tests.factories import TEST_TOKEN, TestClock, add_official, add_unit
from tests.test_inbox_restart import eventually, replies_by_command

# Several instances share PostgreSQL (SQLite is one process's database): the conftest fixture's
# PostgreSQL schema only, skipped with the reason when PostgreSQL is not reachable.
ON_POSTGRESQL = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
LONG = os.environ.get("NHACVIEC_LONG_TESTS") == "1"
URL, SECRET = "https://bot.example.vn/telegram", "instances-secret-0123456789abcdef"
START = TestClock().now()  # Monday 23/11/2026 09:00 in Hanoi
HUNG, HEAD, LAN, LEADER, ADMIN, THAO = 9401, 9402, 9403, 9404, 9405, 9406
TALKERS = (HUNG, HEAD, LEADER, ADMIN, THAO)
GROUP = -1_009_400
UNKNOWN = "Bot không có lệnh"  # the answer to /u1, /u2, ...: it names the command
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def instance_main() -> None:
    """One instance, in a subprocess: `serve` with the shifted clock until SIGTERM."""
    from bot.config import Settings
    from bot.context import SystemClock
    from bot.logs import setup_logging
    from bot.runner import serve

    class ShiftedClock:  # the system clock, moved back to START when the process began
        def __init__(self, start: dt.datetime) -> None:
            self.offset = start - SystemClock().now()

        def now(self) -> dt.datetime:
            return SystemClock().now() + self.offset

    settings = Settings()
    setup_logging(settings.log_level, secrets=[TEST_TOKEN])
    clock = ShiftedClock(dt.datetime.fromisoformat(os.environ["TEST_CLOCK_START"]))

    async def main() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await serve(settings, stop=stop, clock=clock)

    asyncio.run(main())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Balancer:
    """A load balancer without health checks: each request to a random backend; a dead backend
    answers 502, and Telegram (the emulator) posts the update again later."""

    def __init__(self, ports: list[int], seed: int) -> None:
        self.ports, self.random = ports, random.Random(seed)
        self.port = _free_port()
        self.routed: Counter[int] = Counter()
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Balancer:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        app = web.Application()
        app.router.add_post("/{path:.*}", self.forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None and self._http is not None
        await self._runner.cleanup()
        await self._http.close()

    async def forward(self, request: web.Request) -> web.Response:
        assert self._http is not None
        port = self.random.choice(self.ports)
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-telegram")}
        try:
            url = f"http://127.0.0.1:{port}{request.path}"
            async with self._http.post(url, data=await request.read(), headers=headers) as answer:
                self.routed[port] += 1
                return web.Response(status=answer.status)
        except (aiohttp.ClientError, TimeoutError):
            return web.Response(status=502)


async def _seed(url: str, client: EmulatorClient) -> None:
    engine = create_engine(url)
    await migrate.upgrade(engine)
    db = session_factory(engine)
    province = await add_unit(db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    commune = await add_unit(db, "Xã Long Hiệp", parent_id=province.id)
    other = await add_unit(db, "Xã Long Thành", parent_id=province.id)
    await add_official(db, "Nguyễn Văn Hùng", unit=commune, telegram_user_id=HUNG)
    await add_official(db, "Phạm Văn Chủ", unit=commune, telegram_user_id=HEAD, is_unit_head=True)
    await add_official(db, "Võ Thị Lan", unit=other, telegram_user_id=LAN)
    await add_official(db, "Trần Văn Minh", unit=province, role=Role.LEADER, telegram_user_id=LEADER)
    await add_official(db, "Lê Thị Thảo", unit=province, role=Role.ADMIN, telegram_user_id=ADMIN)
    await add_official(db, "Đỗ Thị Thảo", unit=province, telegram_user_id=THAO)
    async with db.begin() as session:
        session.add(Chat(telegram_chat_id=GROUP, title="Giao ban tỉnh", receives_digest=True))
        await _task_due_today(session, commune.id or 0, "Bàn giao 12 căn nhà")
    await engine.dispose()
    for user in (HUNG, HEAD, LAN, LEADER, ADMIN, THAO):
        await client.user(user, started=True)
    await client.group("Giao ban tỉnh", chat_id=GROUP)


async def _task_due_today(session, unit_id: int, title: str) -> None:  # type: ignore[no-untyped-def]
    today = START.astimezone(HANOI).date()
    await tasks.add_task(session, title=title, lead_unit_id=unit_id, due=Due(today, "x"), now=START)


def _env(url: str, port: int, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
        "DATABASE_URL": url,
        # One DATA_DIR for both: the digest's chart and workbook are files the senders read.
        "DATA_DIR": str(tmp_path / "data"),
        "WEBHOOK_URL": URL,
        "WEBHOOK_SECRET": SECRET,
        "WEBHOOK_PORT": str(port),
        "POLL_TIMEOUT": "1",
        "REMINDER_TICK": "1",
        "JOB_LEASE": "3",
        "LOG_LEVEL": "INFO",
        "TEST_CLOCK_START": START.isoformat(),
    }


async def _launch(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    code = "from tests.test_ops_instances import instance_main; instance_main()"
    with log.open("wb") as sink:  # the child keeps its own descriptor
        return await asyncio.create_subprocess_exec(
            sys.executable, "-c", code, env=env, cwd=Path(__file__).parent.parent, stdout=sink, stderr=sink
        )


async def _healthy(port: int, process: asyncio.subprocess.Process, log: Path) -> None:
    async def up() -> bool:
        if process.returncode is not None:
            raise AssertionError(log.read_text())
        async with aiohttp.ClientSession() as http:
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as answer:
                    return answer.status == 200
            except aiohttp.ClientError:
                return False

    await eventually(up, limit=60)


async def _rows(url: str) -> tuple[list[InboxUpdate], list[Notification], lease.LeaseState | None]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            updates = list((await session.exec(select(InboxUpdate))).all())
            notes = list((await session.exec(select(Notification).order_by(col(Notification.id)))).all())
            held = await lease.state(session, name="recurring-jobs")
            return updates, notes, held
    finally:
        await engine.dispose()


def _all_sent(notes: list[Notification], *kinds: str) -> bool:
    present = {n.kind for n in notes}
    return all(k in present for k in kinds) and all(n.sent_at or n.cancelled_at for n in notes)


async def _two_instances(
    emulator: Emulator, client: EmulatorClient, url: str, tmp_path: Path, *, updates: int, seed: int
) -> None:
    await client.limits(enabled=False)  # Telegram's limits have tests of their own
    await _seed(url, client)
    ports = [_free_port(), _free_port()]
    logs = {port: tmp_path / f"instance-{port}.log" for port in ports}
    processes: dict[int, asyncio.subprocess.Process] = {}
    rng = random.Random(seed)
    try:
        for port in ports:
            env = {**_env(url, port, tmp_path), "TELEGRAM_API_BASE_URL": emulator.base_url}
            processes[port] = await _launch(env, logs[port])
        for port in ports:
            await _healthy(port, processes[port], logs[port])
        async with Balancer(ports, seed) as balancer:
            await client.webhook_route(f"http://127.0.0.1:{balancer.port}")
            half = updates // 2
            for n in range(half):
                await client.send(rng.choice(TALKERS), f"/u{n}")

            async def first_half() -> bool:
                done, notes, held = await _rows(url)
                finished = sum(r.status == InboxStatus.DONE for r in done)
                return finished >= half // 3 and held is not None and _all_sent(notes, "digest", "task.due")

            await eventually(first_half, limit=30)
            _, _, held = await _rows(url)
            assert held is not None
            victim = next(p for p in ports if f":{processes[p].pid}:" in held.holder)
            survivor = next(p for p in ports if p != victim)
            assert "lease recurring-jobs taken" not in logs[survivor].read_text()  # one holder
            processes[victim].send_signal(signal.SIGKILL)  # mid-run: updates still coming in
            await processes[victim].wait()
            for n in range(half, updates):
                await client.send(rng.choice(TALKERS), f"/u{n}")
            engine = create_engine(url)
            async with session_factory(engine).begin() as session:
                other = (await session.exec(select(Unit).where(Unit.name == "Xã Long Thành"))).one()
                await _task_due_today(session, other.id or 0, "Khởi công nhà ông Tư")  # Lan's commune
            await engine.dispose()

            async def finished() -> bool:
                done, notes, _ = await _rows(url)
                lan = [n for n in notes if n.chat_id == LAN and n.kind == "task.due"]
                everything = len(done) == updates and all(r.status == InboxStatus.DONE for r in done)
                return everything and bool(lan) and _all_sent(notes)

            await eventually(finished, limit=40)
            print(f"routed {dict(balancer.routed)}, webhook {(await client.stats())['webhook']}")
        assert processes[survivor].returncode is None
    finally:
        for process in processes.values():
            if process.returncode is None:
                process.kill()
                await process.wait()
    await _check(client, url, updates=updates, survivor=processes[survivor].pid)
    assert "lease recurring-jobs taken" in logs[survivor].read_text()


async def _check(client: EmulatorClient, url: str, *, updates: int, survivor: int) -> None:
    done, notes, held = await _rows(url)
    # Every update stored once and handled; answered once (twice only if the kill interrupted it).
    assert sorted(r.payload["message"]["text"] for r in done) == sorted(f"/u{n}" for n in range(updates))
    interrupted = {r.payload["message"]["text"] for r in done if r.attempts > 1}
    assert len(interrupted) <= WORKERS  # only what the killed instance had in hand ran again
    records = await client.records()
    texts = [r["message"].get("text") or "" for r in records if r["kind"] == "send"]
    answers = Counter(
        replies_by_command([{"kind": "send", "message": {"text": t}} for t in texts if UNKNOWN in t])
    )
    for n in range(updates):
        assert answers[f"/u{n}"] == 1 or (answers[f"/u{n}"] == 2 and f"/u{n}" in interrupted), n
    # Every notification sent once: each chat got exactly its sent rows, nothing more.
    sent_to: Counter[int] = Counter(n.chat_id for n in notes if n.sent_at is not None)
    got: Counter[int] = Counter(
        r["chat_id"]
        for r in records
        if r["kind"] == "send" and UNKNOWN not in (r["message"].get("text") or "")
    )
    assert got == sent_to
    digest = [n for n in notes if n.kind == "digest"]
    assert {n.chat_id for n in digest} == {GROUP, LEADER} and all(n.sent_at for n in digest)
    due = Counter(n.chat_id for n in notes if n.kind == "task.due")
    assert due == {HUNG: 1, HEAD: 1, LAN: 1}
    assert held is not None and f":{survivor}:" in held.holder  # taken over


@ON_POSTGRESQL
async def test_two_instances_one_killed_every_update_and_notification_once(
    emulator: Emulator, client: EmulatorClient, database_url: str, tmp_path: Path
) -> None:
    await _two_instances(emulator, client, database_url, tmp_path, updates=40, seed=7)


@pytest.mark.skipif(not LONG, reason="long version: set NHACVIEC_LONG_TESTS=1 (300 updates)")
@ON_POSTGRESQL
async def test_two_instances_long_stream(
    emulator: Emulator, client: EmulatorClient, database_url: str, tmp_path: Path
) -> None:
    await _two_instances(emulator, client, database_url, tmp_path, updates=300, seed=11)
