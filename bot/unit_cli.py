"""`nhacviec units ...`: the unit tree from the official list and the office's files; mergers."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.cli_files import CliError, confirmed, in_transaction, read_sheet, write_template
from bot.cli_progress import tracked
from bot.config import Settings
from bot.context import SystemClock
from domain import cli_texts
from domain.sheets import template_xlsx
from storage import migrate, unit_merges, units
from storage.db import create_engine, session_factory
from storage.unit_merges import MergeError
from storage.units import ImportResult, UnknownProvinceError

HEADERS = ("Tên đơn vị", "Loại", "Đơn vị cấp trên", "Mã", "Tên cũ")
EXAMPLES = (
    ("Văn phòng Tỉnh ủy", "văn phòng", "Tỉnh Tây Ninh", "", ""),
    ("Ban Tổ chức Tỉnh ủy", "ban", "Tỉnh Tây Ninh", "", ""),
    ("Xã Long Hiệp", "xã", "Tỉnh Tây Ninh", "", "Xã Long Thạnh; Xã Long Hiệp cũ"),
    ("Đảng ủy xã Long Hiệp", "đảng ủy", "Xã Long Hiệp", "", ""),
)


def add_parsers(commands: Any) -> None:
    """The `units` subcommands."""
    unit = commands.add_parser(
        "units", help="cây đơn vị, nhập đơn vị, sáp nhập / the unit tree"
    ).add_subparsers(dest="action", required=True)
    seed = unit.add_parser("seed", help="tạo một tỉnh và mọi xã, phường, đặc khu theo danh mục 7/2025")
    seed.add_argument("--province", required=True, help='ví dụ "Tây Ninh" hoặc "tay ninh"')
    imp = unit.add_parser("import", help="nhập cơ quan, đơn vị từ tệp .xlsx/.csv (lệnh template cho tệp mẫu)")
    imp.add_argument("file", help="tệp .xlsx hoặc .csv, dòng đầu là tiêu đề cột")
    imp.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")
    merge = unit.add_parser("merge", help="sáp nhập: units merge A B --into C (C phải có sẵn)")
    merge.add_argument("sources", nargs="+", help="các đơn vị bị sáp nhập (gõ đúng tên)")
    merge.add_argument("--into", required=True, help="đơn vị nhận (đã có trong danh sách)")
    merge.add_argument("--yes", action="store_true", help="không hỏi xác nhận (cho script)")
    merge.add_argument("--dry-run", action="store_true", help="chỉ cho biết sẽ chuyển những gì")
    unmerge = unit.add_parser("unmerge", help="hoàn tác một lần sáp nhập: units unmerge SỐ")
    unmerge.add_argument("merge_id", type=int, help="số lần sáp nhập (xem: units merges)")
    unmerge.add_argument("--yes", action="store_true", help="không hỏi xác nhận (cho script)")
    unit.add_parser("merges", help="các lần sáp nhập, với số để hoàn tác")
    alias = unit.add_parser("alias", help="thêm tên cũ: units alias ĐƠN_VỊ 'tên cũ'")
    alias.add_argument("unit", help="đơn vị hiện nay (gõ đúng tên)")
    alias.add_argument("names", nargs="+", help="một hoặc nhiều tên cũ")
    unit.add_parser("list", help="danh sách đơn vị, kèm số và tên cũ")
    template = unit.add_parser("template", help="ghi tệp mẫu để nhập / write the import template")
    template.add_argument("file", help="tệp .xlsx sẽ ghi")
    template.add_argument("--force", action="store_true", help="ghi đè tệp đã có / overwrite")


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Dispatch `units ...`; the template needs no database."""
    if args.action == "template":
        write_template(args.file, template_xlsx("Don vi", HEADERS, EXAMPLES), force=args.force)
        return 0
    rows = read_sheet(args.file) if args.action == "import" else []
    return asyncio.run(_with_db(settings, args, rows))


async def _with_db(settings: Settings, args: argparse.Namespace, rows: list[Any]) -> int:
    engine = create_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        db = session_factory(engine)
        now = SystemClock().now()
        try:
            if args.action == "import":
                with tracked(rows, cli_texts.IMPORTING_UNITS) as shown:
                    result = await in_transaction(
                        db, lambda s: units.import_units(s, rows=shown, now=now), dry_run=args.dry_run
                    )
                return report(result, dry_run=args.dry_run)
            if args.action == "merge":
                return await _merge(db, args, now)
            if args.action == "unmerge":
                return await _unmerge(db, args, now)
            async with db.begin() as session:
                return await ACTIONS[args.action](session, args, now)
        except MergeError as exc:
            raise CliError(str(exc)) from None
    finally:
        await engine.dispose()


