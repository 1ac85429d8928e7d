"""The update inbox: raw updates stored before acknowledgement, processed once from here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Update, delete, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.statuses import InboxStatus
from storage.models import InboxUpdate
from storage.upsert import insert_ignoring_duplicates


async def add_updates(session: AsyncSession, *, updates: Sequence[dict[str, Any]], now: dt.datetime) -> int:
    """Store raw updates; an update id seen before is ignored. Returns how many were new."""
    rows = [
        {
            "update_id": int(raw["update_id"]),
            "payload": raw,
            "received_at": now,
            "status": InboxStatus.PENDING,
            "attempts": 0,
            "chat_id": chat_of(raw),
        }
        for raw in updates
    ]
    return await insert_ignoring_duplicates(session, InboxUpdate, rows, conflict_columns=["update_id"])


async def next_offset(session: AsyncSession) -> int | None:
    """The getUpdates offset that confirms everything stored so far (None for an empty inbox)."""
    highest = (await session.exec(select(func.max(InboxUpdate.update_id)))).one()
    return None if highest is None else int(highest) + 1


def chat_of(raw: dict[str, Any]) -> int | None:
    """The chat a raw update belongs to (a button press: the chat of its message)."""
    for key in ("message", "edited_message", "my_chat_member", "chat_member"):
        chat = (raw.get(key) or {}).get("chat")
        if chat:
            return int(chat["id"])
    query = raw.get("callback_query") or {}
    chat = (query.get("message") or {}).get("chat")
    if chat:
        return int(chat["id"])
    sender = query.get("from")
    return int(sender["id"]) if sender else None


async def pending_update_ids(
    session: AsyncSession, *, now: dt.datetime | None = None, limit: int = 100
) -> list[int]:
    """Ids of updates due for processing, oldest first (see due_updates)."""
    return [update_id for update_id, _ in await due_updates(session, now=now, limit=limit)]


async def due_updates(
    session: AsyncSession, *, now: dt.datetime | None = None, limit: int = 100
) -> list[tuple[int, int | None]]:
    """(update id, chat id) of updates due for processing, oldest first. A deferred update is not
    due before its time, and it holds back the later updates of its chat, so a chat's updates
    keep their order. Without `now`, every pending update counts as due."""
    query = select(InboxUpdate.update_id, InboxUpdate.chat_id).where(
        InboxUpdate.status == InboxStatus.PENDING
    )
    if now is not None:
        waiting = InboxUpdate.__table__.alias("waiting")  # type: ignore[attr-defined]
        held_back = (
            select(waiting.c.update_id)
            .where(
                waiting.c.status == InboxStatus.PENDING,
                waiting.c.chat_id == InboxUpdate.chat_id,
                waiting.c.update_id < InboxUpdate.update_id,
                waiting.c.next_attempt_at > now,
            )
            .exists()
        )
        query = query.where(
            or_(col(InboxUpdate.next_attempt_at).is_(None), col(InboxUpdate.next_attempt_at) <= now),
            ~held_back,
        )
    result = await session.exec(query.order_by(col(InboxUpdate.update_id)).limit(limit))
    return [(int(update_id), None if chat is None else int(chat)) for update_id, chat in result]


async def next_due_at(session: AsyncSession) -> dt.datetime | None:
    """When the earliest deferred update falls due (None when nothing waits)."""
    return (
        await session.exec(
            select(func.min(InboxUpdate.next_attempt_at)).where(InboxUpdate.status == InboxStatus.PENDING)
        )
    ).one()


def defer_statement(*, update_id: int, until: dt.datetime, error: str) -> Update:
    """Leave the update pending, to be tried again at `until` (a transient failure)."""
    return (
        update(InboxUpdate)
        .where(col(InboxUpdate.update_id) == update_id)
        .values(next_attempt_at=until, last_error=error[:500])
    )


def claim_statement(*, update_id: int) -> Update:
    """Count one more processing attempt of a pending update; the row comes back through
    RETURNING (nothing when it is no longer pending)."""
    return (
        update(InboxUpdate)
        .where(col(InboxUpdate.update_id) == update_id, col(InboxUpdate.status) == InboxStatus.PENDING)
        .values(attempts=InboxUpdate.attempts + 1)
        .returning(*InboxUpdate.__table__.c)  # type: ignore[attr-defined]
    )


def close_statement(*, update_id: int, now: dt.datetime, error: str | None = None) -> Update:
    """Close an update: done, or failed with the reason when it cannot be processed."""
    return (
        update(InboxUpdate)
        .where(col(InboxUpdate.update_id) == update_id)
        .values(
            status=InboxStatus.FAILED if error else InboxStatus.DONE,
            processed_at=now,
            next_attempt_at=None,
            last_error=error[:500] if error else None,
        )
    )


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    """How many updates are pending, done and failed."""
    result = await session.exec(select(InboxUpdate.status, func.count()).group_by(col(InboxUpdate.status)))
    return {str(status): int(count) for status, count in result.all()}


async def purge_processed(session: AsyncSession, *, before: dt.datetime) -> int:
    """Delete processed updates older than `before`, keeping the newest row for the offset."""
    newest = (await session.exec(select(func.max(InboxUpdate.update_id)))).one()
    result = await session.exec(
        delete(InboxUpdate).where(
            col(InboxUpdate.status) != InboxStatus.PENDING,
            col(InboxUpdate.processed_at) < before,
            col(InboxUpdate.update_id) != newest,
        )
    )
    return int(result.rowcount or 0)


async def redact_update(session: AsyncSession, *, update_id: int) -> None:
    """Keep an update's id (exactly-once needs it) but drop what it carried: a refused secret
    document's text or caption must not stay in the database."""
    await session.exec(
        update(InboxUpdate)
        .where(col(InboxUpdate.update_id) == update_id)
        .values(payload={"update_id": update_id, "redacted": True})
    )
