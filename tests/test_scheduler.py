"""Reminders through the emulator with a controlled clock: working days, Tết, giao ban, escalation,
quiet hours, withdrawal, crashes around sending, and two senders on one database."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr
from sqlalchemy import update
from sqlmodel import col, select
from telegram import Bot, Message

from bot.config import Settings
from bot.context import Services
from domain.dates import Due
from domain.reminders import Policy, giao_ban_day
from domain.statuses import Role, UnitKind
from domain.workdays import WorkCalendar
from emulator import Emulator
from emulator.client import EmulatorClient
from scheduler.reminders import ReminderTick
from scheduler.sender import Pacer, Sender
from storage import meetings, outbox, tasks
from storage.db import create_engine, session_factory
from storage.models import Notification, Official
from tests.factories import TEST_TOKEN, TestClock, add_official, add_unit

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
HUNG, HEAD, LEADER, ADMIN = 9301, 9302, 9303, 9304


def local(text: str) -> dt.datetime:
    """'15/02/2027 08:00' in Hanoi."""
    return dt.datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=HANOI)


@dataclass
class Rig:
    services: Services
    clock: TestClock
    tick: ReminderTick
    sender: Sender
    client: EmulatorClient

    async def at(self, moment: dt.datetime) -> int:
        """Set the clock, run the tick, deliver everything due; returns how many were sent."""
        self.clock.set(moment)
        await self.tick(moment)
        before = self.sender.sent
        while await self.sender.drain_once():
            pass
        return self.sender.sent - before

    async def sent(self, *kinds: str) -> list[Notification]:
        async with self.services.db() as session:
            rows = await outbox.list_notifications(session, kinds=kinds or None)
        return [r for r in rows if r.sent_at is not None]


@pytest.fixture
async def rig(db, emulator: Emulator, client: EmulatorClient) -> AsyncIterator[Rig]:
    await client.limits(enabled=False)  # limits have tests of their own; these walk weeks in seconds
    clock = TestClock(local("20/01/2027 07:00"))
    settings = Settings(
        telegram_bot_token=SecretStr(TEST_TOKEN), telegram_api_base_url=emulator.base_url, _env_file=None
    )  # type: ignore[call-arg]
    services = Services(settings=settings, db=db, clock=clock)
    province = await add_unit(db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    commune = await add_unit(db, "Xã Long Hiệp", parent_id=province.id)
    await add_official(db, "Nguyễn Văn Hùng", unit=commune, telegram_user_id=HUNG)
    await add_official(db, "Phạm Văn Chủ", unit=commune, telegram_user_id=HEAD, is_unit_head=True)
    await add_official(db, "Trần Văn Minh", unit=province, role=Role.LEADER, telegram_user_id=LEADER)
    await add_official(db, "Lê Thị Thảo", unit=province, role=Role.ADMIN, telegram_user_id=ADMIN)
    for user in (HUNG, HEAD, LEADER, ADMIN):
        await client.send(user, "/start")
    async with Bot(TEST_TOKEN, base_url=f"{emulator.base_url}/bot") as bot:
        pacer = Pacer(1000, clock=lambda: clock.now().timestamp(), private_gap=0, group_gap=0)
        sender = Sender(bot, services, pacer=pacer)
        tick = ReminderTick(services, calendar=WorkCalendar(), policy=Policy())
        yield Rig(services, clock, tick, sender, client)


async def _task_due(db, due: dt.date, title: str = "Bàn giao 12 căn nhà") -> int:
    async with db.begin() as session:
        commune = (await session.exec(select(Official).where(Official.telegram_user_id == HUNG))).one()
        task = await tasks.add_task(
            session,
            title=title,
            lead_unit_id=commune.unit_id or 0,
            due=Due(due, due.strftime("%d/%m/%Y")),
            now=local("20/01/2027 07:00"),
        )
        return task.id or 0


async def _walk(rig: Rig, first: dt.date, last: dt.date, hours: tuple[str, ...]) -> None:
    day = first
    while day <= last:
        for hour in hours:
            await rig.at(local(f"{day:%d/%m/%Y} {hour}"))
        day += dt.timedelta(days=1)


def _when(rows: list[Notification], chat: int) -> list[tuple[str, str]]:
    return [
        (r.kind, r.sent_at.astimezone(HANOI).strftime("%a %d/%m %H:%M"))  # type: ignore[union-attr]
        for r in sorted(rows, key=lambda r: r.id or 0)
        if r.chat_id == chat
    ]


async def test_deadline_after_tet_reminds_on_working_days_and_escalates(rig: Rig, db) -> None:
    """Due Monday 15/02/2027, right after Tết (04–10/02): 7, 3 and 1 working days before, the day."""
    await _task_due(db, dt.date(2027, 2, 15))
    await _walk(rig, dt.date(2027, 1, 20), dt.date(2027, 2, 23), hours=("07:00", "08:00", "15:00", "21:00"))
    due = await rig.sent("task.due", "task.overdue", "task.escalated")
    assert _when(due, HUNG) == [
        ("task.due", "Thu 28/01 08:00"),  # 7 working days before: Tết days do not count
        ("task.due", "Wed 03/02 08:00"),  # 3 before, the last working day before Tết
        ("task.due", "Fri 12/02 08:00"),  # 1 before
        ("task.due", "Mon 15/02 08:00"),  # on the day
        ("task.overdue", "Tue 16/02 08:00"),
        ("task.overdue", "Wed 17/02 08:00"),
        ("task.overdue", "Thu 18/02 08:00"),
        ("task.overdue", "Fri 19/02 08:00"),
        ("task.overdue", "Mon 22/02 08:00"),  # not on the weekend
        ("task.overdue", "Tue 23/02 08:00"),
    ]
    escalations = [x for x in _when(due, HEAD) if x[0] == "task.escalated"]
    assert escalations == [("task.escalated", "Thu 18/02 08:00")]  # 3 working days overdue, once
    assert _when(due, LEADER) == [("task.escalated", "Tue 23/02 08:00")]  # 6 working days overdue
    texts = [
        r["message"]["text"]
        for r in await rig.client.records(HUNG)
        if r["kind"] == "send" and r["message"]["text"][0] in "⏰⚠"
    ]
    assert texts[0].startswith("⏰ Nhắc hạn: nhiệm vụ #1 còn 7 ngày làm việc.")
    assert texts[3].startswith("⏰ Hôm nay là hạn nhiệm vụ #1.")
    assert texts[4].startswith("⚠️ Quá hạn: nhiệm vụ #1 đã quá hạn 1 ngày làm việc.")


async def test_deadline_on_a_holiday_is_reminded_the_working_day_before(rig: Rig, db) -> None:
    await _task_due(db, dt.date(2027, 2, 8))  # Mùng ba Tết
    await _walk(rig, dt.date(2027, 2, 1), dt.date(2027, 2, 5), hours=("08:00",))
    assert [k for k, _ in _when(await rig.sent("task.due"), HUNG)] == ["task.due", "task.due"]
    assert _when(await rig.sent("task.due"), HUNG)[-1] == ("task.due", "Wed 03/02 08:00")


async def test_quiet_hours_and_days_missed_while_down(rig: Rig, db) -> None:
    """Due Wed 03/03/2027: 7 working days before is Mon 22/02, 3 before is Fri 26/02."""
    await _task_due(db, dt.date(2027, 3, 3))
    assert await rig.at(local("22/02/2027 21:30")) == 0  # the bot comes up at night: quiet hours
    assert await rig.at(local("23/02/2027 09:00")) == 0  # Monday's reminder is not sent a day late
    assert await rig.at(local("26/02/2027 07:30")) == 0  # before the reminder hour
    assert await rig.at(local("26/02/2027 08:05")) == 2  # 3 working days before (Hùng and his head)
    for moment in ("26/02/2027 08:10", "26/02/2027 11:00", "26/02/2027 13:59"):  # (14:00: check-in)
        assert await rig.at(local(moment)) == 0  # once, however often the tick runs
    assert [w for _, w in _when(await rig.sent("task.due"), HUNG)] == ["Fri 26/02 08:05"]


async def test_finishing_or_extending_withdraws_pending_reminders(rig: Rig, db) -> None:
    task_id = await _task_due(db, dt.date(2027, 3, 10))
    rig.clock.set(local("01/03/2027 08:00"))
    await rig.tick(local("01/03/2027 08:00"))  # queued (7 working days before), not sent yet
    async with db.begin() as session:
        await tasks.change_task(
            session,
            task_id=task_id,
            official_id=None,
            at=local("01/03/2027 08:01"),
            due_on=dt.date(2027, 3, 31),
        )
    while await rig.sender.drain_once():
        pass
    async with db() as session:
        rows = await outbox.list_notifications(session, kinds=["task.due"])
    assert len(rows) == 2  # to Hùng and to the head of his unit, both withdrawn
    assert all(r.sent_at is None and r.cancelled_at is not None and r.last_error == "withdrawn" for r in rows)


async def test_giao_ban_every_monday_and_holiday_mondays_move(rig: Rig) -> None:
    calendar, policy = WorkCalendar(), Policy()
    rig.clock.set(local("20/04/2026 07:00"))
    await _walk(rig, dt.date(2026, 4, 20), dt.date(2026, 5, 12), hours=("08:00", "14:30"))
    await _walk(rig, dt.date(2026, 8, 28), dt.date(2026, 9, 8), hours=("08:00",))
    sent = _when(await rig.sent("meeting.giaoban"), LEADER)
    assert sent == [
        ("meeting.giaoban", "Mon 20/04 08:00"),
        ("meeting.giaoban", "Tue 28/04 08:00"),  # Monday 27/04: Giỗ Tổ Hùng Vương (observed)
        ("meeting.giaoban", "Mon 04/05 08:00"),
        ("meeting.giaoban", "Mon 11/05 08:00"),
        ("meeting.giaoban", "Thu 03/09 08:00"),  # Monday 31/08 off, 01–02/09 National Day
        ("meeting.giaoban", "Mon 07/09 08:00"),
    ]
    assert giao_ban_day(dt.date(2027, 2, 8), calendar, policy) == dt.date(2027, 2, 11)  # Tết week
    moved = [
        r["message"]["text"]
        for r in await rig.client.records(LEADER)
        if "Giao ban" in (r["message"].get("text") or "")
    ]
    assert "Lịch chuyển từ Thứ Hai, 27/04/2026" in moved[1] and "do trùng ngày nghỉ" in moved[1]
    assert _when(await rig.sent("meeting.giaoban"), HUNG) == []  # only the Thường trực and the office


async def test_meeting_preparation_postpone_and_cancel(rig: Rig, db) -> None:
    async with db.begin() as session:
        commune = (await session.exec(select(Official).where(Official.telegram_user_id == HUNG))).one()
        meeting = await meetings.add_meeting(
            session,
            title="Hội nghị Ban Thường vụ",
            starts_at=local("25/05/2026 08:00"),
            items=[("Báo cáo tiến độ xóa nhà tạm", commune.unit_id)],
            now=local("01/05/2026 08:00"),
        )
    await _walk(rig, dt.date(2026, 5, 18), dt.date(2026, 5, 20), hours=("08:00",))
    assert _when(await rig.sent("meeting.prepare"), HUNG) == [("meeting.prepare", "Wed 20/05 08:00")]
    async with db.begin() as session:
        fresh = await session.get(type(meeting), meeting.id)
        await meetings.postpone(
            session, meeting=fresh, to=local("01/06/2026 08:00"), now=local("20/05/2026 09:00")
        )
    await _walk(rig, dt.date(2026, 5, 21), dt.date(2026, 5, 29), hours=("08:00",))
    assert [w for _, w in _when(await rig.sent("meeting.prepare"), HUNG)] == [
        "Wed 20/05 08:00",
        "Wed 27/05 08:00",
        "Fri 29/05 08:00",
    ]  # 3 and 1 working days before 01/06
    async with db.begin() as session:
        fresh = await session.get(type(meeting), meeting.id)
        await meetings.cancel(session, meeting=fresh, now=local("29/05/2026 09:00"))
    assert await rig.at(local("01/06/2026 08:00")) >= 0
    assert _when(await rig.sent("meeting.day"), LEADER) == []


async def test_weekly_checkin_and_reminding_only_the_silent(rig: Rig, db) -> None:
    task_id = await _task_due(db, dt.date(2027, 4, 30))
    async with db.begin() as session:
        commune_id = (
            (await session.exec(select(Official).where(Official.telegram_user_id == HUNG))).one().unit_id
        )
        await add_official_in(session, "Võ Thị Lan", commune_id, 9305)
    await rig.client.send(9305, "/start")
    await rig.at(local("02/04/2027 14:00"))  # Friday
    assert {r.chat_id for r in await rig.sent("checkin")} == {HUNG, HEAD, 9305}
    async with db.begin() as session:  # Hùng answers; Lan and the head do not
        hung = (await session.exec(select(Official).where(Official.telegram_user_id == HUNG))).one()
        await tasks.change_task(
            session, task_id=task_id, official_id=hung.id, at=local("02/04/2027 15:00"), note="Đang thi công"
        )
    await rig.at(local("02/04/2027 16:30"))
    assert {r.chat_id for r in await rig.sent("checkin.again")} == {HEAD, 9305}
    checkin = next(
        r for r in await rig.client.records(9305) if "Báo cáo cuối tuần" in (r["message"].get("text") or "")
    )
    assert "#1 Bàn giao 12 căn nhà" in checkin["message"]["text"]


async def add_official_in(session, name: str, unit_id: int | None, telegram_id: int) -> None:
    from storage import officials

    official = await officials.add_official(
        session, full_name=name, unit_id=unit_id, now=local("01/04/2027 08:00")
    )
    official.telegram_user_id = telegram_id


async def test_office_learns_who_cannot_be_reached(rig: Rig, db, client: EmulatorClient) -> None:
    async with db.begin() as session:
        commune_id = (
            (await session.exec(select(Official).where(Official.telegram_user_id == HUNG))).one().unit_id
        )
        from storage import officials

        await officials.add_official(
            session, full_name="Đỗ Văn Chưa", unit_id=commune_id, now=local("01/03/2027 08:00")
        )
    await client.block(HUNG)  # Hùng blocked the bot: his next reminder bounces with 403
    await _task_due(db, dt.date(2027, 3, 3))
    await rig.at(local("01/03/2027 08:00"))  # a Monday: the weekly list; and 2 days before the deadline
    office = [r["message"].get("text", "") for r in await client.records(ADMIN) if r["kind"] == "send"]
    assert any(
        t.startswith("📵 Chưa kích hoạt nhận nhắc việc (1 cán bộ)") and "Đỗ Văn Chưa — chưa kích hoạt" in t
        for t in office
    )
    head = [r["message"]["text"] for r in await client.records(HEAD) if r["kind"] == "send"]
    assert any("Đỗ Văn Chưa" in t and "Đề nghị đồng chí nhắc" in t for t in head)
    await rig.at(local("02/03/2027 08:00"))  # the 1-day reminder to Hùng bounces: he blocked the bot
    async with db() as session:
        hung = (await session.exec(select(Official).where(Official.telegram_user_id == HUNG))).one()
    assert hung.reachable is False
    office = [r["message"].get("text", "") for r in await client.records(ADMIN) if r["kind"] == "send"]
    assert any(t.startswith("📵 Cán bộ Nguyễn Văn Hùng (Xã Long Hiệp) đã chặn bot") for t in office)


# --- crashes around sending, and two senders ----------------------------------------------------


class CrashAfterSend(Sender):
    """A sender whose process dies after Telegram accepted the message, before it is marked."""

    async def _mark_sent(self, notification: Notification, message: Message) -> None:
        raise asyncio.CancelledError("killed between send and mark")


async def _queue(db, n: int, start: int = 700_000) -> list[int]:
    chats = list(range(start, start + n))
    async with db.begin() as session:
        for chat in chats:
            await outbox.enqueue(
                session,
                chat_id=chat,
                kind="test",
                dedupe_key=f"test:{chat}",
                payload={"text": f"Nhắc việc số {chat}"},
                due_at=local("01/03/2027 08:00"),
            )
    return chats


async def test_crash_between_claim_and_send_loses_nothing(rig: Rig, db, client: EmulatorClient) -> None:
    chat = (await _queue(db, 1))[0]
    await client.send(chat, "/start")
    rig.clock.set(local("01/03/2027 08:00"))
    async with db.begin() as session:
        assert len(await outbox.claim_due(session, now=rig.clock.now())) == 1  # claimed, then the crash
    assert await rig.sender.drain_once() == 0  # still claimed by the dead sender
    rig.clock.advance(minutes=3)  # the claim expires
    assert await rig.sender.drain_once() == 1
    assert [r["message"]["text"] for r in await client.records(chat) if r["kind"] == "send"] == [
        f"Nhắc việc số {chat}"
    ]


async def test_crash_between_send_and_mark_sends_at_most_one_duplicate(
    rig: Rig, db, client: EmulatorClient, emulator: Emulator
) -> None:
    chat = (await _queue(db, 1))[0]
    await client.send(chat, "/start")
    rig.clock.set(local("01/03/2027 08:00"))
    async with Bot(TEST_TOKEN, base_url=f"{emulator.base_url}/bot") as bot:
        dying = CrashAfterSend(bot, rig.services, pacer=Pacer(1000, private_gap=0))
        with pytest.raises(asyncio.CancelledError):
            await dying.drain_once()
    rig.clock.advance(minutes=3)
    assert await rig.sender.drain_once() == 1
    sent = [r for r in await client.records(chat) if r["kind"] == "send"]
    assert len(sent) == 2  # the documented duplicate: Telegram had it, the mark was lost
    async with db() as session:
        row = (await session.exec(select(Notification))).one()
    assert row.sent_at is not None and row.attempts == 2


async def test_two_senders_on_one_database_send_each_once(
    rig: Rig, db, database_url: str, client: EmulatorClient, emulator: Emulator
) -> None:
    chats = await _queue(db, 200)
    for chat in chats:
        await client.send(chat, "/start")
    rig.clock.set(local("01/03/2027 08:00"))
    other_engine = create_engine(database_url)  # a second process: its own engine, its own Bot
    other = Services(settings=rig.services.settings, db=session_factory(other_engine), clock=rig.clock)
    async with Bot(TEST_TOKEN, base_url=f"{emulator.base_url}/bot") as bot:
        first = Sender(rig.sender.bot, rig.services, pacer=Pacer(400, private_gap=0), batch=10)
        second = Sender(bot, other, pacer=Pacer(400, private_gap=0), batch=10)
        if database_url.startswith("postgresql"):
            # SKIP LOCKED, shown deterministically: while one sender's claim is still open, the
            # other claims different rows instead of waiting or taking the same ones.
            async with rig.services.db.begin() as holding:
                held = {n.id for n in await outbox.claim_due(holding, now=rig.clock.now(), limit=10)}
                async with other.db.begin() as session:
                    taken = {n.id for n in await outbox.claim_due(session, now=rig.clock.now(), limit=10)}
                assert len(held) == len(taken) == 10 and not held & taken
                await holding.rollback()  # as if that sender died: its rows become claimable again
            async with other.db.begin() as session:
                await session.exec(update(Notification).values(claimed_until=None, attempts=0))

        async def drain(sender: Sender) -> None:
            # Like Sender.run: an empty claim (the other sender holds the rows) is not the end.
            while True:
                if not await sender.drain_once():
                    async with sender.services.db() as session:
                        if await outbox.pending_count(session) == 0:
                            return
                    await asyncio.sleep(0.01)

        await asyncio.gather(drain(first), drain(second))
    await other_engine.dispose()
    per_chat = {chat: 0 for chat in chats}
    for record in await client.records():
        if record["kind"] == "send" and record["chat_id"] in per_chat:
            per_chat[record["chat_id"]] += 1
    assert set(per_chat.values()) == {1}
    assert first.sent + second.sent == 200
    async with db() as session:
        assert all(
            r.sent_at for r in (await session.exec(select(Notification).order_by(col(Notification.id)))).all()
        )


async def test_429_is_answered_by_rescheduling(rig: Rig, db, client: EmulatorClient) -> None:
    chat = (await _queue(db, 1))[0]
    await client.send(chat, "/start")
    await client.fault("sendMessage", retry_after=5, times=1)
    rig.clock.set(local("01/03/2027 08:00"))
    assert await rig.sender.drain_once() == 1
    async with db() as session:
        row = (await session.exec(select(Notification))).one()
    assert row.sent_at is None and row.claimed_until == local("01/03/2027 08:00") + dt.timedelta(seconds=5)
    rig.clock.advance(seconds=4)
    assert await rig.sender.drain_once() == 0  # held until retry_after has passed
    rig.clock.advance(seconds=1)
    assert await rig.sender.drain_once() == 1
    assert len([r for r in await client.records(chat) if r["kind"] == "send"]) == 1
