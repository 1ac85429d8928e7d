"""`nhacviec tasks ...`: hand out tasks from the command line or from the office's spreadsheet."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.admin_cli import _resolve
from bot.cli_files import CliError, in_transaction, read_sheet, write_template
from bot.cli_progress import tracked
from bot.config import Settings
from bot.context import SystemClock
from bot.unit_cli import report
from domain import cli_texts
from domain.dates import DateError, fmt, parse_due, parse_recurrence
from domain.sheets import SheetRow, template_xlsx
from domain.task_texts import status_label
from storage import migrate, task_import, task_notices, tasks
from storage.db import create_engine, session_factory
from storage.officials import OfficialError


def add_parsers(commands: Any) -> None:
    task = commands.add_parser("tasks", help="nhiệm vụ: giao, nhập, xem / tasks")
    task = task.add_subparsers(dest="action", required=True)
    add = task.add_parser("add", help="giao một nhiệm vụ (cán bộ của đơn vị được báo) / hand out one task")
    add.add_argument("--title", required=True, help="tên nhiệm vụ (không được để trống)")
    add.add_argument("--unit", required=True, help="đơn vị chủ trì / the lead unit")
    add.add_argument(
        "--coop", action="append", default=[], help="đơn vị phối hợp (lặp lại được) / a cooperating unit"
    )
    add.add_argument("--due", help='hạn, ví dụ "30/12", "cuối tháng", "thứ sáu tuần sau"')
    add.add_argument("--directive", metavar="SỐ_VĂN_BẢN", help="số văn bản, ví dụ 3022-CV/TU")
    add.add_argument("--body", metavar="NỘI_DUNG", help="nội dung đầy đủ")
    add.add_argument("--target", type=float, metavar="CHỈ_TIÊU", help="chỉ tiêu (số), ví dụ 12")
    add.add_argument("--measure", metavar="ĐƠN_VỊ_TÍNH", help='đơn vị tính, ví dụ "căn"')
    add.add_argument(
        "--no-confirm", action="store_true", help="«Hoàn thành» đóng nhiệm vụ, không cần Văn phòng xác nhận"
    )
    add.add_argument(
        "--repeat", metavar="CHU_KỲ", help='lặp lại: "hằng tuần", "hằng tháng", "hằng quý" hoặc "hằng năm"'
    )
    imp = task.add_parser("import", help="nhập nhiệm vụ từ tệp .xlsx/.csv (lệnh template cho tệp mẫu)")
    imp.add_argument("file", help="tệp .xlsx hoặc .csv, dòng đầu là tiêu đề cột")
    imp.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi, không báo ai")
    template = task.add_parser("template", help="ghi tệp mẫu để nhập / write the import template")
    template.add_argument("file", help="tệp .xlsx sẽ ghi")
    template.add_argument("--force", action="store_true", help="ghi đè tệp đã có / overwrite")
    task.add_parser("list", help="nhiệm vụ đang mở / open tasks")


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.action == "template":
        data = template_xlsx("Nhiệm vụ", task_import.HEADERS, task_import.EXAMPLES)
        write_template(args.file, data, force=args.force)
        return 0
    if args.action == "add" and not args.title.strip():
        raise CliError(cli_texts.EMPTY_TITLE)  # as the import refuses a row without one
    rows = read_sheet(args.file) if args.action == "import" else []
    return asyncio.run(_run(settings, args, rows))


async def _run(settings: Settings, args: argparse.Namespace, rows: list[SheetRow]) -> int:
    engine = create_engine(settings.database_url)
    now = SystemClock().now()
    today = now.astimezone(settings.tz).date()
    try:
        await migrate.upgrade(engine)
        if args.action == "import":
            with tracked(rows, cli_texts.IMPORTING_TASKS) as shown:
                result = await in_transaction(
                    session_factory(engine),
                    lambda s: task_import.import_tasks(s, rows=shown, today=today, now=now),
                    dry_run=args.dry_run,
                )
            return report(result, dry_run=args.dry_run)
        async with session_factory(engine).begin() as session:
            if args.action == "list":
                for task in await tasks.open_tasks(session):
                    due = fmt(task.due_on) if task.due_on else "không hạn"
                    print(f"#{task.id}\t{due}\t{status_label(task.status)}\t{task.title}")
                return 0
            try:
                due = parse_due(args.due, today=today) if args.due else None
            except DateError as exc:
                raise OfficialError(str(exc)) from None
            recurrence = parse_recurrence(args.repeat) if args.repeat else None
            if args.repeat and recurrence is None:
                raise OfficialError(
                    f"«{args.repeat}» không hợp lệ; chọn hằng tuần, hằng tháng, hằng quý, hằng năm"
                )
            lead = await _resolve(session, args.unit)
            cooperating = [(await _resolve(session, name)).id for name in args.coop]
            directive = (
                await tasks.add_directive(session, number=args.directive, summary=args.directive)
                if args.directive
                else None
            )
            task = await tasks.add_task(
                session,
                title=args.title.strip(),
                body=args.body,
                lead_unit_id=lead.id,
                due=due,
                directive_id=directive.id if directive else None,
                cooperating_unit_ids=cooperating,
                target_quantity=args.target,
                target_measure=args.measure,
                needs_confirmation=not args.no_confirm,
                recurrence=recurrence,
                now=now,
            )
            notified = await task_notices.notify_assigned(session, task=task, today=today, now=now)
            print(f"đã giao nhiệm vụ #{task.id} cho {lead.name}; {notified} cán bộ sẽ nhận thông báo")
            return 0
    finally:
        await engine.dispose()
