"""The notification outbox: rows inserted once under a dedupe key, claimed, sent, marked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Notification
from storage.upsert import insert_ignoring_duplicates

CLAIM_FOR = dt.timedelta(minutes=2)  # a claim older than this was lost with its process
# Kinds of rows that answer the user's own action: never held by quiet hours. Every other row is
# a push (a new task, a reminder, a notice, a digest) and waits for the quiet window to end.
ANSWER_PREFIX = "reply."


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


async def claim_due(
    session: AsyncSession,
    *,
    now: dt.datetime,
    limit: int = 50,
    skip_chats: Collection[int] = (),
    answers_only: bool = False,
) -> list[Notification]:
    """Claim, for up to `limit` chats, the oldest due row of each chat that has no row in flight.

    One row per chat at a time keeps a chat's messages in order and lets a chat that must wait
    (`skip_chats`: its gap or a 429 runs) hold back only itself. One UPDATE ... RETURNING: two
    senders never both win a row (PostgreSQL skips rows another sender is claiming: SKIP LOCKED;
    SQLite serialises writers). A claim expires, so a crash between claim and send loses nothing.
    `answers_only` (quiet hours) claims only rows whose kind starts with ANSWER_PREFIX."""
    pending = [
        col(Notification.sent_at).is_(None),
        col(Notification.cancelled_at).is_(None),
        col(Notification.due_at) <= now,
    ]
    if answers_only:
        pending.append(col(Notification.kind).startswith(ANSWER_PREFIX))
    if skip_chats:
        pending.append(col(Notification.chat_id).not_in(list(skip_chats)))
    free = or_(col(Notification.claimed_until).is_(None), col(Notification.claimed_until) <= now)
    order = (col(Notification.due_at), col(Notification.id))
    ranked = (
        select(
            col(Notification.id).label("id"),
            col(Notification.claimed_until).label("claimed_until"),
            func.row_number().over(partition_by=col(Notification.chat_id), order_by=order).label("place"),
        )
        .where(*pending)
        .subquery("ranked")
    )
    # The first row of each chat, unless it is in flight (then the chat waits for it).
    heads = select(ranked.c.id).where(
        ranked.c.place == 1, or_(ranked.c.claimed_until.is_(None), ranked.c.claimed_until <= now)
    )
    due = select(Notification.id).where(col(Notification.id).in_(heads), free).order_by(*order).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    # A materialized CTE: PostgreSQL may otherwise run an IN (... LIMIT ... SKIP LOCKED) subquery
    # again for each row, locking and claiming far more than one batch (the two-sender test saw it).
    batch = due.cte("due_batch").prefix_with("MATERIALIZED")
    claimed = await session.exec(
        update(Notification)
        .where(col(Notification.id).in_(select(batch.c.id)), *pending, free)
        .values(claimed_until=now + CLAIM_FOR, attempts=Notification.attempts + 1)
        .returning(col(Notification.id))
    )
    ids = list(claimed.scalars().all())
    if not ids:
        return []
    result = await session.exec(
        select(Notification)
        .where(col(Notification.id).in_(ids))
        .order_by(*order)
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
    """Try again at `due_at` (a 429's retry_after, backoff after 5xx and timeouts). The row stays
    claimed until then rather than moving back in line: being its chat's first row still in
    flight, it holds that chat's later rows behind it, so a chat's messages keep their order."""
    await session.exec(
        update(Notification)
        .where(col(Notification.id) == notification_id)
        .values(claimed_until=due_at, last_error=error[:500])
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
