"""The heart of the product, end to end: assign, receive, report in two taps, extend, complete."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from sqlmodel import col, select

from domain.statuses import Role, TaskStatus, UnitKind
from emulator.client import EmulatorClient
from storage.models import ExtensionRequest, Photo, Task, TaskAck, TaskUpdate
from tests.conftest import RunningBot
from tests.factories import add_official, add_unit, pushed, say

ADMIN, LEADER, HUNG, LAN = 8101, 8102, 8103, 8104


def buttons(record: dict[str, Any]) -> dict[str, str]:
    markup = record["message"].get("reply_markup") or {}
    return {b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row}


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


async def world(bot_db, client: EmulatorClient) -> None:
    """A province with two communes; every official has opened the bot once (as /start does)."""
    province = await add_unit(bot_db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    office = await add_unit(bot_db, "Văn phòng Tỉnh ủy", kind=UnitKind.OFFICE, parent_id=province.id)
    commune = await add_unit(bot_db, "Xã Long Hiệp", parent_id=province.id)
    await add_unit(bot_db, "Xã Long Hựu", parent_id=province.id)
    await add_official(bot_db, "Lê Thị Thảo", unit=office, role=Role.ADMIN, telegram_user_id=ADMIN)
    await add_official(bot_db, "Trần Văn Minh", unit=province, role=Role.LEADER, telegram_user_id=LEADER)
    await add_official(bot_db, "Nguyễn Văn Hùng", unit=commune, telegram_user_id=HUNG)
    await add_official(bot_db, "Võ Thị Lan", unit=commune, telegram_user_id=LAN)
    for user in (ADMIN, LEADER, HUNG, LAN):
        await say(client, user, "/start")


async def mark(client: EmulatorClient, user: int) -> int:
    """The newest seq in a chat: wait for what comes after it."""
    records = await client.records(user)
    return records[-1]["seq"] if records else 0


async def press(
    client: EmulatorClient, user: int, record: dict[str, Any], label: str, count: int = 1
) -> list[dict[str, Any]]:
    pressed = await client.press(user, record["message"]["message_id"], data=buttons(record)[label])
    return await client.wait(user, after=pressed["seq"], count=count)


async def assign_via_conversation(client: EmulatorClient) -> str:
    start = (await say(client, ADMIN, "/assign"))[0]
    assert "Bước 1/5" in start["message"]["text"]
    await press(client, ADMIN, start, "📄 Văn bản mới")
    await say(client, ADMIN, "3022-CV/TU; 03/05/2024; Tăng cường thực hiện nhiệm vụ trọng tâm năm 2024")
    await say(client, ADMIN, "Xóa nhà tạm cho hộ nghèo\nHoàn thành 12 căn, tổ chức bàn giao")
    await say(client, ADMIN, "long hiep")  # the lead unit, typed without accents
    await say(client, ADMIN, "long huu")  # cooperating
    summary = (await say(client, ADMIN, "30/12"))[0]
    log = [(r["kind"], (r["message"].get("text") or "")[:70]) for r in await client.records(ADMIN)]
    assert "Chủ trì: Xã Long Hiệp" in summary["message"]["text"], log
    assert "Phối hợp: Xã Long Hựu" in summary["message"]["text"]
    assert "Hạn: 30/12/2026" in summary["message"]["text"]
    created = (await press(client, ADMIN, summary, "✅ Giao việc"))[0]
    return created["message"]["text"]


async def test_assign_report_extend_complete(running_bot: RunningBot, bot_db, client: EmulatorClient) -> None:
    await world(bot_db, client)
    before = await mark(client, HUNG)
    created = await assign_via_conversation(client)
    assert created.startswith("✅ Đã giao nhiệm vụ #1; đã gửi tới 2 cán bộ.")

    card = (await client.wait(HUNG, after=before))[0]  # the outbox sender delivered it
    assert card["message"]["text"].startswith("🆕 Nhiệm vụ mới được giao")
    assert "Văn bản: 3022-CV/TU" in card["message"]["text"] and "Hạn: 30/12/2026" in card["message"]["text"]
    await press(client, HUNG, card, "📥 Đã nhận")  # the card is redrawn without the button
    running_bot.clock.advance(minutes=5)

    # 5/12 by reply to the card, then a photo by reply.
    sent = await client.send(HUNG, "5/12", reply_to=card["message"]["message_id"])
    assert "tiến độ 5/12" in (await client.wait(HUNG, after=sent["seq"]))[0]["message"]["text"]
    sent = await client.photo(
        HUNG, png(), caption="Móng nhà hộ ông Tư", reply_to=card["message"]["message_id"]
    )
    assert "Đã lưu ảnh" in (await client.wait(HUNG, after=sent["seq"]))[0]["message"]["text"]

    # The office sees who acknowledged.
    detail = (await say(client, ADMIN, "/task 1"))[0]["message"]["text"]
    assert "Đã nhận: Nguyễn Văn Hùng" in detail and "Chưa nhận: Võ Thị Lan" in detail
    assert "Tiến độ: 5/12" in detail

    # Xin gia hạn: a date (first an impossible one), a reason; the leader approves.
    card = (await say(client, HUNG, "/task 1"))[0]
    leader_mark = await mark(client, LEADER)
    question = (await press(client, HUNG, card, "📅 Xin gia hạn"))[0]
    assert "đến ngày nào" in question["message"]["text"]
    wrong = await say(client, HUNG, "31/2", replies=2)
    assert wrong[0]["message"]["text"] == "Ngày 31/02 không tồn tại."  # in no year: none is named
    await say(client, HUNG, "15/1")
    answer = (await say(client, HUNG, "Chờ vốn hỗ trợ của tỉnh"))[0]["message"]["text"]
    assert answer.startswith("📅 Đã gửi đề nghị gia hạn nhiệm vụ #1 đến 15/01/2027")
    ask_leader = (await client.wait(LEADER, after=leader_mark))[0]
    assert "Lý do: Chờ vốn hỗ trợ của tỉnh" in ask_leader["message"]["text"]
    hung_mark = await mark(client, HUNG)
    approved = (await press(client, LEADER, ask_leader, "✔️ Đồng ý gia hạn"))[0]
    assert approved["kind"] == "edit" and "đã được Trần Văn Minh đồng ý" in approved["message"]["text"]
    # The decision is pushed through the outbox right after Hùng's own answers: it meets his
    # chat's limit (429) and goes once its retry falls due.
    decided = (await pushed(client, HUNG, after=hung_mark, clock=running_bot.clock))[0]
    assert (
        "Đề nghị gia hạn nhiệm vụ #1 đến 15/01/2027 đã được Trần Văn Minh đồng ý"
        in decided["message"]["text"]
    )

    # Hoàn thành → the office confirms.
    card = (await say(client, HUNG, "/task 1"))[0]
    assert (
        "Hạn: 15/01/2027" in card["message"]["text"] and "đã gia hạn từ 30/12/2026" in card["message"]["text"]
    )
    edited = (await press(client, HUNG, card, "✅ Hoàn thành"))[0]
    assert "Trạng thái: Chờ xác nhận hoàn thành" in edited["message"]["text"]
    to_confirm = [
        r for r in await client.records(ADMIN) if "Báo hoàn thành" in (r["message"].get("text") or "")
    ]
    if not to_confirm:
        to_confirm = await client.wait(ADMIN, after=(await client.records(ADMIN))[-1]["seq"])
    confirm_card = to_confirm[-1]
    await press(client, ADMIN, confirm_card, "✔️ Xác nhận hoàn thành")

    async with bot_db() as session:
        task = await session.get(Task, 1)
        steps = (
            await session.exec(select(TaskUpdate).where(TaskUpdate.task_id == 1).order_by(col(TaskUpdate.id)))
        ).all()
        acks = (await session.exec(select(TaskAck))).all()
        photos = (await session.exec(select(Photo))).all()
        request = (await session.exec(select(ExtensionRequest))).one()
    assert task.status == TaskStatus.DONE and task.due_on == dt.date(2027, 1, 15)
    assert task.original_due_on == dt.date(2026, 12, 30) and task.progress_quantity == 5
    assert task.target_quantity == 12 and task.completed_at is not None
    assert [s.new_status for s in steps if s.new_status] == [
        TaskStatus.NEW,
        TaskStatus.IN_PROGRESS,  # assigned; 5/12 reported
        TaskStatus.EXTENSION_REQUESTED,
        TaskStatus.IN_PROGRESS,  # asked; approved, back to work
        TaskStatus.AWAITING_CONFIRMATION,
        TaskStatus.DONE,  # reported done; confirmed by the office
    ]
    assert steps[0].note == "Giao nhiệm vụ"
    assert all(s.official_id is not None and s.at is not None for s in steps)
    assert {a.official_id for a in acks} == {3}
    assert len(photos) == 1 and photos[0].task_id == 1 and photos[0].caption == "Móng nhà hộ ông Tư"
    assert request.status == "approved" and request.decided_by_id == 2
