"""Invitations through the emulator: deep links, single use, expiry, re-linking, contacts, audit."""

from __future__ import annotations

import asyncio
import re

from sqlmodel import select

from domain.statuses import Role, UnitKind
from emulator.client import EmulatorClient
from storage import audit
from storage.models import Official
from tests.conftest import RunningBot
from tests.factories import add_official, add_unit, say

ADMIN_ID = 8001


async def _setup(bot_db) -> Official:
    province = await add_unit(bot_db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    office = await add_unit(bot_db, "Văn phòng Tỉnh ủy", kind=UnitKind.OFFICE, parent_id=province.id)
    commune = await add_unit(bot_db, "Xã Long Hiệp", parent_id=province.id)
    await add_official(bot_db, "Lê Thị Thảo", unit=office, role=Role.ADMIN, telegram_user_id=ADMIN_ID)
    return await add_official(bot_db, "Nguyễn Văn Hùng", unit=commune, phone="0912345678")


async def _edited(client: EmulatorClient, after: int) -> dict:
    """The admin's message as a pressed button edited it (toasts in between are skipped)."""
    async with asyncio.timeout(10):
        while True:
            edits = [r for r in await client.records(ADMIN_ID, after=after) if r["kind"] == "edit"]
            if edits:
                return edits[0]
            await asyncio.sleep(0.02)


async def _invite(client: EmulatorClient, official_id: int, *, confirm: str | None = None) -> str:
    record = (await say(client, ADMIN_ID, f"/invite {official_id}"))[0]
    if confirm is not None:  # the official is linked: the office is asked first
        buttons = {b["text"]: b["callback_data"] for row in record["markup"]["inline_keyboard"] for b in row}
        pressed = await client.press(ADMIN_ID, record["message"]["message_id"], data=buttons[confirm])
        record = await _edited(client, pressed["seq"])
    reply = record["message"]["text"]
    match = re.search(r"https://t\.me/nhacviec_bot\?start=([A-Za-z0-9_-]+)", reply)
    assert match, reply
    assert "dùng một lần, hết hạn 07/12/2026" in reply
    return match.group(1)


async def test_invitation_links_once_and_only_once(running_bot: RunningBot, bot_db, client) -> None:
    hung = await _setup(bot_db)
    code = await _invite(client, hung.id)

    linked = (await say(client, 5101, f"/start {code}"))[0]
    assert linked["message"]["text"].startswith("Kích hoạt thành công!")
    assert "Nguyễn Văn Hùng" in linked["message"]["text"] and "Xã Long Hiệp" in linked["message"]["text"]
    menu = {c["command"] for c in await client.commands(5101)}
    assert "officials" in menu and "invite" not in menu  # an official's menu, not an admin's

    # The same person again: told politely; another account with the same code: refused.
    again = (await say(client, 5101, f"/start {code}"))[0]["message"]["text"]
    assert again == "Tài khoản này đã được kích hoạt cho đồng chí Nguyễn Văn Hùng."
    thief = (await say(client, 5102, f"/start {code}"))[0]["message"]["text"]
    assert thief.startswith("Mã mời này đã được dùng cho một tài khoản khác.")
    stranger = (await say(client, 5102, "/officials"))[0]["message"]["text"]
    assert stranger.startswith("Đồng chí chưa được cấp quyền sử dụng bot.")
    wrong = (await say(client, 5103, "/start khongphaimamoi"))[0]["message"]["text"]
    assert wrong.startswith("Mã mời không đúng.")

    async with bot_db() as session:
        official = await session.get(Official, hung.id)
        refused = await audit.list_audit(session, action="invitations.refused.used")
        issued = await audit.list_audit(session, action="invitations.issue")
    assert official.telegram_user_id == 5101
    assert refused[0].telegram_user_id == 5102 and issued[0].official_id is not None


async def test_expired_and_superseded_codes(running_bot: RunningBot, bot_db, client) -> None:
    hung = await _setup(bot_db)
    old = await _invite(client, hung.id)
    new = await _invite(client, hung.id)
    superseded = (await say(client, 5201, f"/start {old}"))[0]["message"]["text"]
    assert superseded.startswith("Mã mời này đã bị thu hồi")
    running_bot.clock.advance(days=15)
    expired = (await say(client, 5201, f"/start {new}"))[0]["message"]["text"]
    assert expired == "Mã mời đã hết hạn. Vui lòng xin Văn phòng cấp mã mới."


async def test_new_phone_relinks_and_the_old_account_loses_access(
    running_bot: RunningBot, bot_db, client
) -> None:
    hung = await _setup(bot_db)
    linked = await say(client, 5301, f"/start {await _invite(client, hung.id)}")
    code = await _invite(client, hung.id, confirm="🔑 Cấp mã mới")
    relinked = (await say(client, 5302, f"/start {code}"))[0]["message"]["text"]
    assert relinked.startswith("Đã chuyển tài khoản nhận nhắc việc sang số Telegram này.")
    told = (await client.wait(5301, after=linked[-1]["seq"]))[0]["message"]["text"]  # via the outbox
    assert told.startswith("Tài khoản Telegram này không còn nhận nhắc việc của đồng chí Nguyễn Văn Hùng")
    old_phone = (await say(client, 5301, "/officials"))[0]["message"]["text"]
    assert old_phone.startswith("Đồng chí chưa được cấp quyền")
    async with bot_db() as session:
        entry = (await audit.list_audit(session, action="invitations.relinked"))[0]
    assert entry.detail == {"previous_account": 5301} and entry.telegram_user_id == 5302


async def test_sharing_own_phone_links_a_listed_official(running_bot: RunningBot, bot_db, client) -> None:
    await _setup(bot_db)
    start = (await say(client, 5401, "/start"))[0]
    keyboard = start["markup"]["keyboard"][0][0]
    assert keyboard["request_contact"] is True and keyboard["text"].startswith("📱")

    someone_else = await client.contact(5401, "0912345678", own=False)
    reply = (await client.wait(5401, after=someone_else["seq"]))[0]["message"]["text"]
    assert reply.startswith("Vui lòng gửi số điện thoại của chính đồng chí")

    unknown = await client.contact(5401, "+84 900 000 000")
    reply = (await client.wait(5401, after=unknown["seq"]))[0]["message"]["text"]
    assert reply.startswith("Số điện thoại này chưa có trong danh sách cán bộ.")

    mine = await client.contact(5401, "+84912345678")
    reply = (await client.wait(5401, after=mine["seq"]))[0]["message"]["text"]
    assert reply.startswith("Kích hoạt thành công!")
    async with bot_db() as session:
        hung = (await session.exec(select(Official).where(Official.phone == "0912345678"))).one()
    assert hung.telegram_user_id == 5401

    taken = await client.contact(5402, "0912345678")
    reply = (await client.wait(5402, after=taken["seq"]))[0]["message"]["text"]
    assert reply.startswith("Số điện thoại này đã gắn với một tài khoản Telegram khác.")


async def test_deactivated_official_is_locked_out_and_reactivated(
    running_bot: RunningBot, bot_db, client
) -> None:
    hung = await _setup(bot_db)
    await say(client, 5501, f"/start {await _invite(client, hung.id)}")
    asked = (await say(client, ADMIN_ID, f"/deactivate {hung.id}"))[0]
    pressed = await client.press(ADMIN_ID, asked["message"]["message_id"], text="🔒 Khóa tài khoản")
    done = (await _edited(client, pressed["seq"]))["message"]["text"]
    assert done == "Đã khóa tài khoản Nguyễn Văn Hùng; bot không phục vụ đồng chí ấy nữa."
    locked = (await say(client, 5501, "/help"))[0]["message"]["text"]
    assert locked.startswith("Tài khoản của đồng chí đang bị tạm khóa.")
    await say(client, ADMIN_ID, f"/reactivate {hung.id}")
    assert "/officials" in (await say(client, 5501, "/help"))[0]["message"]["text"]
    async with bot_db() as session:
        actions = [a.action for a in await audit.list_audit(session)]
    assert "officials.deactivate" in actions and "officials.activate" in actions


async def test_admin_adds_and_edits_officials_in_the_bot(running_bot: RunningBot, bot_db, client) -> None:
    await _setup(bot_db)
    added = await say(client, ADMIN_ID, "/addofficial Võ Thị Em; long hiep; can bo; 0988 111 222; Công chức")
    text = added[0]["message"]["text"]
    assert re.match(r"Đã thêm cán bộ #\d+ Võ Thị Em \(Xã Long Hiệp\)\. Gõ /invite \d+", text), text
    official_id = int(re.search(r"#(\d+)", text).group(1))
    bad = (await say(client, ADMIN_ID, f"/editofficial {official_id} sdt=123"))[0]["message"]["text"]
    assert bad == "Số điện thoại «123» không hợp lệ."
    edited = await say(
        client, ADMIN_ID, f"/editofficial {official_id} vaitro=lãnh đạo; chucvu=Phó Bí thư", replies=2
    )
    assert edited[0]["message"]["text"] == "Đã cập nhật Võ Thị Em: chức vụ → Phó Bí thư."
    assert edited[1]["message"]["text"].startswith("Đổi vai trò của đồng chí Võ Thị Em")  # asked first
    pressed = await client.press(ADMIN_ID, edited[1]["message"]["message_id"], text="✅ Đổi vai trò")
    role = (await _edited(client, pressed["seq"]))["message"]["text"]
    assert role == "Đã cập nhật Võ Thị Em: vai trò → lãnh đạo."
    duplicate = await say(client, ADMIN_ID, "/addofficial Người Trùng; long hiep; cán bộ; 0912345678")
    assert duplicate[0]["message"]["text"] == "Số điện thoại 0912345678 đã có cán bộ khác dùng."
    async with bot_db() as session:
        em = await session.get(Official, official_id)
    assert em.role == Role.LEADER and em.phone == "0988111222" and em.title == "Phó Bí thư"
