"""The office's people commands through the emulator: what could lock someone out is asked first,
the last admin is never removed, a re-link is announced, and bad arguments get a usage line."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import pytest

from domain import texts
from domain.statuses import Role, UnitKind
from emulator.client import EmulatorClient
from storage import audit
from storage.models import Official
from tests.conftest import RunningBot
from tests.factories import add_official, add_unit, say

ADMIN_ID, HUNG_OLD, HUNG_NEW = 8601, 5601, 5602


async def _setup(bot_db) -> tuple[Official, Official]:
    province = await add_unit(bot_db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    office = await add_unit(bot_db, "Văn phòng Tỉnh ủy", kind=UnitKind.OFFICE, parent_id=province.id)
    commune = await add_unit(bot_db, "Xã Long Hiệp", parent_id=province.id)
    thao = await add_official(bot_db, "Lê Thị Thảo", unit=office, role=Role.ADMIN, telegram_user_id=ADMIN_ID)
    hung = await add_official(bot_db, "Nguyễn Văn Hùng", unit=commune, telegram_user_id=HUNG_OLD)
    return thao, hung


def _buttons(record: dict[str, Any]) -> dict[str, str]:
    rows = (record.get("markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


async def _next(client: EmulatorClient, chat_id: int, after: int, kind: str) -> dict[str, Any]:
    """The first record of this kind in the chat after seq `after` (toasts and others are skipped)."""
    async with asyncio.timeout(10):
        while True:
            found = [r for r in await client.records(chat_id, after=after) if r["kind"] == kind]
            if found:
                return found[0]
            await asyncio.sleep(0.02)


async def _press(client: EmulatorClient, user: int, record: dict[str, Any], label: str) -> str:
    """Press a button of the bot's message; the text the message is edited to."""
    pressed = await client.press(user, record["message"]["message_id"], data=_buttons(record)[label])
    return (await _next(client, user, pressed["seq"], "edit"))["message"]["text"]


async def _ask(client: EmulatorClient, command: str, replies: int = 1) -> dict[str, Any]:
    """The admin's command; the last of the bot's replies (the question, when one is asked)."""
    return (await say(client, ADMIN_ID, command, replies=replies))[-1]


async def _official(bot_db, official_id: int) -> Official:
    async with bot_db() as session:
        official = await session.get(Official, official_id)
    assert official is not None
    return official


