"""Recurring tasks: finishing one hands out the next, with the same units and target."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select

from domain.dates import Due, next_due, parse_recurrence
from domain.statuses import TaskStatus, UnitKind
from storage import outbox, tasks, units
from storage.models import Task, TaskUnit
from tests.factories import add_official

NOW = dt.datetime(2027, 1, 25, 2, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("due", "recurrence", "expected"),
    [
        (dt.date(2027, 1, 31), "monthly", dt.date(2027, 2, 28)),  # the end of the month stays the end
        (dt.date(2027, 2, 28), "monthly", dt.date(2027, 3, 31)),
        (dt.date(2027, 1, 15), "monthly", dt.date(2027, 2, 15)),
        (dt.date(2027, 1, 30), "monthly", dt.date(2027, 2, 28)),
        (dt.date(2027, 11, 30), "quarterly", dt.date(2028, 2, 29)),
        (dt.date(2027, 1, 29), "weekly", dt.date(2027, 2, 5)),
        (dt.date(2027, 6, 30), "yearly", dt.date(2028, 6, 30)),
    ],
)
def test_next_deadline(due: dt.date, recurrence: str, expected: dt.date) -> None:
    assert next_due(due, recurrence) == expected


def test_recurrence_words() -> None:
    assert parse_recurrence("Hằng tháng") == parse_recurrence("hang thang") == "monthly"
    assert parse_recurrence("mỗi quý") == "quarterly" and parse_recurrence("thỉnh thoảng") is None


async def test_done_monthly_task_hands_out_the_next(db) -> None:
    async with db.begin() as session:
        province = await units.add_unit(session, name="Tỉnh Demo", kind=UnitKind.PROVINCE)
        commune = await units.add_unit(
            session, name="Xã Long Hiệp", kind=UnitKind.COMMUNE, parent_id=province.id
        )
        helper = await units.add_unit(
            session, name="Xã Long Hựu", kind=UnitKind.COMMUNE, parent_id=province.id
        )
    await add_official(db, "Nguyễn Văn Hùng", unit=commune, telegram_user_id=777)
    async with db.begin() as session:
        task = await tasks.add_task(
            session,
            title="Báo cáo tiến độ xóa nhà tạm",
            lead_unit_id=commune.id,
            now=NOW,
            due=Due(dt.date(2027, 1, 31), "cuối tháng"),
            cooperating_unit_ids=[helper.id],
            target_quantity=12,
            target_measure="căn",
            recurrence="monthly",
        )
    async with db.begin() as session:
        result = await tasks.change_task(
            session, task_id=task.id, official_id=None, at=NOW, new_status=TaskStatus.DONE, completed_at=NOW
        )
        again = await tasks.change_task(
            session, task_id=task.id, official_id=None, at=NOW, new_status=TaskStatus.DONE
        )  # a second close: no second copy
    assert result.outcome == "applied" and again.outcome == "applied"
    async with db() as session:
        rows = (await session.exec(select(Task).order_by(col(Task.id)))).all()
        coop = (await session.exec(select(TaskUnit).where(TaskUnit.task_id == rows[-1].id))).all()
        notices = await outbox.list_notifications(session, kinds=["task.assigned"])
    assert len(rows) == 2
    following = rows[1]
    assert (following.title, following.lead_unit_id, following.recurrence) == (
        rows[0].title,
        commune.id,
        "monthly",
    )
    assert following.due_on == dt.date(2027, 2, 28) and following.status == TaskStatus.NEW
    assert following.target_quantity == 12 and [c.unit_id for c in coop] == [helper.id]
    assert [n.chat_id for n in notices] == [777]
