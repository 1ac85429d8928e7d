"""`nhacviec directive parse FILE`: what a directive asks, as proposed tasks and meetings;
`nhacviec directive import FILE`: creates them (a conclusions notice's tasks tied to its meeting)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli_files import CliError, confirmed
from bot.config import Settings
from bot.context import SystemClock
from domain import directive_texts, giaoban_texts
from domain.dates import DateError, parse_due
from domain.directive import EmptyDocumentError, Proposal, parse_directive
from domain.directive_files import UnreadableFileError, text_of
from domain.directive_text import SecretDocumentError
from domain.giaoban import ConcludedMeeting, concluded_meeting
from storage import directive_import, migrate
from storage.db import create_engine, session_factory


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
    load = verbs.add_parser(
        "import",
        help="tạo nhiệm vụ đã rõ đơn vị và hạn, cuộc họp có ngày (hỏi trước; --yes để bỏ qua câu hỏi)",
    )
    load.add_argument("file", help="tệp văn bản / the document")
    load.add_argument("--today", help="ngày của văn bản khi văn bản không ghi (dd/mm/yyyy)")
    load.add_argument("--yes", action="store_true", help="không hỏi lại / do not ask")


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
        text = text_of(path.read_bytes(), path.name)
        proposal = parse_directive(text, today=today)
    except SecretDocumentError:
        print(directive_texts.SECRET, file=sys.stderr)
        return 3
    except (UnreadableFileError, EmptyDocumentError):
        print(directive_texts.NOT_A_DIRECTIVE, file=sys.stderr)
        return 1
    if args.action == "import":
        concludes = concluded_meeting(text)
        return asyncio.run(_import(settings, proposal, concludes, today=today, yes=args.yes))
    if args.json:
        print(json.dumps(proposal.as_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(directive_texts.proposal_lines(proposal)))
    return 0


async def _import(
    settings: Settings, proposal: Proposal, concludes: ConcludedMeeting | None, *, today: dt.date, yes: bool
) -> int:
    """Create the tasks whose unit and deadline are known and the dated meetings; list the others."""
    engine = create_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        db = session_factory(engine)
        async with db() as session:
            rows = await directive_import.proposal_rows(session, proposal=proposal)
            meetings = await directive_import.meeting_rows(session, proposal=proposal)
        print("\n".join(directive_texts.proposal_lines(proposal) + directive_texts.group_lines(rows)))
        if concludes is not None:
            print("\n" + giaoban_texts.concluded_line(concludes))
        for row in rows:
            row["state"] = "accepted" if directive_import.ready(row, today=today) else "skipped"
        left = [row["ref"] for row in rows if row["state"] == "skipped"]
        count, _ = directive_import.planned(rows)
        dated = sum(1 for m in meetings if m["state"] == directive_import.NEW)
        print(directive_texts.import_plan(count, left))
        print("\n".join(giaoban_texts.meeting_plan(meetings)))
        if not (count or dated) or not confirmed(giaoban_texts.import_question(count, dated), yes=yes):
            print(directive_texts.NOTHING_CREATED)
            return 0
        now = SystemClock().now()
        async with db.begin() as session:
            done = await directive_import.create_accepted(
                session,
                info=proposal.as_json()["directive"],
                rows=rows,
                fallback_number=directive_texts.unnumbered(today),
                created_by_id=None,
                today=now.astimezone(settings.tz).date(),
                now=now,
                zone=settings.tz,
                meeting_rows=meetings,
                concludes=concludes,
                giao_ban_at=settings.reminder_policy().giao_ban_at,
            )
        print(directive_texts.created_plain(done.number, done.task_ids))
        for line in (
            giaoban_texts.kept_tasks(done.tasks_kept),
            giaoban_texts.created_meetings(len(done.meetings_created), done.meetings_kept),
        ):
            if line:
                print(line)
        return 0
    finally:
        await engine.dispose()


__all__ = ["add_parsers", "run"]
