"""`nhacviec tasks ...`: hand out tasks from the command line or from the office's spreadsheet."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from bot.admin_cli import _report, _resolve
from bot.config import Settings
from bot.context import SystemClock
from domain.dates import DateError, fmt, parse_due, parse_recurrence
from domain.sheets import read_rows, template_xlsx
from domain.task_texts import status_label
from storage import migrate, task_import, task_notices, tasks
from storage.db import create_engine, session_factory
from storage.officials import OfficialError


def add_parsers(commands: Any) -> None:
    task = commands.add_parser("tasks", help="tasks").add_subparsers(dest="action", required=True)
    add = task.add_parser("add", help="hand out one task (its officials are notified)")
    add.add_argument("--title", required=True)
    add.add_argument("--unit", required=True, help="the lead unit (chủ trì)")
    add.add_argument("--coop", action="append", default=[], help="a cooperating unit (repeatable)")
    add.add_argument("--due", help='e.g. "30/12", "cuối tháng", "thứ sáu tuần sau"')
    add.add_argument("--directive", help="number as written, e.g. 3022-CV/TU")
    add.add_argument("--body", help="the full text")
    add.add_argument("--target", type=float, help="a quantity to reach, e.g. 12")
    add.add_argument("--measure", help='its unit, e.g. "căn"')
    add.add_argument("--no-confirm", action="store_true", help="'Hoàn thành' closes it without the office")
    add.add_argument("--repeat", help='"hằng tuần", "hằng tháng", "hằng quý" or "hằng năm"')
    task.add_parser("import", help="tasks from .xlsx/.csv").add_argument("file")
    task.add_parser("template", help="write the import template").add_argument("file")
    task.add_parser("list", help="open tasks")


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.action == "template":
        Path(args.file).write_bytes(template_xlsx("Nhiem vu", task_import.HEADERS, task_import.EXAMPLES))
        print(f"đã ghi mẫu: {args.file}")
        return 0
    data = Path(args.file).read_bytes() if args.action == "import" else b""
    return asyncio.run(_run(settings, args, data))


async def _run(settings: Settings, args: argparse.Namespace, data: bytes) -> int:
    engine = create_engine(settings.database_url)
    now = SystemClock().now()
    today = now.astimezone(settings.tz).date()
    try:
        await migrate.upgrade(engine)
        async with session_factory(engine).begin() as session:
            if args.action == "import":
                rows = read_rows(data, args.file)
                return _report(await task_import.import_tasks(session, rows=rows, today=today, now=now))
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
                title=args.title,
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
