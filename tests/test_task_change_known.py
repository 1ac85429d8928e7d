"""A change tried over the copy of the task the handler read a moment ago (issue 13: one read
fewer an update) still never rests on that copy when it is old: the row decides."""

from __future__ import annotations

import datetime as dt

from domain.dates import Due
from domain.progress import Progress
from domain.statuses import TaskStatus, UnitKind
from storage import tasks, units
from storage.tasks import Change

NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


async def _task(db):  # type: ignore[no-untyped-def]
    async with db.begin() as session:
        commune = await units.add_unit(session, name="Xã Long Hiệp", kind=UnitKind.COMMUNE)
        task = await tasks.add_task(
            session,
            title="Xóa nhà tạm",
            lead_unit_id=commune.id or 0,
            now=NOW,
            due=Due(dt.date(2026, 12, 30), "30/12"),
            target_quantity=12,
            target_measure="căn",
        )
    return task


def _progress(quantity: int) -> Progress:
    return Progress(percent=round(100 * quantity / 12, 1), quantity=quantity, target=12)


async def test_an_old_copy_loses_to_the_row_a_late_report_does_not_overwrite_a_newer_one(db) -> None:
    task = await _task(db)
    async with db() as session:
        copy = await tasks.get_task(session, task_id=task.id or 0)  # what a handler read
    async with db.begin() as session:  # meanwhile another update reports 5/12 (sent at 09:00)
        newer = await tasks.change_task(
            session,
            task_id=task.id or 0,
            official_id=None,
            at=NOW + dt.timedelta(hours=1),
            progress=_progress(5),
        )
    assert newer.outcome == Change.APPLIED
    async with db.begin() as session:  # the handler's own report, sent earlier (08:30), over its copy
        late = await tasks.change_task(
            session,
            task_id=task.id or 0,
            known=copy,
            official_id=None,
            at=NOW + dt.timedelta(minutes=30),
            progress=_progress(3),
        )
    assert late.outcome == Change.APPLIED and late.newer_progress_kept
    assert late.task is not None
    assert (late.task.progress_quantity, late.task.version) == (5, copy.version + 2)


async def test_a_refusal_is_decided_on_the_row_not_on_an_old_copy(db) -> None:
    task = await _task(db)
    async with db() as session:
        copy = await tasks.get_task(session, task_id=task.id or 0)
    assert copy is not None and copy.status == TaskStatus.NEW
    async with db.begin() as session:  # meanwhile the task is reported blocked
        await tasks.change_task(
            session, task_id=task.id or 0, official_id=None, at=NOW, new_status=TaskStatus.BLOCKED
        )
    async with db.begin() as session:  # allowed from BLOCKED only: the copy (NEW) would refuse it
        result = await tasks.change_task(
            session,
            task_id=task.id or 0,
            known=copy,
            official_id=None,
            at=NOW,
            allowed_from=(TaskStatus.BLOCKED,),
            new_status=TaskStatus.IN_PROGRESS,
        )
    assert result.outcome == Change.APPLIED
    assert result.task is not None and result.task.status == TaskStatus.IN_PROGRESS
