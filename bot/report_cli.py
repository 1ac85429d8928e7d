"""`nhacviec report monthly --month 11/2026 [--unit …] [--out FILE]`: the monthly report draft."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

from bot.admin_cli import _resolve
from bot.cli_files import CliError, refuse_overwrite
from bot.config import Settings
from bot.context import SystemClock
from domain import cli_texts
from domain.report import Month, ReportData, parse_month, texts
from domain.report.document import monthly_report
from storage import migrate, report_data
from storage.db import create_engine, session_factory


def add_parsers(commands: Any) -> None:
    report = commands.add_parser("report", help="báo cáo / reports").add_subparsers(
        dest="action", required=True
    )
    monthly = report.add_parser("monthly", help="dự thảo báo cáo tháng (.docx) / the monthly report draft")
    monthly.add_argument("--month", default="", help="tháng báo cáo, ví dụ 11/2026 (mặc định: tháng này)")
    monthly.add_argument("--unit", help="chỉ nhiệm vụ của một đơn vị (đơn vị đó là cơ quan ban hành)")
    monthly.add_argument("--out", help="tệp ghi ra (mặc định: bao-cao-thang-MM-YYYY.docx ở thư mục hiện tại)")
    monthly.add_argument("--force", action="store_true", help="ghi đè tệp đã có / overwrite")


def run(settings: Settings, args: argparse.Namespace) -> int:
    today = SystemClock().now().astimezone(settings.tz).date()
    month = parse_month(args.month, today=today)
    if month is None:
        raise CliError(texts.CLI_BAD_MONTH.format(text=args.month))
    if month.first > today:
        raise CliError(cli_texts.month_not_begun(f"{month.month:02d}/{month.year}"))
    out = Path(args.out or texts.filename(month))
    refuse_overwrite(out, force=args.force)
    data = asyncio.run(_gather(settings, args, month, today))
    out.write_bytes(monthly_report(data))
    print(out)
    return 0


async def _gather(settings: Settings, args: argparse.Namespace, month: Month, today: dt.date) -> ReportData:
    engine = create_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        async with session_factory(engine)() as session:
            unit_id = (await _resolve(session, args.unit)).id if args.unit else None
            return await report_data.monthly_report_data(
                session,
                month=month,
                today=today,
                zone=settings.tz,
                programme=settings.current_programme(),
                calendar=settings.work_calendar(),
                unit_id=unit_id,
            )
    finally:
        await engine.dispose()
