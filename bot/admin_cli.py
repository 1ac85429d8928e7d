"""The office's chores from the command line: units and officials, imports and invitations."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import officials_cli, unit_cli
from bot.cli_files import write_template
from bot.config import Settings
from bot.context import SystemClock
from bot.unit_cli import report as _report  # noqa: F401 - house_cli imports it from here
from domain import people_texts
from domain.people import normalize_phone, parse_role
from domain.sheets import SheetError, template_xlsx
from domain.units import kind_from_text
from storage import migrate, officials, units
from storage.db import create_engine, session_factory
from storage.models import Unit
from storage.officials import OfficialError

OFFICIAL_HEADERS = ("Họ và tên", "Chức vụ", "Đơn vị", "Vai trò", "Số điện thoại", "Người đứng đầu")
OFFICIAL_EXAMPLES = (
    ("Nguyễn Văn Hùng", "Chủ tịch UBND xã", "Xã Long Hiệp", "cán bộ", "0912345678", "x"),
    ("Trần Văn Minh", "Phó Bí thư Thường trực", "Tỉnh Tây Ninh", "lãnh đạo", "0987654321", ""),
    ("Lê Thị Thảo", "Chuyên viên", "Văn phòng Tỉnh ủy", "quản trị", "0905123456", ""),
)

ROLE_HELP = "vai trò: cán bộ, lãnh đạo hoặc quản trị (Văn phòng)"
EDIT_FLAGS = (
    ("--name", "họ và tên mới"),
    ("--unit", "đơn vị mới"),
    ("--role", ROLE_HELP),
    ("--phone", "số điện thoại mới"),
    ("--title", "chức vụ mới"),
)

Action = Callable[[AsyncSession, argparse.Namespace, dt.datetime], Awaitable[int]]


def add_parsers(commands: Any) -> None:
    """The `units` (bot/unit_cli.py) and `officials` subcommands."""
    unit_cli.add_parsers(commands)

    people = commands.add_parser("officials", help="cán bộ, tài khoản và đường link mời / officials")
    people = people.add_subparsers(dest="action", required=True)
    imp = people.add_parser("import", help="nhập cán bộ từ tệp .xlsx/.csv (lệnh template cho tệp mẫu)")
    imp.add_argument("file", help="tệp .xlsx hoặc .csv, dòng đầu là tiêu đề cột")
    add = people.add_parser("add", help="thêm một cán bộ / add one official")
    add.add_argument("--name", required=True, help="họ và tên")
    add.add_argument("--unit", required=True, help="đơn vị (tên hoặc một phần tên, không cần dấu)")
    add.add_argument("--role", default="cán bộ", help=ROLE_HELP + " (mặc định: cán bộ)")
    add.add_argument("--phone", default="", help="số điện thoại, để xác minh khi kích hoạt")
    add.add_argument("--title", default="", metavar="CHỨC_VỤ", help="chức vụ, ví dụ «Chủ tịch UBND xã»")
    edit = people.add_parser("edit", help="sửa thông tin một cán bộ (chỉ các trường được ghi)")
    edit.add_argument("id", type=int, help="số của cán bộ (xem: officials list)")
    for flag, text in EDIT_FLAGS:
        edit.add_argument(flag, help=text, **({"metavar": "CHỨC_VỤ"} if flag == "--title" else {}))
    for name, text in (("deactivate", "khóa tài khoản (hỏi trước)"), ("reactivate", "mở lại tài khoản")):
        people.add_parser(name, help=text).add_argument("id", type=int, help="số của cán bộ")
    invite = people.add_parser("invite", help="tạo đường link mời kích hoạt bot (in ra hoặc ghi .xlsx)")
    invite.add_argument(
        "ids", nargs="*", type=int, help="số của cán bộ (mặc định: mọi cán bộ chưa kích hoạt)"
    )
    invite.add_argument("--xlsx", help="ghi các đường link vào tệp .xlsx này thay vì in ra")
    invite.add_argument("--days", type=int, default=14, help="số ngày link còn hiệu lực (mặc định: 14)")
    invite.add_argument(
        "--bot-username", help="tên bot (@username); mặc định: BOT_USERNAME, không có thì hỏi Telegram"
    )
    people.add_parser("list", help="danh sách cán bộ, kèm số, vai trò, trạng thái")
    template = people.add_parser("template", help="ghi tệp mẫu để nhập / write the import template")
    template.add_argument("file", help="tệp .xlsx sẽ ghi")
    template.add_argument("--force", action="store_true", help="ghi đè tệp đã có / overwrite")
    officials_cli.add_arguments(people)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Dispatch `units ...` and `officials ...`; templates need no database."""
    if args.command == "units":
        return unit_cli.run(settings, args)
    if args.action == "template":
        data = template_xlsx("Can bo", OFFICIAL_HEADERS, OFFICIAL_EXAMPLES)
        write_template(args.file, data, force=args.force)
        return 0
    return asyncio.run(_with_session(settings, args))


