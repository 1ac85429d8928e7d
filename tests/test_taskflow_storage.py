"""The task-path storage rules on SQLite and PostgreSQL: one progress, received, questions."""

from __future__ import annotations

import datetime as dt

from domain.progress import from_percent, from_quantity
from storage import messages, task_views, tasks
from storage.models import BotMessage, Task
from tests.factories import add_official, add_unit

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


async def _world(db) -> tuple[int, int, int]:
    unit = await add_unit(db, "Xã Long Hiệp")
    hung = await add_official(db, "Nguyễn Văn Hùng", unit=unit, telegram_user_id=8701)
    lan = await add_official(db, "Võ Thị Lan", unit=unit, telegram_user_id=8702)
    async with db.begin() as session:
        task = await tasks.add_task(
            session,
            title="Xóa nhà tạm",
            lead_unit_id=unit.id,
            now=NOW,
            target_quantity=12,
            target_measure="căn",
        )
    return task.id, hung.id, lan.id


async def test_progress_is_one_number_and_the_newest_report_wins(db) -> None:
    task_id, hung, _ = await _world(db)
    async with db.begin() as session:
        await tasks.change_task(
            session, task_id=task_id, official_id=hung, at=NOW, progress=from_percent(12.5, 12)
        )
    async with db() as session:
        task = await session.get(Task, task_id)
    assert (task.progress_percent, task.progress_quantity, task.progress_at) == (12.5, 1.5, NOW)

    async with db.begin() as session:
        late = await tasks.change_task(
            session,
            task_id=task_id,
            official_id=hung,
            at=NOW - dt.timedelta(hours=2),
            progress=from_quantity(9, 12),
        )
        newer = await tasks.change_task(
            session,
            task_id=task_id,
            official_id=hung,
            at=NOW + dt.timedelta(minutes=1),
            progress=from_quantity(6, 12),
        )
    assert late.newer_progress_kept and not newer.newer_progress_kept
    assert (newer.task.progress_quantity, newer.task.progress_percent) == (6, 50)

    # A press at 09:02:00.4 and a typed reply dated 09:02:00 (Telegram has whole seconds): the reply
    # came after, and wins.
    pressed_at = NOW + dt.timedelta(minutes=2, microseconds=400_000)
    async with db.begin() as session:
        await tasks.change_task(
            session, task_id=task_id, official_id=hung, at=pressed_at, progress=from_percent(75, 12)
        )
        typed = await tasks.change_task(
            session,
            task_id=task_id,
            official_id=hung,
            at=NOW + dt.timedelta(minutes=2),
            progress=from_quantity(10, 12),
        )
    assert not typed.newer_progress_kept and typed.task.progress_quantity == 10
    async with db() as session:
        recorded = [u.progress_percent for u in await tasks.history(session, task_id=task_id)]
    assert recorded == [None, 12.5, 75, 50, 75, 83.3]  # the late report is kept in the history


async def test_a_report_counts_as_received(db) -> None:
    task_id, hung, lan = await _world(db)
    async with db.begin() as session:
        await tasks.acknowledge(session, task_id=task_id, official_id=hung, at=NOW)
        await tasks.change_task(session, task_id=task_id, official_id=lan, at=NOW, note="Đã họp dân")
    async with db() as session:
        task = await session.get(Task, task_id)
        view = await tasks.task_view(session, task=task, with_acks=True)
        assert await task_views.received_by(session, task_id=task_id) == {hung, lan}
    assert view.acknowledged == ("Nguyễn Văn Hùng", "Võ Thị Lan") and view.not_acknowledged == ()


async def test_cancel_closes_only_fresh_questions_in_its_count(db) -> None:
    task_id, hung, _ = await _world(db)
    async with db.begin() as session:
        for message_id, age in ((1, 45), (2, 5)):
            await messages.record_message(
                session,
                chat_id=8701,
                message_id=message_id,
                kind="prompt",
                prompt="note",
                task_id=task_id,
                official_id=hung,
                at=NOW - dt.timedelta(minutes=age),
            )
    async with db() as session:
        newest = await messages.open_prompt(session, chat_id=8701)
        assert newest is not None and newest.message_id == 2 and not messages.is_expired(newest, NOW)
        oldest = await session.get(BotMessage, 1)
        assert messages.is_expired(oldest, NOW)
    async with db.begin() as session:
        assert await messages.close_prompts(session, chat_id=8701, now=NOW) == 1  # the stale one is not news
    async with db.begin() as session:
        assert await messages.close_prompts(session, chat_id=8701, now=NOW) == 0
        assert await messages.open_prompt(session, chat_id=8701) is None
