"""Engine and session factory for SQLite (WAL) and PostgreSQL (asyncpg)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000
# Connections kept open: the inbox's 8 chats at once, the poller, the sender, the scheduler and
# the inbox's own connection, with room to spare. SQLAlchemy's default (5, and up to 10 more
# that are closed again as soon as they are returned) opened and closed a connection (a thread
# and four PRAGMAs on SQLite, a server process on PostgreSQL) for most updates of a burst.
POOL_SIZE, POOL_OVERFLOW = 16, 8


def normalize_database_url(url: str) -> str:
    """Accept the spellings operators paste (postgres://, sqlite:///) and pick the async driver."""
    for prefix, replacement in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("sqlite:///", "sqlite+aiosqlite:///"),
    ):
        if url.startswith(prefix):
            return replacement + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    url = normalize_database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            kwargs.setdefault("pool_size", POOL_SIZE)
            kwargs.setdefault("max_overflow", POOL_OVERFLOW)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # ?search_path=schema keeps several installations (or test runs) apart in one database.
    search_path = parsed.query.get("search_path")
    if search_path:
        parsed = parsed.difference_update_query(["search_path"])
        connect_args = kwargs.setdefault("connect_args", {})
        connect_args.setdefault("server_settings", {})["search_path"] = str(search_path)
    # No ping before each checkout (a round trip on every session): a connection that died with
    # its server fails its first statement, SQLAlchemy then drops the whole pool, and that
    # statement's update is retried like any other transient database failure.
    kwargs.setdefault("pool_size", POOL_SIZE)
    kwargs.setdefault("max_overflow", POOL_OVERFLOW)
    return create_async_engine(parsed, **kwargs)


def read_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for a handler's reads. On PostgreSQL they run in autocommit: no BEGIN before the
    first statement and no ROLLBACK after the last, two round trips saved on every read, and the
    same view of the data (each statement of READ COMMITTED sees the latest commits anyway). On
    SQLite the ordinary sessions: a SELECT opens no transaction there, and switching a
    connection's isolation would cost two trips to its thread."""
    if engine.dialect.name != "postgresql":
        return session_factory(engine)
    return session_factory(engine.execution_options(isolation_level="AUTOCOMMIT"))


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (replies are built after it)."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
