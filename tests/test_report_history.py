"""A past month's report counts each task as it stood at the end of that month: its status, its
completion report and its deadline then, read back from the history the task flow records; tasks
given after the month are not in it. Changes go through storage.tasks as the buttons make them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from domain.dates import Due
from domain.programmes import XOA_NHA_TAM
from domain.report import Month, count
from domain.statuses import Outcome, Role, TaskStatus, UnitKind
from domain.workdays import WorkCalendar
from storage import report_data, reports, task_extensions, tasks
from tests.factories import add_official, add_unit

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = WorkCalendar()
TODAY = dt.date(2026, 12, 15)


def at(day: int, month: int) -> dt.datetime:
    """09:00 in Hanoi on that day of 2026."""
    return dt.datetime(2026, month, day, 9, 0, tzinfo=HANOI)


async def _report(db, month: Month):  # type: ignore[no-untyped-def]
    async with db() as session:
        return await report_data.monthly_report_data(
            session, month=month, today=TODAY, zone=HANOI, programme=XOA_NHA_TAM, calendar=CALENDAR
        )


async def _world(db):  # type: ignore[no-untyped-def]
    province = await add_unit(db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    commune = await add_unit(db, "Xã Long Hiệp", parent_id=province.id)
    official = await add_official(db, "Nguyễn Văn Hùng", unit=commune)
    leader = await add_official(db, "Trần Văn Minh", unit=province, role=Role.LEADER)
    return commune.id, official.id, leader.id


async def _task(session, unit_id: int, title: str, due: dt.date, given: dt.datetime, **extra):  # type: ignore[no-untyped-def]
    task = await tasks.add_task(
        session, title=title, lead_unit_id=unit_id, now=given, due=Due(due, f"{due:%d/%m/%Y}"), **extra
    )
    return task.id


async def test_a_past_month_counts_each_task_as_it_stood_at_its_end(db) -> None:  # type: ignore[no-untyped-def]
    unit_id, official, leader = await _world(db)
    async with db.begin() as session:
        given = at(2, 11)
        confirmed = await _task(session, unit_id, "Báo cáo sơ kết", dt.date(2026, 11, 25), given)
        direct = await _task(
            session, unit_id, "Rà soát hộ nghèo", dt.date(2026, 11, 20), given, needs_confirmation=False
        )
        blocked = await _task(session, unit_id, "Khảo sát nhà tạm", dt.date(2026, 12, 30), given)
        extended = await _task(session, unit_id, "Bàn giao nhà", dt.date(2026, 11, 27), given)
        reopened = await _task(
            session, unit_id, "Tổng kết quý", dt.date(2026, 10, 30), at(1, 10), needs_confirmation=False
        )

    async def change(task_id: int, when: dt.datetime, status: str, **fields: object) -> None:
        async with db.begin() as session:
            await tasks.change_task(
                session, task_id=task_id, official_id=official, at=when, new_status=status, **fields
            )

    # Reported done on 29/11, confirmed by the office on 10/12: awaiting confirmation on 30/11.
    await change(confirmed, at(29, 11), TaskStatus.AWAITING_CONFIRMATION, reported_done_at=at(29, 11))
    await change(confirmed, at(10, 12), TaskStatus.DONE, completed_at=at(29, 11))
    # Finished on 10/12 without confirmation: still open, and overdue, on 30/11.
    await change(direct, at(10, 12), TaskStatus.DONE, reported_done_at=at(10, 12), completed_at=at(10, 12))
    # Blocked on 28/11, back to work on 5/12.
    await change(blocked, at(28, 11), TaskStatus.BLOCKED, note="Thiếu mặt bằng")
    await change(blocked, at(5, 12), TaskStatus.IN_PROGRESS)
    # An extension asked on 26/11 (to 15/12), approved on 2/12: November keeps the deadline 27/11.
    async with db.begin() as session:
        task = await tasks.get_task(session, task_id=extended)
        assert task is not None
        request = await task_extensions.add_extension_request(
            session,
            task=task,
            official_id=official,
            due_on=dt.date(2026, 12, 15),
            reason="Chờ vốn",
            previous_status=TaskStatus.NEW,
            at=at(26, 11),
        )
    await change(extended, at(26, 11), TaskStatus.EXTENSION_REQUESTED)
    async with db.begin() as session:
        await task_extensions.decide_extension(
            session, request_id=request.id or 0, approve=True, decider_id=leader, at=at(2, 12)
        )
    # Finished in October, reopened on 3/12: not November's work.
    await change(reopened, at(20, 10), TaskStatus.DONE, reported_done_at=at(20, 10), completed_at=at(20, 10))
    await change(reopened, at(3, 12), TaskStatus.IN_PROGRESS, reported_done_at=None, completed_at=None)
    await change(reopened, at(8, 12), TaskStatus.BLOCKED, note="Chờ kinh phí")

    november = await _report(db, Month(2026, 11))
    stood = {t.title: (t.status, t.outcome, t.due_on) for t in november.tasks}
    assert stood == {
        "Báo cáo sơ kết": (TaskStatus.AWAITING_CONFIRMATION, Outcome.OVERDUE, dt.date(2026, 11, 25)),
        "Rà soát hộ nghèo": (TaskStatus.NEW, Outcome.OVERDUE, dt.date(2026, 11, 20)),
        "Khảo sát nhà tạm": (TaskStatus.BLOCKED, Outcome.ON_TRACK, dt.date(2026, 12, 30)),
        "Bàn giao nhà": (TaskStatus.EXTENSION_REQUESTED, Outcome.OVERDUE, dt.date(2026, 11, 27)),
    }
    assert [(i.title, i.decision) for i in november.extensions] == [("Bàn giao nhà", "pending")]
    assert [(i.title, i.note) for i in november.blockers] == [("Khảo sát nhà tạm", "Thiếu mặt bằng")]
    assert [i.title for i in november.next_month] == ["Khảo sát nhà tạm"]  # "Bàn giao nhà": 27/11 then
    # October, as of 31/10: the reopened task was finished on time then; the others came later.
    october = {t.title: t.outcome for t in (await _report(db, Month(2026, 10))).tasks}
    assert october == {"Tổng kết quý": Outcome.DONE_ON_TIME}  # the others were given on 2/11

    # December, the running month: today's statuses and deadlines, as /status counts them, less
    # the task finished in November.
    december = await _report(db, Month(2026, 12))
    now = {t.title: (t.status, t.outcome, t.due_on) for t in december.tasks}
    assert "Báo cáo sơ kết" not in now
    assert now["Rà soát hộ nghèo"] == (TaskStatus.DONE, Outcome.DONE_LATE, dt.date(2026, 11, 20))
    assert now["Khảo sát nhà tạm"] == (TaskStatus.IN_PROGRESS, Outcome.ON_TRACK, dt.date(2026, 12, 30))
    assert now["Bàn giao nhà"] == (TaskStatus.NEW, Outcome.ON_TRACK, dt.date(2026, 12, 15))
    assert now["Tổng kết quý"][:2] == (TaskStatus.BLOCKED, Outcome.OVERDUE)
    # "Khảo sát nhà tạm": blocked in November, back to work on 5/12.
    assert [(i.title, i.note) for i in december.blockers] == [("Tổng kết quý", "Chờ kinh phí")]
    async with db() as session:
        (status,) = await reports.unit_counts(session, today=TODAY, zone=HANOI, calendar=CALENDAR)
    expected = count(december.tasks)
    expected[Outcome.DONE_LATE] += 1
    assert status.outcomes == {o: n for o, n in expected.items() if n}


async def test_tasks_given_after_the_month_are_not_in_it(db) -> None:  # type: ignore[no-untyped-def]
    unit_id, _official, _leader = await _world(db)
    async with db.begin() as session:
        await _task(session, unit_id, "Kiểm tra cuối năm", dt.date(2026, 11, 20), at(30, 11))
        await _task(session, unit_id, "Rà soát đầu tháng", dt.date(2026, 12, 18), at(5, 12))
    november = await _report(db, Month(2026, 11))
    assert [(t.title, t.outcome) for t in november.tasks] == [("Kiểm tra cuối năm", Outcome.OVERDUE)]
    assert not november.next_month  # nor among the next month's work it announces
    december = await _report(db, Month(2026, 12))
    assert sorted(t.title for t in december.tasks) == ["Kiểm tra cuối năm", "Rà soát đầu tháng"]
