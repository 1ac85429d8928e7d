"""`nhacviec households ...`: the communes' household lists in and out."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

from bot.admin_cli import _report, _resolve
from bot.cli_files import in_transaction, read_sheet, refuse_overwrite, write_template
from bot.cli_progress import tracked
from bot.config import Settings
from bot.context import SystemClock
from domain import cli_texts, house_texts
from domain.programmes import read_case
from domain.sheets import SheetRow, template_xlsx
from storage import household_import, households, migrate, units
from storage.db import create_engine, session_factory
from storage.models import Household
from storage.officials import OfficialError

ONE_COMMUNE = "chỉ một xã, phường"


def add_parsers(commands: Any) -> None:
    house = commands.add_parser(
        "households", help="hộ gia đình của chương trình xóa nhà tạm / households"
    ).add_subparsers(dest="action", required=True)
    template = house.add_parser("template", help="ghi tệp mẫu để nhập / write the import template")
    template.add_argument("file", help="tệp .xlsx sẽ ghi")
    template.add_argument("--force", action="store_true", help="ghi đè tệp đã có / overwrite")
    imp = house.add_parser("import", help="nhập hộ gia đình từ tệp .xlsx/.csv (lệnh template cho tệp mẫu)")
    imp.add_argument("file", help="tệp .xlsx hoặc .csv, dòng đầu là tiêu đề cột")
    imp.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")
    add = house.add_parser("add", help="thêm một hộ / add one household")
    add.add_argument("--unit", required=True, help="xã, phường của hộ")
    add.add_argument("--name", required=True, help="họ tên chủ hộ")
    add.add_argument("--hamlet", metavar="ẤP", help="ấp, khu phố")
    add.add_argument(
        "--track", metavar="DIỆN", help="diện hỗ trợ (bắt buộc), ví dụ «hộ nghèo», «người có công»"
    )
    add.add_argument("--kind", metavar="LOẠI", help="loại công trình (bắt buộc): «xây mới» hoặc «sửa chữa»")
    stage = house.add_parser("stage", help="chuyển một hộ sang giai đoạn sau (không lùi lại)")
    stage.add_argument("id", type=int, help="số của hộ (xem: households list)")
    stage.add_argument("stage", help="giai đoạn, ví dụ «đang thi công», «đã bàn giao»")
    stage.add_argument("--on", help="ngày dd/mm/yyyy (mặc định: hôm nay)")
    listing = house.add_parser("list", help="danh sách hộ, kèm số và giai đoạn")
    listing.add_argument("--unit", help=ONE_COMMUNE)
    house.add_parser(
        "progress", help="số nhà ở mỗi giai đoạn, theo từng xã, và lũy kế / progress"
    ).add_argument("--unit", help=ONE_COMMUNE)
    export = house.add_parser("export", help="xuất mọi hộ, giai đoạn và số ảnh ra tệp .xlsx / export")
    export.add_argument("file", help="tệp .xlsx sẽ ghi")
    export.add_argument("--unit", help=ONE_COMMUNE)
    export.add_argument("--force", action="store_true", help="ghi đè tệp đã có / overwrite")


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
        data = template_xlsx("Ho", household_import.household_headers(programme), [example])
        write_template(args.file, data, force=args.force)
        return 0
    if args.action == "export":
        refuse_overwrite(args.file, force=args.force)
    rows = read_sheet(args.file) if args.action == "import" else []
    return asyncio.run(_run(settings, args, rows))


async def _run(settings: Settings, args: argparse.Namespace, rows: list[SheetRow]) -> int:
    programme = settings.current_programme()
    engine = create_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        if args.action == "import":
            with tracked(rows, cli_texts.IMPORTING_HOUSEHOLDS) as shown:
                result = await in_transaction(
                    session_factory(engine),
                    lambda s: household_import.import_households(
                        s, rows=shown, programme=programme, now=SystemClock().now()
                    ),
                    dry_run=args.dry_run,
                )
            return _report(result, dry_run=args.dry_run)
        async with session_factory(engine).begin() as session:
            if args.action in ("add", "stage", "list"):
                return await _change(session, args, programme, settings)
            unit_ids = [(await _resolve(session, args.unit)).id] if args.unit else None
            rows, per_unit = await households.export_data(session, programme=programme, unit_ids=unit_ids)
        if args.action == "progress":
            for line in house_texts.progress_table(programme, per_unit):
                print(line)
            return 0
        workbook = house_texts.export_workbook(programme, rows, per_unit)
        await asyncio.to_thread(Path(args.file).write_bytes, workbook)
        print(f"đã ghi {len(rows)} hộ vào {args.file}")
        return 0
    finally:
        await engine.dispose()


async def _change(session: Any, args: argparse.Namespace, programme: Any, settings: Settings) -> int:
    now = SystemClock().now()
    if args.action == "add":
        unit = await _resolve(session, args.unit)
        choices = read_case(programme, args.track, args.kind)
        if not choices.ok:
            raise OfficialError(house_texts.case_problem(programme, choices) or "")
        household = await households.add_household(
            session,
            programme=programme,
            unit_id=unit.id,
            head_name=args.name,
            hamlet=args.hamlet,
            track=choices.track,
            work_kind=choices.work_kind,
            now=now,
        )
        print(f"đã thêm hộ #{household.id} {household.head_name} ({unit.name})")
        return 0
    if args.action == "stage":
        household = await session.get(Household, args.id)
        if household is None:
            raise OfficialError(cli_texts.no_household(args.id))
        stage = programme.parse_choice(args.stage, dict(programme.stages))
        if stage is None:
            raise OfficialError(cli_texts.bad_stage(args.stage, [label for _, label in programme.stages]))
        on = _day(args.on) if args.on else now.astimezone(settings.tz).date()
        moved = await households.set_stage(
            session, household=household, stage=stage, on=on, programme=programme, official_id=None, now=now
        )
        print(
            f"#{household.id} {household.head_name}: {programme.stage_label(household.stage)}"
            + ("" if moved else " (giữ nguyên: chỉ chuyển tới giai đoạn sau)")
        )
        return 0
    only = (await _resolve(session, args.unit)).id if args.unit else None
    names = {u.unit_id: u.name for u in await units.unit_names(session, active_only=False)}
    for unit_id, _ in await households.units_with_households(session, programme=programme.key):
        if only is not None and unit_id != only:
            continue
        for house in await households.households_of(session, unit_id=unit_id, programme=programme.key):
            print(
                f"#{house.id}\t{names.get(unit_id, '')}\t{house.hamlet or ''}\t{house.head_name}\t"
                f"{programme.stage_label(house.stage)}"
            )
    return 0


def _day(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise OfficialError(f"ngày «{text}» không hợp lệ; viết dạng 25/05/2026") from None
