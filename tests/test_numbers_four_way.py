"""The four-way count that reports run (SQL) is the domain rule, on a table of edge cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from domain.dates import Due
from domain.statuses import Outcome, TaskStatus, UnitKind
from domain.task_texts import TaskView, due_line
from domain.tasks import days_overdue, is_overdue, outcome
from domain.workdays import WorkCalendar
from storage import reports, task_extensions, tasks, units
from storage.models import Official

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.date(2026, 11, 23)  # a Monday
CREATED = dt.datetime(2026, 10, 1, 1, 0, tzinfo=dt.UTC)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), HCM)


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


@dataclass(frozen=True)
class Case:
    name: str
    status: TaskStatus
    due: int | None  # days from today
    expected: Outcome
    reported: dt.datetime | None = None  # the official's completion message
    confirmed: dt.datetime | None = None  # when the office confirmed it (completed_at)
    extension: tuple[int, bool] | None = None  # (requested due, approved?)


CASES = (
    Case("done in the morning of the due day", TaskStatus.DONE, -3, Outcome.DONE_ON_TIME, local(day(-3), 9)),
    Case("done at 23:30 on the due day", TaskStatus.DONE, -3, Outcome.DONE_ON_TIME, local(day(-3), 23, 30)),
    # 00:30 local is still the due day in UTC: the local day must count.
    Case("done at 00:30 the day after", TaskStatus.DONE, -3, Outcome.DONE_LATE, local(day(-2), 0, 30)),
    Case("done the day before", TaskStatus.DONE, -3, Outcome.DONE_ON_TIME, local(day(-4), 15)),
    Case("done five days late", TaskStatus.DONE, -8, Outcome.DONE_LATE, local(day(-3), 10)),
    Case("done, no deadline", TaskStatus.DONE, None, Outcome.DONE_ON_TIME, local(day(-1), 10)),
    Case(
        "reported on the due day, confirmed the day after",
        TaskStatus.DONE,
        -3,
        Outcome.DONE_ON_TIME,
        local(day(-3), 16),
        confirmed=local(day(-2), 9),
    ),
    Case("open, due today", TaskStatus.IN_PROGRESS, 0, Outcome.ON_TRACK),
    Case("new, due today", TaskStatus.NEW, 0, Outcome.ON_TRACK),
    Case("open, due yesterday", TaskStatus.IN_PROGRESS, -1, Outcome.OVERDUE),
    Case("new, due tomorrow", TaskStatus.NEW, 1, Outcome.ON_TRACK),
    Case("blocked, no deadline", TaskStatus.BLOCKED, None, Outcome.ON_TRACK),
    Case("awaiting confirmation, due yesterday", TaskStatus.AWAITING_CONFIRMATION, -1, Outcome.OVERDUE),
    Case("extension asked, not decided", TaskStatus.IN_PROGRESS, -2, Outcome.OVERDUE, extension=(7, None)),  # type: ignore[arg-type]
    Case("extension approved", TaskStatus.IN_PROGRESS, -2, Outcome.ON_TRACK, extension=(7, True)),
    Case("extension rejected", TaskStatus.IN_PROGRESS, -2, Outcome.OVERDUE, extension=(7, False)),
    Case(
        "extension approved, done between the two deadlines",
        TaskStatus.DONE,
        -10,
        Outcome.DONE_ON_TIME,
        local(day(-5), 10),
        extension=(-4, True),
    ),
    Case(
        "extension rejected, done between the two deadlines",
        TaskStatus.DONE,
        -10,
        Outcome.DONE_LATE,
        local(day(-5), 10),
        extension=(-4, False),
    ),
)


async def _seed(db, case: Case) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """One unit per case, so that the per-unit counts show each case's classification alone."""
    async with db.begin() as session:
        unit = await units.add_unit(session, name=f"Xã {case.name}", kind=UnitKind.COMMUNE)
        official = Official(full_name="Cán bộ", name_key="can bo", unit_id=unit.id, role="official")
        session.add(official)
        due = day(case.due) if case.due is not None else None
        task = await tasks.add_task(
            session,
            title=case.name,
            lead_unit_id=unit.id or 0,
            now=CREATED,
            due=Due(due, f"{due:%d/%m/%Y}") if due else None,
        )
        await session.flush()
        if case.extension is not None:
            wanted, approve = case.extension
            request = await task_extensions.add_extension_request(
                session,
                task=task,
                official_id=official.id or 0,
                due_on=day(wanted),
                reason="chờ vốn",
                previous_status=TaskStatus.IN_PROGRESS,
                at=CREATED,
            )
            if approve is not None:
                await task_extensions.decide_extension(
                    session,
                    request_id=request.id or 0,
                    approve=approve,
                    decider_id=official.id or 0,
                    at=CREATED,
                )
        await session.refresh(task)
        task.status = case.status
        task.reported_done_at = case.reported
        task.completed_at = case.confirmed or case.reported
        return unit.id or 0, task.id or 0


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_domain_rule_on_the_table(case: Case) -> None:
    """The domain rule alone, against the deadline storage keeps (moved only by an approval)."""
    due = day(case.due) if case.due is not None else None
    if case.extension and case.extension[1]:
        due = day(case.extension[0])
    done_on = (case.reported or case.confirmed).astimezone(HCM).date() if case.reported else None
    assert outcome(due, case.status, done_on, TODAY) == case.expected


