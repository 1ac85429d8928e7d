"""`nhacviec households ...`: the communes' household lists in and out."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from bot.admin_cli import _report
from bot.config import Settings
from bot.context import SystemClock
from domain import house_texts
from domain.sheets import read_rows, rows_xlsx, template_xlsx
from storage import households, migrate, units
from storage.db import create_engine, session_factory


def add_parsers(commands: Any) -> None:
    house = commands.add_parser("households", help="xóa nhà tạm households").add_subparsers(
        dest="action", required=True
    )
    house.add_parser("template", help="write the import template").add_argument("file")
    house.add_parser("import", help="households from .xlsx/.csv").add_argument("file")
    export = house.add_parser("export", help="every household with its stage and photo count (.xlsx)")
    export.add_argument("file")
    export.add_argument("--unit", help="one commune only")


def run(settings: Settings, args: argparse.Namespace) -> int:
    programme = settings.current_programme()
    if args.action == "template":
        example = [
            "Xã Long Hiệp",
            "Ấp 3",
            "Nguyễn Văn A",
            next(iter(programme.tracks.values())),
            next(iter(programme.work_kinds.values())),
            *["50.000.000", "10.000.000"],
            *[""] * (len(programme.fund_sources) - 2),
            "30.000.000",
            "12/2026",
            "",
            "",
        ]
        Path(args.file).write_bytes(template_xlsx("Ho", households.household_headers(programme), [example]))
        print(f"đã ghi mẫu: {args.file}")
        return 0
    data = Path(args.file).read_bytes() if args.action == "import" else b""
    return asyncio.run(_run(settings, args, data))


async def _run(settings: Settings, args: argparse.Namespace, data: bytes) -> int:
    programme = settings.current_programme()
    engine = create_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        async with session_factory(engine).begin() as session:
            if args.action == "import":
                return _report(
                    await households.import_households(
                        session, rows=read_rows(data, args.file), programme=programme, now=SystemClock().now()
                    )
                )
            unit_ids = None
            if args.unit:
                match = await units.find_unit(session, query=args.unit)
                if match.found is None:
                    print(f"không tìm thấy đơn vị «{args.unit}»")
                    return 1
                unit_ids = [match.found.unit_id]
            names = {u.unit_id: u.name for u in await units.unit_names(session, active_only=False)}
            rows = await households.export_rows(
                session, programme=programme, unit_ids=unit_ids, unit_names=names
            )
        workbook = rows_xlsx("Ho gia dinh", house_texts.EXPORT_HEADERS, rows)
        await asyncio.to_thread(Path(args.file).write_bytes, workbook)
        print(f"đã ghi {len(rows)} hộ vào {args.file}")
        return 0
    finally:
        await engine.dispose()
