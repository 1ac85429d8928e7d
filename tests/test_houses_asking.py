"""'Ảnh này của hộ nào?': chat and commands are not names, an unknown name offers the closest
households, ✖️ Hủy leaves the question (issue 11.7)."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlmodel import select

from emulator.client import EmulatorClient
from storage.models import Photo
from tests.conftest import RunningBot
from tests.factories import say, wait_processed
from tests.test_houses_e2e import HUNG, picture, world
from tests.test_tasks_e2e import buttons


async def sent_after(client: EmulatorClient, user: int, after: int, count: int = 1) -> list[dict[str, Any]]:
    """The first `count` messages the bot sent in the chat after `after` (toasts left aside)."""
    async with asyncio.timeout(10):
        while True:
            sent = [r for r in await client.records(user, after=after) if r["kind"] == "send"]
            if len(sent) >= count:
                return sent[:count]
            await asyncio.sleep(0.05)


async def _photo_question(client: EmulatorClient) -> dict[str, Any]:
    sent = await client.photo(HUNG, picture(2))
    replies = await sent_after(client, HUNG, sent["seq"], count=2)  # the question and the as-file tip
    return next(r for r in replies if "hộ nào" in r["message"]["text"])


async def _household_of_photo(bot_db) -> int | None:
    async with bot_db() as session:
        return (await session.exec(select(Photo))).one().household_id


async def test_chat_and_commands_are_not_names(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    ids = await world(bot_db, client)
    question = await _photo_question(client)
    assert "✖️ Hủy" in buttons(question)
    for chat in ("ok", "👍"):
        reply = (await say(client, HUNG, chat))[0]
        assert reply["message"]["text"].startswith(f"«{chat}» không phải tên chủ hộ.")
        assert {"Nguyễn Văn A — Ấp 3", "✖️ Hủy"} <= set(buttons(reply))
    houses = (await say(client, HUNG, "/houses"))[0]["message"]["text"]
    assert houses.startswith("🏠 Xóa nhà tạm, nhà dột nát — Xã Long Hiệp")  # the command ran
    assert await _household_of_photo(bot_db) is None
    # The question is still open after all that: the name typed now answers it.
    stage_question = (await say(client, HUNG, "le van c"))[0]
    assert stage_question["message"]["text"] == "Ảnh của hộ Lê Văn C cho thấy giai đoạn nào?"
    pressed = await client.press(
        HUNG, stage_question["message"]["message_id"], data=buttons(stage_question)["Đã bàn giao"]
    )
    await sent_after(client, HUNG, pressed["seq"])
    assert await _household_of_photo(bot_db) == ids["Lê Văn C"]


async def test_an_unknown_name_offers_the_closest_households(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    ids = await world(bot_db, client)
    await _photo_question(client)
    reply = (await say(client, HUNG, "tran thi bich ngoc"))[0]
    assert reply["message"]["text"].startswith("Không tìm thấy hộ «tran thi bich ngoc» trong đơn vị.")
    offered = list(buttons(reply))
    assert offered[0] == "Trần Thị B — Ấp 1" and offered[-1] == "✖️ Hủy"
    assert set(offered) == {"Trần Thị B — Ấp 1", "Nguyễn Văn A — Ấp 3", "Lê Văn C — Ấp 2", "✖️ Hủy"}
    pressed = await client.press(
        HUNG, reply["message"]["message_id"], data=buttons(reply)["Trần Thị B — Ấp 1"]
    )
    stage_question = (await sent_after(client, HUNG, pressed["seq"]))[0]
    assert stage_question["message"]["text"] == "Ảnh của hộ Trần Thị B cho thấy giai đoạn nào?"
    # The question was answered by the button: the next text is not taken as a household name.
    sent = await client.send(HUNG, "Nguyễn Văn A")
    await wait_processed(bot_db, sent["update_id"])
    later = [r["message"].get("text", "") for r in await client.records(HUNG, after=sent["seq"])]
    assert not any("Nguyễn Văn A" in text for text in later)
    assert await _household_of_photo(bot_db) is None  # waiting for the stage
    assert ids  # (the world was built)


async def test_cancel_leaves_the_question(running_bot: RunningBot, bot_db, client: EmulatorClient) -> None:
    await world(bot_db, client)
    question = await _photo_question(client)
    pressed = await client.press(HUNG, question["message"]["message_id"], data=buttons(question)["✖️ Hủy"])
    await client.wait(HUNG, after=pressed["seq"], count=2)  # the toast and the question edited
    sent = await client.send(HUNG, "Nguyễn Văn A")
    await wait_processed(bot_db, sent["update_id"])
    later = [r["message"].get("text", "") for r in await client.records(HUNG, after=sent["seq"])]
    assert not any(text.startswith("🏠 Hộ") or "giai đoạn nào" in text for text in later)
    assert await _household_of_photo(bot_db) is None


def test_names_as_typed_and_in_captions() -> None:
    from types import SimpleNamespace

    from domain.house_names import closest, is_a_name, matching, name_in_caption

    heads = [
        SimpleNamespace(id=i, head_key=k) for i, k in enumerate(["nguyen van a", "tran thi b", "le van c"])
    ]
    assert name_in_caption("bàn giao nhà hộ Nguyễn Văn A") == "Nguyễn Văn A"
    assert name_in_caption("khoi cong nha ho tran thi b") == "tran thi b"
    assert name_in_caption("hộ Lê Văn C") == "Lê Văn C" and name_in_caption("nhà Hoa") == "nhà Hoa"
    assert [h.id for h in matching("Hộ ông Lê Văn C", heads)] == [2]  # titles dropped
    assert [h.id for h in matching("ngyen van a", heads)] == [0]  # a typo
    assert [h.id for h in matching("le", heads)] == [2]  # part of the name
    assert matching("tran van bao", heads) == []  # not "Lê Văn C", whatever WRatio thinks
    assert closest("tran thi bich", heads)[0].id == 1
    assert not any(is_a_name(t) for t in ("ok", "Ok", "vâng", "dạ", "👍", "123", "  "))
    assert all(is_a_name(t) for t in ("Tư", "le van c", "Hộ bà Năm"))
