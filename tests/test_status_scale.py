"""/status of a commune reads only what it shows (issue 13) and says exactly what it said when it
read every row: compared, on both databases, with the text made from the whole lists, on
communes at the edges (ties in the deadlines, more than 15 in a section, nothing blocked, no
reports, no tasks)."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import SecretStr
from sqlalchemy import insert
from sqlmodel import select

from bot.config import Settings
from bot.context import Services
from domain import status_texts
from domain.status_texts import Shown, UnitStatus
from domain.statuses import OPEN_STATUSES, TaskStatus
from handlers.status import unit_status_lines
from storage import reports, status_queries
from storage.models import ExtensionRequest, Task, TaskUpdate
from tests.conftest import TEST_TOKEN
from tests.factories import TestClock, add_official, add_unit

NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)  # Monday 23/11/2026, 10:00 in Hanoi
TODAY = dt.date(2026, 11, 23)
OPEN = sorted(OPEN_STATUSES)  # cycled so that tied deadlines fall in different statuses


def _services(db) -> Services:  # type: ignore[no-untyped-def]
    settings = Settings(telegram_bot_token=SecretStr(TEST_TOKEN), _env_file=None)  # type: ignore[call-arg]
    return Services(settings=settings, db=db, clock=TestClock(NOW))


async def _busy_commune(db, name: str) -> int:  # type: ignore[no-untyped-def]
    """20 overdue (three deadlines, tied across statuses), 18 due this week, 19 blocked (four
    without a deadline), done on time, late and after an extension, reports and system notes."""
    unit = await add_unit(db, name)
    official = await add_official(db, "Nguyễn Văn Hùng", unit=unit)
    day = dt.timedelta(days=1)
    rows = []
    for n in range(20):
        rows.append((f"Quá hạn {n}", TODAY - (5 + n % 3) * day, OPEN[(n * 2) % 5], None))
    for n in range(18):
        rows.append((f"Trong tuần {n}", TODAY + (n % 3) * day, OPEN[(n * 3) % 5], None))
    for n in range(15):
        rows.append((f"Vướng {n}", TODAY + (10 + n % 2) * day, TaskStatus.BLOCKED, None))
    for n in range(4):
        rows.append((f"Vướng không hạn {n}", None, TaskStatus.BLOCKED, None))
    for n in range(6):
        finished = NOW - dt.timedelta(days=3) if n % 2 else NOW - dt.timedelta(days=30)
        rows.append((f"Xong {n}", TODAY - 20 * day, TaskStatus.DONE, finished))
    for n in range(5):
        rows.append((f"Còn hạn {n}", TODAY + 30 * day, OPEN[n % 5], None))
    async with db.begin() as session:
        ids = []
        for title, due, status, finished in rows:
            task = Task(
                title=title,
                lead_unit_id=unit.id or 0,
                due_on=due,
                original_due_on=due - 7 * day if due and title.endswith(("3", "7")) else due,
                status=status,
                completed_at=finished,
                reported_done_at=finished if title.endswith("1") else None,
            )
            session.add(task)
            await session.flush()
            ids.append(task.id or 0)
        blocked = [t for t, row in zip(ids, rows, strict=True) if row[2] == TaskStatus.BLOCKED]
        notes = []
        for k, task_id in enumerate(blocked * 2):  # two reasons each: the newer one is shown
            if task_id % 4:  # some blocked tasks gave no reason
                note = f"lý do {k} của #{task_id}"
                notes.append({"task_id": task_id, "new_status": "blocked", "note": note})
        for task_id in blocked[::5]:  # a later request (since refused) is not a blocker's reason
            notes.append({"task_id": task_id, "new_status": "extension_requested", "note": "xin gia hạn"})
        for k, task_id in enumerate(ids[::3]):  # progress reports after them, and system notes
            notes.append({"task_id": task_id, "official_id": official.id, "note": f"báo cáo {k}"})
            notes.append({"task_id": task_id, "official_id": None, "note": "hệ thống"})
        for k, row in enumerate(notes):
            row.setdefault("official_id", official.id)
            row["at"] = NOW - dt.timedelta(hours=len(notes) - k)
        await session.exec(insert(TaskUpdate), params=notes)  # type: ignore[call-overload]
        session.add(
            ExtensionRequest(
                task_id=ids[1],
                requested_due_on=TODAY + 10 * day,
                reason="chờ vốn",
                previous_status=TaskStatus.IN_PROGRESS,
                status="pending",
                at=NOW - dt.timedelta(days=1),
            )
        )
    return unit.id or 0


async def _quiet_commune(db, name: str) -> int:  # type: ignore[no-untyped-def]
    """Two overdue tasks, one on track, nothing blocked, and no report."""
    unit = await add_unit(db, name)
    async with db.begin() as session:
        for n, due in enumerate((TODAY - dt.timedelta(days=2), TODAY - dt.timedelta(days=2), TODAY)):
            session.add(Task(title=f"Việc {n}", lead_unit_id=unit.id or 0, due_on=due, status="new"))
    return unit.id or 0


async def _reporting_commune(db, name: str) -> int:  # type: ignore[no-untyped-def]
    """One task and the province's three newest reports."""
    unit = await add_unit(db, name)
    official = await add_official(db, "Lê Văn Ba", unit=unit)
    async with db.begin() as session:
        task = Task(title="Việc báo cáo nhiều", lead_unit_id=unit.id or 0, due_on=TODAY, status="in_progress")
        session.add(task)
        await session.flush()
        for n in range(3):
            at = NOW - dt.timedelta(minutes=3 - n)
            session.add(TaskUpdate(task_id=task.id or 0, official_id=official.id, at=at, note=f"mới {n}"))
    return unit.id or 0