async def _with_session(settings: Settings, args: argparse.Namespace) -> int:
    engine = create_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        db = session_factory(engine)
        now = SystemClock().now()
        if args.command == "officials" and args.action == "invite":
            return await officials_cli.invite(db, args, settings, now)
        if args.command == "officials" and args.action == "import":  # commits every few hundred rows
            return await officials_cli.import_officials(db, args, now)
        if args.command == "officials" and args.action == "deactivate":  # asked first
            return await officials_cli.deactivate(db, args, now)
        action: Action = ACTIONS[(args.command, args.action)]
        async with db.begin() as session:
            return await action(session, args, now)
    finally:
        await engine.dispose()


async def _resolve(session: AsyncSession, text: str) -> Any:
    match = await units.find_unit(session, query=text)
    if match.found is None:
        names = "; ".join(c.label for c in match.candidates[:5])
        raise OfficialError(f"đơn vị «{text}» chưa rõ" + (f" (có thể là: {names})" if names else ""))
    return await units.get_unit(session, unit_id=match.found.unit_id)


async def _fields(session: AsyncSession, args: argparse.Namespace) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if getattr(args, "unit", None):
        fields["unit_id"] = (await _resolve(session, args.unit)).id
    if getattr(args, "role", None):
        role = parse_role(args.role)
        if role is None:
            raise OfficialError(f"vai trò «{args.role}» không hợp lệ (cán bộ, lãnh đạo, quản trị)")
        fields["role"] = role
    if getattr(args, "phone", None):
        phone = normalize_phone(args.phone)
        if phone is None:
            raise OfficialError(f"số điện thoại «{args.phone}» không hợp lệ")
        fields["phone"] = phone
    if getattr(args, "title", None):
        fields["title"] = args.title
    return fields


async def _add(session: AsyncSession, args: argparse.Namespace, now: dt.datetime) -> int:
    official = await officials.add_official(
        session, full_name=args.name, now=now, **await _fields(session, args)
    )
    unit = await session.get(Unit, official.unit_id) if official.unit_id else None
    # The unit the typed name was found as: "long hiep" may be a former name of another commune.
    print(f"đã thêm #{official.id} {official.full_name}" + (f" — {unit.name}" if unit else ""))
    return 0


async def _edit(session: AsyncSession, args: argparse.Namespace, now: dt.datetime) -> int:
    official = await _get(session, args.id)
    changes = await _fields(session, args)
    if args.name:
        changes["full_name"] = args.name
    await officials_cli.check_role_change(session, official, changes, yes=args.yes)
    changed = await officials.edit_official(session, official=official, changes=changes, now=now)
    names = {u.unit_id: u.name for u in await units.unit_names(session, active_only=False)}
    shown = [
        f"{people_texts.FIELD_LABELS[f]} → {people_texts.field_value(f, new, names)}"
        for f, (_old, new) in changed.items()
    ]
    print(f"#{official.id} {official.full_name}: {'; '.join(shown) or 'không có gì thay đổi'}")
    return 0


async def _activation(session: AsyncSession, args: argparse.Namespace, now: dt.datetime) -> int:
    official = await _get(session, args.id)
    await officials.set_active(session, official=official, active=args.action == "reactivate", now=now)
    print(f"#{official.id} {official.full_name}: {'đã mở lại' if official.active else 'đã khóa'}")
    return 0


async def _list_officials(session: AsyncSession, args: argparse.Namespace, now: dt.datetime) -> int:
    for official, unit in await officials.list_officials(session, include_inactive=True):
        state = "đã kích hoạt" if official.telegram_user_id else "chưa kích hoạt"
        if not official.active:
            state = "đã khóa"
        role = people_texts.role_label(official.role)
        print(f"#{official.id}\t{official.full_name}\t{unit.name if unit else '-'}\t{role}\t{state}")
    return 0


async def _get(session: AsyncSession, official_id: int) -> Any:
    official = await officials.get_official(session, official_id=official_id)
    if official is None:
        raise OfficialError(f"không có cán bộ #{official_id}")
    return official


ACTIONS: dict[tuple[str, str], Action] = {
    ("officials", "add"): _add,
    ("officials", "edit"): _edit,
    ("officials", "reactivate"): _activation,
    ("officials", "list"): _list_officials,
}

__all__ = ["SheetError", "add_parsers", "kind_from_text", "run"]
