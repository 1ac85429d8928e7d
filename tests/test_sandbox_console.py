"""Items 17 and 18: the console shows the pushes and does everything a phone does."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from bot.config import Settings
from bot.sandbox import SANDBOX_TOKEN, Sandbox, running_sandbox
from bot.sandbox_commands import COMMANDS, _button_number
from bot.sandbox_console import Console
from bot.sandbox_texts import HELP
from tests.factories import TestClock

HUNG = 9002


class Typist:
    """Types lines into the console as a person would, and reads what it printed."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox, self.out, self.lines = sandbox, io.StringIO(), asyncio.Queue[str | None]()
        memory = sandbox.files_dir.parent / "sandbox-console.json"
        self.console = Console(
            sandbox.emulator, self.out, sandbox.files_dir, sandbox.processed, memory, db=sandbox.db
        )
        self.task = asyncio.create_task(self.console.run(self.lines.get))

    def _prompts(self) -> int:
        return len(re.findall(r"^\[[^\]]+\] >$", self.out.getvalue(), re.M))

    async def shown(self, text: str, timeout: float = 15) -> None:
        """Wait until the console has printed `text` (a push arrives when the sender sends it)."""
        async with asyncio.timeout(timeout):
            while True:
                if text in self.out.getvalue():
                    return
                await asyncio.sleep(0.02)

    async def type(self, line: str) -> str:
        """Type one line; return what the console printed until it asks for the next one."""
        prompts, start = self._prompts(), len(self.out.getvalue())
        await self.lines.put(line)
        async with asyncio.timeout(40):
            while True:
                if self._prompts() > prompts:
                    return self.out.getvalue()[start:]
                await asyncio.sleep(0.02)

    async def expect(self, line: str, text: str) -> str:
        """Type a line; `text` must be among what the console printed."""
        said = await self.type(line)
        assert text in said, said
        return said

    async def close(self) -> None:
        await self.lines.put(None)
        await asyncio.wait_for(self.task, 10)


@contextlib.asynccontextmanager
async def typing_in(data: Path) -> AsyncIterator[Typist]:
    """A sandbox on `data` and someone at its console (who types :thoat at the end)."""
    settings = Settings(data_dir=data, reminder_tick=0, _env_file=None)  # type: ignore[call-arg]
    async with running_sandbox(settings, clock=TestClock()) as sandbox:
        typist = Typist(sandbox)
        await typist.shown("[Hùng] >")
        yield typist
        await typist.close()


@pytest.fixture
async def typist(tmp_path: Path) -> AsyncIterator[Typist]:
    async with typing_in(tmp_path / "data") as typist:
        yield typist


async def test_pushes_reach_personas_and_show_when_switching(typist: Typist) -> None:
    """A report to the office is pushed to Thảo, announced at once, and shown on :chon 4."""
    await typist.type("/task 2")
    await typist.expect(":bam ✅ Hoàn thành", "💬 ✅")  # the toast
    await typist.shown("📨 1 tin mới cho Lê Thị Thảo — Văn phòng (:chon 4 để xem)")
    await typist.expect(":chon 4", "Báo hoàn thành nhiệm vụ #2")
    await typist.expect(":bam ✔️ Xác nhận hoàn thành", "💬 ✔️")
    await typist.shown("📨 1 tin mới cho Nguyễn Văn Hùng — cán bộ xã Long Hiệp (:chon 2 để xem)")
    await typist.expect(":chon 2", "xác nhận hoàn thành")


