"""Operators' commands: `nhacviec backup`, `restore` and `doctor` (see bot/doctor.py)."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.cli_files import CliError
from bot.config import Settings
from bot.context import Clock, SystemClock
from domain import cli_texts
from storage import migrate
from storage.db import create_engine
from storage.health import stored_rows

COMMANDS = ("backup", "restore", "doctor")
MANIFEST, SQLITE_MEMBER, PG_MEMBER, PHOTOS = "manifest.json", "database.sqlite3", "database.pgdump", "photos"


def add_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    backup = commands.add_parser(
        "backup", help="sao lưu cơ sở dữ liệu và ảnh vào một tệp .tar.gz / back up the database and photos"
    )
    backup.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="THƯ_MỤC",
        help="thư mục đặt tệp (mặc định: DATA_DIR/backups)",
    )
    restore = commands.add_parser(
        "restore", help="khôi phục từ một tệp sao lưu / restore from a backup archive"
    )
    restore.add_argument("archive", type=Path, help="tệp .tar.gz do `nhacviec backup` tạo")
    restore.add_argument(
        "--force",
        action="store_true",
        help="ghi đè cơ sở dữ liệu đang có dữ liệu / overwrite a non-empty database",
    )
    commands.add_parser(
        "doctor",
        help="kiểm tra cấu hình, CSDL, Telegram, ổ đĩa / check configuration, database, Telegram, disk",
    )


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.command == "backup":
        archive = backup(settings, out=args.out)
        print(f"✅ Đã sao lưu vào / backed up to: {archive}")
        return 0
    restore(settings, args.archive, force=args.force)
    print(f"✅ Đã khôi phục từ / restored from: {args.archive}")
    return 0


# --- backup ---------------------------------------------------------------------------------------


def backup(settings: Settings, *, out: Path | None = None, clock: Clock | None = None) -> Path:
    """Write one dated archive: the database (online, consistent) and the photos folder."""
    url = make_url(settings.database_url)
    revision = asyncio.run(_revision(settings.database_url))
    out = out or settings.data_dir / "backups"
    out.mkdir(parents=True, exist_ok=True)
    moment = (clock or SystemClock()).now().astimezone(settings.tz)
    archive = out / f"nhacviec-{moment:%Y%m%d-%H%M%S}.tar.gz"
    with tempfile.TemporaryDirectory() as scratch:
        if url.get_backend_name() == "sqlite":
            dump, kind = Path(scratch) / SQLITE_MEMBER, "sqlite"
            _sqlite_copy(_sqlite_path(settings), dump)
        else:
            dump, kind = Path(scratch) / PG_MEMBER, "postgresql"
            _pg_tool(
                "pg_dump", settings, "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"
            )
        manifest = {"kind": kind, "schema": url.query.get("search_path"), "revision": revision}
        manifest["created_at"] = moment.isoformat()
        partial = archive.with_suffix(".part")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(moment.timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name)
            photos = settings.data_dir / PHOTOS
            if photos.is_dir():
                tar.add(photos, arcname=PHOTOS)
        partial.replace(archive)  # a crash never leaves half an archive under the final name
    return archive


async def _revision(database_url: str) -> str | None:
    engine = create_engine(database_url)
    try:
        return await migrate.current_revision(engine)
    finally:
        await engine.dispose()


def _sqlite_path(settings: Settings) -> Path:
    database = make_url(settings.database_url).database
    if not database or database == ":memory:":
        raise CliError("DATABASE_URL không trỏ tới một tệp SQLite / DATABASE_URL names no SQLite file")
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """sqlite3's online backup: a consistent copy even while the bot writes (WAL included)."""
    if not source.is_file():
        raise CliError(f"không có tệp cơ sở dữ liệu / no database file: {source}")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def _pg_tool(tool: str, settings: Settings, *arguments: str) -> None:
    """Run pg_dump or pg_restore on the configured database; the password goes in the environment."""
    if shutil.which(tool) is None:
        raise CliError(
            f"chưa cài {tool} (gói postgresql-client) / {tool} is not installed (package postgresql-client)"
        )
    url = make_url(settings.database_url)
    env = {**os.environ, "PGHOST": url.host or "localhost", "PGPORT": str(url.port or 5432)}
    env.update(
        {"PGUSER": url.username or "", "PGPASSWORD": url.password or "", "PGDATABASE": url.database or ""}
    )
    schema = url.query.get("search_path")
    if tool == "pg_dump":
        scope = [f"--schema={schema}"] if schema else []
    else:  # one transaction: a failed restore leaves the database as it was
        scope = [f"--dbname={url.database}", "--single-transaction", "--exit-on-error"]
    done = subprocess.run([tool, *scope, *arguments], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CliError(f"{tool} thất bại / failed: {done.stderr.strip()[:500]}")


# --- restore --------------------------------------------------------------------------------------


def restore(settings: Settings, archive: Path, *, force: bool = False) -> None:
    """Put an archive's database and photos in place; a database with data needs `force`."""
    if not archive.is_file():
        raise CliError(cli_texts.file_missing(str(archive)))
    kind = "sqlite" if make_url(settings.database_url).get_backend_name() == "sqlite" else "postgresql"
    with tempfile.TemporaryDirectory() as scratch:
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(scratch, filter="data")  # no member may land outside the folder
            manifest = json.loads((Path(scratch) / MANIFEST).read_text(encoding="utf-8"))
        except (tarfile.TarError, OSError, ValueError) as exc:
            raise CliError(f"tệp sao lưu hỏng / not a nhacviec backup: {exc}") from None
        if manifest.get("kind") != kind:
            raise CliError(
                f"tệp sao lưu là {manifest.get('kind')}, DATABASE_URL là {kind} / "
                f"the archive holds a {manifest.get('kind')} database, DATABASE_URL is {kind}"
            )
        schema = make_url(settings.database_url).query.get("search_path")
        if kind == "postgresql" and manifest.get("schema") != schema:
            # pg_restore recreates the archive's own schema: it must be the one DATABASE_URL names,
            # or the check for existing data below would look at the wrong one.
            raise CliError(
                f"tệp sao lưu thuộc schema {manifest.get('schema') or 'public'}, DATABASE_URL dùng "
                f"{schema or 'public'} / the archive restores into its own schema: set ?search_path= to it"
            )
        rows = asyncio.run(_existing_rows(settings.database_url))
        if rows and not force:
            raise CliError(
                f"cơ sở dữ liệu đang có {rows} dòng dữ liệu; thêm --force để ghi đè / "
                f"the database holds {rows} rows; add --force to overwrite it"
            )
        if kind == "sqlite":
            target = _sqlite_path(settings)
            target.parent.mkdir(parents=True, exist_ok=True)
            _sqlite_copy(Path(scratch) / SQLITE_MEMBER, target)
        else:
            dump = Path(scratch) / PG_MEMBER
            _pg_tool(
                "pg_restore", settings, "--clean", "--if-exists", "--no-owner", "--no-privileges", str(dump)
            )
        photos = Path(scratch) / PHOTOS
        if photos.is_dir():
            shutil.copytree(photos, settings.data_dir / PHOTOS, dirs_exist_ok=True)


async def _existing_rows(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        return await stored_rows(engine)
    except Exception:  # no database yet (a new SQLite file, an empty schema): nothing to lose
        return 0
    finally:
        await engine.dispose()
