"""The giao ban pack: a one-page .docx sent with the Monday digest to leaders, the office and the
full-digest groups, once; its sections and numbers are the database's."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from sqlmodel import col, select

from bot.context import Services
from domain.digest import DigestData
from domain.giaoban_pack import giao_ban_pack
from domain.reminders import Policy
from domain.statuses import OPEN_STATUSES, TaskStatus
from domain.workdays import WorkCalendar
from scheduler.reminders import ReminderTick
from storage import meetings, outbox
from storage.models import Chat, Official, Task, Unit
from tests.conftest import RunningBot, start_bot
from tests.district import ADMIN, LEADER, NOW, TODAY, seed_district
from tests.factories import register_group, say, wait_until

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
LAST_GIAO_BAN = dt.datetime(2026, 11, 16, 14, 0, tzinfo=HCM)
PACK = "tai-lieu-giao-ban-2026-11-23.docx"


async def _conclude(db) -> list[int]:  # type: ignore[no-untyped-def]
    """Last Monday's giao ban concluded Long Hiệp's first round of tasks; a later meeting that
    is no giao ban and today's giao ban concluded others (neither is 'the last giao ban')."""
    async with db.begin() as session:
        held = await meetings.concluded(
            session,
            title="Giao ban",
            giao_ban=True,
            day_start=dt.datetime(2026, 11, 16, tzinfo=HCM),
            starts_at=LAST_GIAO_BAN,
            now=NOW,
        )
        other = await meetings.add_meeting(
            session, title="Hội nghị Ban Thường vụ", starts_at=LAST_GIAO_BAN + dt.timedelta(days=2), now=NOW
        )
        today = await meetings.add_meeting(
            session, title="Giao ban", starts_at=dt.datetime(2026, 11, 23, 7, 0, tzinfo=HCM), now=NOW
        )
        rows = (await session.exec(select(Task).order_by(col(Task.id)))).all()
        concluded = [t for t in rows if t.title.endswith(".0 của Xã Long Hiệp")]
        for task in concluded:
            task.meeting_id = held.id
        rows[-1].meeting_id, rows[-2].meeting_id = other.id, today.id
        session.add_all(rows)
    return [t.id or 0 for t in concluded]


def _texts(data: bytes) -> list[str]:
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return lines


async def _expected(db) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The figures, counted here from the tables, independently of the pack's queries."""
    async with db() as session:
        rows = (
            await session.exec(select(Task, Unit.name).join(Unit, col(Task.lead_unit_id) == Unit.id))
        ).all()
    monday, sunday = TODAY, TODAY + dt.timedelta(days=6)
    overdue: dict[str, int] = {}
    for task, unit in rows:
        if task.status in OPEN_STATUSES and task.due_on < TODAY:
            overdue[unit] = overdue.get(unit, 0) + 1
    return {
        "overdue": overdue,
        "due": sum(1 for t, _ in rows if t.status in OPEN_STATUSES and monday <= t.due_on <= sunday),
        "extensions": sum(1 for t, _ in rows if t.status == TaskStatus.EXTENSION_REQUESTED),
        "concluded": [(t.title, t.status) for t, _ in rows if t.title.endswith(".0 của Xã Long Hiệp")],
    }


def _check(lines: list[str], expected: dict[str, object]) -> None:
    text = "\n".join(lines)
    concluded = expected["concluded"]
    assert isinstance(concluded, list)
    assert f"I. KẾT LUẬN GIAO BAN NGÀY 16/11/2026: TÌNH HÌNH THỰC HIỆN ({len(concluded)})" in text
    done = sum(1 for _, status in concluded if status == TaskStatus.DONE)
    assert f"Đã hoàn thành {done}/{len(concluded)}; quá hạn chưa hoàn thành 2." in text
    assert "1 | Nhiệm vụ 1.0 của Xã Long Hiệp | Xã Long Hiệp | 13/11/2026 | Hoàn thành" in lines
    assert (
        "5 | Nhiệm vụ 5.0 của Xã Long Hiệp | Xã Long Hiệp | 20/11/2026 | Đang thực hiện, quá hạn 1 ngày"
        in text
    )
    overdue = expected["overdue"]
    assert isinstance(overdue, dict)
    assert f"II. NHIỆM VỤ QUÁ HẠN THEO ĐƠN VỊ ({sum(overdue.values())})" in text
    for unit, count in overdue.items():
        assert any(line.startswith(f"{unit} | {count} | ") for line in lines), unit
    due = expected["due"]
    assert f"III. ĐẾN HẠN TRONG TUẦN 23/11–29/11 ({due})" in text
    assert f"… và {due - 6} nhiệm vụ khác" in text  # type: ignore[operator]
    assert f"IV. ĐỀ NGHỊ GIA HẠN CHỜ QUYẾT ĐỊNH ({expected['extensions']})" in text
    assert "xin đến 13/12/2026: chờ vốn" in text


async def test_the_pack_holds_the_databases_numbers(db) -> None:  # type: ignore[no-untyped-def]
    _check(_texts(giao_ban_pack(await _seeded_pack(db))), await _expected(db))


