"""Leaders' views end to end: /status by any spelling, the overview, the digest and its files."""

from __future__ import annotations

import base64
import datetime as dt
import io
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from PIL import Image
from sqlmodel import select

from domain.reminders import Policy
from domain.statuses import TaskStatus
from domain.workdays import WorkCalendar
from emulator.client import EmulatorClient
from scheduler.reminders import ReminderTick
from storage.models import Chat, Task
from tests.conftest import RunningBot
from tests.district import ADMIN, LEADER, NOW, TODAY, seed_district
from tests.factories import pushed, register_group, say
from tests.test_tasks_e2e import buttons

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


async def _start(client: EmulatorClient, district) -> None:  # type: ignore[no-untyped-def]
    for user in (LEADER, ADMIN, *district.officials.values()):
        await say(client, user, "/start")


async def test_status_by_any_spelling(running_bot: RunningBot, bot_db, client: EmulatorClient) -> None:
    running_bot.clock.set(NOW)
    district = await seed_district(bot_db)
    await _start(client, district)
    for typed in ("long hiep", "Long Hiep", "LONG HIỆP", "long hep", "x. long hiep"):
        reply = (await say(client, LEADER, f"/status {typed}"))[0]
        assert reply["message"]["text"].startswith("📋 Xã Long Hiệp — 23/11/2026"), typed
    text = reply["message"]["text"]
    assert (
        "Nhiệm vụ: 2 hoàn thành đúng hạn, 2 hoàn thành quá hạn, 8 đang thực hiện trong hạn, "
        "4 quá hạn chưa hoàn thành." in text
    )
    assert "⚠️ Quá hạn (4)" in text
    assert "quá hạn 6 ngày làm việc" in text and "quá hạn 1 ngày làm việc" in text
    assert "🚧 Vướng mắc (2)" in text and "Vướng mắc: thiếu mặt bằng" in text
    assert "📅 Đang xin gia hạn (2)" in text and "xin đến 13/12/2026: chờ vốn" in text
    assert "📝 Cập nhật mới nhất" in text and "📷1" in text
    assert "Kế hoạch: 4 căn" in text and "Đã bàn giao: 1 (25%)" in text
    assert "#" in "".join(buttons(reply))  # buttons open the tasks

    ambiguous = (await say(client, LEADER, "/status tan thanh"))[0]
    assert ambiguous["message"]["text"] == "Có nhiều đơn vị gần giống «tan thanh». Bấm chọn đơn vị:"
    assert set(buttons(ambiguous)) == {"Xã Tân Thành", "Phường Tân Thành"}
    pressed = await client.press(LEADER, ambiguous["message"]["message_id"], text="Phường Tân Thành")
    detail = (await client.wait(LEADER, after=pressed["seq"]))[0]["message"]["text"]
    assert detail.startswith("📋 Phường Tân Thành")
    unknown = (await say(client, LEADER, "/status zzzz"))[0]["message"]["text"]
    assert unknown.startswith("Không tìm thấy đơn vị «zzzz».")

    own = district.officials["Xã Long Hựu"]
    assert (await say(client, own, "/status"))[0]["message"]["text"].startswith("📋 Xã Long Hựu")
    assert (await say(client, own, "/status long hiep"))[0]["message"]["text"] == (
        "Đồng chí chỉ xem được dữ liệu của đơn vị mình."
    )


async def test_overview_worst_first(running_bot: RunningBot, bot_db, client: EmulatorClient) -> None:
    running_bot.clock.set(NOW)
    district = await seed_district(bot_db)
    await _start(client, district)
    text = (await say(client, LEADER, "/status"))[0]["message"]["text"]
    lines = text.splitlines()
    assert lines[0].startswith("📋 Tình hình thực hiện nhiệm vụ — 23/11/2026, 5 đơn vị")
    assert lines[2] == "🔴 Xã Long Hiệp: Đ 2 · ĐQ 2 · T 8 · Q 4; quá hạn lâu nhất 6 ngày làm việc"
    assert all(line.endswith("Q 2; quá hạn lâu nhất 6 ngày làm việc") for line in lines[3:7])


