"""The office's officials on the command line: locking and role changes are asked first and never
remove the last admin; invitations say what they replace before they replace it; imports can be
tried first (--dry-run). `--yes` answers the questions for scripts."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.cli_files import confirmed, in_transaction, read_sheet
from bot.cli_progress import each, tracked
from bot.config import Settings
from bot.unit_cli import report
from domain import cli_texts, office_texts
from domain.statuses import Role
from storage import invitations, officials, units
from storage.officials import OfficialError

Db = async_sessionmaker[AsyncSession]


def add_arguments(people: Any) -> None:
    """The flags this module reads, on the `officials` subcommands admin_cli declares."""
    for name in ("deactivate", "edit", "invite"):
        people.choices[name].add_argument("--yes", action="store_true", help="không hỏi lại / do not ask")
    people.choices["import"].add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")


async def import_officials(db: Db, args: argparse.Namespace, now: dt.datetime) -> int:
    """A real import commits every few hundred rows; a dry run checks every row and writes nothing."""
    with tracked(read_sheet(args.file), cli_texts.IMPORTING_OFFICIALS) as rows:
        if args.dry_run:
            result = await in_transaction(
                db, lambda s: officials.import_officials(s, rows=rows, now=now), dry_run=True
            )
        else:
            result = await officials.import_officials_in_batches(db, rows=rows, now=now)
    return report(result, dry_run=args.dry_run)


async def _official(session: AsyncSession, official_id: int) -> Any:
    official = await officials.get_official(session, official_id=official_id)
    if official is None:
        raise OfficialError(office_texts.cli_unknown_ids([official_id]))
    return official


async def _refuse_last_admin(session: AsyncSession, official: Any) -> None:
    if await officials.is_last_admin(session, official=official):
        raise OfficialError(office_texts.cli_last_admin(official.id, official.full_name))


async def deactivate(db: Db, args: argparse.Namespace, now: dt.datetime) -> int:
    """Lock an account: asked first (--yes for scripts); the last active admin is refused."""
    async with db() as session:  # nothing is held open while the office answers
        official = await _official(session, args.id)
        if not official.active:
            print(office_texts.cli_already_deactivated(official.id, official.full_name))
            return 0
        await _refuse_last_admin(session, official)
        unit = await units.get_unit(session, unit_id=official.unit_id)
    question = office_texts.cli_confirm_deactivate(
        official.id, official.full_name, unit.name if unit else None
    )
    if not confirmed(question, yes=args.yes):
        print(cli_texts.NOT_CONFIRMED)
        return 1
    async with db.begin() as session:
        official = await _official(session, args.id)
        await _refuse_last_admin(session, official)  # again: another admin may have gone meanwhile
        await officials.set_active(session, official=official, active=False, now=now)
    print(f"#{official.id} {official.full_name}: đã khóa")
    return 0


async def check_role_change(
    session: AsyncSession, official: Any, changes: dict[str, Any], *, yes: bool
) -> None:
    """Before `officials edit --role`: the last admin keeps her role; any change is asked first."""
    role = changes.get("role")
    if role is None or role == official.role:
        return
    question = office_texts.cli_confirm_role(official.id, official.full_name, official.role, role)
    if not confirmed(question, yes=yes):
        raise OfficialError(cli_texts.NOT_CONFIRMED)
    if role != Role.ADMIN:  # after the answer: the check locks the admins' rows until the commit
        await _refuse_last_admin(session, official)


async def invite(db: Db, args: argparse.Namespace, settings: Settings, now: dt.datetime) -> int:
    """Invitation links: says first how many links it makes and what they replace, and asks."""
    async with db() as session:
        everyone = await officials.list_officials(session)
        if args.ids:
            known = {o.id for o, _ in everyone}
            if unknown := [i for i in args.ids if i not in known]:
                raise OfficialError(office_texts.cli_unknown_ids(unknown))
            chosen = [(o, u) for o, u in everyone if o.id in args.ids]
        else:  # by default: everyone who has not activated the bot yet
            chosen = [(o, u) for o, u in everyone if o.telegram_user_id is None]
        ids = [o.id for o, _ in chosen]
        live = await invitations.count_live_codes(session, official_ids=ids, now=now)
    if not chosen:
        print(office_texts.CLI_NOBODY_TO_INVITE)
        return 0
    linked = sum(o.telegram_user_id is not None for o, _ in chosen)
    print(office_texts.cli_invite_plan(len(chosen), live, linked))
    if (not args.ids or live or linked) and not confirmed(office_texts.CLI_CONFIRM_INVITE, yes=args.yes):
        print(cli_texts.NOT_CONFIRMED)
        return 1
    username = args.bot_username or settings.bot_username or await ask_username(settings)
    if not username:
        print(office_texts.CLI_NO_USERNAME)
    rows: list[tuple[str, str, str, str]] = []
    async with db.begin() as session:
        for official, unit in each(chosen, cli_texts.INVITING, "người"):
            code = await invitations.issue_invitation(
                session, official=official, now=now, valid_for=dt.timedelta(days=args.days)
            )
            link = f"https://t.me/{username}?start={code}" if username else f"/start {code}"
            rows.append((official.full_name, unit.name if unit else "", official.phone or "", link))
    _write_links(rows, args, (now + dt.timedelta(days=args.days)).astimezone(settings.tz).date())
    return 0


def _write_links(rows: list[tuple[str, str, str, str]], args: argparse.Namespace, expires: dt.date) -> None:
    if args.xlsx:
        from openpyxl import Workbook  # loaded for this command only, not at the bot's start-up

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(
            ["Họ và tên", "Đơn vị", "Số điện thoại", "Đường link mời", f"Hết hạn {expires:%d/%m/%Y}"]
        )
        for row in rows:
            sheet.append(list(row))
        workbook.save(args.xlsx)
        print(f"đã ghi {len(rows)} đường link mời vào {args.xlsx} (hết hạn {expires:%d/%m/%Y})")
        return
    for name, unit_name, _phone, link in rows:
        print(f"{name}\t{unit_name}\t{link}")
    print(f"{len(rows)} đường link mời, hết hạn {expires:%d/%m/%Y}")


async def ask_username(settings: Settings) -> str | None:
    """The bot's @username from getMe, when a token is configured and Telegram answers."""
    if settings.token is None:
        return None
    from telegram import Bot
    from telegram.error import TelegramError

    try:
        async with Bot(settings.token, base_url=f"{settings.telegram_api_base_url}/bot") as bot:
            return bot.username
    except TelegramError:
        return None
