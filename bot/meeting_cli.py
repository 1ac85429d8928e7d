"""`nhacviec meetings ...`: one-off meetings with their agenda; postpone and cancel them."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from typing import Any

from bot.admin_cli import _resolve
from bot.config import Settings
from bot.context import SystemClock
from domain import cli_texts
from domain.dates import fmt_with_weekday
from storage import meetings, migrate, units
from storage.db import create_engine, session_factory
from storage.models import Meeting
from storage.officials import OfficialError

STATUS_WORDS = {meetings.PLANNED: "dự kiến", meetings.CANCELLED: "đã hủy", meetings.HELD: "đã họp"}


def add_parsers(commands: Any) -> None:
    meeting = commands.add_parser(
        "meetings", help="cuộc họp, hội nghị và nội dung chuẩn bị / meetings"
    ).add_subparsers(dest="action", required=True)
    add = meeting.add_parser("add", help="thêm một cuộc họp; đơn vị chuẩn bị được nhắc trước / add a meeting")
    add.add_argument("--title", required=True, help='tên cuộc họp, ví dụ "Hội nghị Ban Thường vụ"')
    add.add_argument("--at", required=True, help='thời gian "dd/mm/yyyy HH:MM" (sau hiện tại)')
    add.add_argument(
        "--item",
        action="append",
        default=[],
        metavar="NỘI_DUNG|ĐƠN_VỊ",
        help='nội dung và đơn vị chuẩn bị: "Báo cáo ...|Văn phòng" (lặp lại được)',
    )
    postpone = meeting.add_parser("postpone", help="dời cuộc họp (tin nhắc chưa gửi được thu hồi) / postpone")
    postpone.add_argument("id", type=int, help="số cuộc họp (xem: meetings list)")
    postpone.add_argument("--to", required=True, help='thời gian mới "dd/mm/yyyy HH:MM"')
    meeting.add_parser("cancel", help="hủy cuộc họp / cancel").add_argument(
        "id", type=int, help="số cuộc họp (xem: meetings list)"
    )
    meeting.add_parser("list", help="các cuộc họp từ hôm qua trở đi, kèm nội dung / list")


def _moment(text: str, settings: Settings) -> dt.datetime:
    try:
        return dt.datetime.strptime(text.strip(), "%d/%m/%Y %H:%M").replace(tzinfo=settings.tz)
    except ValueError:
        raise OfficialError(f"thời gian «{text}» không hợp lệ; viết dạng 25/05/2026 08:00") from None


def _when(meeting: Meeting, settings: Settings) -> str:
    local = meeting.starts_at.astimezone(settings.tz)
    return f"{local:%H:%M} {fmt_with_weekday(local.date())}"


def run(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_run(settings, args))


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    engine = create_engine(settings.database_url)
    now = SystemClock().now()
    try:
        await migrate.upgrade(engine)
        async with session_factory(engine).begin() as session:
            if args.action == "add":
                if not args.title.strip():
                    raise OfficialError(cli_texts.EMPTY_MEETING_TITLE)
                items = []
                for text in args.item:
                    title, _, unit = text.partition("|")
                    items.append(
                        (title.strip(), (await _resolve(session, unit)).id if unit.strip() else None)
                    )
                starts_at = _moment(args.at, settings)
                if starts_at <= now:
                    raise OfficialError(cli_texts.meeting_in_past(args.at))
                meeting = await meetings.add_meeting(
                    session, title=args.title.strip(), starts_at=starts_at, items=items, now=now
                )
                when = _when(meeting, settings)
                print(cli_texts.meeting_added(meeting.id, meeting.title, when, len(items)))
            elif args.action in ("postpone", "cancel"):
                meeting = await session.get(Meeting, args.id)
                if meeting is None:
                    raise OfficialError(f"không có cuộc họp #{args.id}")
                try:
                    if args.action == "postpone":
                        to = _moment(args.to, settings)
                        if to <= now:
                            raise OfficialError(cli_texts.meeting_in_past(args.to))
                        withdrawn = await meetings.postpone(session, meeting=meeting, to=to, now=now)
                    else:
                        withdrawn = await meetings.cancel(session, meeting=meeting, now=now)
                except meetings.MeetingClosedError as closed:
                    text = cli_texts.meeting_closed(
                        closed.meeting_id,
                        cancelled=closed.status == meetings.CANCELLED,
                        postponing=args.action == "postpone",
                    )
                    raise OfficialError(text) from None
                print(f"#{meeting.id}: xong; thu hồi {withdrawn} tin nhắc chưa gửi")
            else:
                listed = await meetings.list_meetings(session, since=now - dt.timedelta(days=1))
                if not listed:
                    print("Không có cuộc họp nào từ hôm qua trở đi.")
                names = {u.unit_id: u.name for u in await units.unit_names(session, active_only=False)}
                for meeting in listed:
                    status = STATUS_WORDS.get(meeting.status, meeting.status)
                    print(f"#{meeting.id}\t{_when(meeting, settings)}\t{status}\t{meeting.title}")
                    for item in await meetings.items_of(session, meeting_id=meeting.id or 0):
                        unit = names.get(item.preparing_unit_id or 0)
                        print(f"\t- {item.title}" + (f" (chuẩn bị: {unit})" if unit else ""))
        return 0
    finally:
        await engine.dispose()
