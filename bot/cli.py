"""The `nhacviec` command: run the bot, the sandbox, and database chores."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Sequence

from bot import admin_cli, directive_cli, export_cli, house_cli, meeting_cli, ops_cli, report_cli, task_cli
from bot.cli_files import CliError, os_error_text
from bot.cli_parser import VietnameseParser
from bot.config import ConfigError, Settings, load_settings
from bot.logs import setup_logging
from domain import cli_texts
from domain.sheets import SheetError
from storage.officials import OfficialError


def _parser() -> argparse.ArgumentParser:
    parser = VietnameseParser(
        prog="nhacviec",
        description="Nhắc việc: bot Telegram nhắc và theo dõi nhiệm vụ; các lệnh cho Văn phòng "
        "và người vận hành. Xem thêm: nhacviec LỆNH --help.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="chạy bot (chạy sandbox khi chưa có TELEGRAM_BOT_TOKEN) / run the bot")
    sandbox = commands.add_parser(
        "sandbox", help="chạy thử: emulator + bot + khung chat trên console, không cần Telegram"
    )
    sandbox.add_argument(
        "--no-console",
        action="store_true",
        help="để emulator và bot chạy, không mở khung chat console",
    )
    sandbox.add_argument(
        "--port", type=int, default=0, help="cổng của emulator (mặc định: cổng trống bất kỳ)"
    )
    db = commands.add_parser("db", help="lược đồ cơ sở dữ liệu (migration) / database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser(
        "upgrade", help="áp dụng mọi migration (bot cũng tự làm khi khởi động) / apply every migration"
    )
    down = db_commands.add_parser("downgrade", help="gỡ migration về một phiên bản / undo migrations")
    down.add_argument("revision", help='mã phiên bản, "-1" (lùi một bước) hoặc "base" (xóa hết bảng)')
    db_commands.add_parser("current", help="in phiên bản cơ sở dữ liệu đang ở / print the revision")
    admin_cli.add_parsers(commands)
    task_cli.add_parsers(commands)
    meeting_cli.add_parsers(commands)
    house_cli.add_parsers(commands)
    directive_cli.add_parsers(commands)
    report_cli.add_parsers(commands)
    ops_cli.add_parsers(commands)
    export_cli.add_parsers(commands)
    demo = commands.add_parser("demo", help="một tuần mẫu của bot trong vài giây / a scripted demo week")
    demo.add_argument("--out", default="demo-out", help="thư mục ghi kết quả (mặc định: ./demo-out)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "doctor":  # it reports a bad setting as one of its checks
        from bot.doctor import main as doctor

        return doctor()
    if args.command == "demo":  # its own settings: no token, no DATABASE_URL, a fresh SQLite
        from bot.demo import main as demo

        return demo(args.out)
    try:
        settings = load_settings(need_token=args.command == "run")
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    setup_logging(settings.log_level, secrets=[settings.token or ""], fmt=settings.log_format)
    if args.command == "db":
        return asyncio.run(_db(settings, args))
    if args.command in (
        "units",
        "officials",
        "tasks",
        "meetings",
        "households",
        "directive",
        "report",
        *ops_cli.COMMANDS,
        *export_cli.COMMANDS,
    ):
        _quiet_chore_log(settings.log_level)
        module = {
            "backup": ops_cli,
            "restore": ops_cli,
            "tasks": task_cli,
            "meetings": meeting_cli,
            "households": house_cli,
            "directive": directive_cli,
            "report": report_cli,
            "export": export_cli,
        }.get(args.command, admin_cli)
        try:
            return module.run(settings, args)
        except (SheetError, OfficialError, CliError) as exc:
            print(f"lỗi: {exc}", file=sys.stderr)
            return 1
        except BrokenPipeError:  # `nhacviec officials list | head`: the reader had enough
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
            return 1
        except OSError as exc:  # a file the office named, or the database out of reach
            print(f"lỗi: {os_error_text(exc)}", file=sys.stderr)
            return 1
    if args.command == "sandbox" or settings.token is None:
        from bot.sandbox import run_sandbox

        return asyncio.run(
            run_sandbox(
                settings,
                console=not getattr(args, "no_console", False),
                port=getattr(args, "port", 0),
            )
        )
    try:
        return asyncio.run(_run(settings))
    except KeyboardInterrupt:  # Ctrl-C before the signal handlers were in place
        return 130


def _quiet_chore_log(configured: str) -> None:
    """The bot logs at LOG_LEVEL; a chore's terminal shows what the chore says, and the log only
    its warnings (a migration it applied on the way is not news), unless LOG_LEVEL=DEBUG."""
    if configured != "DEBUG":
        logging.getLogger().setLevel(logging.WARNING)


TOKEN_REFUSED = (
    "Telegram từ chối mã bot (401 Unauthorized), hãy kiểm tra TELEGRAM_BOT_TOKEN / "
    "Telegram refused the bot token (401 Unauthorized): check TELEGRAM_BOT_TOKEN"
)
SECOND_POLLER = (
    "Một tiến trình khác đang nhận tin của bot này, hoặc bot đang dùng webhook (409 Conflict) / "
    "Another process is polling this bot, or a webhook is set (409 Conflict)"
)


async def _run(settings: Settings) -> int:
    from bot.runner import SecondPollerError, TokenRefusedError, serve

    stop = asyncio.Event()
    _stop_on_signals(stop)  # Ctrl-C and SIGTERM stop the bot after the update in hand
    try:
        await serve(settings, stop=stop)
    except TokenRefusedError:
        print(TOKEN_REFUSED, file=sys.stderr)
        return 1
    except SecondPollerError:
        print(SECOND_POLLER, file=sys.stderr)
        return 1
    return 0


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)


async def _db(settings: Settings, args: argparse.Namespace) -> int:
    from storage import migrate
    from storage.db import create_engine

    _quiet_chore_log(settings.log_level)  # it says itself which revision it reached
    engine = create_engine(settings.database_url)
    try:
        if args.db_command == "upgrade":
            await migrate.upgrade(engine)
            print(cli_texts.db_revision(await migrate.current_revision(engine)))
        elif args.db_command == "downgrade":
            await migrate.downgrade(engine, args.revision)
            print(cli_texts.db_revision(await migrate.current_revision(engine)))
        else:  # the bare revision, for scripts
            print(await migrate.current_revision(engine) or cli_texts.DB_EMPTY)
    finally:
        await engine.dispose()
    return 0
