"""Reliability: the same update twice, out of order, across a restart — recorded once, and an
older progress report (older message.date) never overwrites a newer one."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, select

from emulator import Emulator
from emulator.client import EmulatorClient
from storage import inbox
from storage.db import create_engine, session_factory
from storage.models import InboxUpdate, Task, TaskUpdate
from tests.conftest import bot_settings, start_bot
from tests.factories import TestClock, say
from tests.test_taskflow_cards import HUNG, taskflow_world, text_of


async def test_a_redelivered_update_and_an_older_report_after_a_restart(
    emulator: Emulator, client: EmulatorClient, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    settings, clock = bot_settings(emulator, url, tmp_path), TestClock()
    engine = create_engine(url)
    db = session_factory(engine)
    first = await start_bot(settings, clock)
    try:
        await taskflow_world(db, client)
        card = (await say(client, HUNG, "/task 1"))[0]
        newer = await client.send(HUNG, "8/12", reply_to=card["message"]["message_id"], date=_ago(clock, 60))
        said = text_of(await client.wait(HUNG, after=newer["seq"]))
        assert said.startswith("✅ Đã ghi nhận tiến độ 8/12")
    finally:
        await first.shutdown()
    async with db() as session:
        stored = (await session.exec(select(InboxUpdate).order_by(col(InboxUpdate.update_id).desc()))).first()
    assert stored is not None and stored.payload["message"]["text"] == "8/12"

    # While the bot is down: an older report (sent three hours ago) arrives late, and the newer
    # report's update comes again (a redelivery) after it.
    older = await client.send(
        HUNG, "5/12", reply_to=card["message"]["message_id"], date=_ago(clock, 3 * 3600)
    )
    async with db.begin() as session:
        assert await inbox.add_updates(session, updates=[stored.payload], now=clock.now()) == 0

    second = await start_bot(settings, clock)
    try:
        late = [r["message"]["text"] for r in await client.wait(HUNG, after=older["seq"], count=2)]
    finally:
        await second.shutdown()
    assert "trước một báo cáo tiến độ mới hơn" in late[1]
    async with db() as session:
        task = await session.get(Task, 1)
        history = (await session.exec(select(TaskUpdate).order_by(col(TaskUpdate.id)))).all()
        statuses = {row.status for row in (await session.exec(select(InboxUpdate))).all()}
    await engine.dispose()
    assert (task.progress_quantity, task.progress_percent) == (8, 66.7)  # the newer report stands
    reports = [(h.progress_quantity, h.telegram_update_id) for h in history if h.progress_quantity]
    assert [q for q, _ in reports] == [8, 5]  # each recorded once; the late one only in the history
    assert [u for _, u in reports].count(stored.update_id) == 1
    assert statuses == {"done"}


def _ago(clock: TestClock, seconds: int) -> int:
    return int(clock.now().timestamp()) - seconds
