"""Messages the bot sent that users answer: task cards (reply to attach) and open questions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import BotMessage
from storage.upsert import insert_ignoring_duplicates

PROMPT_OPEN_FOR = dt.timedelta(minutes=30)  # plain text (not a reply) answers a question this fresh


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


async def open_prompt(session: AsyncSession, *, chat_id: int, now: dt.datetime) -> BotMessage | None:
    """The newest unanswered question in the chat, if it is recent enough to be what the user answers."""
    result = await session.exec(
        select(BotMessage)
        .where(
            BotMessage.chat_id == chat_id,
            BotMessage.kind == "prompt",
            col(BotMessage.answered_at).is_(None),
            col(BotMessage.at) >= now - PROMPT_OPEN_FOR,
        )
        .order_by(col(BotMessage.id).desc())
        .limit(1)
    )
    return result.first()


async def close_prompts(session: AsyncSession, *, chat_id: int, now: dt.datetime) -> None:
    """Mark every open question of the chat answered (a new question replaces the old ones)."""
    await session.exec(
        update(BotMessage)
        .where(
            col(BotMessage.chat_id) == chat_id,
            col(BotMessage.kind) == "prompt",
            col(BotMessage.answered_at).is_(None),
        )
        .values(answered_at=now)
    )


async def mark_answered(session: AsyncSession, *, message: BotMessage, now: dt.datetime) -> bool:
    """Close one question; False when it was answered already (a double delivery)."""
    result = await session.exec(
        update(BotMessage)
        .where(col(BotMessage.id) == message.id, col(BotMessage.answered_at).is_(None))
        .values(answered_at=now)
    )
    return bool(result.rowcount)
