"""`nhacviec directive parse FILE`: what a directive asks, as proposed tasks and meetings."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli_files import CliError
from bot.config import Settings
from bot.context import SystemClock
from domain import directive_texts
from domain.dates import DateError, parse_due
from domain.directive import EmptyDocumentError, parse_directive
from domain.directive_files import UnreadableFileError, text_of
from domain.directive_text import SecretDocumentError


def add_parsers(commands: Any) -> None:
    directive = commands.add_parser("directive", help="đọc văn bản chỉ đạo / read a directive")
    verbs = directive.add_subparsers(dest="action", required=True)
    parse = verbs.add_parser(
        "parse", help="đề xuất nhiệm vụ, đơn vị, hạn và hội nghị từ văn bản (.txt, .docx, .pdf)"
    )
    parse.add_argument("file", help="tệp văn bản / the document")
    parse.add_argument("--json", action="store_true", help="in JSON (hợp đồng ổn định, xem README)")
    parse.add_argument(
        "--today", help="ngày của văn bản khi văn bản không ghi (dd/mm/yyyy); mặc định: hôm nay"
    )


def run(settings: Settings, args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"không tìm thấy tệp «{args.file}»")
    today = SystemClock().now().astimezone(settings.tz).date()
    if args.today:
        try:
            today = parse_due(args.today, today=today, allow_past=True).on
        except DateError as exc:
            raise CliError(f"--today: {exc}") from None
    try:
        proposal = parse_directive(text_of(path.read_bytes(), path.name), today=today)
    except SecretDocumentError:
        print(directive_texts.SECRET, file=sys.stderr)
        return 3
    except (UnreadableFileError, EmptyDocumentError):
        print(directive_texts.NOT_A_DIRECTIVE, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(proposal.as_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(directive_texts.proposal_lines(proposal)))
    return 0


__all__ = ["add_parsers", "dt", "run"]