def report(result: ImportResult, *, dry_run: bool = False) -> int:
    """Print an import's counts and its bad rows; exit code 1 when any row was refused."""
    print(cli_texts.import_summary(result.created, result.updated, len(result.errors), dry_run=dry_run))
    for error in result.errors:
        print(f"  dòng {error.row}: {error.reason}")
    return 1 if result.errors else 0


async def _plan(session: AsyncSession, args: argparse.Namespace) -> unit_merges.MergePlan:
    target = await unit_merges.exact_unit(session, text=args.into)
    sources = [await unit_merges.exact_unit(session, text=name) for name in args.sources]
    return await unit_merges.plan_merge(session, sources=sources, target=target)


async def _merge(db: async_sessionmaker[AsyncSession], args: argparse.Namespace, now: dt.datetime) -> int:
    async with db() as session:  # read only: nothing is held open while the office decides
        plan = await _plan(session, args)
    names = [u.name for u in plan.sources]
    print(cli_texts.merge_plan(names, plan.target.name, plan.target.id, plan.counts))
    if args.dry_run:
        print(cli_texts.DRY_RUN)
        return 0
    if not confirmed(cli_texts.CONFIRM_MERGE, yes=args.yes):
        print(cli_texts.NOT_CONFIRMED)
        return 1
    async with db.begin() as session:
        record = await unit_merges.merge_units(session, plan=await _plan(session, args), now=now)
    print(cli_texts.merge_done(record.id, names, plan.target.name))
    return 0


async def _unmerge(db: async_sessionmaker[AsyncSession], args: argparse.Namespace, now: dt.datetime) -> int:
    async with db() as session:
        found = {r.id: (r, names) for r, names in await unit_merges.list_merges(session)}
    if args.merge_id not in found:
        raise CliError(cli_texts.no_merge(args.merge_id))
    record, names = found[args.merge_id]
    sources = [names.get(u, f"#{u}") for u in record.moved.get("sources", [])]
    counts = {key: len(rows) for key, rows in record.moved.get("rows", {}).items()}
    print(cli_texts.unmerge_plan(args.merge_id, sources, names.get(record.target_id, "?"), counts))
    if not confirmed(cli_texts.CONFIRM_UNMERGE, yes=args.yes):
        print(cli_texts.NOT_CONFIRMED)
        return 1
    async with db.begin() as session:
        await unit_merges.unmerge(session, merge_id=args.merge_id, now=now)
    print(cli_texts.unmerge_done(args.merge_id, sources))
    return 0


async def _merges(session: AsyncSession, args: argparse.Namespace, now: dt.datetime) -> int:
    listed = await unit_merges.list_merges(session)
    if not listed:
        print(cli_texts.NO_MERGES)
    for record, names in listed:
        sources = [names.get(u, f"#{u}") for u in record.moved.get("sources", [])]
        target = names.get(record.target_id, "?")
        print(cli_texts.merge_line(record.id, record.at, sources, target, record.undone_at is not None))
    return 0


async def _seed(session: AsyncSession, args: argparse.Namespace, now: dt.datetime) -> int:
    try:
        result = await units.seed_province(session, province_name=args.province, now=now)
    except UnknownProvinceError as exc:
        hint = f" Có phải: {', '.join(exc.suggestions)}?" if exc.suggestions else ""
        print(f"không tìm thấy tỉnh «{args.province}».{hint}")
        return 1
    print(
        f"{result.province.name}: thêm {result.created} xã/phường/đặc khu, đã có {result.existing}; "
        f"ghi {result.former_names} tên cũ (tỉnh, huyện, xã trước 7/2025)"
    )
    return 0


async def _alias(session: AsyncSession, args: argparse.Namespace, now: dt.datetime) -> int:
    unit = await unit_merges.exact_unit(session, text=args.unit)
    await units.add_aliases(session, unit=unit, names=args.names)
    print(f"{unit.name}: thêm tên cũ {', '.join(args.names)}")
    return 0


async def _list(session: AsyncSession, args: argparse.Namespace, now: dt.datetime) -> int:
    for name in sorted(await units.unit_names(session), key=lambda u: (u.province, u.name)):
        former = f"  (tên cũ: {', '.join(name.aliases)})" if name.aliases else ""
        where = f"\t{name.province}" if name.province else ""
        print(f"#{name.unit_id}\t{name.name}{where}{former}")
    return 0


ACTIONS = {"seed": _seed, "merges": _merges, "alias": _alias, "list": _list}
