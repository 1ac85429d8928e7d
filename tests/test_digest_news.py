"""What is new for the giao ban: blockers of the week whatever came after them, and pending extensions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from domain import digest
from domain.dates import Due
from domain.programmes import XOA_NHA_TAM
from domain.statuses import TaskStatus, UnitKind
from domain.workdays import WorkCalendar
from emulator.client import EmulatorClient
from storage import digest_data, task_extensions, tasks, units
from storage.models import Official
from tests.conftest import RunningBot
from tests.district import LEADER, NOW, seed_district
from tests.factories import say
from tests.test_tasks_e2e import buttons

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.date(2026, 11, 23)


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, 0, tzinfo=HCM)


async def _task(session, unit_id: int, title: str):  # type: ignore[no-untyped-def]
    due = dt.date(2026, 11, 30)
    return await tasks.add_task(
        session, title=title, lead_unit_id=unit_id, now=at(1, 8), due=Due(due, f"{due:%d/%m/%Y}")
    )


async def _seed(db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    async with db.begin() as session:
        unit = await units.add_unit(session, name="Xã Long Hiệp", kind=UnitKind.COMMUNE)
        official = Official(full_name="Cán bộ", name_key="can bo", unit_id=unit.id, role="official")
        session.add(official)
        await session.flush()
        ids = {}

        async def change(task_id: int, when: dt.datetime, status: str, note: str) -> None:
            await tasks.change_task(
                session, task_id=task_id, official_id=official.id, at=when, new_status=status, note=note
            )

        # Blocked this morning, then an extension asked on the same task an hour later.
        then_extended = await _task(session, unit.id or 0, "Vướng rồi xin gia hạn")
        await change(then_extended.id or 0, at(23, 7), TaskStatus.BLOCKED, "thiếu mặt bằng")
        await change(then_extended.id or 0, at(23, 8), TaskStatus.EXTENSION_REQUESTED, "xin gia hạn")
        await task_extensions.add_extension_request(
            session,
            task=then_extended,
            official_id=official.id or 0,
            due_on=dt.date(2026, 12, 13),
            reason="chờ vốn",
            previous_status=TaskStatus.BLOCKED,
            at=at(23, 8),
        )
        ids["then_extended"] = then_extended.id or 0
        # Blocked last Wednesday and still blocked.
        still = await _task(session, unit.id or 0, "Vướng tuần trước")
        await change(still.id or 0, at(18, 9), TaskStatus.BLOCKED, "chờ ý kiến huyện")
        ids["still"] = still.id or 0
        # Blocked two weeks ago: not news.
        old = await _task(session, unit.id or 0, "Vướng từ lâu")
        await change(old.id or 0, at(9, 9), TaskStatus.BLOCKED, "vướng cũ")
        # Blocked last week, finished since: resolved, not an open blocker.
        done = await _task(session, unit.id or 0, "Vướng rồi xong")
        await change(done.id or 0, at(17, 9), TaskStatus.BLOCKED, "vướng đã gỡ")
        await change(done.id or 0, at(19, 9), TaskStatus.DONE, "xong")
    return ids


async def test_new_blockers_count_a_blocker_followed_by_an_extension_request(db) -> None:  # type: ignore[no-untyped-def]
    ids = await _seed(db)
    async with db() as session:
        data = await digest_data.build_digest(
            session,
            day=MONDAY,
            zone=HCM,
            programme=XOA_NHA_TAM,
            working_days_left=None,
            calendar=WorkCalendar(),
        )
    assert sorted(line.task_id for line in data.new_blockers) == sorted([ids["then_extended"], ids["still"]])
    assert {line.note for line in data.new_blockers} == {"thiếu mặt bằng", "chờ ý kiến huyện"}
    assert [line.task_id for line in data.extensions] == [ids["then_extended"]]
    text = "\n".join(digest.compose(data))
    assert "🚧 <b>Vướng mắc mới</b> (2)" in text and "thiếu mặt bằng" in text
    assert "📅 <b>Đề nghị gia hạn chờ quyết định</b> (1)" in text
    assert f"• #{ids['then_extended']} Vướng rồi xin gia hạn — Xã Long Hiệp, hạn 30/11/2026; " in text
    assert "xin đến 13/12/2026: chờ vốn" in text
    counts_only = "\n".join(digest.compose(data, detail=digest.COUNTS_ONLY))
    assert "Vướng mắc mới</b> (2)" in counts_only and "chờ quyết định</b> (1)" in counts_only
    assert "chờ vốn" not in counts_only


async def test_status_overview_lists_pending_extensions(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    """A leader whose push was lost finds every undecided request in /status, with its button."""
    running_bot.clock.set(NOW)
    district = await seed_district(bot_db)
    for user in (LEADER, *district.officials.values()):
        await say(client, user, "/start")
    replies = await say(client, LEADER, "/status")
    text = "\n".join(r["message"]["text"] for r in replies)
    assert "📅 Đề nghị gia hạn chờ quyết định (6) — bấm số nhiệm vụ để quyết định." in text
    assert text.count("xin đến 13/12/2026: chờ vốn") == 6
    assert len(buttons(replies[-1])) == 6 and all(label.startswith("#") for label in buttons(replies[-1]))
    detail = (await say(client, LEADER, "/status long hiep"))[-1]
    assert "📅 Đang xin gia hạn (2)" in detail["message"]["text"]
    requested = [line.split()[1] for line in detail["message"]["text"].splitlines() if "chờ vốn" in line]
    assert list(buttons(detail))[:2] == requested  # the requests waiting on a decision come first


async def test_a_digest_made_mid_week_lists_a_missed_deadline_once(db) -> None:  # type: ignore[no-untyped-def]
    """/digest on Wednesday: a task due Monday and still open is overdue, not also 'due this week';
    one due Friday is due this week."""
    async with db.begin() as session:
        unit = await units.add_unit(session, name="Xã Long Hiệp", kind=UnitKind.COMMUNE)
        for title, due in (("Hạn thứ Hai", dt.date(2026, 11, 23)), ("Hạn thứ Sáu", dt.date(2026, 11, 27))):
            await tasks.add_task(
                session, title=title, lead_unit_id=unit.id or 0, now=at(1, 8), due=Due(due, "-")
            )
    async with db() as session:
        data = await digest_data.build_digest(
            session,
            day=dt.date(2026, 11, 25),
            zone=HCM,
            programme=XOA_NHA_TAM,
            working_days_left=None,
            calendar=WorkCalendar(),
        )
    assert [line.title for line in data.overdue] == ["Hạn thứ Hai"]
    assert [line.title for line in data.due_this_week] == ["Hạn thứ Sáu"]
