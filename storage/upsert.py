"""INSERT ... ON CONFLICT DO NOTHING for SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


async def insert_ignoring_duplicates(
    session: AsyncSession,
    model: type[SQLModel],
    rows: Sequence[dict[str, Any]],
    *,
    conflict_columns: Sequence[str],
) -> int:
    """Insert the rows whose key is new; return how many were inserted."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    table = model.__table__  # type: ignore[attr-defined]
    statement = module.insert(table).values(list(rows))
    statement = statement.on_conflict_do_nothing(index_elements=list(conflict_columns))
    result = await session.exec(statement)
    return int(result.rowcount or 0)


async def upsert(
    session: AsyncSession, model: type[SQLModel], row: dict[str, Any], *, conflict_columns: Sequence[str]
) -> None:
    """Insert the row, or update the other columns of the one with the same key."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(model.__table__).values(row)  # type: ignore[attr-defined]
    changed = {name: value for name, value in row.items() if name not in conflict_columns}
    await session.exec(statement.on_conflict_do_update(index_elements=list(conflict_columns), set_=changed))
