"""The office forwards a directive to the bot, accepts the proposal, and the units get their tasks;
a stamped document is refused and nothing of it stays in the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import select

from domain.statuses import Role, UnitKind
from emulator.client import EmulatorClient
from storage.models import Directive, InboxUpdate, Task
from tests.conftest import RunningBot
from tests.factories import add_official, add_unit, say, wait_until
from tests.test_tasks_e2e import buttons, press

SAMPLE = Path(__file__).parent / "documents" / "thong_bao_ket_luan.txt"
OFFICE, CLERK, ORGANISER = 9101, 9102, 9103


async def district(bot_db, client: EmulatorClient) -> None:
    """A legacy district set-up with the units the sample notice names."""
    province = await add_unit(bot_db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    office = await add_unit(bot_db, "Văn phòng Huyện ủy", kind=UnitKind.OFFICE, parent_id=province.id)
    board = await add_unit(bot_db, "Ban Tổ chức Huyện ủy", kind=UnitKind.BOARD, parent_id=province.id)
    await add_unit(bot_db, "Ủy ban Kiểm tra Huyện ủy", kind=UnitKind.BOARD, parent_id=province.id)
    await add_unit(bot_db, "Ủy ban nhân dân huyện", kind=UnitKind.PEOPLES_COMMITTEE, parent_id=province.id)
    await add_unit(bot_db, "Xã Long Hiệp", parent_id=province.id)
    await add_official(bot_db, "Lê Thị Thảo", unit=office, role=Role.ADMIN, telegram_user_id=OFFICE)
    await add_official(bot_db, "Phạm Văn Bình", unit=office, telegram_user_id=CLERK)
    await add_official(bot_db, "Đỗ Thị Hoa", unit=board, telegram_user_id=ORGANISER)
    for user in (OFFICE, CLERK, ORGANISER):
        await say(client, user, "/start")


async def said(client: EmulatorClient, chat_id: int, *, after: int, containing: str) -> dict[str, Any]:
    """The bot's first message (sent or edited) in the chat after seq `after` that contains
    `containing`: pushes through the outbox may reach the chat before or after it."""
    found: list[dict[str, Any]] = []

    async def arrived() -> bool:
        found[:] = [
            r
            for r in await client.records(chat_id, after=after)
            if r["kind"] in ("send", "edit") and containing in (r["message"].get("text") or "")
        ]
        return bool(found)

    await wait_until(arrived, limit=20, what=f"«{containing}» in chat {chat_id}")
    return found[0]


async def test_forward_accept_and_the_units_receive(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await district(bot_db, client)
    sent = await client.document(OFFICE, SAMPLE.read_bytes(), "45-TB-HU.txt", mime_type="text/plain")
    overview = (await client.wait(OFFICE, after=sent["seq"]))[0]
    text = overview["message"]["text"]
    assert "45-TB/HU, ngày 15/09/2023" in text and "Bot đọc được 5 nhiệm vụ" in text
    # II.1, II.3.-1, II.3.-2 and II.2 have a known unit and a deadline; II.4 names a group, "Các
    # xã, thị trấn": the tree's one commune. Every deadline is of 2023, read in 2026: none is taken
    # in bulk, each ✅ Nhận asks for a new one (a task is not born "quá hạn 780 ngày").
    assert "5 nhiệm vụ có hạn đã qua" in text
    assert not any(label.startswith("✅ Nhận") for label in buttons(overview))
    card = (await press(client, OFFICE, overview, "📋 Xem từng nhiệm vụ"))[0]
    new_dues = ["31/12/2026", "quý I/2027", "ngày 25 hằng tháng", "thứ Hai hằng tuần"]
    for new_due in new_dues:  # II.1 to II.3.-2, one by one
        asked = (await press(client, OFFICE, card, "✅ Nhận"))[0]["message"]["text"]
        assert "đã qua" in asked and "Gõ hạn mới" in asked
        card = (await say(client, OFFICE, new_due))[0]
    assert "[II.4]" in card["message"]["text"]
    assert "Chủ trì: Các xã, thị trấn (1 đơn vị)" in card["message"]["text"]
    assert "⚠️ đã qua" in card["message"]["text"]  # a 2023 deadline, read in 2026
    await press(client, OFFICE, card, "🏢 Đơn vị")  # the office gives it to one unit instead
    card = (await say(client, OFFICE, "van phong huyen uy"))[0]
    assert "Chủ trì: Văn phòng Huyện ủy" in card["message"]["text"]
    await press(client, OFFICE, card, "✅ Nhận")
    overview = (await say(client, OFFICE, "15/12/2026"))[0]
    clerk_mark = (await client.records(CLERK))[-1]["seq"]
    # The office leads one of the tasks: its own new-task notice, through the outbox, may land first.
    pressed = await client.press(
        OFFICE, overview["message"]["message_id"], data=buttons(overview)["🚀 Tạo 5 nhiệm vụ"]
    )
    await said(client, OFFICE, after=pressed["seq"], containing="✅ Đã tạo 5 nhiệm vụ từ văn bản 45-TB/HU")

    async with bot_db() as session:
        created = (await session.exec(select(Task).order_by(Task.id))).all()
        directive = (await session.exec(select(Directive))).one()
    assert directive.number == "45-TB/HU"
    assert [t.due_on.isoformat() for t in created] == [  # the new deadlines, none already past
        "2026-12-31",
        "2027-03-31",
        "2026-11-25",
        "2026-11-23",  # today, a Monday
        "2026-12-15",
    ]
    assert [t.recurrence for t in created][2:4] == ["monthly", "weekly"]
    # The office's clerk is told of the office's three tasks, through the outbox.
    notices = await client.wait(CLERK, after=clerk_mark, count=3)
    assert all(n["message"]["text"].startswith("🆕 Nhiệm vụ mới được giao") for n in notices)


async def test_a_stamped_paste_is_refused_and_not_kept(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await district(bot_db, client)
    secret = "TỐI MẬT\n" + SAMPLE.read_text(encoding="utf-8")[:1500]
    answer = (await say(client, OFFICE, f"/vanban {secret}"))[0]["message"]["text"]
    assert "MẬT" in answer and "không lưu" in answer
    async with bot_db() as session:
        rows = (await session.exec(select(InboxUpdate))).all()
        assert (await session.exec(select(Directive))).all() == []
    assert not any("Ban Tổ chức" in str(row.payload) for row in rows)


async def test_an_official_cannot_forward_a_directive(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await district(bot_db, client)
    sent = await client.document(CLERK, SAMPLE.read_bytes(), "45-TB-HU.txt", mime_type="text/plain")
    answer = (await client.wait(CLERK, after=sent["seq"]))[0]["message"]["text"]
    assert "Văn phòng" in answer  # only the office hands out tasks from documents
    async with bot_db() as session:
        assert (await session.exec(select(Task))).all() == []
