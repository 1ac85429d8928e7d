"""The office forwards a directive that names communes' bodies ("Ủy ban nhân dân xã Long Hiệp",
"Đảng ủy xã Mỹ Yên") and several leads in one item; the bot proposes each commune's own body or
the commune, a task for each lead, and says how many tasks it will create. With two districts,
the office's own is the one whose communes "các xã, thị trấn" are. Expectations typed from the
sentences and the trees, not from the reader's output."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from sqlmodel import select

from domain.statuses import Role
from domain.statuses import UnitKind as K
from emulator.client import EmulatorClient
from storage.models import Task, Unit
from tests.conftest import RunningBot
from tests.factories import add_official, say
from tests.test_directive_addressees import LEGACY, TWO_LEVEL
from tests.test_directive_addressees_db import seed_tree
from tests.test_directive_bot import said
from tests.test_tasks_e2e import buttons, press

OFFICE = 9201
SAMPLE = Path(__file__).parent / "documents" / "thong_bao_ket_luan.txt"  # its II.4: "Các xã, thị trấn"
NOTICE = """\
TỈNH ỦY TỈNH TÂY NINH
Số 120-TB/TU
Tây Ninh, ngày 20 tháng 11 năm 2026

THÔNG BÁO
KẾT LUẬN CỦA THƯỜNG TRỰC TỈNH ỦY
V/v một số nhiệm vụ trọng tâm cuối năm 2026

Thường trực Tỉnh ủy kết luận như sau:

I. Nhiệm vụ trọng tâm thời gian tới
1. Giao Ủy ban nhân dân xã Long Hiệp chủ trì vận động nguồn lực xã hội hóa xây mới nhà cho hộ
nghèo; hoàn thành trước ngày 27/11/2026.
2. UBND phường Tân An tập trung giải phóng mặt bằng tuyến đường liên khu phố; báo cáo chậm nhất
ngày 02/12/2026.
3. Đảng ủy xã Mỹ Yên chỉ đạo rà soát danh sách hộ cận nghèo, gửi Văn phòng Tỉnh ủy trước ngày
25/11/2026.
4. Văn phòng Tỉnh ủy, các xã, phường tổng hợp tình hình thực hiện các nhiệm vụ trên, báo cáo
Thường trực Tỉnh ủy trước ngày 30/11/2026.
5. Ủy ban nhân dân tỉnh chỉ đạo đẩy nhanh giải ngân vốn đầu tư công trước ngày 15/12/2026.
"""


async def office_of(bot_db, client: EmulatorClient, tree: tuple, office: str) -> dict[str, int]:
    ids = await seed_tree(bot_db, tree)
    async with bot_db() as session:
        unit = await session.get(Unit, ids[office])
    await add_official(bot_db, "Lê Thị Thảo", unit=unit, role=Role.ADMIN, telegram_user_id=OFFICE)
    await say(client, OFFICE, "/start")
    return ids


async def answer_of(client: EmulatorClient, query_id: str) -> dict:
    """The bot's answer to a button press (its toast or alert), within 5 seconds."""
    deadline = asyncio.get_running_loop().time() + 5
    while not (answer := await client.answer(query_id)):
        assert asyncio.get_running_loop().time() < deadline, "the press was never answered"
        await asyncio.sleep(0.02)
    return answer


async def leads(bot_db) -> list[int]:
    async with bot_db() as session:
        return sorted((await session.exec(select(Task.lead_unit_id))).all())


