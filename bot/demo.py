"""`nhacviec demo`: a scripted week of the bot, on a fresh SQLite, through the emulator, in seconds.

The sandbox's organisation (a province, its office, two communes, a leader, the office, two
commune officials) receives a directive the project wrote for the demo; the bot reads it into
tasks, reminds, takes updates and house photos, a blocker and an extension, answers /status, and
sends the Monday giao ban digest. The transcript is printed and saved with the digest's chart and
workbook in the output folder.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.cli_files import os_error_text
from bot.config import Settings
from bot.demo_stage import DemoClock, DemoError, Stage, house_photo
from bot.logs import setup_logging
from bot.sandbox import running_sandbox
from bot.sandbox_seed import GROUP_ID, GROUP_TITLE, PERSONAS

MONDAY = dt.date(2026, 11, 23)  # the demo's week: Monday 23/11/2026 to the giao ban of 30/11/2026
HUNG, MINH, THAO, TAM = (p.telegram_id for p in PERSONAS[1:])
NAMES = {
    HUNG: "Hùng (cán bộ xã Long Hiệp)",
    MINH: "Minh (lãnh đạo, Thường trực Tỉnh ủy)",
    THAO: "Thảo (Văn phòng Tỉnh ủy)",
    TAM: "Tâm (cán bộ xã Long Hựu)",
    GROUP_ID: f"nhóm «{GROUP_TITLE}»",
}
INTRO = f"""\
NHẮC VIỆC — DEMO: một tuần làm việc, từ thứ Hai {MONDAY:%d/%m/%Y} đến buổi giao ban thứ Hai tuần sau.
Bot thật, Telegram giả lập (emulator), cơ sở dữ liệu SQLite mới trong thư mục tạm; đồng hồ chạy
nhanh: cả tuần trong vài giây.
Tổ chức mẫu: Tỉnh Demo (Văn phòng Tỉnh ủy, Xã Long Hiệp, Xã Long Hựu), 3 nhiệm vụ cũ theo văn bản
3022-CV/TU, 3 hộ xóa nhà tạm ở Long Hiệp, nhóm chat «{GROUP_TITLE}».
Nhân vật: Minh — lãnh đạo (Thường trực); Thảo — Văn phòng (quản trị bot); Hùng — cán bộ xã Long
Hiệp; Tâm — cán bộ xã Long Hựu, chưa kích hoạt bot.
Văn bản mẫu «{{directive}}» do dự án soạn để minh họa (không phải văn bản thật)."""
DIRECTIVE = "thong_bao_ket_luan_118.txt"  # in bot/demo_data/, shipped with the package
TRANSCRIPT, CHART, WORKBOOK = "hoi-thoai.txt", "bieu-do-giao-ban.png", "giao-ban.xlsx"
DONE = f"\nĐã ghi vào {{out}}: {TRANSCRIPT} (hội thoại), {CHART} (biểu đồ), {WORKBOOK} (bảng tổng hợp)."
# What the demo pins whatever the environment says: the week must play the same everywhere.
SETTINGS = {
    "timezone": "Asia/Ho_Chi_Minh",
    "reminder_days": "7,3,1,0",
    "reminder_time": "08:00",
    "quiet_hours": "20:00-07:00",
    "giao_ban": "T2 14:00",
    "days_off": "",
    "working_days": "",
    "reminder_tick": 0,  # the demo runs the tick itself, at the moments of the script
    "log_level": "WARNING",
    "escalate_after": 3,
    "programme": "xoa_nha_tam",
    "programmes_file": None,
    "programme_deadline": "31/12/2026",
    "handover_news": True,
    "telegram_bot_token": None,  # the sandbox's own, for the emulator
    "webhook_url": None,  # the sandbox polls its emulator
}


def directive_text() -> bytes:
    return resources.files("bot").joinpath("demo_data", DIRECTIVE).read_bytes()


def main(out: str) -> int:
    """`nhacviec demo --out DIR`: its own settings, no token and no DATABASE_URL needed."""
    setup_logging("WARNING", secrets=[])  # the transcript is the output; the log only warns
    try:
        return run_demo(Path(out))
    except OSError as exc:  # the output folder cannot be written
        print(f"lỗi: {os_error_text(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def run_demo(out_dir: Path, *, stdout: TextIO | None = None, scratch: Path | None = None) -> int:
    """Play the week; print the transcript; write it, the chart and the workbook to `out_dir`.
    The database and the emulated Telegram live in a temporary folder (under `scratch`)."""
    out = stdout or sys.stdout
    lines: list[str] = []

    def say(line: str) -> None:
        lines.append(line)
        print(line, file=out, flush=True)

    say(INTRO.format(directive=DIRECTIVE))
    out_dir.mkdir(parents=True, exist_ok=True)  # before the week: a folder we cannot write stops us now
    try:
        chart, book = asyncio.run(_play(scratch, say))
        (out_dir / CHART).write_bytes(chart)
        (out_dir / WORKBOOK).write_bytes(book)
        say(DONE.format(out=out_dir))
        return 0
    except DemoError as exc:
        say(f"\nDemo dừng giữa chừng: {exc}")
        return 1
    finally:  # what was played, also when a step went wrong
        (out_dir / TRANSCRIPT).write_text("\n".join(lines) + "\n", encoding="utf-8")


async def _play(scratch: Path | None, say: Callable[[str], None]) -> tuple[bytes, bytes]:
    """The week on a fresh database and Telegram, in a temporary folder; the digest's files."""
    with tempfile.TemporaryDirectory(prefix="nhacviec-demo-", dir=scratch) as folder:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            data_dir=Path(folder),
            database_url=f"sqlite+aiosqlite:///{Path(folder) / 'demo.db'}",  # the sandbox's own
            **SETTINGS,
        )
        start = dt.datetime.combine(MONDAY, dt.time(7, 0), ZoneInfo(SETTINGS["timezone"]))
        clock = DemoClock(start)
        async with running_sandbox(settings, clock=clock) as sandbox:
            # The clock runs faster than Telegram's per-second limits could follow.
            await sandbox.emulator.control("limits", {"enabled": False})
            stage = Stage(sandbox, clock, NAMES, say)
            await week(stage)
            return _digest_files(stage)


