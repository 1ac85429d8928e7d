"""Messages the bot sent that users answer: task cards (reply to attach) and open questions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import BotMessage
from storage.upsert import insert_ignoring_duplicates

PROMPT_OPEN_FOR = dt.timedelta(minutes=30)  # a question older than this has expired: said, not answered


async def record_message(
    session: AsyncSession,
    *,
    chat_id: int,
    message_id: int,
    kind: str,
    at: dt.datetime,
    task_id: int | None = None,
    official_id: int | None = None,
    prompt: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Remember a card or a question the bot sent."""
    await insert_ignoring_duplicates(
        session,
        BotMessage,
        [
            {
                "chat_id": chat_id,
                "message_id": message_id,
                "kind": kind,
                "task_id": task_id,
                "official_id": official_id,
                "prompt": prompt,
                "data": data or {},
                "at": at,
            }
        ],
        conflict_columns=["chat_id", "message_id"],
    )


async def get_message(session: AsyncSession, *, chat_id: int, message_id: int) -> BotMessage | None:
    result = await session.exec(
        select(BotMessage).where(BotMessage.chat_id == chat_id, BotMessage.message_id == message_id)
    )
    return result.first()


def is_expired(prompt: BotMessage, now: dt.datetime) -> bool:
    """A question left unanswered too long: the next message is not taken as its answer."""
    return prompt.at < now - PROMPT_OPEN_FOR


async def open_prompt(session: AsyncSession, *, chat_id: int) -> BotMessage | None:
    """The newest unanswered question in the chat (perhaps expired: see `is_expired`)."""
    result = await session.exec(
        select(BotMessage)
        .where(
            BotMessage.chat_id == chat_id,
            BotMessage.kind == "prompt",
            col(BotMessage.answered_at).is_(None),
        )
        .order_by(col(BotMessage.id).desc())
        .limit(1)
    )
    return result.first()


async def close_prompts(
    session: AsyncSession, *, chat_id: int, now: dt.datetime, message_id: int | None = None
) -> int:
    """Close the open questions of the chat (a new question replaces the old ones; /huy), or only
    the one sent as `message_id` (its ✖️ Hủy); returns how many were open and unexpired."""
    where = [
        col(BotMessage.chat_id) == chat_id,
        col(BotMessage.kind) == "prompt",
        col(BotMessage.answered_at).is_(None),
    ]
    if message_id is not None:
        where.append(col(BotMessage.message_id) == message_id)
    fresh = await session.exec(
        update(BotMessage).where(*where, col(BotMessage.at) >= now - PROMPT_OPEN_FOR).values(answered_at=now)
    )
    await session.exec(update(BotMessage).where(*where).values(answered_at=now))
    return int(fresh.rowcount or 0)


async def mark_answered(session: AsyncSession, *, message: BotMessage, now: dt.datetime) -> bool:
    """Close one question; False when it was answered already (a double delivery)."""
    result = await session.exec(
        update(BotMessage)
        .where(col(BotMessage.id) == message.id, col(BotMessage.answered_at).is_(None))
        .values(answered_at=now)
    )
    return bool(result.rowcount)