async def test_communes_bodies_and_several_leads(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    tree = (*TWO_LEVEL, ("Đảng bộ xã Mỹ Yên", K.PARTY_COMMITTEE, "Xã Mỹ Yên"))
    ids = await office_of(bot_db, client, tree, "Văn phòng Tỉnh ủy")
    sent = await client.document(OFFICE, NOTICE.encode(), "120-TB-TU.txt", mime_type="text/plain")
    overview = (await client.wait(OFFICE, after=sent["seq"]))[0]
    # Only item 5 waits for the office: the province's people's committee is not in the tree.
    assert "Bot đọc được 5 nhiệm vụ; 1 nhiệm vụ cần Văn phòng chọn" in overview["message"]["text"]
    card = (await press(client, OFFICE, overview, "📋 Xem từng nhiệm vụ"))[0]
    chosen = []
    for _ in range(5):
        chosen.append(card["message"]["text"].split("🏢 Chủ trì: ")[1].split("\n")[0])
        last, card = card, (await press(client, OFFICE, card, "✅ Nhận"))[0] if len(chosen) < 5 else card
    assert chosen == [
        "Xã Long Hiệp",  # "Ủy ban nhân dân xã Long Hiệp": the commune lists no committee
        "Phường Tân An",
        "Đảng bộ xã Mỹ Yên",  # "Đảng ủy xã Mỹ Yên": the commune's own, listed under it
        "Văn phòng Tỉnh ủy; các xã, phường (3 đơn vị)",
        "chưa rõ (văn bản ghi «Ủy ban nhân dân tỉnh»)",
    ]
    # Item 5 is pressed "✅ Nhận" without a unit first: the bot says why, in an alert, and waits.
    pressed = await client.press(OFFICE, last["message"]["message_id"], data=buttons(last)["✅ Nhận"])
    alert = await answer_of(client, pressed["callback_query_id"])
    assert alert["show_alert"] and alert["text"].startswith("Nhiệm vụ này còn thiếu đơn vị chủ trì")
    card = (await press(client, OFFICE, last, "⏭ Bỏ qua"))[0]
    text = card["message"]["text"]
    many = "7 nhiệm vụ (một dòng «Văn phòng Tỉnh ủy, các xã, phường» thành 4 nhiệm vụ)"
    assert f"Đã nhận: 4, sẽ tạo {many}; bỏ qua: 1." in text
    assert "🚀 Tạo 7 nhiệm vụ" in buttons(card)
    # The office's unit leads one task: its own new-task notice (through the outbox) may land first.
    pressed = await client.press(
        OFFICE, card["message"]["message_id"], data=buttons(card)["🚀 Tạo 7 nhiệm vụ"]
    )
    await said(client, OFFICE, after=pressed["seq"], containing=f"✅ Đã tạo {many} từ văn bản 120-TB/TU")
    communes = ["Xã Long Hiệp", "Xã Mỹ Yên", "Phường Tân An"]
    expected = ["Xã Long Hiệp", "Phường Tân An", "Đảng bộ xã Mỹ Yên", "Văn phòng Tỉnh ủy", *communes]
    assert await leads(bot_db) == sorted(ids[name] for name in expected)


async def test_the_office_s_district_counts_its_communes(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    ids = await office_of(bot_db, client, LEGACY, "Văn phòng Huyện ủy Bến Lức")
    # Read the day it was issued: its deadlines are still ahead, none needs a new one.
    running_bot.clock.set(dt.datetime(2023, 9, 15, 2, 0, tzinfo=dt.UTC))
    sent = await client.document(OFFICE, SAMPLE.read_bytes(), "45-TB-HU.txt", mime_type="text/plain")
    overview = (await client.wait(OFFICE, after=sent["seq"]))[0]
    # "Thường trực Huyện ủy" of two districts: the office's, Bến Lức, and its one commune.
    assert "0 nhiệm vụ cần Văn phòng chọn" in overview["message"]["text"]
    accepted = (await press(client, OFFICE, overview, "✅ Nhận 5 nhiệm vụ đã có đơn vị và hạn"))[0]
    await press(client, OFFICE, accepted, "🚀 Tạo 5 nhiệm vụ")
    assert ids["Xã Bình Đức"] in await leads(bot_db)
    assert not {ids["Xã Long Hiệp"], ids["Xã Long Hựu"], ids["Thị trấn Tân An"]} & set(await leads(bot_db))