async def _seeded_pack(db):  # type: ignore[no-untyped-def]
    """The pack's data for the seeded district after its last giao ban's conclusions."""
    from domain.programmes import XOA_NHA_TAM
    from storage import digest_data

    await seed_district(db)
    await _conclude(db)
    async with db() as session:
        digest = await digest_data.build_digest(
            session, day=TODAY, zone=HCM, programme=XOA_NHA_TAM, working_days_left=None
        )
        return await meetings.pack_data(session, digest=digest, zone=HCM)


def test_without_conclusions_the_pack_says_so() -> None:
    data = DigestData(TODAY, (TODAY, TODAY), [], [], [], [], [], [])
    from domain.giaoban import PackData

    pack = PackData(TODAY, "", None, [], data.overdue, data.due_this_week, data.extensions)
    text = "\n".join(_texts(giao_ban_pack(pack)))
    assert "Chưa nhập thông báo kết luận của cuộc giao ban trước" in text
    assert "Không có nhiệm vụ quá hạn." in text and "Không có đề nghị gia hạn nào đang chờ." in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_normal_week_is_one_a4_page(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    pack = await _seeded_pack(db)
    source = tmp_path / "pack.docx"
    source.write_bytes(giao_ban_pack(pack))
    command = ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf"]
    await asyncio.to_thread(
        subprocess.run,
        [*command, "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = PdfReader(tmp_path / "pack.pdf")
    assert len(pdf.pages) == 1
    page = pdf.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


async def _documents(client, chat_id: int) -> list[dict]:  # type: ignore[no-untyped-def]
    return [
        r
        for r in await client.records(chat_id)
        if r.get("message", {}).get("document", {}).get("file_name") == PACK
    ]


async def test_leaders_and_the_office_receive_the_pack_once(
    running_bot: RunningBot, bot_db, client, emulator
) -> None:  # type: ignore[no-untyped-def]
    await seed_district(bot_db)
    await _conclude(bot_db)
    for user in (LEADER, ADMIN):
        await say(client, user, "/start")
    await client.group("Lãnh đạo tỉnh", chat_id=-1_009_700_000_001)
    await client.group("Cán bộ toàn tỉnh", chat_id=-1_009_700_000_002)
    await register_group(bot_db, -1_009_700_000_001, "Lãnh đạo tỉnh")
    await register_group(bot_db, -1_009_700_000_002, "Cán bộ toàn tỉnh")
    async with bot_db.begin() as session:
        for chat in (await session.exec(select(Chat))).all():
            chat.receives_digest = True
            chat.digest_detail = "counts" if chat.title == "Cán bộ toàn tỉnh" else "full"
            session.add(chat)
        official = (await session.exec(select(Official).where(Official.telegram_user_id == 9610))).one()
    running_bot.clock.set(NOW + dt.timedelta(minutes=31))  # the bot's time, past every tick below

    def tick(settings) -> ReminderTick:  # type: ignore[no-untyped-def]
        services = Services(settings=settings, db=bot_db, clock=running_bot.clock)
        return ReminderTick(services, calendar=WorkCalendar(), policy=Policy())

    assert await tick(running_bot.settings)(NOW) > 0
    await tick(running_bot.settings)(NOW + dt.timedelta(minutes=1))  # a second instance, or a rerun
    for chat_id in (LEADER, ADMIN, -1_009_700_000_001):
        await wait_until(lambda c=chat_id: _documents(client, c), what=f"the pack in {chat_id}")
    await running_bot.shutdown()  # a restart on the same Monday: the tick runs again
    again = await start_bot(running_bot.settings, running_bot.clock)
    try:

        async def digest_rows() -> list:  # type: ignore[type-arg]
            async with bot_db() as session:
                return await outbox.list_notifications(session, kinds=["digest", "digest.pack"])

        before = len(await digest_rows())
        await tick(again.settings)(NOW + dt.timedelta(minutes=10))
        assert len(await digest_rows()) == before

        async def all_sent() -> bool:
            return all(r.sent_at is not None for r in await digest_rows())

        await wait_until(all_sent, what="every digest part sent")
    finally:
        await again.shutdown()
    leader, office = await _documents(client, LEADER), await _documents(client, ADMIN)
    assert len(leader) == len(office) == len(await _documents(client, -1_009_700_000_001)) == 1
    assert await _documents(client, -1_009_700_000_002) == []  # counts only: no task names
    assert await _documents(client, official.telegram_user_id or 0) == []
    assert leader[0]["message"]["caption"].startswith("📎 Tài liệu giao ban 23/11/2026")
    # After the digest's own parts in the leader's chat.
    kinds = [("document" if "document" in r["message"] else "x") for r in await client.records(LEADER)]
    assert kinds[-1] == "document"
    data = base64.b64decode(
        (await client.call("file", file_id=leader[0]["message"]["document"]["file_id"]))["data_b64"]
    )
    _check(_texts(data), await _expected(bot_db))
