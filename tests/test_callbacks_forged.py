"""Forged and damaged button data, pressed through the emulator: a toast, a WARNING, no traceback."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import pytest
from telegram.ext import Application, CallbackQueryHandler, ConversationHandler, DictPersistence

from domain import texts
from domain.callbacks import ID, NUM, PAGE, SCHEMAS, WORD, Callback, decode
from domain.statuses import Role, UnitKind
from emulator.client import EmulatorClient
from handlers import register
from tests.conftest import RunningBot
from tests.factories import TEST_TOKEN, add_official, add_unit, say

ADMIN_ID = 8801
BIG = "9" * 25
GLOBAL_FORGERIES = [
    None,  # a query with no data at all
    "",
    "\x00\xff\u200b💥",
    "v0:t:1:done:0",  # another version
    "v9:ou:1",
    "v1",
    "v1:" + "9" * 70,  # over Telegram's 64 bytes
    "tl:1",
    "v1:t:1:pct:0:1:2:3:4",
]


def _routed_actions() -> set[str]:
    """Every action a CallbackQueryHandler of the routing table listens to, conversations included."""
    app = Application.builder().token(TEST_TOKEN).persistence(DictPersistence()).build()  # (conversations)
    register(app)
    found: set[str] = set()

    def walk(handlers: Any) -> None:
        for handler in handlers:
            if isinstance(handler, ConversationHandler):
                walk(handler.entry_points)
                walk(h for state in handler.states.values() for h in state)
                walk(handler.fallbacks)
            elif isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
                match = re.match(r"\^v1:([a-z]+)", str(getattr(handler.pattern, "pattern", handler.pattern)))
                assert match, handler.pattern
                found.add(match.group(1))

    walk(h for group in app.handlers.values() for h in group)
    return found


def test_every_routed_button_has_a_schema() -> None:
    routed = _routed_actions()
    assert routed, "no button handlers found"
    assert routed <= set(SCHEMAS), f"actions without a schema in domain/callbacks.py: {routed - set(SCHEMAS)}"


def _forgeries(action: str) -> list[str]:
    """Wrong types, huge and negative numbers, too few and too many parts, for one action."""
    arity = len(SCHEMAS[action].args)
    return [f"v1:{action}"] * bool(arity) + [
        f"v1:{action}:" + ":".join([BIG] * arity),
        f"v1:{action}:" + ":".join(["abc"] * arity),
        f"v1:{action}:" + ":".join(["-1"] * arity),
        f"v1:{action}:" + ":".join(["2147483648"] * arity),  # one past a 32-bit id
        f"v1:{action}:" + ":".join(["1.5"] * arity),
        f"v1:{action}:" + ":".join(["1"] * (arity + 3)),
    ]


def _well_formed_unknown(action: str) -> str:
    """Data that fits the schema but names records that do not exist."""
    fill = {ID: "2147483647", NUM: "2147483647", PAGE: "9999", WORD: "zz"}
    return Callback(action, tuple(fill.get(check, "2147483647") for check in SCHEMAS[action].args)).encode()


@pytest.mark.parametrize("action", sorted(SCHEMAS))
def test_the_codec_refuses_forgeries_of_each_action(action: str) -> None:
    for data in _forgeries(action):
        assert decode(data) is None, data
    assert decode(_well_formed_unknown(action)) is not None


def test_the_codec_refuses_damaged_data_and_keeps_real_buttons() -> None:
    for data in GLOBAL_FORGERIES:
        assert decode(data) is None, data
    assert decode("v1:t:12:pct:3:50") == Callback("t", ("12", "pct", "3", "50"))
    assert decode("v1:t:12:pct:3:fifty") is None
    assert decode("v1:as:d:new") == Callback("as", ("d", "new"))
    assert decode("v1:hs:3:4:dang_thi_cong").number(1) == 4  # type: ignore[union-attr]


async def _toast(client: EmulatorClient, query_id: str, data: str | None) -> dict[str, Any]:
    try:
        async with asyncio.timeout(10):
            while True:
                answer = await client.answer(query_id)
                if answer is not None:
                    return answer
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"the press of {data!r} was never answered (the spinner turns on)") from None


async def test_forged_presses_get_a_toast_and_a_warning_never_a_traceback(
    running_bot: RunningBot, bot_db, client: EmulatorClient, caplog: pytest.LogCaptureFixture
) -> None:
    province = await add_unit(bot_db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    office = await add_unit(bot_db, "Văn phòng Tỉnh ủy", kind=UnitKind.OFFICE, parent_id=province.id)
    await add_official(bot_db, "Lê Thị Thảo", unit=office, role=Role.ADMIN, telegram_user_id=ADMIN_ID)
    message_id = (await say(client, ADMIN_ID, "/help"))[0]["message"]["message_id"]

    forgeries = GLOBAL_FORGERIES + [data for action in sorted(SCHEMAS) for data in _forgeries(action)]
    caplog.set_level(logging.WARNING)
    for data in forgeries:
        pressed = await client.forged_press(ADMIN_ID, message_id, data)
        answer = await _toast(client, pressed["callback_query_id"], data)
        assert answer["text"] and answer["text"] != texts.internal_error()[:200], (data, answer)
        if data is None or not data.startswith(("v0", "v9")):
            assert answer["text"].startswith("Nút này không còn hiệu lực"), (data, answer)
    # Buttons that fit their schema but name nothing that exists are answered too, without a failure.
    for action in sorted(SCHEMAS):
        data = _well_formed_unknown(action)
        pressed = await client.forged_press(ADMIN_ID, message_id, data)
        await _toast(client, pressed["callback_query_id"], data)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
    refused = [r for r in caplog.records if "refused callback data" in r.getMessage()]
    assert refused and all(r.levelno == logging.WARNING for r in refused)