async def test_report_sql_classifies_the_table_like_the_rule(db) -> None:  # type: ignore[no-untyped-def]
    """unit_counts, the SQL every report runs, puts each case where the table says."""
    seeded = {case.name: await _seed(db, case) for case in CASES}
    async with db() as session:
        counts = await reports.unit_counts(session, today=TODAY, zone=HCM, calendar=WorkCalendar())
        stored = {t.id: t for t in await _tasks(session, [task_id for _, task_id in seeded.values()])}
    by_unit = {c.unit_id: c for c in counts}
    got, wanted, from_rule = {}, {}, {}
    for case in CASES:
        unit_id, task_id = seeded[case.name]
        outcomes = by_unit[unit_id].outcomes
        assert sum(outcomes.values()) == 1, case.name
        got[case.name] = next(kind for kind, n in outcomes.items() if n)
        wanted[case.name] = case.expected
        task = stored[task_id]
        finished = task.reported_done_at or task.completed_at
        from_rule[case.name] = outcome(
            task.due_on, task.status, finished.astimezone(HCM).date() if finished else None, TODAY
        )
    assert got == wanted
    assert from_rule == wanted  # the domain rule, on what storage kept, agrees with the SQL


async def _tasks(session, ids):  # type: ignore[no-untyped-def]
    from sqlmodel import col, select

    from storage.models import Task

    return (await session.exec(select(Task).where(col(Task.id).in_(ids)))).all()


async def test_extended_tasks_are_counted_and_the_card_keeps_the_original(db) -> None:  # type: ignore[no-untyped-def]
    approved = next(c for c in CASES if c.name == "extension approved")
    rejected = next(c for c in CASES if c.name == "extension rejected")
    approved_unit, approved_task = await _seed(db, approved)
    rejected_unit, _ = await _seed(db, rejected)
    async with db() as session:
        counts = {
            c.unit_id: c
            for c in await reports.unit_counts(
                session, today=TODAY, zone=HCM, unit_ids=[approved_unit, rejected_unit]
            )
        }
        task = (await _tasks(session, [approved_task]))[0]
        view = await tasks.task_view(session, task=task)
    assert counts[approved_unit].extended == 1 and counts[rejected_unit].extended == 0
    assert isinstance(view, TaskView)
    line = due_line(view, TODAY)
    assert "Hạn: <b>30/11/2026</b>" in line and "đã gia hạn từ 21/11/2026" in line


async def test_overdue_lines_use_the_same_boundary_and_working_days(db) -> None:  # type: ignore[no-untyped-def]
    for case in CASES:
        await _seed(db, case)
    async with db() as session:
        lines = await reports.overdue_lines(session, today=TODAY, calendar=WorkCalendar())
    assert sorted(line.title for line in lines) == sorted(
        c.name for c in CASES if c.expected == Outcome.OVERDUE
    )
    ages = {line.title: line.days_overdue for line in lines}
    # Due on the weekend (21/11, 22/11): Monday is the first working day late; the rejected
    # extension left the deadline where it was.
    assert ages["open, due yesterday"] == 1 and ages["awaiting confirmation, due yesterday"] == 1
    assert ages["extension rejected"] == 1 and ages["extension asked, not decided"] == 1


def test_overdue_age_counts_working_days() -> None:
    calendar = WorkCalendar()
    friday, monday = dt.date(2026, 11, 20), dt.date(2026, 11, 23)
    assert days_overdue(friday, TaskStatus.IN_PROGRESS, monday, calendar) == 1
    assert days_overdue(friday, TaskStatus.IN_PROGRESS, dt.date(2026, 11, 21), calendar) == 0
    assert is_overdue(friday, TaskStatus.IN_PROGRESS, dt.date(2026, 11, 21))
    assert not is_overdue(friday, TaskStatus.IN_PROGRESS, friday)
    assert days_overdue(dt.date(2026, 11, 13), TaskStatus.NEW, monday, calendar) == 6
    assert days_overdue(friday, TaskStatus.DONE, monday, calendar) == 0
    # Tết 2027 (04–10/02/2027 off): due Wednesday 03/02, one working day late on Thursday 11/02.
    assert days_overdue(dt.date(2027, 2, 3), TaskStatus.NEW, dt.date(2027, 2, 11), calendar) == 1
    office = WorkCalendar(extra_days_off=[dt.date(2026, 11, 23)])
    wednesday = dt.date(2026, 11, 25)  # 24/11 is Ngày Văn hóa Việt Nam, a day off from 2026
    assert days_overdue(friday, TaskStatus.NEW, wednesday, calendar) == 2
    assert days_overdue(friday, TaskStatus.NEW, wednesday, office) == 1


def _view(due: dt.date, status: str = TaskStatus.IN_PROGRESS) -> TaskView:
    return TaskView(1, 1, "Báo cáo", None, status, "Xã A", due, due, f"{due:%d/%m/%Y}")


def test_the_card_and_the_list_say_the_age_in_working_days() -> None:
    from domain.task_texts import list_line

    friday = dt.date(2026, 11, 20)
    assert "quá hạn 1 ngày làm việc" in due_line(_view(friday), dt.date(2026, 11, 23))
    assert "quá hạn 1 ngày làm việc" in list_line(_view(friday), dt.date(2026, 11, 23))
    # Saturday: past the deadline, though no working day has gone by.
    assert "vừa quá hạn" in due_line(_view(friday), dt.date(2026, 11, 21))
    assert "hạn hôm nay" in due_line(_view(friday), friday) and "quá hạn" not in due_line(
        _view(friday), friday
    )
    assert "quá hạn" not in due_line(_view(friday, TaskStatus.DONE), dt.date(2026, 11, 23))
