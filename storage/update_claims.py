"""Which inbox updates this process has in hand, so that several instances never run one twice.

Several instances share one PostgreSQL inbox (issue 14.2): each sees every pending update, and
the attempt counter alone does not stop two of them running the same one at once. So an
instance runs an update only while it holds a PostgreSQL advisory lock on its id, taken with
pg_try_advisory_lock on one connection of its own: another instance that asks meanwhile is
refused and looks again later, and when a holder dies its connection closes and PostgreSQL
frees its locks at once, so the update runs again (like after a restart) without waiting for a
timeout. The locks sit outside any transaction (AUTOCOMMIT): nothing is held open meanwhile.

SQLite is one instance's database (a file on one machine): there, every claim is granted.

The same connection counts each attempt and closes each update (storage.inbox's statements), one
statement each in autocommit: no BEGIN and COMMIT around a single UPDATE, no session, and on
SQLite the write lock is held only while the statement runs, not while the event loop serves
other chats between the UPDATE and its COMMIT.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage import inbox

logger = logging.getLogger(__name__)

LOCK_CLASS = 1402  # the first of the two keys: "issue 14.2", the inbox's updates
TRY_LOCK = text("SELECT pg_try_advisory_lock(:cls, :obj)")
UNLOCK = text("SELECT pg_advisory_unlock(:cls, :obj)")


def lock_key(update_id: int) -> int:
    """The second key: the update id folded into PostgreSQL's int4 range."""
    return (update_id % 2**32) - 2**31


class UpdateClaims:
    """Claims on update ids for this process: `async with claims.claim(id) as mine:`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.shared = engine.dialect.name == "postgresql"
        self._connection: AsyncConnection | None = None
        self._lock = asyncio.Lock()  # one query at a time on the connection

    @contextlib.asynccontextmanager
    async def claim(self, update_id: int) -> AsyncIterator[bool]:
        """True inside if this process may run the update now; False while another has it.
        A database error while claiming propagates (nothing ran); one while letting go only
        drops the connection (its locks go with it)."""
        if not self.shared:
            yield True
            return
        params = {"cls": LOCK_CLASS, "obj": lock_key(update_id)}
        mine = bool(await self._query(TRY_LOCK, params))
        try:
            yield mine
        finally:
            if mine:
                with contextlib.suppress(Exception):
                    await self._query(UNLOCK, params)

    async def start_attempt(self, update_id: int) -> Row[Any] | None:
        """Count one more attempt of a pending update; its row (attempts, payload, ...), or None
        when it is no longer pending."""
        result = await self._execute(inbox.claim_statement(update_id=update_id))
        return result.first()  # type: ignore[no-any-return]

    async def close(self, update_id: int, *, now: dt.datetime, error: str | None = None) -> None:
        """The update is done (or failed, with its reason)."""
        await self._execute(inbox.close_statement(update_id=update_id, now=now, error=error))

    async def defer(self, update_id: int, *, until: dt.datetime, error: str) -> None:
        """The update stays pending, to be tried again at `until`."""
        await self._execute(inbox.defer_statement(update_id=update_id, until=until, error=error))

    async def _query(self, statement: object, params: dict[str, int]) -> object:
        result = await self._execute(statement, params)
        return result.scalar()

    async def _execute(self, statement: Any, params: dict[str, int] | None = None) -> Any:
        """Run one statement on this process's own connection (opened again after a failure)."""
        async with self._lock:
            try:
                if self._connection is None:
                    connection = await self.engine.connect()
                    self._connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
                return await self._connection.execute(statement, params)
            except Exception:
                await self._drop()
                raise

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.close()

    async def aclose(self) -> None:
        async with self._lock:
            await self._drop()
