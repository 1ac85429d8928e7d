"""Group chats an admin registered, and what each receives."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.audit import add_audit
from storage.models import Chat


async def get_registered_chat(session: AsyncSession, *, telegram_chat_id: int) -> Chat | None:
    """The registered group with this Telegram id, if it is one."""
    return (await session.exec(select(Chat).where(Chat.telegram_chat_id == telegram_chat_id))).first()


async def digest_chats(session: AsyncSession) -> list[Chat]:
    """Registered groups that receive the Monday digest."""
    return list((await session.exec(select(Chat).where(col(Chat.receives_digest)))).all())


async def news_chats(session: AsyncSession) -> list[Chat]:
    """Registered groups that hear programme news (the leaders' groups)."""
    result = await session.exec(
        select(Chat).where(or_(col(Chat.receives_handovers), col(Chat.receives_digest)))
    )
    return list(result.all())


async def register_chat(
    session: AsyncSession,
    *,
    telegram_chat_id: int,
    title: str,
    now: dt.datetime,
    actor_id: int | None,
    detail: str | None = None,
) -> tuple[Chat, bool]:
    """Register a group (it receives the digest: in full, or counts only); returns (chat, was_new).
    Registering again only changes the detail, when one is given."""
    chat = await get_registered_chat(session, telegram_chat_id=telegram_chat_id)
    if chat is not None:
        if detail is not None and detail != chat.digest_detail:
            chat.digest_detail = detail
            await add_audit(
                session,
                at=now,
                action="chats.detail",
                official_id=actor_id,
                entity="chat",
                entity_id=chat.id,
                detail={"digest_detail": detail},
            )
        return chat, False
    chat = Chat(
        telegram_chat_id=telegram_chat_id,
        title=title[:255],
        receives_digest=True,
        digest_detail=detail or "full",
        registered_by_id=actor_id,
    )
    session.add(chat)
    await session.flush()
    await add_audit(
        session,
        at=now,
        action="chats.register",
        official_id=actor_id,
        entity="chat",
        entity_id=chat.id,
        detail={"title": title},
    )
    return chat, True


async def unregister_chat(
    session: AsyncSession, *, chat: Chat, now: dt.datetime, actor_id: int | None
) -> None:
    """Stop serving a group; the bot ignores it from then on."""
    await add_audit(
        session,
        at=now,
        action="chats.unregister",
        official_id=actor_id,
        entity="chat",
        entity_id=chat.id,
        detail={"title": chat.title},
    )
    await session.delete(chat)
