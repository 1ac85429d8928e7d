"""Migrations on SQLite and PostgreSQL: up, down, up again, and the models match the schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage import migrate
from storage.db import create_engine
from storage.models import metadata

CORE_TABLES = {
    "unit",
    "unit_alias",
    "official",
    "invitation",
    "chat",
    "directive",
    "task",
    "task_unit",
    "task_official",
    "task_update",
    "household",
    "photo",
    "meeting",
    "meeting_item",
    "notification",
    "inbox_update",
    "audit_log",
}


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        assert await migrate.current_revision(engine) is None
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) >= CORE_TABLES

        await migrate.downgrade(engine, "base")
        assert await migrate.current_revision(engine) is None
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == set()

        await migrate.upgrade(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) >= CORE_TABLES
    finally:
        await engine.dispose()


async def test_models_and_migrations_agree(database_url: str) -> None:
    """A model change without its migration fails here, on both backends."""
    engine = create_engine(database_url)

    def diff(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)

    try:
        await migrate.upgrade(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(diff) == []
    finally:
        await engine.dispose()
