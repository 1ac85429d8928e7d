"""The notification outbox: rows inserted once under a dedupe key, claimed, sent, marked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Notification
from storage.upsert import insert_ignoring_duplicates

CLAIM_FOR = dt.timedelta(minutes=2)  # a claim older than this was lost with its process


async def enqueue(
    session: AsyncSession,
    *,
    chat_id: int,
    kind: str,
    dedupe_key: str,
    payload: dict[str, Any],
    due_at: dt.datetime,
    official_id: int | None = None,
) -> bool:
    """Add a notification unless its dedupe key exists; returns whether it was new."""
    row = {
        "chat_id": chat_id,
        "kind": kind,
        "dedupe_key": dedupe_key[:200],
        "payload": payload,
        "due_at": due_at,
        "official_id": official_id,
        "attempts": 0,
    }
    return (
        await insert_ignoring_duplicates(session, Notification, [row], conflict_columns=["dedupe_key"]) == 1
    )


async def claim_due(session: AsyncSession, *, now: dt.datetime, limit: int = 50) -> list[Notification]:
    """Claim due rows for this sender, in one UPDATE ... RETURNING: two senders never both win a
    row (PostgreSQL also skips rows another sender is claiming: SKIP LOCKED; SQLite serialises
    writers). A claim expires, so a crash between claim and send loses nothing."""
    claimable = (
        col(Notification.sent_at).is_(None),
        col(Notification.cancelled_at).is_(None),
        col(Notification.due_at) <= now,
        or_(col(Notification.claimed_until).is_(None), col(Notification.claimed_until) < now),
    )
    due = select(Notification.id).where(*claimable).order_by(col(Notification.due_at), col(Notification.id))
    due = due.limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    # A materialized CTE: PostgreSQL may otherwise run an IN (... LIMIT ... SKIP LOCKED) subquery
    # again for each row, locking and claiming far more than one batch (the two-sender test saw it).
    batch = due.cte("due_batch").prefix_with("MATERIALIZED")
    claimed = await session.exec(
        update(Notification)
        .where(col(Notification.id).in_(select(batch.c.id)), *claimable)
        .values(claimed_until=now + CLAIM_FOR, attempts=Notification.attempts + 1)
        .returning(col(Notification.id))
    )
    ids = list(claimed.scalars().all())
    if not ids:
        return []
    result = await session.exec(
        select(Notification)
        .where(col(Notification.id).in_(ids))
        .order_by(col(Notification.due_at), col(Notification.id))
        .execution_options(populate_existing=True)
    )
    return list(result.all())


async def mark_sent(
    session: AsyncSession, *, notification_id: int, now: dt.datetime, message_id: int | None
) -> None:
    await session.exec(
        update(Notification)
        .where(col(Notification.id) == notification_id)
        .values(sent_at=now, claimed_until=None, telegram_message_id=message_id, last_error=None)
    )


async def reschedule(session: AsyncSession, *, notification_id: int, due_at: dt.datetime, error: str) -> None:
    """Try again later (429 with its retry_after, 5xx and timeouts with backoff)."""
    await session.exec(
        update(Notification)
        .where(col(Notification.id) == notification_id)
        .values(due_at=due_at, claimed_until=None, last_error=error[:500])
    )


async def give_up(session: AsyncSession, *, notification_id: int, now: dt.datetime, error: str) -> None:
    """Never send this one (the chat is gone, the user blocked the bot, the message is invalid)."""
    await session.exec(
        update(Notification)
        .where(col(Notification.id) == notification_id)
        .values(cancelled_at=now, claimed_until=None, last_error=error[:500])
    )


async def cancel_pending(session: AsyncSession, *, key_prefix: str, now: dt.datetime) -> int:
    """Withdraw notifications not yet sent whose dedupe key starts with the prefix."""
    result = await session.exec(
        update(Notification)
        .where(
            col(Notification.dedupe_key).startswith(key_prefix),
            col(Notification.sent_at).is_(None),
            col(Notification.cancelled_at).is_(None),
        )
        .values(cancelled_at=now, last_error="withdrawn")
    )
    return int(result.rowcount or 0)


async def pending_count(session: AsyncSession) -> int:
    result = await session.exec(
        select(func.count())
        .select_from(Notification)
        .where(col(Notification.sent_at).is_(None), col(Notification.cancelled_at).is_(None))
    )
    return int(result.one())


async def list_notifications(
    session: AsyncSession, *, kinds: Sequence[str] | None = None
) -> list[Notification]:
    query = select(Notification).order_by(col(Notification.id))
    if kinds:
        query = query.where(col(Notification.kind).in_(kinds))
    return list((await session.exec(query)).all())


async def retry_refused(session: AsyncSession, *, chat_id: int, since: dt.datetime, now: dt.datetime) -> int:
    """Send again what Telegram refused (403: the user had blocked the bot) to this chat since
    `since`; the user is back. Returns how many notifications are due again."""
    result = await session.exec(
        update(Notification)
        .where(
            col(Notification.chat_id) == chat_id,
            col(Notification.sent_at).is_(None),
            col(Notification.cancelled_at) >= since,
            col(Notification.last_error).startswith("Forbidden"),
        )
        .values(cancelled_at=None, claimed_until=None, due_at=now)
    )
    return int(result.rowcount or 0)
