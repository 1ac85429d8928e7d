"""The Monday digest survives a drawing process killed with -9 (issue 13): that tick queues no
digest and goes on, the next tick draws it again and queues it, once. A drawing that keeps failing
holds the leaders' numbers back three ticks at most: then the text goes, saying what is missing."""

from __future__ import annotations

import datetime as dt
import os
import signal
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.context import Services
from domain import digest
from domain.digest_render import CHART, DigestFiles
from domain.reminders import Policy
from domain.statuses import Role, UnitKind
from domain.workdays import WorkCalendar
from emulator.client import EmulatorClient
from handlers import status
from scheduler import reminders
from scheduler.reminders import ReminderTick
from storage import outbox
from tests.conftest import RunningBot
from tests.district import LEADER as LEADER_9601
from tests.district import NOW, seed_district
from tests.factories import TEST_TOKEN, TestClock, add_official, add_unit, say

MONDAY = dt.datetime(2026, 11, 23, 0, 45, tzinfo=dt.UTC)  # 07:45 in Hanoi: the digest, no reminders yet
LEADER = 9303


class KilledOnce(DigestFiles):
    """The first drawing's chart process is killed as soon as it starts (as the OOM killer would)."""

    kills = 1

    async def __aenter__(self) -> DigestFiles:
        await super().__aenter__()
        if KilledOnce.kills:
            KilledOnce.kills -= 1
            os.kill(self.pids[CHART], signal.SIGKILL)
        return self


async def test_a_killed_drawing_process_delays_the_monday_digest_by_one_tick(
    db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    province = await add_unit(db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    await add_official(db, "Trần Văn Minh", unit=province, role=Role.LEADER, telegram_user_id=LEADER)
    settings = Settings(telegram_bot_token=SecretStr(TEST_TOKEN), data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    services = Services(settings=settings, db=db, clock=TestClock(MONDAY))
    tick = ReminderTick(services, calendar=WorkCalendar(), policy=Policy())
    monkeypatch.setattr(reminders, "DigestFiles", KilledOnce)
    monkeypatch.setattr(KilledOnce, "kills", 1)  # once in each database's run

    async def digest_rows() -> list[str]:
        async with db() as session:
            return [r.dedupe_key for r in await outbox.list_notifications(session, kinds=["digest"])]

    assert await tick(MONDAY) == 0 and await digest_rows() == []  # no digest, no hang, no error
    assert KilledOnce.kills == 0
    assert await tick(MONDAY + dt.timedelta(minutes=1)) > 0  # the next tick draws it again
    sent = await digest_rows()
    assert sent and all(key.startswith("digest:2026-11-23:o") for key in sent)
    assert (tmp_path / "digests" / "2026-11-23" / "bieu-do.png").read_bytes()[:4] == b"\x89PNG"
    assert await tick(MONDAY + dt.timedelta(minutes=2)) == 0 and await digest_rows() == sent  # once


class KilledAlways(DigestFiles):
    """Every drawing's chart process is killed as it starts: the machine cannot draw today."""

    async def __aenter__(self) -> DigestFiles:
        await super().__aenter__()
        os.kill(self.pids[CHART], signal.SIGKILL)
        return self


async def test_a_digest_that_cannot_be_drawn_goes_without_its_files_after_three_ticks(
    db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The leaders' Monday numbers never wait all day on a chart: after three failed drawings the
    text goes, saying that the chart and the workbook are missing, and once."""
    province = await add_unit(db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    await add_official(db, "Trần Văn Minh", unit=province, role=Role.LEADER, telegram_user_id=LEADER)
    settings = Settings(telegram_bot_token=SecretStr(TEST_TOKEN), data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    tick = ReminderTick(
        Services(settings=settings, db=db, clock=TestClock(MONDAY)), calendar=WorkCalendar(), policy=Policy()
    )
    monkeypatch.setattr(reminders, "DigestFiles", KilledAlways)

    async def digest_rows() -> list[dict[str, str]]:
        async with db() as session:
            return [dict(r.payload) for r in await outbox.list_notifications(session, kinds=["digest"])]

    for minutes in (0, 4):
        assert await tick(MONDAY + dt.timedelta(minutes=minutes)) == 0 and await digest_rows() == []
    assert await tick(MONDAY + dt.timedelta(minutes=8)) > 0  # the third try: the text goes
    parts = await digest_rows()
    assert parts[0]["text"].startswith("📊 <b>Tổng hợp giao ban</b> 23/11/2026")
    assert parts[-1] == {"text": digest.files_missing()}
    assert all(set(part) == {"text"} for part in parts)  # no chart, no workbook to send
    assert await tick(MONDAY + dt.timedelta(minutes=12)) == 0 and await digest_rows() == parts  # once


async def test_digest_command_says_when_the_files_cannot_be_drawn(
    running_bot: RunningBot, bot_db, client: EmulatorClient, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    running_bot.clock.set(NOW)
    await seed_district(bot_db)
    monkeypatch.setattr(status, "DigestFiles", KilledAlways)
    await say(client, LEADER_9601, "/start")
    sent = await client.send(LEADER_9601, "/digest")
    said = await client.wait(LEADER_9601, after=sent["seq"], count=2, timeout=20)
    assert said[0]["message"]["text"].startswith("📊 Tổng hợp giao ban 23/11/2026")
    assert said[-1]["message"]["text"] == digest.files_missing()  # not the apology for a failure
