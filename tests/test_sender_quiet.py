"""Quiet hours of any shape hold every push in the outbox until the window ends, then send it once;
answers to the user's own action are never held. Through the emulator, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select
from telegram import Bot

from bot.context import Services
from domain.reminders import Policy, in_quiet_hours
from emulator import Emulator
from emulator.client import EmulatorClient
from storage import outbox, task_notices, tasks
from storage.models import Notification
from tests.factories import TEST_TOKEN, TestClock, add_official, add_unit
from tests.test_sender_fair import Outbox, local, paced_by, settings_for

HUNG = 830_001


def window(text: str) -> Policy:
    start, end = (dt.time.fromisoformat(part) for part in text.split("-"))
    return Policy(quiet_start=start, quiet_end=end)


@pytest.mark.parametrize(
    ("quiet", "outside", "inside"),
    [
        ("20:00-07:00", ["07:00", "12:00", "19:59"], ["20:00", "23:59", "00:00", "06:59"]),
        ("13:00-14:00", ["00:00", "07:00", "12:59", "14:00", "21:00"], ["13:00", "13:30", "13:59"]),
        ("00:00-00:00", ["00:00", "12:00", "23:59"], []),  # equal ends: no quiet hours
    ],
)
def test_quiet_hours_of_any_shape(quiet: str, outside: list[str], inside: list[str]) -> None:
    policy = window(quiet)
    assert [t for t in outside if in_quiet_hours(dt.time.fromisoformat(t), policy)] == []
    assert [t for t in inside if not in_quiet_hours(dt.time.fromisoformat(t), policy)] == []


async def _box(
    db, emulator: Emulator, client: EmulatorClient, quiet: str, start: str
) -> AsyncIterator[Outbox]:
    clock = TestClock(local(start))
    services = Services(settings=settings_for(emulator, quiet_hours=quiet), db=db, clock=clock)
    async with Bot(TEST_TOKEN, base_url=f"{emulator.base_url}/bot") as bot:
        yield Outbox(services, clock, paced_by(clock, bot, services), client)


@pytest.fixture
async def night(db, emulator: Emulator, client: EmulatorClient) -> AsyncIterator[Outbox]:
    async for box in _box(db, emulator, client, "20:00-07:00", "22/11/2026 21:00"):  # a Sunday night
        yield box


@pytest.fixture
async def noon(db, emulator: Emulator, client: EmulatorClient) -> AsyncIterator[Outbox]:
    async for box in _box(db, emulator, client, "13:00-14:00", "24/11/2026 12:00"):
        yield box


async def _drain_at(box: Outbox, moment: str) -> int:
    box.clock.set(local(moment))
    count = 0
    while claimed := await box.sender.drain_once():
        count += claimed
    return count


async def test_a_task_added_on_sunday_night_reaches_its_official_at_seven_on_monday_once(
    night: Outbox, db
) -> None:
    commune = await add_unit(db, "Xã Long Hiệp")
    await add_official(db, "Nguyễn Văn Hùng", unit=commune, telegram_user_id=HUNG)
    await night.client.send(HUNG, "/start")
    sunday_night = local("22/11/2026 21:00")
    async with db.begin() as session:  # what `nhacviec tasks add` does at 21:00 on Sunday
        task = await tasks.add_task(
            session, title="Rà soát hộ nghèo", lead_unit_id=commune.id, now=sunday_night
        )
        assert await task_notices.notify_assigned(
            session, task=task, today=sunday_night.date(), now=sunday_night
        )
    for moment in ("22/11/2026 21:00", "22/11/2026 23:59", "23/11/2026 00:30", "23/11/2026 06:59"):
        assert await _drain_at(night, moment) == 0, moment
    assert await night.texts(HUNG) == []
    assert await _drain_at(night, "23/11/2026 07:00") == 1
    for moment in ("23/11/2026 07:01", "23/11/2026 09:00", "23/11/2026 21:00"):
        assert await _drain_at(night, moment) == 0, moment
    texts = await night.texts(HUNG)
    assert len(texts) == 1 and texts[0].startswith("🆕 Nhiệm vụ mới được giao")
    async with db() as session:
        row = (await session.exec(select(Notification).where(Notification.kind == "task.assigned"))).one()
    assert row.sent_at == local("23/11/2026 07:00") and row.attempts == 1


async def test_answers_to_the_users_own_action_are_not_held(night: Outbox) -> None:
    await night.client.send(HUNG, "/start")
    await night.queue(HUNG, "Nhắc việc ban đêm", kind="checkin")
    await night.queue(HUNG, "Đã ghi nhận báo cáo", kind=f"{outbox.ANSWER_PREFIX}report")
    assert await _drain_at(night, "22/11/2026 21:05") == 1
    assert await night.texts(HUNG) == ["Đã ghi nhận báo cáo"]
    assert await _drain_at(night, "23/11/2026 07:00") == 1
    assert await night.texts(HUNG) == ["Đã ghi nhận báo cáo", "Nhắc việc ban đêm"]


async def test_a_daytime_window_holds_only_its_own_hour(noon: Outbox) -> None:
    await noon.client.send(HUNG, "/start")
    await noon.queue(HUNG, "Trước giờ nghỉ trưa")
    assert await _drain_at(noon, "24/11/2026 12:00") == 1
    await noon.queue(HUNG, "Trong giờ nghỉ trưa", at=local("24/11/2026 13:00"))
    for moment in ("24/11/2026 13:00", "24/11/2026 13:59"):
        assert await _drain_at(noon, moment) == 0, moment
    assert await _drain_at(noon, "24/11/2026 14:00") == 1
    await noon.queue(HUNG, "Buổi tối", at=local("24/11/2026 21:00"))
    assert await _drain_at(noon, "24/11/2026 21:00") == 1  # the evening is not quiet with this window
    assert await noon.texts(HUNG) == ["Trước giờ nghỉ trưa", "Trong giờ nghỉ trưa", "Buổi tối"]