async def _whole_lists(services: Services, unit_id: int) -> tuple[list[str], list[int]]:
    """The text as /status made it when it read every row of every section (the digest's functions)."""
    today, zone, calendar = services.today(), services.settings.tz, services.settings.work_calendar()
    monday = today - dt.timedelta(days=today.weekday())
    async with services.db() as session:
        counts = await reports.unit_counts(
            session, today=today, zone=zone, unit_ids=[unit_id], calendar=calendar
        )
        overdue = await reports.overdue_lines(session, today=today, unit_id=unit_id, calendar=calendar)
        due = await reports.due_between(
            session, start=today, end=monday + dt.timedelta(days=6), unit_id=unit_id
        )
        blocked = await reports.blockers(session, unit_id=unit_id)
        extensions = await reports.pending_extensions(session, unit_id=unit_id)
        latest = await _every_report(session, unit_id)
    name = (counts[0].name if counts else None) or "?"
    status = UnitStatus(
        name,
        counts[0] if counts else None,
        *(Shown.every(x) for x in (overdue, due, blocked, extensions, latest)),
        [],
    )
    ids = [x.task_id for x in (*extensions, *overdue, *due, *blocked)]
    return status_texts.unit_status(status, today, zone=zone), ids


async def _every_report(session, unit_id: int) -> list[reports.TaskLine]:  # type: ignore[no-untyped-def]
    """The unit's five newest reports, picked from every report of the province."""
    own = set((await session.exec(select(Task.id).where(Task.lead_unit_id == unit_id))).all())
    every = await status_queries.latest_updates(session, unit_id=None, limit=100_000)
    return [line for line in every if line.task_id in own][:5]


@pytest.mark.parametrize("window", [status_queries.RECENT, 3])
async def test_status_says_what_the_whole_lists_said(db, monkeypatch, window: int) -> None:  # type: ignore[no-untyped-def]
    """The same lines, numbers and order, and the same buttons, whether a commune's newest reports
    are found among the province's newest (window) or, for a quiet commune, task by task."""
    monkeypatch.setattr(status_queries, "RECENT", window)
    busy = await _busy_commune(db, "Xã Long Hiệp")
    quiet = await _quiet_commune(db, "Xã Long Hựu")
    empty = (await add_unit(db, "Xã Tân Thành")).id or 0
    newest = await _reporting_commune(db, "Xã Mỹ Yên")  # the province's newest reports are its own
    services = _services(db)
    for unit_id in (busy, quiet, empty, newest):
        lines, ids = await unit_status_lines(services, unit_id, None)
        old_lines, old_ids = await _whole_lists(services, unit_id)
        if unit_id == empty:
            old_lines[0] = old_lines[0].replace("?", "Xã Tân Thành")
        assert lines == old_lines, unit_id
        assert list(dict.fromkeys(ids))[:10] == list(dict.fromkeys(old_ids))[:10]
    text = "\n".join((await unit_status_lines(services, busy, None))[0])
    # The edges are there: more than 15 listed, tied deadlines, blocked without a deadline.
    for heading in (
        "⚠️ <b>Quá hạn</b> (20)",
        "⏰ <b>Đến hạn trong tuần</b> (18)",
        "… và 5 nhiệm vụ khác.",
    ):
        assert heading in text, heading
    assert "🚧" not in "\n".join((await unit_status_lines(services, quiet, None))[0])


async def test_blocked_reason_is_the_newest_blocker_report(db) -> None:  # type: ignore[no-untyped-def]
    """A shown blocked task says its newest blocker reason, not a later progress note."""
    unit_id = await _busy_commune(db, "Xã Long Hiệp")
    async with db() as session:
        shown = await status_queries.blocked_of(session, unit_id=unit_id, limit=15)
        every = await reports.blockers(session, unit_id=unit_id)
    assert shown.total == len(every) > 15
    assert [(x.task_id, x.note) for x in shown.lines] == [(x.task_id, x.note) for x in every[:15]]
    assert any(x.note for x in shown.lines) and any(not x.note for x in shown.lines)
