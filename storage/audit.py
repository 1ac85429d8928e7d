"""The audit log: who did what to which record, written in the same transaction as the change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AuditLog


async def add_audit(
    session: AsyncSession,
    *,
    at: dt.datetime,
    action: str,
    official_id: int | None = None,
    telegram_user_id: int | None = None,
    entity: str | None = None,
    entity_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Record one action; never commits (the caller's transaction does)."""
    session.add(
        AuditLog(
            at=at,
            action=action,
            official_id=official_id,
            telegram_user_id=telegram_user_id,
            entity=entity,
            entity_id=entity_id,
            detail=detail or {},
        )
    )


async def list_audit(
    session: AsyncSession, *, action: str | None = None, official_id: int | None = None, limit: int = 100
) -> list[AuditLog]:
    """The newest audit entries, optionally of one action or one official."""
    query = select(AuditLog).order_by(col(AuditLog.id).desc()).limit(limit)
    if action is not None:
        query = query.where(AuditLog.action == action)
    if official_id is not None:
        query = query.where(AuditLog.official_id == official_id)
    return list((await session.exec(query)).all())
