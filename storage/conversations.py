"""Where each person stands in a multi-step conversation, and their drafts (bot.persistence).

A conversation's key is its private chat and its person; its state is the step it waits at.
Nothing older than the conversation's timeout is read back: an abandoned step stays abandoned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ConversationState, UserState
from storage.upsert import upsert

Key = tuple[int, int]  # (chat id, user id)


async def states(
    session: AsyncSession, *, name: str, since: dt.datetime
) -> dict[Key, tuple[int, dt.datetime]]:
    """The live steps of conversation `name`, with when each was reached."""
    query = select(ConversationState).where(
        col(ConversationState.name) == name, col(ConversationState.updated_at) >= since
    )
    rows = (await session.exec(query)).all()
    return {(row.chat_id, row.user_id): (row.state, row.updated_at) for row in rows}


async def steps_of(session: AsyncSession, *, key: Key) -> dict[str, tuple[int, dt.datetime]]:
    """Where one person stands in each conversation of one chat, with when it was reached."""
    chat_id, user_id = key
    query = select(ConversationState).where(
        col(ConversationState.chat_id) == chat_id, col(ConversationState.user_id) == user_id
    )
    return {row.name: (row.state, row.updated_at) for row in (await session.exec(query)).all()}


async def set_state(
    session: AsyncSession, *, name: str, key: Key, state: int | None, at: dt.datetime
) -> None:
    """Record the step `key` waits at; None ends the conversation."""
    chat_id, user_id = key
    if state is None:
        await session.exec(  # type: ignore[call-overload]
            delete(ConversationState).where(
                col(ConversationState.name) == name,
                col(ConversationState.chat_id) == chat_id,
                col(ConversationState.user_id) == user_id,
            )
        )
        return
    row = {"name": name, "chat_id": chat_id, "user_id": user_id, "state": state, "updated_at": at}
    await upsert(session, ConversationState, row, conflict_columns=["name", "chat_id", "user_id"])


async def drafts(session: AsyncSession, *, user_ids: Sequence[int] | None = None) -> dict[int, bytes]:
    """The stored drafts (pickled user_data) of everyone, or of the given people."""
    query = select(UserState)
    if user_ids is not None:
        query = query.where(col(UserState.user_id).in_(user_ids))
    return {row.user_id: row.data for row in (await session.exec(query)).all()}


async def set_draft(session: AsyncSession, *, user_id: int, data: bytes | None, at: dt.datetime) -> None:
    """Store a person's drafts; None when they have nothing in hand."""
    if data is None:
        await session.exec(delete(UserState).where(col(UserState.user_id) == user_id))  # type: ignore[call-overload]
        return
    await upsert(
        session, UserState, {"user_id": user_id, "data": data, "updated_at": at}, conflict_columns=["user_id"]
    )


async def forget_before(session: AsyncSession, *, name: str, before: dt.datetime) -> int:
    """Remove the abandoned steps of conversation `name`; how many there were."""
    result = await session.exec(  # type: ignore[call-overload]
        delete(ConversationState).where(
            col(ConversationState.name) == name, col(ConversationState.updated_at) < before
        )
    )
    return int(result.rowcount or 0)
