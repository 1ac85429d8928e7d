"""Storage on SQLite and PostgreSQL: time zones, 64-bit ids, the inbox, SQLite's pragmas."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from domain.statuses import InboxStatus
from storage import inbox
from storage.db import create_engine
from storage.models import AuditLog, Chat, Official
from storage.update_claims import UpdateClaims
from tests.factories import add_official, add_unit

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


async def test_timestamps_come_back_aware_utc(db) -> None:
    local = dt.datetime(2026, 2, 16, 8, 30, tzinfo=HANOI)  # 08:30 on Tết's eve in Hanoi
    async with db.begin() as session:
        session.add(AuditLog(at=local, action="test"))
    async with db() as session:
        row = (await session.exec(select(AuditLog))).one()
    assert row.at.tzinfo is not None and row.at.utcoffset() == dt.timedelta(0)
    assert row.at == local and row.at.hour == 1


async def test_naive_timestamp_is_refused(db) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        async with db.begin() as session:
            session.add(AuditLog(at=dt.datetime(2026, 1, 1, 8, 0), action="naive"))


async def test_server_default_created_at_is_aware(db) -> None:
    unit = await add_unit(db, "Xã Long Hiệp")
    async with db() as session:
        stored = await session.get(type(unit), unit.id)
    assert stored is not None and stored.created_at is not None
    assert stored.created_at.tzinfo is not None


async def test_telegram_ids_beyond_32_bits(db) -> None:
    """Supergroup ids are below -10^12 and user ids pass 2^31: PostgreSQL INTEGER would overflow."""
    await add_official(db, "Lê Thị Thảo", telegram_user_id=7_123_456_789)
    async with db.begin() as session:
        session.add(Chat(telegram_chat_id=-1_001_234_567_890, title="Lãnh đạo tỉnh"))
    async with db() as session:
        official = (await session.exec(select(Official))).one()
        chat = (await session.exec(select(Chat))).one()
    assert official.telegram_user_id == 7_123_456_789
    assert chat.telegram_chat_id == -1_001_234_567_890


async def test_one_telegram_account_links_one_official(db) -> None:
    await add_official(db, "Nguyễn Văn A", telegram_user_id=42)
    with pytest.raises(IntegrityError):
        await add_official(db, "Nguyễn Văn B", telegram_user_id=42)


async def test_inbox_stores_each_update_once(db) -> None:
    now = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    batch = [
        {"update_id": 10, "message": {"text": "a"}},
        {"update_id": 11, "message": {"text": "b"}},
    ]
    async with db.begin() as session:
        assert await inbox.add_updates(session, updates=batch, now=now) == 2
    async with db.begin() as session:  # Telegram redelivers the batch after a crash
        again = [*batch, {"update_id": 12, "message": {"text": "c"}}]
        assert await inbox.add_updates(session, updates=again, now=now) == 1
    async with db() as session:
        assert await inbox.pending_update_ids(session) == [10, 11, 12]
        assert await inbox.next_offset(session) == 13
        row = await session.get(inbox.InboxUpdate, 10)
    assert row is not None and row.payload == batch[0]


async def test_inbox_attempts_and_processing(db) -> None:
    now = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    async with db.begin() as session:
        await inbox.add_updates(session, updates=[{"update_id": 5}, {"update_id": 6}], now=now)
    claims = UpdateClaims(db.kw["bind"])  # the bot's own connection claims and closes updates
    try:
        row = await claims.start_attempt(5)
        assert row is not None and row.attempts == 1
        await claims.close(5, now=now)
        await claims.close(6, now=now, error="ValueError: bad")
        assert await claims.start_attempt(5) is None  # done: never again
    finally:
        await claims.aclose()
    async with db() as session:
        assert await inbox.count_by_status(session) == {InboxStatus.DONE: 1, InboxStatus.FAILED: 1}
        assert await inbox.pending_update_ids(session) == []


async def test_purge_keeps_recent_and_newest(db) -> None:
    old = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    now = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
    async with db.begin() as session:
        await inbox.add_updates(session, updates=[{"update_id": i} for i in (1, 2, 3)], now=old)
    claims = UpdateClaims(db.kw["bind"])
    try:
        for update_id in (1, 2, 3):
            await claims.close(update_id, now=old)
    finally:
        await claims.aclose()
    async with db.begin() as session:
        assert await inbox.purge_processed(session, before=now - dt.timedelta(days=30)) == 2
    async with db() as session:
        assert await inbox.next_offset(session) == 4  # the offset survives the purge


async def test_sqlite_runs_wal_with_foreign_keys(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'pragmas.db'}")
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar() == 5000
    finally:
        await engine.dispose()


async def test_foreign_keys_are_enforced(db) -> None:
    with pytest.raises(IntegrityError):
        async with db.begin() as session:
            session.add(Official(full_name="Người không đơn vị", name_key="x", unit_id=999_999))
