"""Structured logs (issue 14.4): every line of an update names the update, the user, the official and
the handler; LOG_FORMAT=json writes one JSON object a line; the token never appears."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot import logs
from bot.config import load_settings
from domain.statuses import Role, UnitKind
from emulator.client import EmulatorClient
from tests.conftest import RunningBot
from tests.factories import add_official, add_unit, say

ADMIN_ID = 8811


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """A root handler set up as `setup_logging(fmt="json")` sets up its own, writing to a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.formatter("json"))
    handler.addFilter(logs.RedactFilter(["123:SECRET"]))
    handler.addFilter(logs.ContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _events(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_a_line_inside_an_update_carries_its_context_and_one_outside_not(json_lines: io.StringIO) -> None:
    log = logging.getLogger("nhacviec.test")
    log.info("trước cập nhật")
    token = logs.bind_update(update_id=41, user_id=7)
    logs.annotate(official_id=3, handler="tasks.show_task")
    log.warning("đồng chí %s bấm nút cũ; token 123:SECRET", "Hùng")
    logs.unbind(token)
    log.info("sau cập nhật")
    before, during, after = _events(json_lines)
    assert "update_id" not in before and "update_id" not in after
    assert during["update_id"] == 41 and during["user_id"] == 7
    assert during["official_id"] == 3 and during["handler"] == "tasks.show_task"
    assert during["level"] == "WARNING" and during["logger"] == "nhacviec.test"
    assert during["message"] == "đồng chí Hùng bấm nút cũ; token <token>"  # Vietnamese kept, no \\u escapes
    assert "đồng chí" in json_lines.getvalue()


def test_the_text_format_appends_the_same_fields() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "đã gửi", None, None)
    token = logs.bind_update(update_id=5, user_id=9)
    try:
        logs.ContextFilter().filter(record)
    finally:
        logs.unbind(token)
    assert logs.formatter("text").format(record).endswith("đã gửi [update_id=5 user_id=9]")


def test_log_format_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_FORMAT", " JSON ")
    assert load_settings(need_token=False).log_format == "json"


async def _event(stream: io.StringIO, words: str) -> dict[str, object]:
    async with asyncio.timeout(10):
        while not (found := [e for e in _events(stream) if words in str(e["message"])]):  # noqa: ASYNC110
            await asyncio.sleep(0.02)  # the log is a buffer, not an event
    return found[0]


async def test_a_warning_during_an_update_names_the_update_user_official_and_handler(
    running_bot: RunningBot, bot_db, client: EmulatorClient, json_lines: io.StringIO
) -> None:
    province = await add_unit(bot_db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    office = await add_unit(bot_db, "Văn phòng Tỉnh ủy", kind=UnitKind.OFFICE, parent_id=province.id)
    admin = await add_official(bot_db, "Lê Thị Thảo", unit=office, role=Role.ADMIN, telegram_user_id=ADMIN_ID)
    message_id = (await say(client, ADMIN_ID, "/help"))[0]["message"]["message_id"]
    # A stamped paste is refused with a WARNING, after the caller is known.
    sent = await client.send(ADMIN_ID, "/vanban TỐI MẬT\nThông báo kết luận của Thường trực Tỉnh ủy")
    event = await _event(json_lines, "stamped (secret) document")
    assert event["update_id"] == sent["update_id"] and event["user_id"] == ADMIN_ID
    assert event["official_id"] == admin.id
    assert str(event["handler"]).startswith("directive_intake.")
    # A forged button stops before the caller is looked up: the update, user and handler are named.
    pressed = await client.forged_press(ADMIN_ID, message_id, "v1:t:abc")
    event = await _event(json_lines, "refused callback data")
    assert event["update_id"] == pressed["update_id"] and event["user_id"] == ADMIN_ID
    assert event["handler"] == "buttons.refuse_forged" and "official_id" not in event
