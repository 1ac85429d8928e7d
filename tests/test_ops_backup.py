"""`nhacviec backup` then `restore` into an empty database gives the same rows and photos (issue 14.4)."""

from __future__ import annotations

import asyncio
import datetime as dt
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import MetaData, select
from sqlalchemy.engine import Connection

from bot.cli import main
from storage import inbox, migrate, photos
from storage.db import create_engine, session_factory
from tests import conftest
from tests.factories import add_official, add_unit, register_group

PHOTO = b"\xff\xd8\xff\xe0 not really a jpeg, but bytes a backup must keep \x00\x01"


async def _seed(url: str, data_dir: Path) -> None:
    engine = create_engine(url)
    await migrate.upgrade(engine)
    db = session_factory(engine)
    unit = await add_unit(db, "Xã Long Hiệp")
    await add_official(db, "Nguyễn Văn Á", unit=unit, telegram_user_id=7001)
    await register_group(db, -1001234567890, "Nhóm UBND xã")
    async with db.begin() as session:
        raw = {"update_id": 42, "message": {"chat": {"id": 7001}, "text": "/start"}}
        await inbox.add_updates(session, updates=[raw], now=dt.datetime(2026, 11, 2, 1, tzinfo=dt.UTC))
    await engine.dispose()
    photos.store_bytes(data_dir, PHOTO)


def _all_rows(connection: Connection) -> dict[str, list[tuple[object, ...]]]:
    metadata = MetaData()
    metadata.reflect(connection)
    return {
        table.name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
        for table in metadata.sorted_tables
    }


async def _dump(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_all_rows)
    finally:
        await engine.dispose()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _use(monkeypatch: pytest.MonkeyPatch, url: str, data_dir: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)


def _round_trip(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    source: str,
    target: str,
) -> None:
    asyncio.run(_seed(source, tmp_path / "src"))
    _use(monkeypatch, source, tmp_path / "src")
    assert main(["backup", "--out", str(tmp_path / "out")]) == 0
    (archive,) = (tmp_path / "out").glob("nhacviec-*.tar.gz")
    assert str(archive) in capsys.readouterr().out
    with tarfile.open(archive) as tar:
        assert "manifest.json" in tar.getnames()

    _use(monkeypatch, target, tmp_path / "dst")
    assert main(["restore", str(archive)]) == 0
    before, after = asyncio.run(_dump(source)), asyncio.run(_dump(target))
    assert set(after) == set(before)
    for table, rows in before.items():
        assert after[table] == rows, table
    assert sum(len(rows) for rows in after.values()) >= 5  # the seeded rows and the revision
    assert _files(tmp_path / "dst" / "photos") == _files(tmp_path / "src" / "photos")
    assert PHOTO in _files(tmp_path / "dst" / "photos").values()

    # A second restore would overwrite data: refused without --force, done with it.
    capsys.readouterr()
    assert main(["restore", str(archive)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["restore", str(archive), "--force"]) == 0
    assert asyncio.run(_dump(target)) == before


def test_sqlite_backup_restores_every_row_and_photo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = f"sqlite+aiosqlite:///{tmp_path / 'src' / 'nhacviec.db'}"
    target = f"sqlite+aiosqlite:///{tmp_path / 'dst' / 'nhacviec.db'}"
    _round_trip(monkeypatch, capsys, tmp_path, source, target)


@pytest.fixture
def two_postgres_databases() -> Iterator[tuple[str, str]]:
    """Two fresh PostgreSQL databases (a restore brings back whole schemas, so not one schema each)."""
    if conftest._postgres_error:
        pytest.skip(conftest._postgres_error)
    names = [f"nv_{kind}_{uuid.uuid4().hex[:10]}" for kind in ("src", "dst")]

    async def each(sql: str) -> None:
        connection = await asyncpg.connect(conftest._dsn())
        try:
            for name in names:
                await connection.execute(sql.format(name=name))
        finally:
            await connection.close()

    asyncio.run(each('CREATE DATABASE "{name}"'))
    base = conftest.POSTGRES_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    finally:
        asyncio.run(each('DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_postgresql_backup_restores_every_row_and_photo(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    two_postgres_databases: tuple[str, str],
) -> None:
    import shutil

    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump / pg_restore not installed")
    _round_trip(monkeypatch, capsys, tmp_path, *two_postgres_databases)


def test_a_file_that_is_no_backup_is_refused_in_vietnamese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _use(monkeypatch, f"sqlite+aiosqlite:///{tmp_path / 'd.db'}", tmp_path)
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    assert main(["restore", str(junk)]) == 1
    assert "tệp sao lưu hỏng" in capsys.readouterr().err


def test_a_postgresql_archive_restores_only_into_its_own_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], database_url: str
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("schemas are PostgreSQL's")
    asyncio.run(_seed(database_url, tmp_path / "src"))
    _use(monkeypatch, database_url, tmp_path / "src")
    assert main(["backup", "--out", str(tmp_path / "out")]) == 0
    (archive,) = (tmp_path / "out").glob("nhacviec-*.tar.gz")
    other = database_url.rsplit("=", 1)[0] + "=another_schema"
    _use(monkeypatch, other, tmp_path / "dst")
    capsys.readouterr()
    assert main(["restore", str(archive), "--force"]) == 1
    assert "search_path" in capsys.readouterr().err
    assert sum(len(rows) for rows in asyncio.run(_dump(database_url)).values()) >= 5  # untouched
