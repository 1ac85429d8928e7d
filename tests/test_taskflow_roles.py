"""Who reports and who confirms (found walking the sandbox): the unit's officials report, leaders and
the office decide, and the one who reported a task done never confirms it."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlmodel import select

from domain import task_texts
from domain.statuses import TaskStatus
from emulator.client import EmulatorClient
from storage import tasks
from storage.models import Notification, Official, Task, Unit
from tests.conftest import RunningBot
from tests.factories import say
from tests.test_taskflow_cards import ADMIN, HUNG, LEADER, NOW, taskflow_world, text_of
from tests.test_tasks_e2e import buttons, press

NOT_YOURS = "Báo cáo tiến độ, vướng mắc, hoàn thành nhiệm vụ #1 là việc của cán bộ đơn vị được giao."
REPORT_BUTTONS = {"✅ Hoàn thành", "⏳ Đang thực hiện", "⚠️ Vướng mắc", "📅 Xin gia hạn", "📥 Đã nhận"}
THAO, MINH = 1, 2  # official ids in taskflow_world


async def _alert(client: EmulatorClient, user: int, record: dict[str, Any], data: str) -> str:
    """A press the card does not offer (an old card, a crafted one); the toast it gets."""
    pressed = await client.forged_press(user, record["message"]["message_id"], data)
    deadline = asyncio.get_running_loop().time() + 10
    while asyncio.get_running_loop().time() < deadline:
        answer = await client.answer(pressed["callback_query_id"])
        if answer:
            return answer.get("text", "")
        await asyncio.sleep(0.02)
    raise AssertionError("the press was never answered")


async def _task(bot_db, task_id: int) -> Task:
    async with bot_db() as session:
        return await session.get(Task, task_id)


async def _asked_to_confirm(bot_db, task_id: int) -> set[int | None]:
    async with bot_db() as session:
        rows = (await session.exec(select(Notification).where(Notification.kind == "task.confirm"))).all()
    return {r.official_id for r in rows if f"task:{task_id}:" in r.dedupe_key}


async def _add_task(bot_db, unit_name: str, **extra: Any) -> int:
    async with bot_db.begin() as session:
        unit = (await session.exec(select(Unit).where(Unit.name == unit_name))).one()
        task = await tasks.add_task(session, title="Việc thử", lead_unit_id=unit.id, now=NOW, **extra)
        return task.id or 0


async def test_a_leader_sees_a_unit_s_task_but_does_not_report_on_it(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await taskflow_world(bot_db, client)
    card = (await say(client, LEADER, "/task 1"))[0]
    assert not REPORT_BUTTONS & set(buttons(card)) and "📝 Ghi chú" in buttons(card)
    assert "Trả lời (reply) tin này để thêm ghi chú; đơn vị được giao báo cáo tiến độ." in text_of([card])
    done = task_texts.button_data(1, "done", 1)
    assert (await _alert(client, LEADER, card, done)).startswith(NOT_YOURS)
    assert (await _alert(client, LEADER, card, task_texts.button_data(1, "pct", 1, "25"))).startswith(
        NOT_YOURS
    )
    sent = await client.send(LEADER, "5/12", reply_to=card["message"]["message_id"])
    assert text_of(await client.wait(LEADER, after=sent["seq"])).startswith(NOT_YOURS)
    task = await _task(bot_db, 1)
    assert task.status == TaskStatus.NEW and task.progress_percent is None
    sent = await client.send(LEADER, "Đề nghị xã đẩy nhanh", reply_to=card["message"]["message_id"])
    assert text_of(await client.wait(LEADER, after=sent["seq"])) == "✅ Đã ghi nhận ghi chú cho nhiệm vụ #1."
    assert "✅ Hoàn thành" in buttons((await say(client, HUNG, "/task 1"))[0])  # the commune reports


async def test_the_one_who_reported_a_task_done_never_confirms_it(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await taskflow_world(bot_db, client)
    # Minh assigned task 4 and named himself on it: he works on it, so he may report it done.
    task_id = await _add_task(bot_db, "Xã Long Hiệp", official_ids=[MINH], created_by_id=MINH)
    card = (await say(client, LEADER, f"/task {task_id}"))[0]
    reported = (await press(client, LEADER, card, "✅ Hoàn thành"))[0]
    assert "Trạng thái: Chờ xác nhận hoàn thành" in reported["message"]["text"]
    assert "✔️ Xác nhận hoàn thành" not in buttons(reported) and "↩️ Rút báo hoàn thành" in buttons(reported)
    assert await _asked_to_confirm(bot_db, task_id) == {THAO}  # not Minh, though he assigned it
    confirm = task_texts.button_data(task_id, "cf", (await _task(bot_db, task_id)).version)
    refused = await _alert(client, LEADER, reported, confirm)
    assert refused.startswith(f"Đồng chí là người báo hoàn thành nhiệm vụ #{task_id}, nên không tự xác nhận")
    assert (await _task(bot_db, task_id)).status == TaskStatus.AWAITING_CONFIRMATION

    office_card = (await say(client, ADMIN, f"/task {task_id}"))[0]
    await press(client, ADMIN, office_card, "✔️ Xác nhận hoàn thành")
    task = await _task(bot_db, task_id)
    assert task.status == TaskStatus.DONE and task.confirmed_by_id == THAO


async def test_when_the_reporter_alone_could_confirm_the_others_are_asked_or_the_reporter_is_told(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    await taskflow_world(bot_db, client)
    # The office's own task, reported by Thảo, the only admin: the leader confirms it.
    first = await _add_task(bot_db, "Văn phòng Tỉnh ủy")
    await press(client, ADMIN, (await say(client, ADMIN, f"/task {first}"))[0], "✅ Hoàn thành")
    assert await _asked_to_confirm(bot_db, first) == {MINH}

    async with bot_db.begin() as session:  # nobody else left to confirm
        minh = await session.get(Official, MINH)
        minh.active = False
    second = await _add_task(bot_db, "Văn phòng Tỉnh ủy")
    card = (await say(client, ADMIN, f"/task {second}"))[0]
    pressed = await client.press(ADMIN, card["message"]["message_id"], data=buttons(card)["✅ Hoàn thành"])
    said = await client.wait(ADMIN, after=pressed["seq"], count=2)
    # The toast promises no confirmation that nobody can give; the message says why.
    toast = await client.answer(pressed["callback_query_id"])
    assert toast is not None
    assert toast["text"] == f"✅ Đã báo hoàn thành nhiệm vụ #{second}; nhiệm vụ chờ xác nhận."
    told = [r["message"]["text"] for r in said if r["kind"] != "edit"]
    assert told == [
        f"⚠️ Nhiệm vụ #{second} cần người khác xác nhận hoàn thành, nhưng chưa có lãnh đạo hay cán bộ "
        "Văn phòng nào khác dùng bot. Nhiệm vụ chờ xác nhận; Văn phòng thêm người bằng /addofficial "
        "và /invite."
    ]
    assert await _asked_to_confirm(bot_db, second) == set()
    assert (await _task(bot_db, second)).status == TaskStatus.AWAITING_CONFIRMATION
