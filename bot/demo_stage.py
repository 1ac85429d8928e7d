"""The demo's stage: a sandbox whose users act on cue, an accelerated clock, and the transcript.

The demo plays the users through the sandbox's emulator (in-process, as the sandbox console
does) and prints, in order, what each user does and everything the bot does in every chat.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from bot.context import Services
from bot.sandbox import Sandbox
from domain.dates import WEEKDAY_NAMES, fmt
from scheduler.reminders import ReminderTick
from storage import outbox

STEP_LIMIT = 30.0  # seconds a step may take (the bot answers and the outbox drains) before we give up
RULE = "━" * 12


class DemoError(Exception):
    """A step of the script did not go as written (the bot did not answer, a button is missing)."""


class DemoClock:
    """Runs with real time from a set moment; jumps to the script's next moment, and ahead while
    the outbox drains, so that a week takes seconds. Never goes back."""

    def __init__(self, start: dt.datetime) -> None:
        self._start, self._origin = start, time.monotonic()

    def now(self) -> dt.datetime:
        return self._start + dt.timedelta(seconds=time.monotonic() - self._origin)

    def set(self, moment: dt.datetime) -> None:
        self._start, self._origin = max(moment, self.now()), time.monotonic()

    def advance(self, seconds: float) -> None:
        self._start += dt.timedelta(seconds=seconds)


class Stage:
    """Act as a user, wait for the bot to finish, print what happened since the last step."""

    def __init__(
        self, sandbox: Sandbox, clock: DemoClock, names: dict[int, str], say: Callable[[str], None]
    ) -> None:
        self.sandbox, self.clock, self.names, self.print = sandbox, clock, names, say
        settings = sandbox.settings
        self.tz = settings.tz
        services = Services(settings=settings, db=sandbox.db, clock=clock)
        self.ticker = ReminderTick(
            services, calendar=settings.work_calendar(), policy=settings.reminder_policy()
        )
        self.cursor = self._last_seq()
        self.today = clock.now().astimezone(self.tz).date()

    # --- time -----------------------------------------------------------------------------------

    def day(self, day: dt.date) -> None:
        """A new day's heading; the clock at 07:00 that day."""
        self.today = day
        self.print(f"\n{RULE} {WEEKDAY_NAMES[day.weekday()]} {fmt(day)} {RULE}")
        self.at(7)

    def at(self, hour: int, minute: int = 0) -> None:
        self.clock.set(dt.datetime.combine(self.today, dt.time(hour, minute), self.tz))

    async def morning(self, day: dt.date) -> None:
        """A new day, and its 08:00 tick: the reminders of the day."""
        self.day(day)
        self.at(8)
        await self.tick()

    async def tick(self) -> None:
        """The reminder tick at this moment (the bot's job runs it every few minutes)."""
        now = self.clock.now()
        day = now.astimezone(self.tz).date()
        self.print(f"\n{self._time()}  ⏱  Bot rà soát hạn và lịch (việc bot tự làm vài phút một lần)")
        if (holiday := self.ticker.calendar.holiday_name(day)) is not None:
            self.print(f"   Hôm nay là ngày nghỉ ({holiday}): bot không nhắc việc.")
        queued = await self.ticker(now)
        await self._settle(None)
        if not queued and holiday is None:
            self.print("   Không có gì cần nhắc.")

    # --- the users ------------------------------------------------------------------------------

    async def say(
        self, user: int, text: str, *, chat: int | None = None, reply_to: int | None = None
    ) -> None:
        where = f" trong {self.names[chat]}" if chat else ""
        answer = " (trả lời tin của bot)" if reply_to else ""
        self._act(user, f"{where}{answer}: {text}")
        await self._send("message", user, chat=chat, reply_to_message_id=reply_to, text=text)

    async def press(self, user: int, label: str, *, on: str = "", chat: int | None = None) -> None:
        """Press the button whose label starts with `label` on the latest message that has one
        (and whose text contains `on`)."""
        chat_id = chat or user
        message_id, button = self._button(chat_id, label, on)
        self._act(user, f" bấm [{button['text']}]")
        spec = {"user_id": user, "chat_id": chat_id, "message_id": message_id}
        sent = await self.sandbox.emulator.control("press", {**spec, "data": button["callback_data"]})
        await self._settle(int(sent["update_id"]))

    async def photo(self, user: int, data: bytes, caption: str) -> None:
        self._act(user, f" gửi ảnh 📷 «{caption}»")
        await self._send("photo", user, data_b64=_b64(data), caption=caption)

    async def document(self, user: int, data: bytes, file_name: str) -> None:
        self._act(user, f" gửi tệp 📎 {file_name}")
        await self._send("document", user, data_b64=_b64(data), file_name=file_name, mime_type="text/plain")

    async def contact(self, user: int, phone: str) -> None:
        self._act(user, f" chia sẻ số điện thoại của mình ☎ {phone}")
        await self._send("contact", user, phone_number=phone)

    def last_from_bot(self, chat_id: int, containing: str) -> int:
        """The id of the bot's latest message in the chat whose text contains these words."""
        for record in reversed(self.sandbox.emulator.state.records):
            message = record.message
            if record.chat_id == chat_id and record.kind == "send" and containing in _body(message):
                return int(message["message_id"])
        raise DemoError(f"không thấy tin nào của bot có «{containing}» gửi {self.names[chat_id]}")

    def files_to(self, chat_id: int) -> list[tuple[dict[str, Any], bytes]]:
        """The photos and documents the bot sent to a chat, with their bytes, oldest first."""
        state, found = self.sandbox.emulator.state, []
        for record in state.records:
            if record.chat_id != chat_id or record.kind != "send":
                continue
            media = record.message.get("document") or (record.message.get("photo") or [None])[-1]
            if media is not None and media["file_id"] in state.files:
                found.append((record.message, state.files[media["file_id"]].data))
        return found

    # --- how a step ends ------------------------------------------------------------------------

    def _act(self, user: int, what: str) -> None:
        self.print(f"\n{self._time()}  👤 {self.names[user]}{what}")

    async def _send(self, action: str, user: int, *, chat: int | None = None, **spec: Any) -> None:
        spec.update(user_id=user, chat_id=chat or user, date=int(self.clock.now().timestamp()))
        sent = await self.sandbox.emulator.control(action, spec)
        await self._settle(int(sent["update_id"]))

    async def _settle(self, update_id: int | None) -> None:
        """Until the bot has finished the update and sent what it queued; then show it all."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STEP_LIMIT
        while update_id is not None and not await self.sandbox.processed(update_id):
            if loop.time() > deadline:
                raise DemoError(f"bot chưa xử lý xong tin {update_id} sau {STEP_LIMIT:.0f} giây")
            await asyncio.sleep(0.02)
        while await self._queued():
            if loop.time() > deadline:
                raise DemoError(f"tin trong hàng đợi chưa gửi hết sau {STEP_LIMIT:.0f} giây")
            self.clock.advance(3)  # the sender paces by the clock: let the seconds fly
            await asyncio.sleep(0.05)
        self._show_news()

    async def _queued(self) -> int:
        async with self.sandbox.db() as session:
            return await outbox.pending_count(session)

    def _show_news(self) -> None:
        for record in self.sandbox.emulator.state.records:
            if record.seq > self.cursor and record.kind != "user":
                self._show(record)
        self.cursor = self._last_seq()

    def _show(self, record: Any) -> None:
        message, who = record.message, self.names.get(record.chat_id, str(record.chat_id))
        if record.kind == "answer":
            if message.get("text"):
                self.print(f"   💬 {who} thấy thông báo nhanh: {message['text']}")
            return
        if record.kind == "delete":
            self.print(f"   🤖 xóa một tin trong chat của {who}")
            return
        verb = "sửa tin gửi" if record.kind == "edit" else "→"
        body = _body(message)
        if "photo" in message:
            body = f"[ảnh] {body}".strip()
        if "document" in message:
            body = f"[tệp {message['document'].get('file_name', '')}] {body}".strip()
        lines = body.splitlines() or [""]
        self.print(f"   🤖 {verb} {who}: {lines[0]}")
        for line in lines[1:]:
            self.print(f"      {line}" if line.strip() else "")
        markup = record.markup or message.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            self.print("      " + " ".join(f"[{b['text']}]" for b in row))
        for row in markup.get("keyboard", []):
            self.print("      " + " ".join(f"⌨[{b['text'] if isinstance(b, dict) else b}]" for b in row))

    def _button(self, chat_id: int, label: str, on: str) -> tuple[int, dict[str, Any]]:
        state = self.sandbox.emulator.state
        for record in reversed(state.records):
            if record.chat_id != chat_id or record.kind not in ("send", "edit"):
                continue
            message = state.messages.get((chat_id, record.message["message_id"]), {})
            if on not in _body(message):
                continue
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"].startswith(label):
                        return int(message["message_id"]), button
        raise DemoError(f"không thấy nút «{label}» trên tin có «{on}» gửi {self.names[chat_id]}")

    def _time(self) -> str:
        return f"{self.clock.now().astimezone(self.tz):%H:%M}"

    def _last_seq(self) -> int:
        records = self.sandbox.emulator.state.records
        return records[-1].seq if records else 0


def _body(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def house_photo(number: int) -> bytes:
    """A small JPEG of a house; each number draws another scene (no two look alike)."""
    import io
    import random

    from PIL import Image, ImageDraw  # heavy: only the demo draws

    rng = random.Random(number)
    image = Image.new("RGB", (480, 360), (rng.randint(90, 200), rng.randint(150, 220), 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 280, 480, 360), fill=(rng.randint(60, 120), rng.randint(130, 190), 70))
    left, width = rng.randint(20, 220), rng.randint(150, 230)
    wall = (rng.randint(150, 240), rng.randint(120, 220), rng.randint(90, 200))
    draw.rectangle((left, 170, left + width, 300), fill=wall)
    peak = rng.randint(60, 130)
    draw.polygon(((left - 15, 175), (left + width // 2, peak), (left + width + 15, 175)), fill=(170, 50, 40))
    door = left + rng.randint(20, width - 60)
    draw.rectangle((door, 230, door + 40, 300), fill=(90, 60, 30))
    for _ in range(number % 3 + 1):  # trees, in number and place that differ per picture
        x = rng.randint(0, 440)
        draw.ellipse((x - 40, 120, x + 40, 240), fill=(30, rng.randint(100, 150), 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()
