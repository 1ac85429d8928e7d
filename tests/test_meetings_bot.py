"""The office forwards a monthly programme: its dated meeting is shown in the proposal and created
with its agenda, once however often it is forwarded; a conclusions notice's tasks are tied to the
giao ban it concludes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from emulator.client import EmulatorClient
from storage.models import Meeting, MeetingItem, Task
from tests.conftest import RunningBot
from tests.test_directive_bot import OFFICE, SAMPLE, district, said
from tests.test_meetings_import import _programme
from tests.test_tasks_e2e import buttons, press

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _label(record: dict, start: str) -> str:  # type: ignore[type-arg]
    return next(label for label in buttons(record) if label.startswith(start))


async def _forward(client: EmulatorClient, data: bytes, name: str) -> dict:  # type: ignore[type-arg]
    sent = await client.document(OFFICE, data, name, mime_type="text/plain")
    # found by its text: the notices of tasks created a moment ago may still be reaching the chat
    return await said(client, OFFICE, after=sent["seq"], containing="Bot đọc được")


async def _create(client: EmulatorClient, overview: dict, containing: str) -> dict:  # type: ignore[type-arg]
    """Press 🚀 Tạo; its answer, found by `containing`: the office leads some of the new tasks, so
    its own new-task notices (through the outbox) may reach the chat first."""
    pressed = await client.press(
        OFFICE, overview["message"]["message_id"], data=buttons(overview)[_label(overview, "🚀 Tạo")]
    )
    return await said(client, OFFICE, after=pressed["seq"], containing=containing)


async def test_a_programmes_meeting_is_proposed_and_created_once(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await district(bot_db, client)
    programme = _programme().read_bytes()
    overview = await _forward(client, programme, "chuong-trinh-5-2023.txt")
    text = overview["message"]["text"]
    assert "🗓 1 cuộc họp (sẽ tạo khi bấm 🚀 Tạo):" in text
    assert "• Hội nghị Ban Thường vụ Huyện ủy — 25/05/2023, 5 nội dung" in text
    assert "(Văn phòng Huyện ủy chuẩn bị)" in text
    await _create(client, overview, "Cuộc họp: tạo mới 1.")

    overview = await _forward(client, programme, "chuong-trinh-5-2023.txt")  # forwarded again
    overview = (await press(client, OFFICE, overview, "🗓 Không tạo 1 cuộc họp"))[0]
    assert "(sẽ không tạo)" in overview["message"]["text"]
    overview = (await press(client, OFFICE, overview, "🗓 Tạo cả 1 cuộc họp"))[0]
    await _create(client, overview, "Cuộc họp: tạo mới 0, đã có từ trước 1.")
    async with bot_db() as session:
        meeting = (await session.exec(select(Meeting))).one()
        items = (await session.exec(select(MeetingItem).order_by(col(MeetingItem.position)))).all()
    assert meeting.starts_at.astimezone(HCM) == dt.datetime(2023, 5, 25, 8, 0, tzinfo=HCM)
    assert len(items) == 5 and items[-1].title == "Công tác tổ chức cán bộ và phát triển đảng viên"


async def test_a_conclusions_notices_tasks_are_tied_to_its_giao_ban(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await district(bot_db, client)
    # Read the day it was issued: its 2023 deadlines are still ahead, none needs a new one.
    running_bot.clock.set(dt.datetime(2023, 9, 15, 2, 0, tzinfo=dt.UTC))
    overview = await _forward(client, SAMPLE.read_bytes(), "45-TB-HU.txt")
    assert "🔗 Văn bản kết luận giao ban ngày 11/09/2023" in overview["message"]["text"]
    overview = (await press(client, OFFICE, overview, _label(overview, "✅ Nhận")))[0]
    assert (await _create(client, overview, "✅ Đã tạo"))["message"]["text"].startswith("✅ Đã tạo")
    async with bot_db() as session:
        meeting = (await session.exec(select(Meeting))).one()
        tied = (await session.exec(select(Task.meeting_id))).all()
    assert (meeting.title, meeting.status) == ("Giao ban", "held")
    assert meeting.starts_at.astimezone(HCM) == dt.datetime(2023, 9, 11, 14, 0, tzinfo=HCM)  # GIAO_BAN
    assert len(tied) >= 4 and set(tied) == {meeting.id}
