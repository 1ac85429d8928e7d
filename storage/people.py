"""Queries about officials, units and registered chats."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Chat, Official, Unit


async def get_official_by_telegram_id(
    session: AsyncSession, *, telegram_user_id: int
) -> Official | None:
    """The active official linked to this Telegram account, if any."""
    result = await session.exec(
        select(Official).where(Official.telegram_user_id == telegram_user_id, Official.active)
    )
    return result.first()


async def get_unit(session: AsyncSession, *, unit_id: int | None) -> Unit | None:
    """One unit by id."""
    return None if unit_id is None else await session.get(Unit, unit_id)


async def get_registered_chat(session: AsyncSession, *, telegram_chat_id: int) -> Chat | None:
    """A group chat an admin registered, if this is one."""
    result = await session.exec(select(Chat).where(Chat.telegram_chat_id == telegram_chat_id))
    return result.first()
