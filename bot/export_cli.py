"""`nhacviec export`: every task, update, household and photo record in one workbook (.xlsx)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.cli_files import refuse_overwrite
from bot.config import Settings
from bot.context import SystemClock
from domain.export_sheet import export_sheets, export_workbook
from storage import migrate
from storage.db import create_engine, session_factory
from storage.export_data import ExportRows, export_rows

COMMANDS = ("export",)


def add_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    export = commands.add_parser(
        "export",
        help="xuất nhiệm vụ, cập nhật, hộ gia đình và hồ sơ ảnh ra một tệp Excel / export all to XLSX",
    )
    export.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="TỆP",
        help="tệp ghi ra (mặc định: nhacviec-du-lieu-NGÀY.xlsx)",
    )
    export.add_argument("--force", action="store_true", help="ghi đè tệp đã có")


def run(settings: Settings, args: argparse.Namespace) -> int:
    today = SystemClock().now().astimezone(settings.tz).date()
    out: Path = args.out or Path(f"nhacviec-du-lieu-{today:%d-%m-%Y}.xlsx")
    refuse_overwrite(out, force=args.force)
    rows = asyncio.run(_rows(settings))
    sheets = export_sheets(rows.tasks, rows.updates, rows.households, rows.photos)
    out.write_bytes(export_workbook(sheets, made_on=today, scope="Nhắc việc"))
    print(out)
    print(
        f"{len(rows.tasks)} nhiệm vụ, {len(rows.updates)} cập nhật, "
        f"{len(rows.households)} hộ gia đình, {len(rows.photos)} ảnh."
    )
    return 0


async def _rows(settings: Settings) -> ExportRows:
    engine = create_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        async with session_factory(engine)() as session:
            return await export_rows(session, zone=settings.tz, programme=settings.current_programme())
    finally:
        await engine.dispose()
