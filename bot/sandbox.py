"""The sandbox: the emulator, the bot against it on SQLite, and a console chat in the terminal."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pydantic import SecretStr
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.context import SystemClock
from bot.runner import serve
from domain.dates import Due, fmt
from domain.statuses import Role, UnitKind
from emulator import Emulator
from storage import households, migrate, officials, tasks, units
from storage.db import create_engine, session_factory
from storage.models import Unit

logger = logging.getLogger(__name__)

SANDBOX_TOKEN = "1000000001:SANDBOX_sandbox_sandbox_sandbox"


@dataclass(frozen=True)
class Persona:
    telegram_id: int
    first_name: str
    label: str


PERSONAS = (
    Persona(9001, "Lan", "Người lạ (chưa được mời)"),
    Persona(9002, "Hùng", "Nguyễn Văn Hùng — cán bộ xã Long Hiệp"),
    Persona(9003, "Minh", "Trần Văn Minh — lãnh đạo (Thường trực)"),
    Persona(9004, "Thảo", "Lê Thị Thảo — Văn phòng (quản trị)"),
    Persona(9005, "Tâm", "Phạm Văn Tâm — cán bộ xã Long Hựu, chưa kích hoạt"),
)

CONSOLE_HELP = """\
Gõ tin nhắn như trong Telegram (ví dụ /start, /help). Lệnh của bảng điều khiển:
  :ds          danh sách nhân vật          :chon N   đóng vai nhân vật N
  :bam N       bấm nút thứ N của tin gần nhất
  :anh FILE    gửi ảnh từ tệp              :sdt SỐ   chia sẻ số điện thoại của mình
  :thoat       thoát (hoặc Ctrl-D)"""


async def seed_demo(settings: Settings, now: dt.datetime) -> None:
    """A small demo organisation so that the sandbox personas are real officials."""
    engine = create_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        async with session_factory(engine).begin() as session:
            if (await session.exec(select(Unit).limit(1))).first() is not None:
                return
            province = await units.add_unit(session, name="Tỉnh Demo", kind=UnitKind.PROVINCE)
            office = await units.add_unit(
                session, name="Văn phòng Tỉnh ủy", kind=UnitKind.OFFICE, parent_id=province.id
            )
            long_hiep = await units.add_unit(
                session,
                name="Xã Long Hiệp",
                kind=UnitKind.COMMUNE,
                parent_id=province.id,
                aliases=["Xã Long Thạnh"],
            )
            long_huu = await units.add_unit(
                session, name="Xã Long Hựu", kind=UnitKind.COMMUNE, parent_id=province.id
            )
            for persona, unit, role, title, phone in (
                (PERSONAS[1], long_hiep, Role.OFFICIAL, "Phó Chủ tịch UBND xã", "0912000002"),
                (PERSONAS[2], province, Role.LEADER, "Phó Bí thư Thường trực", "0912000003"),
                (PERSONAS[3], office, Role.ADMIN, "Chuyên viên Văn phòng", "0912000004"),
                (PERSONAS[4], long_huu, Role.OFFICIAL, "Công chức Văn phòng - Thống kê", "0912000005"),
            ):
                official = await officials.add_official(
                    session,
                    full_name=persona.label.split(" — ")[0],
                    unit_id=unit.id,
                    role=role,
                    title=title,
                    phone=phone,
                    now=now,
                )
                if persona is not PERSONAS[4]:  # Tâm has not activated yet: try ":sdt 0912000005"
                    official.telegram_user_id = persona.telegram_id
            await _demo_work(session, settings, now, long_hiep.id or 0, long_huu.id or 0)
    finally:
        await engine.dispose()


async def _demo_work(
    session: AsyncSession, settings: Settings, now: dt.datetime, long_hiep: int, long_huu: int
) -> None:
    """A directive with tasks in several states and a few households, so every command has data."""
    today = now.astimezone(settings.tz).date()
    directive = await tasks.add_directive(
        session,
        number="3022-CV/TU",
        issued_on=dt.date(2024, 5, 3),
        summary="Tăng cường thực hiện một số nhiệm vụ trọng tâm",
    )
    for title, unit, days, target in (
        ("Xóa nhà tạm, nhà dột nát cho hộ nghèo, cận nghèo", long_hiep, 20, 12.0),
        ("Rà soát, báo cáo sắp xếp đơn vị hành chính cấp xã", long_hiep, -3, None),
        ("Đẩy nhanh giải ngân vốn đầu tư công", long_huu, 5, None),
    ):
        due = today + dt.timedelta(days=days)
        await tasks.add_task(
            session,
            title=title,
            lead_unit_id=unit,
            directive_id=directive.id,
            due=Due(due, fmt(due)),
            target_quantity=target,
            target_measure="căn" if target else None,
            now=now,
        )
    programme = settings.current_programme()
    for name, hamlet, stage in (
        ("Nguyễn Văn A", "Ấp 3", "dang_thi_cong"),
        ("Trần Thị B", "Ấp 1", "chua_khoi_cong"),
        ("Lê Văn C", "Ấp 2", "hoan_thanh"),
    ):
        await households.add_household(
            session,
            programme=programme,
            unit_id=long_hiep,
            head_name=name,
            hamlet=hamlet,
            track="phong_trao",
            work_kind="xay_moi",
            stage=stage,
            funds={"trung_uong": 40_000_000, "van_dong": 20_000_000},
            now=now,
        )


async def run_sandbox(
    settings: Settings,
    *,
    console: bool = True,
    port: int = 0,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Start everything; the console chat ends the sandbox when it ends."""
    out = stdout or sys.stdout
    if console:  # keep the chat readable: only warnings and errors reach the terminal
        logging.getLogger().setLevel(logging.WARNING)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    async with Emulator(token=SANDBOX_TOKEN, port=port) as emulator:
        sandbox_settings = settings.model_copy(
            update={
                "telegram_bot_token": SecretStr(SANDBOX_TOKEN),
                "telegram_api_base_url": emulator.base_url,
                "database_url": f"sqlite+aiosqlite:///{settings.data_dir / 'sandbox.db'}",
                "poll_timeout": 10,
            }
        )
        await seed_demo(sandbox_settings, SystemClock().now())
        for persona in PERSONAS:
            emulator.state.add_user({"id": persona.telegram_id, "first_name": persona.first_name})
        print(
            f"SANDBOX: không có TELEGRAM_BOT_TOKEN — chạy với Telegram giả lập tại "
            f"{emulator.base_url} (no token: running against the local Bot API emulator).\n"
            f"Cơ sở dữ liệu: {settings.data_dir / 'sandbox.db'}",
            file=out,
            flush=True,
        )
        stop, ready = asyncio.Event(), asyncio.Event()
        bot_task = asyncio.create_task(serve(sandbox_settings, stop=stop, ready=ready))
        ready_wait = asyncio.create_task(ready.wait())
        await asyncio.wait({bot_task, ready_wait}, return_when=asyncio.FIRST_COMPLETED)
        if bot_task.done():
            ready_wait.cancel()
            bot_task.result()  # raises what stopped the bot
            return 1
        try:
            if console:
                await Console(emulator, stdin or sys.stdin, out).run()
            else:
                print("Bot đang chạy; nhấn Ctrl-C để dừng.", file=out, flush=True)
                await _until_interrupted()
        finally:
            stop.set()
            await bot_task
    return 0