async def test_buttons_after_an_edit_replies_and_files(typist: Typist, tmp_path: Path) -> None:
    """Buttons an edit put on a card can be pressed; :tl replies; captions and documents go through."""
    await typist.type("/task 2")
    await typist.type(":bam ✅ Hoàn thành")  # the card is edited: its buttons change
    said = await typist.type(":bam 📝 Ghi chú")
    assert "Telegram giả lập từ chối" not in said and "ghi chú" in said.lower()
    await typist.type("/task 1")
    said = await typist.type(":tl 5/12")
    assert "5/12" in said and "(bot không trả lời)" not in said
    await typist.expect(":bam gia han", "gia hạn nhiệm vụ #1 đến ngày nào")  # a button by its words
    await typist.expect(":tl 30/12", "Lý do")
    await typist.type(":tl chờ vốn")
    photo = tmp_path / "nha.jpg"
    Image.new("RGB", (64, 48), (200, 120, 40)).save(photo)
    said = await typist.type(f":anh {photo} bàn giao nhà hộ Nguyễn Văn A")
    sent = [r for r in typist.sandbox.emulator.records(chat_id=HUNG) if r["kind"] == "user"]
    assert sent[-1]["message"]["caption"] == "bàn giao nhà hộ Nguyễn Văn A"
    assert "Nguyễn Văn A" in said
    said = await typist.type(f":tep {photo}")
    sent = [r for r in typist.sandbox.emulator.records(chat_id=HUNG) if r["kind"] == "user"]
    assert sent[-1]["message"]["document"]["file_name"] == "nha.jpg"
    assert "(bot không trả lời)" not in said
    await typist.expect(":anh khong-co.jpg", "Không tìm thấy tệp «khong-co.jpg».")


async def test_groups_files_from_the_bot_phone_numbers_and_help(typist: Typist) -> None:
    said = await typist.type(":?")
    first_columns = [re.split(r"\s{2,}", line.strip())[0] for line in HELP.splitlines()]
    listed = {name for column in first_columns for name in re.findall(r":[\w?]+", column)}
    assert set(COMMANDS) | {":thoat"} <= listed  # each command has its line in the help
    assert HELP.splitlines()[1] in said
    await typist.type(":chon 4")
    await typist.expect(":nhom", "[Thảo @ Lãnh đạo Tỉnh Demo] >")
    await typist.expect("/registergroup", "Đã đăng ký nhóm «Lãnh đạo Tỉnh Demo»")
    await typist.type(":rieng")
    said = await typist.expect("/exporthouses long hiep", "📎 Đã lưu tệp bot gửi: ")
    saved = re.search(r"📎 Đã lưu tệp bot gửi: (\S+\.xlsx)", said)
    assert saved, said
    assert Path(saved.group(1)).read_bytes()[:2] == b"PK"  # the workbook itself
    await typist.type(":chon 5")
    await typist.expect(":sdt +84 912 000 005", "Kích hoạt thành công")


async def test_what_came_before_a_restart_is_shown_after_it(tmp_path: Path) -> None:
    async with typing_in(tmp_path / "data") as typist:
        await typist.type("/task 2")
        await typist.expect(":bam hoàn thành", "💬 ✅")
        await typist.shown("📨 1 tin mới cho Lê Thị Thảo — Văn phòng (:chon 4 để xem)")
    async with typing_in(tmp_path / "data") as typist:
        await typist.shown("📨 1 tin mới cho Lê Thị Thảo — Văn phòng (:chon 4 để xem)")
        await typist.expect(":chon 4", "Báo hoàn thành nhiệm vụ #2")
        await typist.expect(":bam xác nhận", "💬 ✔️")  # a card from before the restart


async def test_a_saved_photo_is_named_for_what_it_holds(typist: Typist) -> None:
    """The digest's chart is a PNG the emulator keeps as sent: saved as .png, not .jpg."""
    await typist.type(":chon 3")
    said = await typist.type("/digest")
    saved = [Path(p) for p in re.findall(r"📎 Đã lưu tệp bot gửi: (\S+)", said)]
    charts = [p for p in saved if p.read_bytes().startswith(b"\x89PNG")]
    assert charts, said
    assert all(p.suffix == ".png" for p in charts), charts
    assert all(p.suffix != ".jpg" or p.read_bytes()[:3] == b"\xff\xd8\xff" for p in saved), saved


