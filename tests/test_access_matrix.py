"""Every persona against every command and button, through the emulator: exactly what the role allows.

Later features add their commands to COMMANDS (and their buttons to the button matrix).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from domain.callbacks import Callback
from domain.statuses import Role, UnitKind
from emulator.client import EmulatorClient
from storage import tasks
from storage.models import Official
from tests.conftest import RunningBot
from tests.factories import add_official, add_unit, register_group, say, wait_processed

STRANGER, OFFICIAL_A, OFFICIAL_B, LEADER, ADMIN = 9105, 9101, 9102, 9103, 9104
PRIVATE = (STRANGER, OFFICIAL_A, OFFICIAL_B, LEADER, ADMIN)
UNREGISTERED_GROUP, REGISTERED_GROUP = -1_009_000_000_001, -1_009_000_000_002

REFUSED_STRANGER = "Đồng chí chưa được cấp quyền sử dụng bot."
ADMINS_ONLY = "Lệnh này chỉ dành cho Văn phòng"
OTHER_UNIT = "Đồng chí chỉ xem được dữ liệu của đơn vị mình."
PRIVATE_ONLY = "Lệnh này chỉ dùng trong tin nhắn riêng với bot"
NOT_REGISTERED = "Nhóm này chưa được đăng ký với bot"
OFFICE_REGISTERS = "Chỉ Văn phòng (quản trị) mới đăng ký được nhóm"
IGNORED = None


@dataclass
class World:
    target_id: int
    unit_a: int
    unit_b: int
    task_a: int  # a task led by commune A


def admin_only(admin_answer: str) -> dict[int, str | None]:
    return {
        STRANGER: REFUSED_STRANGER,
        OFFICIAL_A: ADMINS_ONLY,
        OFFICIAL_B: ADMINS_ONLY,
        LEADER: ADMINS_ONLY,
        ADMIN: admin_answer,
    }


NOT_ALLOWED = "Lệnh này chỉ dành cho Văn phòng (quản trị) hoặc lãnh đạo"


def leaders_and_admins(answer: str) -> dict[int, str | None]:
    return {
        STRANGER: REFUSED_STRANGER,
        OFFICIAL_A: NOT_ALLOWED,
        OFFICIAL_B: NOT_ALLOWED,
        LEADER: answer,
        ADMIN: answer,
    }


def members(answer: str) -> dict[int, str | None]:
    return {STRANGER: REFUSED_STRANGER, OFFICIAL_A: answer, OFFICIAL_B: answer, LEADER: answer, ADMIN: answer}


# command (with {t} = a throwaway official's id) -> expected start of the reply, per persona
COMMANDS: list[tuple[str, dict[int, str | None]]] = [
    (
        "/start",
        {
            STRANGER: "Xin chào",
            OFFICIAL_A: "Xin chào đồng chí Nguyễn Văn An (Xã Long Hiệp)",
            OFFICIAL_B: "Xin chào đồng chí Trần Văn Bình (Xã Long Hựu)",
            LEADER: "Xin chào đồng chí",
            ADMIN: "Xin chào đồng chí",
        },
    ),
    ("/help", members("Hướng dẫn sử dụng") | {STRANGER: "Hướng dẫn sử dụng"}),
    (
        "/officials",
        {
            STRANGER: REFUSED_STRANGER,
            OFFICIAL_A: "Xã Long Hiệp — ",
            OFFICIAL_B: "Xã Long Hựu — ",
            LEADER: "Gõ /officials tên đơn vị",
            ADMIN: "Gõ /officials tên đơn vị",
        },
    ),
    (
        "/officials long huu",
        {
            STRANGER: REFUSED_STRANGER,
            OFFICIAL_A: OTHER_UNIT,
            OFFICIAL_B: "Xã Long Hựu — ",
            LEADER: "Xã Long Hựu — ",
            ADMIN: "Xã Long Hựu — ",
        },
    ),
    ("/invite {t}", admin_only("Đường link mời cho đồng chí Phạm Thị Mai")),
    ("/addofficial Võ Văn Mới; long hiep; cán bộ", admin_only("Đã thêm cán bộ")),
    ("/editofficial {t} chucvu=Công chức", admin_only("Đã cập nhật Phạm Thị Mai")),
    ("/deactivate {t}", admin_only("Khóa tài khoản của đồng chí Phạm Thị Mai")),  # asked first
    ("/reactivate {t}", admin_only("Đã mở lại tài khoản Phạm Thị Mai")),
    ("/unlink {t}", admin_only("Phạm Thị Mai chưa gắn tài khoản Telegram nào")),
    ("/registergroup", admin_only("Lệnh này dùng trong nhóm")),
    ("/unregistergroup", admin_only("Lệnh này dùng trong nhóm")),
    (
        "/tasks",
        {
            STRANGER: REFUSED_STRANGER,
            OFFICIAL_A: "Nhiệm vụ đang mở (1)",
            OFFICIAL_B: "Đơn vị của đồng chí hiện không có nhiệm vụ nào đang mở",
            LEADER: "Đơn vị của đồng chí hiện không có",
            ADMIN: "Đơn vị của đồng chí hiện không có",
        },
    ),
    (
        "/task {task}",
        {
            STRANGER: REFUSED_STRANGER,
            OFFICIAL_A: "📌 Nhiệm vụ #",
            OFFICIAL_B: OTHER_UNIT,
            LEADER: "📌 Nhiệm vụ #",
            ADMIN: "📌 Nhiệm vụ #",
        },
    ),
    ("/assign", leaders_and_admins("Giao nhiệm vụ (gõ /huy để hủy)")),
    (
        "/status",
        {
            STRANGER: REFUSED_STRANGER,
            OFFICIAL_A: "📋 Xã Long Hiệp",
            OFFICIAL_B: "📋 Xã Long Hựu",
            LEADER: "📋 Tình hình thực hiện nhiệm vụ",
            ADMIN: "📋 Tình hình thực hiện nhiệm vụ",
        },
    ),
    (
        "/status long huu",
        {
            STRANGER: REFUSED_STRANGER,
            OFFICIAL_A: OTHER_UNIT,
            OFFICIAL_B: "📋 Xã Long Hựu",
            LEADER: "📋 Xã Long Hựu",
            ADMIN: "📋 Xã Long Hựu",
        },
    ),
    (
        "/houses",
        {
            STRANGER: REFUSED_STRANGER,
            OFFICIAL_A: "🏠 Xóa nhà tạm, nhà dột nát — Xã Long Hiệp",
            OFFICIAL_B: "🏠 Xóa nhà tạm, nhà dột nát — Xã Long Hựu",
            LEADER: "🏠 Xóa nhà tạm, nhà dột nát — tiến độ",
            ADMIN: "🏠 Xóa nhà tạm, nhà dột nát — tiến độ",
        },
    ),
    (
        "/houses long huu",
        {
            STRANGER: REFUSED_STRANGER,
            OFFICIAL_A: OTHER_UNIT,
            OFFICIAL_B: "🏠 Xóa nhà tạm, nhà dột nát — Xã Long Hựu",
            LEADER: "🏠 Xóa nhà tạm, nhà dột nát — Xã Long Hựu",
            ADMIN: "🏠 Xóa nhà tạm, nhà dột nát — Xã Long Hựu",
        },
    ),
    (
        "/exporthouses long huu",
        {
            STRANGER: REFUSED_STRANGER,
            OFFICIAL_A: OTHER_UNIT,
            OFFICIAL_B: "📊 Danh sách 0 hộ — Xã Long Hựu",
            LEADER: "📊 Danh sách 0 hộ",
            ADMIN: "📊 Danh sách 0 hộ",
        },
    ),
    (
        "/huy",
        {
            STRANGER: REFUSED_STRANGER,
            OFFICIAL_A: "Không có gì để hủy",
            OFFICIAL_B: "Không có gì để hủy",
            LEADER: "Đã hủy",
            ADMIN: "Đã hủy",
        },
    ),
    (
        "/addhouse Hộ Thử; Ấp 1; hộ nghèo; xây mới",
        {
            STRANGER: REFUSED_STRANGER,
            OFFICIAL_A: "Đã thêm hộ Hộ Thử (Xã Long Hiệp)",
            OFFICIAL_B: "Đã thêm hộ Hộ Thử (Xã Long Hựu)",
            LEADER: "Chưa rõ xã/phường",
            ADMIN: "Chưa rõ xã/phường",
        },
    ),
    ("/khonglenh", members("Bot không có lệnh /khonglenh")),
    ("xin chào, báo cáo tiến độ", members("Bot chưa hiểu tin nhắn này")),
    # Last: its answer is three messages (text, chart, workbook); nothing may follow it in the chat.
    ("/digest", leaders_and_admins("📊 Tổng hợp giao ban")),
    ("/baocao 13/2026", leaders_and_admins("Không có tháng 13")),
]

# In the registered group: strangers are ignored, chatter is ignored, commands answer as in
# private, except the office's people commands, which are private-only.
GROUP_COMMANDS: list[tuple[str, dict[int, str | None]]] = [
    ("/help", members("Hướng dẫn sử dụng") | {STRANGER: IGNORED}),
    (
        "/officials long huu",
        {
            STRANGER: IGNORED,
            OFFICIAL_A: OTHER_UNIT,
            OFFICIAL_B: "Xã Long Hựu — ",
            LEADER: "Xã Long Hựu — ",
            ADMIN: "Xã Long Hựu — ",
        },
    ),
    ("/invite {t}", admin_only(PRIVATE_ONLY) | {STRANGER: IGNORED}),
    ("/assign", leaders_and_admins(PRIVATE_ONLY) | {STRANGER: IGNORED}),
    ("/khonglenh", dict.fromkeys(PRIVATE, IGNORED)),
    ("xin chào cả nhóm", dict.fromkeys(PRIVATE, IGNORED)),
    ("/registergroup", admin_only("Nhóm «Lãnh đạo tỉnh» đã được đăng ký từ trước") | {STRANGER: IGNORED}),
    (
        "/registergroup soluong",
        admin_only(
            "Nhóm «Lãnh đạo tỉnh» đã được đăng ký từ trước; bản tổng hợp gửi nhóm: chỉ số liệu tổng hợp"
        )
        | {STRANGER: IGNORED},
    ),
    (  # a slip is explained, never taken as "the default"
        "/registergroup so luongg",
        admin_only("Cách dùng: /registergroup chitiet | soluong") | {STRANGER: IGNORED},
    ),
    (
        "/registergroup Chi tiết",
        admin_only("Nhóm «Lãnh đạo tỉnh» đã được đăng ký từ trước; bản tổng hợp gửi nhóm: đầy đủ")
        | {STRANGER: IGNORED},
    ),
]


@pytest.fixture
async def world(running_bot: RunningBot, bot_db, client: EmulatorClient) -> World:
    province = await add_unit(bot_db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    office = await add_unit(bot_db, "Văn phòng Tỉnh ủy", kind=UnitKind.OFFICE, parent_id=province.id)
    unit_a = await add_unit(bot_db, "Xã Long Hiệp", parent_id=province.id)
    unit_b = await add_unit(bot_db, "Xã Long Hựu", parent_id=province.id)
    await add_official(bot_db, "Nguyễn Văn An", unit=unit_a, telegram_user_id=OFFICIAL_A)
    await add_official(bot_db, "Trần Văn Bình", unit=unit_b, telegram_user_id=OFFICIAL_B)
    await add_official(bot_db, "Lê Văn Lãnh", unit=province, role=Role.LEADER, telegram_user_id=LEADER)
    await add_official(bot_db, "Lê Thị Thảo", unit=office, role=Role.ADMIN, telegram_user_id=ADMIN)
    target = await add_official(bot_db, "Phạm Thị Mai", unit=unit_a)
    async with bot_db.begin() as session:
        task = await tasks.add_task(
            session, title="Xóa nhà tạm", lead_unit_id=unit_a.id, now=dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
        )
    for user_id in PRIVATE:
        await client.user(user_id)
    await client.group("Nhóm lạ", chat_id=UNREGISTERED_GROUP)
    await client.group("Lãnh đạo tỉnh", chat_id=REGISTERED_GROUP)
    await register_group(bot_db, REGISTERED_GROUP, "Lãnh đạo tỉnh")
    return World(target.id, unit_a.id, unit_b.id, task.id)


async def _expect(
    client: EmulatorClient, bot_db, persona: int, text: str, expected: str | None, chat_id: int | None = None
) -> str | None:
    sent = await client.send(persona, text, chat_id=chat_id)
    where = chat_id if chat_id is not None else persona
    if expected is None:
        await wait_processed(bot_db, sent["update_id"])
        said = await client.records(where, after=sent["seq"])
        return f"{persona} {text!r}: expected silence, got {said[0]['message']['text']!r}" if said else None
    replies = await client.wait(where, after=sent["seq"])
    await wait_processed(bot_db, sent["update_id"])  # all of it (the digest's files come after its text)
    got = (
        (replies[0]["message"].get("text") or replies[0]["message"].get("caption", ""))
        if replies
        else "(none)"
    )
    return None if got.startswith(expected) else f"{persona} {text!r}: {got[:90]!r} != {expected!r}"


async def test_private_chats(world: World, bot_db, client: EmulatorClient) -> None:
    problems = []
    for command, expectations in COMMANDS:
        for persona in PRIVATE:
            text = command.format(t=world.target_id, task=world.task_a)
            problems.append(await _expect(client, bot_db, persona, text, expectations[persona]))
    assert [p for p in problems if p] == []


async def test_help_lists_only_what_the_role_may_use(world: World, client: EmulatorClient) -> None:
    stranger = (await say(client, STRANGER, "/help"))[0]["message"]["text"]
    official = (await say(client, OFFICIAL_A, "/help"))[0]["message"]["text"]
    admin = (await say(client, ADMIN, "/help"))[0]["message"]["text"]
    assert "/officials" not in stranger and "/invite" not in stranger
    assert "/officials" in official and "/invite" not in official
    assert "/invite" in admin and "/registergroup" in admin


async def test_groups(world: World, bot_db, client: EmulatorClient) -> None:
    problems = []
    # An unregistered group: a known official's command gets one hint (the office registers it),
    # strangers and chatter get nothing; only an admin's /registergroup is carried out.
    for persona in PRIVATE:
        for text in ("/help", "/officials", "/start", "xin chào"):
            expected = IGNORED if persona == STRANGER or not text.startswith("/") else NOT_REGISTERED
            problems.append(await _expect(client, bot_db, persona, text, expected, UNREGISTERED_GROUP))
    not_office = {STRANGER: IGNORED, OFFICIAL_A: OFFICE_REGISTERS, LEADER: OFFICE_REGISTERS}
    for persona, expected in not_office.items():
        problems.append(
            await _expect(client, bot_db, persona, "/registergroup", expected, UNREGISTERED_GROUP)
        )
    for command, expectations in GROUP_COMMANDS:
        for persona in PRIVATE:
            text = command.format(t=world.target_id, task=world.task_a)
            problems.append(
                await _expect(client, bot_db, persona, text, expectations[persona], REGISTERED_GROUP)
            )
    problems.append(
        await _expect(
            client, bot_db, ADMIN, "/registergroup", "Đã đăng ký nhóm «Nhóm lạ»", UNREGISTERED_GROUP
        )
    )
    problems.append(
        await _expect(client, bot_db, OFFICIAL_A, "/help", "Hướng dẫn sử dụng", UNREGISTERED_GROUP)
    )
    problems.append(
        await _expect(client, bot_db, ADMIN, "/unregistergroup", "Đã hủy đăng ký nhóm", UNREGISTERED_GROUP)
    )
    problems.append(await _expect(client, bot_db, OFFICIAL_A, "/help", NOT_REGISTERED, UNREGISTERED_GROUP))
    problems.append(await _expect(client, bot_db, OFFICIAL_A, "xin chào", IGNORED, UNREGISTERED_GROUP))
    assert [p for p in problems if p] == []


async def test_unit_buttons(world: World, client: EmulatorClient) -> None:
    """The 'which unit?' buttons obey the same rules as the command."""
    expectations = {
        OFFICIAL_A: OTHER_UNIT,
        OFFICIAL_B: "Xã Long Hựu — ",
        LEADER: "Xã Long Hựu — ",
        ADMIN: "Xã Long Hựu — ",
    }
    problems = []
    for persona, expected in expectations.items():
        offer = (await say(client, persona, "/officials long"))[0]
        buttons = [b for row in offer["message"]["reply_markup"]["inline_keyboard"] for b in row]
        assert {b["text"] for b in buttons} >= {"Xã Long Hiệp", "Xã Long Hựu"}
        data = Callback("ou", (str(world.unit_b),)).encode()
        pressed = await client.press(persona, offer["message"]["message_id"], data=data)
        if expected == OTHER_UNIT:
            answer = await _wait_answer(client, pressed["callback_query_id"])
            got = (answer or {}).get("text", "")
            if not got.startswith(OTHER_UNIT):
                # refused by the handler itself, as a message
                reply = await client.wait(persona, after=pressed["seq"])
                got = reply[0]["message"]["text"] if reply else got
        else:
            reply = await client.wait(persona, after=pressed["seq"])
            got = reply[0]["message"]["text"] if reply else "(no reply)"
        if not got.startswith(expected):
            problems.append(f"{persona}: {got!r} != {expected!r}")
    assert problems == []


async def _wait_answer(client: EmulatorClient, query_id: str) -> dict | None:
    import asyncio

    for _ in range(200):
        answer = await client.answer(query_id)
        if answer:
            return answer
        await asyncio.sleep(0.02)
    return None


async def test_confirmation_buttons_are_the_office_s_alone(
    world: World, bot_db, client: EmulatorClient
) -> None:
    """A 🔒 Khóa tài khoản press (as the office's confirmation carries it) from anyone else does nothing."""
    data = Callback("pc", ("de", str(world.target_id), "0")).encode()
    expected = {
        STRANGER: REFUSED_STRANGER,
        OFFICIAL_A: ADMINS_ONLY,
        OFFICIAL_B: ADMINS_ONLY,
        LEADER: ADMINS_ONLY,
    }
    problems = []
    for persona, wanted in expected.items():
        message_id = (await say(client, persona, "/help"))[0]["message"]["message_id"]
        pressed = await client.forged_press(persona, message_id, data)
        got = ((await _wait_answer(client, pressed["callback_query_id"])) or {}).get("text", "(none)")
        if not got.startswith(wanted):
            problems.append(f"{persona}: {got!r} != {wanted!r}")
    assert problems == []
    async with bot_db() as session:
        assert (await session.get(Official, world.target_id)).active