async def _until_interrupted() -> None:
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.Event().wait()


class Console:
    """A chat in the terminal: what you type goes to the bot as the chosen persona."""

    def __init__(self, emulator: Emulator, stdin: TextIO, stdout: TextIO) -> None:
        self.emulator, self.stdin, self.out = emulator, stdin, stdout
        self.persona = PERSONAS[1]
        self.seen = 0
        self.last_buttons: list[tuple[int, int, str]] = []  # (chat, message_id, callback_data)

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    async def run(self) -> None:
        self.say(CONSOLE_HELP)
        self.say(f"Đang đóng vai: {self.persona.label}")
        loop = asyncio.get_running_loop()
        while True:
            self.say(f"[{self.persona.first_name}] >")
            line = await loop.run_in_executor(None, self.stdin.readline)
            if not line:
                return
            line = line.strip()
            if not line:
                continue
            if line in (":thoat", ":quit", ":q"):
                return
            await self.handle(line)

    async def handle(self, line: str) -> None:
        emu, user = self.emulator, self.persona.telegram_id
        try:
            if line == ":ds":
                for number, persona in enumerate(PERSONAS, 1):
                    self.say(f"  {number}. {persona.label}")
                return
            if line.startswith(":chon"):
                self.persona = PERSONAS[int(line.split()[1]) - 1]
                self.say(f"Đang đóng vai: {self.persona.label}")
                return
            if line.startswith(":bam"):
                number = int(line.split()[1])
                if not 1 <= number <= len(self.last_buttons):
                    self.say(f"Không có nút số {number} ở tin nhắn gần nhất.")
                    return
                _chat_id, message_id, data = self.last_buttons[number - 1]
                await emu.control("press", {"user_id": user, "message_id": message_id, "data": data})
            elif line.startswith(":sdt"):
                await emu.users.contact({"user_id": user, "phone_number": line.split()[1]})
            elif line.startswith(":anh"):
                path = Path(line.split(maxsplit=1)[1])
                data = await asyncio.to_thread(path.read_bytes)
                await emu.users.photo({"user_id": user}, data)
            else:
                await emu.control("message", {"user_id": user, "text": line})
        except (IndexError, ValueError):
            self.say("Không hiểu lệnh bảng điều khiển; gõ :ds, :chon N, :bam N, :anh FILE, :thoat.")
            return
        except OSError as exc:
            self.say(f"Không đọc được tệp: {exc.strerror}")
            return
        except Exception as exc:  # the emulator refused (e.g. a button that is gone)
            self.say(f"Telegram giả lập từ chối: {exc}")
            return
        await self.show_replies(user)

    async def show_replies(self, chat_id: int) -> None:
        found = await self.emulator.wait_for(chat_id=chat_id, after=self.seen, count=1, timeout=10)
        if not found:
            self.say("(bot không trả lời)")
            return
        await asyncio.sleep(0.3)  # let a multi-message answer finish before printing it
        for record in self.emulator.records(
            chat_id=chat_id, after=self.seen, kinds=("send", "edit", "delete")
        ):
            self.show(record)
        self.seen = self.emulator.state.records[-1].seq

    def show(self, record: dict[str, Any]) -> None:
        message = record["message"]
        verb = {"send": "", "edit": " (sửa tin)", "delete": " (xóa tin)"}[record["kind"]]
        body = message.get("text") or message.get("caption") or ("[ảnh]" if "photo" in message else "")
        self.say(f"🤖 Nhắc việc{verb}:\n{body}")
        markup = record.get("markup") or {}
        buttons = [b for row in markup.get("inline_keyboard", []) for b in row]
        if buttons:
            self.last_buttons = [
                (record["chat_id"], message["message_id"], b.get("callback_data", "")) for b in buttons
            ]
            self.say("   " + "  ".join(f"[{i}] {b['text']}" for i, b in enumerate(buttons, 1)))
        for row in markup.get("keyboard", []):
            self.say("   " + "  ".join(f"⌨ {b['text'] if isinstance(b, dict) else b}" for b in row))