def _digest_files(stage: Stage) -> tuple[bytes, bytes]:
    """The chart and the workbook of the Monday digest, as the leader received them."""
    files = stage.files_to(MINH)
    chart = next((data for message, data in reversed(files) if "photo" in message), None)
    book = next(
        (data for message, data in reversed(files) if _name(message).endswith(".xlsx")), None
    )  # the giao ban pack (.docx) follows it
    if chart is None or book is None:
        raise DemoError("lãnh đạo chưa nhận được biểu đồ và bảng tổng hợp giao ban")
    return chart, book


def _name(message: dict[str, Any]) -> str:
    return str((message.get("document") or {}).get("file_name", ""))


async def week(stage: Stage) -> None:
    """The script: one working week (with a public holiday in it), then the Monday giao ban."""
    await monday(stage)
    await tuesday(stage)
    await wednesday(stage)
    await thursday(stage)
    await friday(stage)
    stage.print("\n(Thứ Bảy, Chủ nhật: ngày nghỉ, bot không nhắc việc.)")
    await giao_ban(stage)


def _day(offset: int) -> dt.date:
    return MONDAY + dt.timedelta(days=offset)


async def monday(stage: Stage) -> None:
    """The office forwards the directive; the bot proposes its tasks, the office checks each."""
    stage.day(MONDAY)
    stage.at(8, 30)
    await stage.document(THAO, directive_text(), DIRECTIVE)
    await stage.press(THAO, "📋 Xem từng")
    for _ in range(4):  # "UBND xã Long Hiệp", "… Long Hựu", "Đảng ủy xã …": the communes; the office
        await stage.press(THAO, "✅ Nhận")
    await stage.press(THAO, "⏭ Bỏ qua")  # the weekly giao ban preparation: the office's routine
    await stage.press(THAO, "🚀 Tạo")
    stage.at(9)
    await stage.say(THAO, "/registergroup", chat=GROUP_ID)
    stage.at(9, 40)
    await stage.press(HUNG, "📥 Đã nhận")


async def tuesday(stage: Stage) -> None:
    """A public holiday (Ngày Văn hóa Việt Nam): the morning tick sends nothing."""
    await stage.morning(_day(1))


async def wednesday(stage: Stage) -> None:
    """Reminders; a progress report, house photos, a task reported done and confirmed."""
    await stage.morning(_day(2))
    stage.at(9, 15)
    await stage.say(HUNG, "/task 1")
    await stage.say(HUNG, "5/12", reply_to=stage.last_from_bot(HUNG, "#1"))
    stage.at(10, 30)
    await stage.photo(HUNG, house_photo(1), "khởi công nhà hộ Trần Thị B")
    await stage.photo(HUNG, house_photo(2), "bàn giao nhà hộ Nguyễn Văn A")
    stage.at(15)
    await stage.press(HUNG, "✅ Hoàn thành", on="Nhiệm vụ #6")  # on this morning's reminder
    stage.at(16)
    await stage.press(THAO, "✔️ Xác nhận")


async def thursday(stage: Stage) -> None:
    """A newcomer activates; a blocker; an extension asked and granted."""
    stage.day(_day(3))
    stage.at(7, 40)
    await stage.contact(TAM, "+84 912 000 005")
    stage.at(8)
    await stage.tick()
    stage.at(9, 30)
    await stage.say(TAM, "/tasks")
    await stage.press(TAM, "#5")
    await stage.press(TAM, "⚠️ Vướng mắc", on="Nhiệm vụ #5")
    await stage.say(TAM, "Còn 3 hộ chưa đồng thuận phương án bồi thường, đề nghị Tỉnh hỗ trợ đối thoại")
    stage.at(10)
    await stage.press(HUNG, "📅 Xin gia hạn", on="Nhiệm vụ #4")
    await stage.say(HUNG, "11/12")
    await stage.say(HUNG, "Chờ vốn hỗ trợ của Quỹ Vì người nghèo tỉnh để khởi công 2 căn còn lại")
    stage.at(14)
    await stage.press(MINH, "✔️ Đồng ý")


async def friday(stage: Stage) -> None:
    """The leader looks at the province and at one commune."""
    await stage.morning(_day(4))
    stage.at(9)
    await stage.say(MINH, "/status")
    await stage.say(MINH, "/status long hiep")


async def giao_ban(stage: Stage) -> None:
    """Monday morning, 07:30: the digest to the leader and to the registered group."""
    stage.day(_day(7))
    stage.at(7, 30)
    await stage.tick()
