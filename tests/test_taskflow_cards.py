"""An official's daily cards: Đã nhận, extensions on the card, small answers, who sees which task."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import select

from domain.dates import Due
from domain.statuses import Role, TaskStatus, UnitKind
from emulator.client import EmulatorClient
from storage import tasks
from storage.models import ExtensionRequest, Task
from tests.conftest import RunningBot
from tests.factories import add_official, add_unit, pushed, say
from tests.test_tasks_e2e import buttons, press

ADMIN, LEADER, HUNG, LAN, TU = 8601, 8602, 8603, 8604, 8605
NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


async def taskflow_world(bot_db, client: EmulatorClient, *, extra_tasks: int = 0) -> None:
    """Task 1: Xã Long Hiệp leads, Xã Long Hựu cooperates, 12 căn by 30/12/2026; another commune
    leads task 2 with Long Hiệp cooperating; task 3 (Long Hiệp) has no target. Every persona has
    opened the bot."""
    province = await add_unit(bot_db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    office = await add_unit(bot_db, "Văn phòng Tỉnh ủy", kind=UnitKind.OFFICE, parent_id=province.id)
    hiep = await add_unit(bot_db, "Xã Long Hiệp", parent_id=province.id)
    huu = await add_unit(bot_db, "Xã Long Hựu", parent_id=province.id)
    other = await add_unit(bot_db, "Xã Khác", parent_id=province.id)
    await add_official(bot_db, "Lê Thị Thảo", unit=office, role=Role.ADMIN, telegram_user_id=ADMIN)
    await add_official(bot_db, "Trần Văn Minh", unit=province, role=Role.LEADER, telegram_user_id=LEADER)
    await add_official(bot_db, "Nguyễn Văn Hùng", unit=hiep, telegram_user_id=HUNG)
    await add_official(bot_db, "Võ Thị Lan", unit=hiep, telegram_user_id=LAN)
    await add_official(bot_db, "Đặng Văn Tư", unit=huu, telegram_user_id=TU)
    for user in (ADMIN, LEADER, HUNG, LAN, TU):
        await say(client, user, "/start")
    async with bot_db.begin() as session:
        await tasks.add_task(
            session,
            title="Xóa nhà tạm",
            lead_unit_id=hiep.id,
            cooperating_unit_ids=[huu.id],
            now=NOW,
            due=Due(dt.date(2026, 12, 30), "30/12"),
            target_quantity=12,
            target_measure="căn",
            created_by_id=1,
        )
        await tasks.add_task(  # Long Hiệp cooperates here, Long Hựu does not
            session,
            title="Việc xã khác",
            lead_unit_id=other.id,
            cooperating_unit_ids=[hiep.id],
            now=NOW,
            due=Due(dt.date(2026, 12, 15), "x"),
        )
        for n in range(1 + extra_tasks):
            await tasks.add_task(
                session,
                title=f"Báo cáo số {n + 1}",
                lead_unit_id=hiep.id,
                now=NOW,
                due=Due(dt.date(2026, 12, 20), "x"),
            )


def text_of(records: list[dict[str, Any]]) -> str:
    assert records, "the bot said nothing"
    return records[0]["message"].get("text") or ""


async def test_received_button_on_every_card_until_pressed(running_bot: RunningBot, bot_db, client) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    assert "📥 Đã nhận" in buttons(card)
    edited = (await press(client, HUNG, card, "📥 Đã nhận"))[0]
    assert edited["kind"] == "edit" and "📥 Đã nhận" not in buttons(edited)
    assert "📥 Đã nhận" not in buttons((await say(client, HUNG, "/task 1"))[0])
    listing = (await say(client, HUNG, "/tasks"))[0]
    opened = (await press(client, HUNG, listing, "#3"))[0]  # through /tasks, not yet received
    assert "📥 Đã nhận" in buttons(opened)

    # Lan reports without pressing 📥: she has received it, and the leader's card says so.
    await client.send(LAN, "5/12", reply_to=(await say(client, LAN, "/task 1"))[0]["message"]["message_id"])
    await client.wait(LAN, after=(await client.records(LAN))[-1]["seq"])
    leader_card = text_of(await say(client, LEADER, "/task 1"))
    assert "Đã nhận: Nguyễn Văn Hùng, Võ Thị Lan" in leader_card and "Chưa nhận" not in leader_card
    assert "📥 Đã nhận" not in buttons((await say(client, LAN, "/task 1"))[0])


async def test_leader_decides_an_extension_on_the_card(running_bot: RunningBot, bot_db, client) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    await press(client, HUNG, card, "📅 Xin gia hạn")
    refused = await say(client, HUNG, "20/12", replies=2)  # earlier than the deadline of 30/12
    assert text_of(refused).startswith("Ngày 20/12/2026 không sau hạn hiện tại (30/12/2026)")
    assert "đến ngày nào" in refused[1]["message"]["text"]  # asked again
    same = await say(client, HUNG, "30/12", replies=2)
    assert text_of(same).startswith("Ngày 30/12/2026 không sau hạn hiện tại")
    await say(client, HUNG, "15/1")
    leader_mark = (await client.records(LEADER))[-1]["seq"]
    assert "Đã gửi đề nghị gia hạn" in text_of(await say(client, HUNG, "Chờ vốn"))
    await client.wait(LEADER, after=leader_mark)  # the push; the card below is what a lost push leaves

    leader_card = (await say(client, LEADER, "/task 1"))[0]
    assert "Trạng thái: Chờ gia hạn" in leader_card["message"]["text"]
    assert "✔️ Đồng ý gia hạn" in buttons(leader_card) and "✖️ Không đồng ý" in buttons(leader_card)
    assert "✔️ Đồng ý gia hạn" not in buttons((await say(client, HUNG, "/task 1"))[0])  # not his to decide
    redrawn = (await press(client, LEADER, leader_card, "✔️ Đồng ý gia hạn"))[0]
    assert "Hạn: 15/01/2027" in redrawn["message"]["text"] and "✔️ Đồng ý gia hạn" not in buttons(redrawn)
    async with bot_db() as session:
        task = await session.get(Task, 1)
        request = (await session.exec(select(ExtensionRequest))).one()
    assert task.due_on == dt.date(2027, 1, 15) and request.status == "approved"


async def test_small_answers(running_bot: RunningBot, bot_db, client) -> None:
    await taskflow_world(bot_db, client, extra_tasks=9)  # 12 open tasks for Long Hiệp: 2 pages
    beyond = text_of(await say(client, HUNG, "/tasks 5"))
    assert beyond.startswith("Không có trang 5: danh sách 12 nhiệm vụ đang mở chỉ có 2 trang.")
    assert "trang 2/2" in text_of(await say(client, HUNG, "/tasks 2"))
    for command in ("/task", "/task abc", "/task 99999999999999999999"):
        assert text_of(await say(client, HUNG, command)).startswith(
            "Gõ /task và số nhiệm vụ, ví dụ /task 12."
        )


async def test_return_is_told_in_the_second_person_and_stale_names_the_changer(
    running_bot: RunningBot, bot_db, client
) -> None:
    await taskflow_world(bot_db, client)
    hung_card = (await say(client, HUNG, "/task 3"))[0]
    lan_card = (await say(client, LAN, "/task 3"))[0]
    await press(client, LAN, lan_card, "✅ Hoàn thành")
    stale = text_of(await press(client, HUNG, hung_card, "✅ Hoàn thành"))
    assert stale.startswith("ℹ️ Nhiệm vụ #3 vừa được cập nhật bởi Võ Thị Lan lúc ")

    older = (await say(client, HUNG, "/task 3"))[0]  # drawn while it awaits confirmation
    await press(client, HUNG, (await say(client, HUNG, "/task 3"))[0], "↩️ Rút báo hoàn thành")
    own = text_of(await press(client, HUNG, older, "↩️ Rút báo hoàn thành"))
    assert own.startswith("ℹ️ Nhiệm vụ #3 vừa được cập nhật bởi chính đồng chí")
    await press(client, HUNG, (await say(client, HUNG, "/task 3"))[0], "✅ Hoàn thành")

    leader_card = (await say(client, LEADER, "/task 3"))[0]
    await press(client, LEADER, leader_card, "↩️ Trả lại")
    hung_mark = (await client.records(HUNG))[-1]["seq"]
    told = text_of(await say(client, LEADER, "Thiếu ảnh"))
    assert told == "↩️ Đồng chí đã trả lại báo cáo hoàn thành nhiệm vụ #3. Lý do: Thiếu ảnh"
    # Pushed through the outbox after Hùng's own answers: it may meet his chat's limit (429).
    notice = text_of(await pushed(client, HUNG, after=hung_mark, clock=running_bot.clock))
    assert notice.startswith("↩️ Báo cáo hoàn thành nhiệm vụ #3 bị Trần Văn Minh trả lại.")


async def test_cooperating_unit_sees_only_the_tasks_it_cooperates_on(
    running_bot: RunningBot, bot_db, client
) -> None:
    await taskflow_world(bot_db, client)
    listing = text_of(await say(client, TU, "/tasks"))
    assert "#1 " in listing and "#2 " not in listing and "#3 " not in listing
    assert text_of(await say(client, TU, "/task 1")).startswith("📌 Nhiệm vụ #1")
    for other in ("/task 2", "/task 3"):
        assert text_of(await say(client, TU, other)) == "Đồng chí chỉ xem được dữ liệu của đơn vị mình."
    async with bot_db() as session:
        assert (await session.get(Task, 2)).status == TaskStatus.NEW
