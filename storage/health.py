"""What an operator asks of the database: reachable, migrated, how much waits in the outbox, empty."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import MetaData, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import migrate
from storage.models import Notification


@dataclass(frozen=True, slots=True)
class DatabaseState:
    """Whether the database answered, and the revision it is at against the code's newest."""

    reachable: bool
    current: str | None = None
    head: str | None = None
    error: str = ""

    @property
    def migrated(self) -> bool:
        return self.reachable and self.current == self.head


async def database_state(engine: AsyncEngine) -> DatabaseState:
    """Ask the database one small question and read its revision; never raises."""
    head = migrate.head_revision()
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        current = await migrate.current_revision(engine)
    except Exception as exc:  # any driver error means "not reachable" to an operator
        return DatabaseState(False, head=head, error=f"{type(exc).__name__}: {exc}"[:300])
    return DatabaseState(True, current, head)


async def outbox_backlog(session: AsyncSession, *, now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """How many notifications are due and unsent, and the due time of the oldest of them."""
    result = await session.exec(  # type: ignore[call-overload]
        select(func.count(), func.min(Notification.due_at)).where(
            col(Notification.sent_at).is_(None),
            col(Notification.cancelled_at).is_(None),
            col(Notification.due_at) <= now,
        )
    )
    count, oldest = result.one()
    return int(count), oldest


def _row_count(connection: Connection) -> int:
    metadata = MetaData()
    metadata.reflect(connection)
    total = 0
    for table in metadata.sorted_tables:
        if table.name != "alembic_version":
            total += int(connection.execute(select(func.count()).select_from(table)).scalar_one())
    return total


async def stored_rows(engine: AsyncEngine) -> int:
    """How many rows the application's tables hold (0: an empty or a freshly migrated database)."""
    async with engine.connect() as connection:
        return await connection.run_sync(_row_count)