async def test_persona_labels_follow_the_database(typist: Typist) -> None:
    """Tâm linked by his phone and Lan by an invitation are no longer «chưa kích hoạt», «Người lạ»."""
    await typist.type(":chon 4")
    await typist.expect("/addofficial Võ Thị Lan; long huu; cán bộ; 0912000001", "Võ Thị Lan")
    said = await typist.type("/invite 5")
    code = re.search(r"\?start=([A-Za-z0-9_-]+)", said)
    assert code, said
    await typist.type(":chon 5")
    await typist.expect(":sdt +84 912 000 005", "Kích hoạt thành công")
    await typist.type(":chon 1")
    await typist.type(f"/start {code.group(1)}")
    listed = await typist.type(":ds")
    assert "5. Phạm Văn Tâm — cán bộ xã Long Hựu\n" in listed and "chưa kích hoạt" not in listed, listed
    assert "1. Võ Thị Lan — cán bộ Xã Long Hựu" in listed and "Người lạ" not in listed, listed
    await typist.expect(":chon 2", "Đang đóng vai: Nguyễn Văn Hùng")
    async with httpx.AsyncClient() as http:  # the bot writes to both while Hùng is in view
        for chat_id in (9001, 9005):
            url = f"{typist.sandbox.emulator.base_url}/bot{SANDBOX_TOKEN}/sendMessage"
            assert (await http.post(url, data={"chat_id": chat_id, "text": "Nhắc việc"})).json()["ok"]
    await typist.shown("📨 1 tin mới cho Phạm Văn Tâm — cán bộ xã Long Hựu (:chon 5 để xem)")
    await typist.shown("📨 1 tin mới cho Võ Thị Lan — cán bộ Xã Long Hựu (:chon 1 để xem)")
    await typist.expect(":chon 5", "Đang đóng vai: Phạm Văn Tâm — cán bộ xã Long Hựu\n")


async def test_a_pasted_directive_keeps_its_lines(typist: Typist) -> None:
    """`:dan /vanban FILE` pastes a text as one message with its line breaks, as a phone does, so the
    tour can show /vanban: the bot reads the numbered items of the sample notice."""
    sample = Path(__file__).parent / "documents" / "thong_bao_ket_luan.txt"
    await typist.type(":chon 4")
    said = await typist.expect(f":dan /vanban {sample}", "📄 45-TB/HU")
    assert "Bot đọc được 5 nhiệm vụ" in said
    await typist.expect(":dan khong-co.txt", "Không tìm thấy tệp «khong-co.txt».")


async def test_a_line_cut_by_the_terminal_is_not_sent_and_breaks_nothing(typist: Typist) -> None:
    """A terminal keeps 4,095 bytes of a typed line and may cut inside a letter (the rest arrives
    as lone surrogates); nothing of it is sent, the console says why, and the next line works."""
    typist.console.tty = True
    cut = ("Ghi chú rất dài về tiến độ. " * 200).encode()[:4095].decode("utf-8", "surrogateescape")
    said = await typist.type(cut)
    assert "dài quá giới hạn của cửa sổ dòng lệnh" in said and "Không hiểu lệnh" not in said
    await typist.expect("/help", "/tasks")  # the bot still answers
    typist.console.tty = False
    assert "ký tự hỏng" in await typist.type("xin chao \udce1")


async def test_the_emulator_refuses_text_that_is_not_utf8(typist: Typist) -> None:
    """As Telegram does: a lone surrogate never reaches the emulator's state (which it broke)."""
    with pytest.raises(Exception, match="must be encoded in UTF-8"):
        await typist.sandbox.emulator.users.text({"user_id": HUNG, "text": "xin chao \udce1"})
    await typist.expect("/help", "/tasks")


async def test_paste_a_file_named_by_its_full_path(typist: Typist, tmp_path: Path) -> None:
    note = tmp_path / "ghi-chu.txt"
    note.write_text("Xin chào", encoding="utf-8")
    said = await typist.type(f":dan {note}")  # '/tmp/…' is a path, not a bot command
    assert "Không hiểu lệnh" not in said and "Bot chưa hiểu tin nhắn này" in said


def test_words_never_press_an_undo_button_they_only_contain() -> None:
    """After ✅ Hoàn thành the card offers ↩️ Rút báo hoàn thành: ':bam hoan thanh' typed twice
    must not withdraw the report it has just made."""
    assert _button_number("hoan thanh", ["✅ Hoàn thành", "↩️ Rút báo hoàn thành"]) == 1
    assert _button_number("hoan thanh", ["↩️ Rút báo hoàn thành", "📅 Xin gia hạn"]) == 0
    assert _button_number("gia han", ["✅ Hoàn thành", "📅 Xin gia hạn"]) == 2
    assert _button_number("rut bao", ["↩️ Rút báo hoàn thành"]) == 1  # its own words press it