async def test_digest_preview_text_chart_and_workbook(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    running_bot.clock.set(NOW)
    district = await seed_district(bot_db)
    await _start(client, district)
    sent = await client.send(LEADER, "/digest")
    records = await client.wait(LEADER, after=sent["seq"], count=3, timeout=20)
    text = records[0]["message"]["text"]
    assert text.startswith("📊 Tổng hợp giao ban 23/11/2026")
    assert "Tuần trước (16/11/2026–22/11/2026): hoàn thành 6 nhiệm vụ." in text
    assert "⚠️ Quá hạn theo đơn vị (12)" in text
    assert "• Xã Long Hiệp: 4 nhiệm vụ, quá hạn lâu nhất 6 ngày làm việc" in text
    assert "🏠 Xóa nhà tạm: đã bàn giao 10/40 căn" in text
    photo = next(r for r in records if "photo" in r["message"])
    document = next(r for r in records if "document" in r["message"])
    png = base64.b64decode(
        (await client.call("file", file_id=photo["message"]["photo"][-1]["file_id"]))["data_b64"]
    )
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width >= 600 and 600 <= image.height <= 2000
    xlsx = base64.b64decode(
        (await client.call("file", file_id=document["message"]["document"]["file_id"]))["data_b64"]
    )
    book = load_workbook(io.BytesIO(xlsx))
    # Title, period, date made, then the header on row 4; rows start with their STT.
    summary = {
        row[1]: row[3:7]
        for row in book["Tổng hợp"].iter_rows(min_row=5, values_only=True)
        if isinstance(row[0], int)
    }
    # Against the database, counted here independently.
    async with bot_db() as session:
        all_tasks = (await session.exec(select(Task))).all()
    expected: dict[int, list[int]] = {}
    for task in all_tasks:
        counts = expected.setdefault(task.lead_unit_id, [0, 0, 0, 0])
        if task.status == TaskStatus.DONE:
            late = task.completed_at.astimezone(HANOI).date() > task.due_on
            counts[1 if late else 0] += 1
        else:
            counts[3 if task.due_on < TODAY else 2] += 1
    names = {v: k for k, v in district.units.items()}
    assert {names[u]: tuple(c) for u, c in expected.items()} == {k: tuple(v[:4]) for k, v in summary.items()}
    overdue_rows = list(book["Quá hạn"].iter_rows(min_row=5, values_only=True))
    assert len(overdue_rows) == sum(c[3] for c in expected.values())


async def test_monday_digest_sent_once_across_ticks_and_instances(
    running_bot: RunningBot, bot_db, client
) -> None:
    district = await seed_district(bot_db)
    await _start(client, district)
    await client.group("Lãnh đạo tỉnh", chat_id=-1_009_600_000_001)
    await client.group("Cán bộ toàn tỉnh", chat_id=-1_009_600_000_002)
    await register_group(bot_db, -1_009_600_000_001, "Lãnh đạo tỉnh")
    await register_group(bot_db, -1_009_600_000_002, "Cán bộ toàn tỉnh")
    async with bot_db.begin() as session:
        for chat in (await session.exec(select(Chat))).all():
            chat.receives_digest = True
            chat.digest_detail = "counts" if chat.title == "Cán bộ toàn tỉnh" else "full"
    from bot.context import Services

    def tick() -> ReminderTick:  # a fresh instance, as after a restart or on a second server
        services = Services(settings=running_bot.settings, db=bot_db, clock=running_bot.clock)
        return ReminderTick(services, calendar=WorkCalendar(), policy=Policy())

    first, second = tick(), tick()
    assert await first(NOW - dt.timedelta(minutes=15)) == 0  # 07:15: not yet
    queued = await first(NOW)
    assert queued > 0
    assert await first(NOW + dt.timedelta(minutes=5)) == 0
    assert await second(NOW + dt.timedelta(minutes=10)) == 0  # another instance adds nothing
    running_bot.clock.set(NOW)
    from storage import outbox

    async with bot_db() as session:
        rows = [r for r in await outbox.list_notifications(session, kinds=["digest"])]
    by_chat: dict[int, list] = {}
    for row in rows:
        by_chat.setdefault(row.chat_id, []).append(row)
    assert set(by_chat) == {-1_009_600_000_001, -1_009_600_000_002, LEADER}
    full = by_chat[-1_009_600_000_001]
    counts_only = by_chat[-1_009_600_000_002]
    assert any("document_path" in r.payload for r in full)
    assert not any("document_path" in r.payload for r in counts_only)
    # /start + parts; a part whose send is retried (a time-out under load) falls due as the clock moves
    delivered = await pushed(
        client, LEADER, after=0, count=1 + len(by_chat[LEADER]), clock=running_bot.clock, limit=20
    )
    assert any("photo" in r["message"] for r in delivered) and any(
        "document" in r["message"] for r in delivered
    )
    counts_text = " ".join(r.payload.get("text", "") for r in counts_only)
    assert "Quá hạn theo đơn vị" in counts_text and "Nhiệm vụ 5.0" not in counts_text  # no task names
    holiday_monday = dt.datetime(2026, 4, 27, 1, 0, tzinfo=dt.UTC)  # 08:00, Giỗ Tổ (observed)
    tuesday = dt.datetime(2026, 4, 28, 1, 0, tzinfo=dt.UTC)
    async with bot_db() as session:
        before = len(await outbox.list_notifications(session, kinds=["digest"]))
    await tick()(holiday_monday)
    async with bot_db() as session:
        assert len(await outbox.list_notifications(session, kinds=["digest"])) == before  # not on the holiday
    await tick()(tuesday)
    async with bot_db() as session:
        assert len(await outbox.list_notifications(session, kinds=["digest"])) > before  # the day after
