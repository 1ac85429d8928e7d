"""The last active admin, on SQLite and PostgreSQL: who counts, and two admins locking each other."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from domain.statuses import Role
from storage import officials
from storage.models import Official
from tests.factories import TestClock, add_official


async def _is_last(db, official_id: int) -> bool:
    async with db() as session:
        official = await session.get(Official, official_id)
        return await officials.is_last_admin(session, official=official)


async def test_who_counts_as_the_last_admin(db) -> None:
    thao = await add_official(db, "Lê Thị Thảo", role=Role.ADMIN)
    minh = await add_official(db, "Trần Văn Minh", role=Role.LEADER)
    assert await _is_last(db, thao.id) and not await _is_last(db, minh.id)
    sau = await add_official(db, "Võ Văn Sáu", role=Role.ADMIN)
    assert not await _is_last(db, thao.id) and not await _is_last(db, sau.id)
    async with db.begin() as session:
        (await session.get(Official, sau.id)).active = False  # a locked admin manages nothing
    assert await _is_last(db, thao.id) and not await _is_last(db, sau.id)


async def test_two_admins_locking_each_other_at_once_leave_one(db, engine) -> None:
    """PostgreSQL runs both at once: the second waits for the first and then sees it."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    thao = await add_official(db, "Lê Thị Thảo", role=Role.ADMIN)
    sau = await add_official(db, "Võ Văn Sáu", role=Role.ADMIN)
    now = TestClock().now()

    async def lock(target_id: int) -> bool:
        async with db.begin() as session:
            target = await session.get(Official, target_id)
            if await officials.is_last_admin(session, official=target):
                return False
            await officials.set_active(session, official=target, active=False, now=now)
            return True

    async with db.begin() as first:  # Sáu locks Thảo; not committed yet
        target = await first.get(Official, thao.id)
        assert not await officials.is_last_admin(first, official=target)
        await officials.set_active(first, official=target, active=False, now=now)
        second = asyncio.create_task(lock(sau.id))  # meanwhile Thảo locks Sáu
        async with asyncio.timeout(10):
            while True:  # until the second one waits on the first one's row lock
                async with engine.connect() as probe:
                    waiting = await probe.scalar(
                        text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
                    )
                if waiting:
                    break
                await asyncio.sleep(0.02)
    assert await second is False  # refused: Sáu is the last active admin now
    async with db() as session:
        assert (await session.get(Official, sau.id)).active
        assert not (await session.get(Official, thao.id)).active
