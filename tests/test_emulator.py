"""The Bot API emulator answers python-telegram-bot as Telegram does, limits included."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter

from emulator import Emulator
from emulator.client import ControlError, EmulatorClient
from emulator.limits import LimitConfig
from tests.factories import TEST_TOKEN, wait_until


def polls_arrived(client: EmulatorClient, count: int) -> Callable[[], Awaitable[bool]]:
    """Whether the emulator has received `count` getUpdates calls (a long poll is then waiting)."""

    async def check() -> bool:
        return (await client.stats())["calls"].get("getUpdates", 0) >= count

    return check


@pytest.fixture
async def bot(emulator: Emulator) -> AsyncIterator[Bot]:
    """The unmodified PTB Bot, talking HTTP to the emulator."""
    async with Bot(
        TEST_TOKEN,
        base_url=f"{emulator.base_url}/bot",
        base_file_url=f"{emulator.base_url}/file/bot",
    ) as telegram_bot:
        yield telegram_bot


async def test_get_me_and_bad_token(emulator: Emulator, bot: Bot) -> None:
    assert bot.username == "nhacviec_bot"
    with pytest.raises(InvalidToken):
        async with Bot("987654321:WRONG_token_wrong_token_wrong", base_url=f"{emulator.base_url}/bot"):
            pass


async def test_over_limit_to_one_chat_gets_429_with_retry_after(bot: Bot, client: EmulatorClient) -> None:
    await client.send(501, "/start")  # the user starts the bot, so it may write to them
    sent, refused = 0, None
    for n in range(10):
        try:
            await bot.send_message(501, f"tin {n}")
            sent += 1
        except RetryAfter as exc:
            refused = exc
            break
    assert refused is not None, "ten messages in a burst to one chat must be refused"
    assert 1 <= sent <= 3
    assert refused.retry_after >= dt.timedelta(seconds=1)
    stats = await client.stats()
    assert stats["too_many_requests"] == 1


async def test_raw_429_body_is_telegrams_shape(emulator: Emulator, client: EmulatorClient) -> None:
    await client.limits(chat_burst=1, chat_per_second=1)
    await client.send(502, "/start")
    url = f"{emulator.base_url}/bot{TEST_TOKEN}/sendMessage"
    async with httpx.AsyncClient() as http:
        first = await http.post(url, data={"chat_id": "502", "text": "một"})
        second = await http.post(url, data={"chat_id": "502", "text": "hai"})
    assert first.json()["ok"] is True
    assert second.status_code == 429
    assert second.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }


async def test_group_limit_is_twenty_a_minute(bot: Bot, client: EmulatorClient) -> None:
    group = await client.group("Lãnh đạo tỉnh")
    for n in range(20):
        await bot.send_message(group["id"], f"tin {n}")
        await asyncio.sleep(0.034)  # stay under the global 30/s
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(group["id"], "tin 21")
    assert caught.value.retry_after >= dt.timedelta(seconds=1)


async def test_global_limit_is_thirty_a_second(emulator: Emulator, bot: Bot, client: EmulatorClient) -> None:
    limiter_time = [1000.0]
    emulator.limiter.clock = lambda: limiter_time[0]  # the emulator's own clock, held still
    for user_id in range(1000, 1061):
        await client.send(user_id, "/start")

    async def burst(users: range) -> list[object]:
        return await asyncio.gather(
            *(bot.send_message(user_id, "nhắc việc") for user_id in users), return_exceptions=True
        )

    first = await burst(range(1000, 1031))
    assert sum(isinstance(r, RetryAfter) for r in first) == 1
    assert sum(not isinstance(r, Exception) for r in first) == 30
    limiter_time[0] += 0.5  # half a second later: 15 more may go
    second = await burst(range(1031, 1051))
    assert sum(not isinstance(r, Exception) for r in second) == 15


async def test_waiting_retry_after_lets_the_message_through(
    emulator: Emulator, bot: Bot, client: EmulatorClient
) -> None:
    limiter_time = [1000.0]
    emulator.limiter.clock = lambda: limiter_time[0]  # the emulator's own clock, moved by hand
    await client.limits(chat_burst=1, chat_per_second=1)
    await client.send(503, "/start")
    await bot.send_message(503, "một")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(503, "hai")
    over = 1000.0 + caught.value.retry_after.total_seconds()
    limiter_time[0] = over - 0.01
    with pytest.raises(RetryAfter):  # not a moment before the retry_after is over
        await bot.send_message(503, "hai")
    limiter_time[0] = over
    assert (await bot.send_message(503, "hai")).text == "hai"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"text": "x" * 4097}, "Message is too long"),
        ({"text": "<b>đậm", "parse_mode": "HTML"}, "Can't parse entities"),
        ({"text": "a < b", "parse_mode": "HTML"}, "Can't parse entities"),
        (
            {
                "text": "x",
                "reply_markup": InlineKeyboardMarkup(
                    [[InlineKeyboardButton("Nút", callback_data="v1:" + "x" * 62)]]
                ),
            },
            "Button_data_invalid",
        ),
    ],
)
async def test_telegram_refusals(bot: Bot, client: EmulatorClient, kwargs: dict, error: str) -> None:
    await client.send(504, "/start")
    with pytest.raises(BadRequest, match=error):
        await bot.send_message(504, **kwargs)


async def test_limits_count_characters_not_markup(bot: Bot, client: EmulatorClient) -> None:
    await client.send(505, "/start")
    message = await bot.send_message(505, "<b>" + "ệ" * 4096 + "</b>", parse_mode="HTML")
    assert len(message.text) == 4096


async def test_caption_limit(bot: Bot, client: EmulatorClient) -> None:
    await client.send(506, "/start")
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.send_photo(506, photo=b"\xff\xd8\xff" + b"0" * 100, caption="c" * 1025)


async def test_cannot_write_first_or_to_a_blocker(bot: Bot, client: EmulatorClient) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(506_999, "chào")
    await client.user(507, "Hùng")
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(507, "chào")
    await client.send(507, "/start")
    await client.block(507)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(507, "chào")


async def test_updates_offset_and_long_poll(bot: Bot, client: EmulatorClient) -> None:
    first = await client.send(508, "một")
    second = await client.send(508, "hai")
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [first["update_id"], second["update_id"]]
    assert updates[0].message.text == "một" and updates[0].message.from_user.id == 508
    # Confirming with offset drops them; a long poll then waits for the next update.
    poll = asyncio.create_task(bot.get_updates(offset=second["update_id"] + 1, timeout=5))
    await wait_until(polls_arrived(client, 2), what="the long poll reaching the emulator")
    assert not poll.done()
    third = await client.send(508, "ba")
    assert [u.update_id for u in await poll] == [third["update_id"]]


async def test_second_poller_gets_conflict(emulator: Emulator, bot: Bot, client: EmulatorClient) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=3))
    await wait_until(polls_arrived(client, 1), what="the first long poll reaching the emulator")
    async with Bot(TEST_TOKEN, base_url=f"{emulator.base_url}/bot") as other:
        second = asyncio.create_task(other.get_updates(timeout=1))
        with pytest.raises(Conflict, match="terminated by other getUpdates"):
            await first
        assert await second == ()


async def test_webhook_excludes_polling(bot: Bot) -> None:
    await bot.set_webhook("https://example.invalid/hook")
    assert (await bot.get_webhook_info()).url == "https://example.invalid/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


async def test_buttons_edits_and_callback_answers(bot: Bot, client: EmulatorClient) -> None:
    await client.send(509, "/start")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Hoàn thành", callback_data="v1:t:42:done")]])
    message = await bot.send_message(509, "Nhiệm vụ 42", reply_markup=keyboard)
    pressed = await client.press(509, message.message_id, text="Hoàn thành")
    update = (await bot.get_updates(timeout=0))[-1]
    assert update.callback_query.data == "v1:t:42:done"
    await update.callback_query.answer("Đã ghi nhận")
    assert await client.answer(pressed["callback_query_id"]) == {
        "text": "Đã ghi nhận",
        "show_alert": False,
    }
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await update.callback_query.answer("lần hai")
    with pytest.raises(ControlError, match="no such button"):
        await client.press(509, message.message_id, data="v1:t:42:forged")
    await bot.edit_message_text("Nhiệm vụ 42 — xong", chat_id=509, message_id=message.message_id)
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("Nhiệm vụ 42 — xong", chat_id=509, message_id=message.message_id)
    assert await bot.delete_message(509, message.message_id) is True


async def test_photo_upload_and_download_roundtrip(bot: Bot, client: EmulatorClient) -> None:
    jpeg = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4
    sent = await client.photo(510, jpeg, caption="bàn giao nhà hộ Nguyễn Văn A")
    update = (await bot.get_updates(timeout=0))[-1]
    assert update.update_id == sent["update_id"]
    photo = update.message.photo[-1]
    file = await photo.get_file()
    assert bytes(await file.download_as_bytearray()) == jpeg
    assert update.message.caption == "bàn giao nhà hộ Nguyễn Văn A"


async def test_injected_faults(bot: Bot, client: EmulatorClient) -> None:
    await client.send(511, "/start")
    await client.fault("sendMessage", status=502, times=1)
    with pytest.raises(Exception, match="Bad Gateway"):
        await bot.send_message(511, "x")
    await client.fault("sendMessage", retry_after=7, times=1)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(511, "x")
    assert caught.value.retry_after == dt.timedelta(seconds=7)
    assert (await bot.send_message(511, "x")).text == "x"


async def _restart_user_and_card(emu: Emulator) -> tuple[int, int]:
    """A user who started the bot, and a card with a button, through the HTTP API."""
    async with EmulatorClient(emu.base_url) as control:
        first = await control.send(520, "/start")
        async with Bot(TEST_TOKEN, base_url=f"{emu.base_url}/bot") as telegram_bot:
            card = await telegram_bot.send_message(
                520,
                "Nhiệm vụ 1",
                reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Xong", callback_data="v1:x")]]),
            )
    return first["update_id"], card.message_id


async def test_a_restarted_emulator_is_the_same_telegram(tmp_path: Path) -> None:
    """Update, message and file numbering continue; users, chats and old cards are remembered."""
    async with Emulator(token=TEST_TOKEN, state_dir=tmp_path / "tg") as emu:
        first_update, card_id = await _restart_user_and_card(emu)
    async with Emulator(token=TEST_TOKEN, state_dir=tmp_path / "tg") as emu:
        async with EmulatorClient(emu.base_url) as control:
            again = await control.send(520, "còn đây")
            pressed = await control.press(520, card_id, data="v1:x")
        async with Bot(TEST_TOKEN, base_url=f"{emu.base_url}/bot") as telegram_bot:
            pending = [u.update_id for u in await telegram_bot.get_updates()]
            reply = await telegram_bot.send_message(520, "vẫn gửi được")
    assert first_update < again["update_id"] < pressed["update_id"]
    assert pending == [first_update, again["update_id"], pressed["update_id"]]  # none confirmed yet
    assert reply.message_id > card_id


async def test_a_crashed_emulator_restarts_from_what_it_saved(tmp_path: Path) -> None:
    """No clean stop: the folder as it was at the crash is enough to keep update ids increasing."""
    async with Emulator(token=TEST_TOKEN, state_dir=tmp_path / "tg") as emu:
        first_update, _card = await _restart_user_and_card(emu)
        shutil.copytree(tmp_path / "tg", tmp_path / "at-crash")  # what a killed process leaves
    async with (
        Emulator(token=TEST_TOKEN, state_dir=tmp_path / "at-crash") as emu,
        EmulatorClient(emu.base_url) as control,
    ):
        again = await control.send(520, "sau sự cố")
    assert again["update_id"] > first_update


async def test_a_toast_is_recorded_in_the_chat(emulator: Emulator, bot: Bot, client: EmulatorClient) -> None:
    await client.send(521, "/start")
    card = await bot.send_message(
        521, "Thẻ", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Bấm", callback_data="v1:b")]])
    )
    pressed = await client.press(521, card.message_id, data="v1:b")
    update = (await bot.get_updates(offset=-1))[0]
    await update.callback_query.answer("Đã ghi nhận", show_alert=True)
    toasts = emulator.records(chat_id=521, after=pressed["seq"], kinds=("answer",))
    assert [(t["message"]["text"], t["message"]["show_alert"]) for t in toasts] == [("Đã ghi nhận", True)]


async def test_a_user_may_have_started_the_bot_before(
    emulator: Emulator, bot: Bot, client: EmulatorClient
) -> None:
    """A persona seeded as having pressed Start can be written to first; a new user cannot."""
    await client.user(522, "Minh", started=True)
    await client.user(523, "Lan")
    assert (await bot.send_message(522, "Có việc mới")).chat.id == 522
    with pytest.raises(Forbidden, match="can't initiate"):
        await bot.send_message(523, "Có việc mới")


async def test_jitter_lets_sends_to_one_chat_overtake_each_other() -> None:
    """With jitter, a send that left later may land first (tests must not take the first reply)."""
    async with (
        Emulator(token=TEST_TOKEN, limits=LimitConfig(enabled=False), jitter=0.3, seed=7) as emu,
        httpx.AsyncClient(base_url=f"{emu.base_url}/bot{TEST_TOKEN}") as http,
    ):
        emu.state.add_user({"id": 524, "started": True})
        sends = []
        for n in range(8):
            sends.append(
                asyncio.create_task(http.post("/sendMessage", data={"chat_id": 524, "text": str(n)}))
            )
            await asyncio.sleep(0.02)  # staggered: without jitter each lands before the next leaves
        answers = await asyncio.gather(*sends)
        assert all(answer.json()["ok"] for answer in answers)
        landed = [r["message"]["text"] for r in emu.records(chat_id=524)]
    assert sorted(landed) == [str(n) for n in range(8)]
    assert landed != sorted(landed), "no send overtook another"
