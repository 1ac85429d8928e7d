"""Exactly once: a redelivered update, a double press, and an edit by someone else in between."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import col, select
from telegram import Update

from bot.app import build_application
from domain.dates import Due
from domain.statuses import Role, TaskStatus, UnitKind
from emulator.client import EmulatorClient
from storage import task_notices, tasks
from storage.db import create_engine, session_factory
from storage.models import Task, TaskUpdate
from tests.conftest import RunningBot, bot_settings
from tests.factories import TestClock, add_official, add_unit, say
from tests.test_tasks_e2e import buttons, press

HUNG, LAN, ADMIN = 8201, 8202, 8203


async def _task(bot_db, client: EmulatorClient, *, count: int = 1, needs_confirmation: bool = True) -> None:
    province = await add_unit(bot_db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    commune = await add_unit(bot_db, "Xã Long Hiệp", parent_id=province.id)
    await add_official(bot_db, "Nguyễn Văn Hùng", unit=commune, telegram_user_id=HUNG)
    await add_official(bot_db, "Võ Thị Lan", unit=commune, telegram_user_id=LAN)
    await add_official(bot_db, "Lê Thị Thảo", unit=province, role=Role.ADMIN, telegram_user_id=ADMIN)
    for user in (HUNG, LAN, ADMIN):
        await say(client, user, "/start")
    now = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    async with bot_db.begin() as session:
        for n in range(count):
            await tasks.add_task(
                session,
                title=f"Nhiệm vụ số {n + 1}",
                lead_unit_id=commune.id,
                now=now,
                due=Due(dt.date(2026, 12, 1) + dt.timedelta(days=n), "x"),
                needs_confirmation=needs_confirmation,
            )


async def _history(bot_db, task_id: int = 1) -> list[TaskUpdate]:
    async with bot_db() as session:
        return list(
            (
                await session.exec(
                    select(TaskUpdate).where(TaskUpdate.task_id == task_id).order_by(col(TaskUpdate.id))
                )
            ).all()
        )


async def test_double_press_counts_once_and_shows_the_state(running_bot: RunningBot, bot_db, client) -> None:
    await _task(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    first = await client.press(HUNG, card["message"]["message_id"], data=buttons(card)["✅ Hoàn thành"])
    second = await client.press(HUNG, card["message"]["message_id"], data=buttons(card)["✅ Hoàn thành"])
    await client.wait(HUNG, after=second["seq"], count=2)
    history = await _history(bot_db)
    assert [h.new_status for h in history] == [TaskStatus.NEW, TaskStatus.AWAITING_CONFIRMATION]
    assert (await client.answer(first["callback_query_id"]))["text"].startswith("✅ Đã báo hoàn thành")


async def test_edit_by_another_official_is_shown_not_overwritten(
    running_bot: RunningBot, bot_db, client
) -> None:
    await _task(bot_db, client)
    hung_card = (await say(client, HUNG, "/task 1"))[0]
    lan_card = (await say(client, LAN, "/task 1"))[0]
    await press(client, LAN, lan_card, "⏳ Đang thực hiện")  # shows the percent buttons
    lan_card = {"message": (await client.records(LAN))[-1]["message"]}
    await press(client, LAN, lan_card, "50%")
    stale = (await press(client, HUNG, hung_card, "✅ Hoàn thành"))[0]["message"]["text"]
    assert stale.startswith("ℹ️ Nhiệm vụ #1 vừa được cập nhật bởi Võ Thị Lan lúc ")
    assert "Tiến độ: 50%" in stale and "Trạng thái: Đang thực hiện" in stale
    async with bot_db() as session:
        task = await session.get(Task, 1)
    assert task.status == TaskStatus.IN_PROGRESS and task.progress_percent == 50


async def test_same_update_delivered_twice_records_once(
    emulator, client, bot_db, running_bot: RunningBot, tmp_path
) -> None:
    """A webhook retry or a redelivery hands the bot the same update again: one record."""
    await _task(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    raw: dict[str, Any] = {
        "update_id": 990001,
        "message": {
            "message_id": 5000,
            "date": 1795400000,
            "text": "7/12",
            "chat": {"id": HUNG, "type": "private", "first_name": "Hùng"},
            "from": {"id": HUNG, "is_bot": False, "first_name": "Hùng"},
            "reply_to_message": card["message"],
        },
    }
    settings = bot_settings(emulator, running_bot.settings.database_url, tmp_path)
    engine = create_engine(settings.database_url)
    app = build_application(settings, db=session_factory(engine), clock=TestClock())
    async with app:
        for _ in range(2):
            await app.process_update(Update.de_json(raw, app.bot))
    await engine.dispose()
    history = await _history(bot_db)
    assert [(h.progress_quantity, h.telegram_update_id) for h in history if h.progress_quantity] == [
        (7.0, 990001)
    ]
    assert history[-1].at == dt.datetime.fromtimestamp(1795400000, dt.UTC)  # when the official sent it


async def test_task_list_pages_never_exceed_limits(running_bot: RunningBot, bot_db, client) -> None:
    await _task(bot_db, client, count=20)
    page1 = (await say(client, HUNG, "/tasks"))[0]
    text = page1["message"]["text"]
    assert text.startswith("Nhiệm vụ đang mở (20), hạn gần nhất trước — trang 1/3")
    assert text.index("#1 ") < text.index("#2 ") and "#9 " not in text
    assert len(text) <= 4096 and "Sau ▶️" in buttons(page1)
    page2 = (await press(client, HUNG, page1, "Sau ▶️"))[0]
    assert "trang 2/3" in page2["message"]["text"] and "#9 " in page2["message"]["text"]
    opened = (await press(client, HUNG, page2, "#9"))[0]
    assert opened["message"]["text"].startswith("📌 Nhiệm vụ #9")


async def test_blocked_note_and_bad_progress_by_questions(running_bot: RunningBot, bot_db, client) -> None:
    await _task(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    question = (await press(client, HUNG, card, "⚠️ Vướng mắc"))[0]
    assert (
        question["message"]["text"] == "Vướng mắc gì ở nhiệm vụ #1? Trả lời tin này bằng nội dung vướng mắc."
    )
    answer = (await say(client, HUNG, "Thiếu mặt bằng <đất> & vốn"))[0]["message"]["text"]
    assert answer == "✅ Đã ghi nhận vướng mắc cho nhiệm vụ #1."
    card = (await say(client, HUNG, "/task 1"))[0]
    await press(client, HUNG, card, "⏳ Đang thực hiện")
    percent_card = {"message": (await client.records(HUNG))[-1]["message"]}
    await press(client, HUNG, percent_card, "Nhập số khác (trả lời tin này)")
    wrong = await say(client, HUNG, "nhiều lắm", replies=2)
    assert wrong[0]["message"]["text"] == "Chưa hiểu tiến độ. Gõ dạng 5/12 (đã làm/tổng) hoặc 60%."
    assert (await say(client, HUNG, "8/10"))[0]["message"]["text"].startswith(
        "✅ Đã ghi nhận tiến độ 8/10 (80%) cho nhiệm vụ #1.\nNhiệm vụ chưa có chỉ tiêu số lượng"
    )
    history = await _history(bot_db)
    assert (
        history[1].new_status == TaskStatus.BLOCKED
        and history[1].note == "Vướng mắc: Thiếu mặt bằng <đất> & vốn"
    )
    assert history[-1].progress_quantity == 8 and history[-1].new_status == TaskStatus.IN_PROGRESS


async def test_other_unit_cannot_report(running_bot: RunningBot, bot_db, client) -> None:
    await _task(bot_db, client)
    other = await add_unit(bot_db, "Xã Long Hựu")
    await add_official(bot_db, "Người Xã Khác", unit=other, telegram_user_id=8299)
    refused = (await say(client, 8299, "/task 1"))[0]["message"]["text"]
    assert refused == "Đồng chí chỉ xem được dữ liệu của đơn vị mình."
    assert "không có nhiệm vụ nào đang mở" in (await say(client, 8299, "/tasks"))[0]["message"]["text"]


async def test_withdrawn_before_sending(running_bot: RunningBot, bot_db, client) -> None:
    """An assignment notice still in the outbox can be withdrawn (used when a task is cancelled)."""
    from storage import outbox

    await _task(bot_db, client)
    async with bot_db.begin() as session:
        task = await tasks.get_task(session, task_id=1)
        await task_notices.notify_assigned(
            session, task=task, today=dt.date(2026, 11, 23), now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
        )  # due far ahead
        assert await outbox.cancel_pending(session, key_prefix="task:1:", now=running_bot.clock.now()) == 2
        assert await outbox.pending_count(session) == 0