async def test_reinviting_a_linked_official_asks_and_the_move_is_announced(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    _thao, hung = await _setup(bot_db)
    await say(client, HUNG_OLD, "/start")  # the old phone's chat exists

    question = await _ask(client, f"/invite {hung.id}")
    assert question["message"]["text"].startswith(
        f"Đồng chí Nguyễn Văn Hùng (#{hung.id}, Xã Long Hiệp) đang dùng bot trên tài khoản Telegram "
        f"ID {HUNG_OLD}; cấp mã mới sẽ chuyển tài khoản"
    )
    assert "https://t.me/" not in question["message"]["text"]
    assert await _press(client, ADMIN_ID, question, "✖️ Hủy") == "Đã hủy; không có gì thay đổi."
    async with bot_db() as session:
        assert await audit.list_audit(session, action="invitations.issue") == []  # no code was made

    issued = await _press(client, ADMIN_ID, await _ask(client, f"/invite {hung.id}"), "🔑 Cấp mã mới")
    code = re.search(r"\?start=([A-Za-z0-9_-]+)", issued)
    assert code, issued
    after_old = (await client.records(HUNG_OLD))[-1]["seq"]
    after_office = (await client.records(ADMIN_ID))[-1]["seq"]
    moved = (await say(client, HUNG_NEW, f"/start {code.group(1)}"))[0]["message"]["text"]
    assert moved.startswith("Đã chuyển tài khoản nhận nhắc việc sang số Telegram này.")

    old = (await _next(client, HUNG_OLD, after_old, "send"))["message"]["text"]
    assert old.startswith("Tài khoản Telegram này không còn nhận nhắc việc của đồng chí Nguyễn Văn Hùng")
    office = (await _next(client, ADMIN_ID, after_office, "send"))["message"]["text"]
    assert f"chuyển từ Telegram ID {HUNG_OLD} sang ID {HUNG_NEW}" in office and "Nguyễn Văn Hùng" in office
    assert (await _official(bot_db, hung.id)).telegram_user_id == HUNG_NEW


async def test_locking_unlinking_and_role_changes_ask_first_and_spare_the_last_admin(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    thao, hung = await _setup(bot_db)

    # Unlink: asked, naming the person and the account; only the button does it.
    question = await _ask(client, f"/unlink {hung.id}")
    assert question["message"]["text"].startswith(
        f"Gỡ tài khoản Telegram (ID {HUNG_OLD}) của đồng chí Nguyễn Văn Hùng (#{hung.id}, Xã Long Hiệp)?"
    )
    assert (await _official(bot_db, hung.id)).telegram_user_id == HUNG_OLD
    assert (await _press(client, ADMIN_ID, question, "🔌 Gỡ tài khoản")).startswith(
        "Đã gỡ tài khoản Telegram của Nguyễn Văn Hùng."
    )
    assert (await _official(bot_db, hung.id)).telegram_user_id is None

    # Lock: the same.
    question = await _ask(client, f"/deactivate {hung.id}")
    assert question["message"]["text"].startswith("Khóa tài khoản của đồng chí Nguyễn Văn Hùng")
    assert (await _official(bot_db, hung.id)).active
    assert (await _press(client, ADMIN_ID, question, "🔒 Khóa tài khoản")).startswith(
        "Đã khóa tài khoản Nguyễn Văn Hùng"
    )
    assert not (await _official(bot_db, hung.id)).active

    # The last active admin cannot lock, unlink or demote herself.
    last = "Không thể làm vậy: Lê Thị Thảo là quản trị viên (Văn phòng) cuối cùng còn hoạt động"
    for command in (f"/deactivate {thao.id}", f"/unlink {thao.id}", f"/editofficial {thao.id} vaitro=cán bộ"):
        assert (await _ask(client, command))["message"]["text"].startswith(last), command
    assert (await _official(bot_db, thao.id)).role == Role.ADMIN

    # With a second admin, the confirmation is asked; if that admin is locked meanwhile, the stale
    # button is checked again and refused.
    second = await add_official(bot_db, "Võ Văn Sáu", role=Role.ADMIN)
    demote = await _ask(client, f"/editofficial {thao.id} vaitro=lãnh đạo; chucvu=Chánh Văn phòng", 2)
    assert "Đổi vai trò của đồng chí Lê Thị Thảo" in demote["message"]["text"]
    assert (await _official(bot_db, thao.id)).title == "Chánh Văn phòng"  # the rest is written at once
    lock_second = await _ask(client, f"/deactivate {second.id}")
    assert await _press(client, ADMIN_ID, lock_second, "🔒 Khóa tài khoản") == (
        "Đã khóa tài khoản Võ Văn Sáu; bot không phục vụ đồng chí ấy nữa."
    )
    assert (await _press(client, ADMIN_ID, demote, "✅ Đổi vai trò")).startswith(last)
    assert (await _official(bot_db, thao.id)).role == Role.ADMIN


async def test_a_confirmation_left_for_days_does_nothing(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    _thao, hung = await _setup(bot_db)
    question = await _ask(client, f"/deactivate {hung.id}")
    running_bot.clock.advance(days=2)  # the chat scrolled up two days later
    expired = await _press(client, ADMIN_ID, question, "🔒 Khóa tài khoản")
    assert expired.startswith("Nút xác nhận này đã quá hạn; không có gì thay đổi.")
    assert (await _official(bot_db, hung.id)).active
    question = await _ask(client, f"/deactivate {hung.id}")  # asked again today: it works
    assert (await _press(client, ADMIN_ID, question, "🔒 Khóa tài khoản")).startswith("Đã khóa tài khoản")


BAD_ARGUMENTS = [
    ("/editofficial {h} ten= ", "Họ tên không được để trống."),
    ("/editofficial {h} vaitro=", "Vai trò «» không hợp lệ"),
    ("/editofficial abc", "Cách dùng: /editofficial 12"),
    ("/editofficial", "Cách dùng: /editofficial 12"),
    ("/editofficial {h} ten", "Trường sửa được:"),
    ("/invite 99999999999999999999", "Không tìm thấy cán bộ số «99999999999999999999»"),
    ("/invite 2147483648", "Không tìm thấy cán bộ số «2147483648»"),
    ("/deactivate -1", "Cách dùng: /deactivate 12"),
    ("/unlink 1.5", "Cách dùng: /unlink 12"),
    ("/reactivate ٣", "Cách dùng: /reactivate 12"),
    ("/addofficial ;;;", "Cách dùng: /addofficial"),
]


async def test_bad_admin_arguments_get_an_answer_never_a_traceback(
    running_bot: RunningBot, bot_db, client: EmulatorClient, caplog: pytest.LogCaptureFixture
) -> None:
    _thao, hung = await _setup(bot_db)
    caplog.set_level(logging.WARNING)
    for command, expected in BAD_ARGUMENTS:
        reply = (await _ask(client, command.format(h=hung.id)))["message"]["text"]
        assert reply != texts.internal_error() and reply.startswith(expected), (command, reply)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors
    assert (await _official(bot_db, hung.id)).full_name == "Nguyễn Văn Hùng"
