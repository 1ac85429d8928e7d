"""The Monday digest survives a drawing process killed with -9 (issue 13): that tick queues no
digest and goes on, the next tick draws it again and queues it, once."""

from __future__ import annotations

import datetime as dt
import os
import signal
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.context import Services
from domain.digest_render import CHART, DigestFiles
from domain.reminders import Policy
from domain.statuses import Role, UnitKind
from domain.workdays import WorkCalendar
from scheduler import reminders
from scheduler.reminders import ReminderTick
from storage import outbox
from tests.factories import TEST_TOKEN, TestClock, add_official, add_unit

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
