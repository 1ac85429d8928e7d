"""Reliability: property-based fuzzing (hypothesis) of the text entry points through the whole
stack — one running bot, many examples sent to it through the emulator.

Commands with odd arguments, replies to a task card, /assign steps, photo captions, forged
callback data, HTML-like text, emoji, 4,000-character messages, zero-width and combining
characters. Every update must be handled (inbox row done, never failed), no error reaches
bot.errors, no answer is the apology, every answer is Vietnamese, nothing is half-written.

The examples run in a worker thread (hypothesis drives a plain function); the bot and the
emulator keep running on the test's event loop meanwhile."""

from __future__ import annotations

import asyncio
import base64
import io
import logging
import os
import re
import sqlite3
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from emulator.client import EmulatorClient
from tests.conftest import RunningBot
from tests.factories import say, wait_until_sync
from tests.test_taskflow_cards import ADMIN, HUNG, taskflow_world

# The README's test command runs a fast sample; NHACVIEC_LONG_TESTS=1 the large one.
EXAMPLES = 300 if os.environ.get("NHACVIEC_LONG_TESTS") == "1" else 30

VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)
APOLOGY = "Xin lỗi, bot gặp sự cố"
COMMANDS = [
    "/task",
    "/tasks",
    "/status",
    "/houses",
    "/addhouse",
    "/editofficial",
    "/invite",
    "/assign",
    "/huy",
]
ODD = [
    "<b>",
    "</i>",
    "&amp;",
    "&lt;",
    "<a href='x'>",
    "👍",
    "🇻🇳",
    "\u200b",
    "\u200d",
    "\ufeff",
    "e\u0301",
    "a\u0303\u0323",
    "Long Hiệp",
    "long hiep",
    "30/12",
    "31/02/2027",
    "ngày mai",
    "quý IV/2023",
    "5/12",
    "150%",
    "-3",
    "0",
    "9" * 30,
    ";",
    "=",
    "chucvu=",
    " ",
    "\n",
]
piece = st.one_of(
    st.sampled_from(ODD), st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
)
odd_text = st.lists(piece, min_size=1, max_size=8).map("".join)
long_text = st.integers(3_800, 4_000).map(lambda n: ("Ấp 4 <b>&amp;</i> 👍\u200be\u0301 " * 300)[:n])
body = st.one_of(odd_text, long_text).filter(lambda t: t.strip() != "")
command = st.tuples(st.sampled_from(COMMANDS), st.one_of(st.sampled_from(ODD), odd_text)).map(
    lambda c: f"{c[0]} {c[1]}"
)
action = st.one_of(
    st.tuples(st.just("say"), st.sampled_from([HUNG, ADMIN]), st.one_of(command, body)),
    st.tuples(st.just("reply"), st.just(HUNG), body),
    st.tuples(st.just("caption"), st.just(HUNG), body.map(lambda t: t[:1000])),
    st.tuples(st.just("forged"), st.just(HUNG), st.text(max_size=64)),
)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


class Player:
    """Sends one example through the emulator's control API and waits until the bot handled it."""

    def __init__(self, base_url: str, db_path: str, card_id: int) -> None:
        self.http = httpx.Client(base_url=base_url.rstrip("/") + "/control", timeout=30)
        self.db_path, self.card_id, self.photo = db_path, card_id, _jpeg()
        self.seen = 0  # the emulator's last record checked

    def call(self, action: str, **spec: Any) -> Any:
        body = self.http.post(f"/{action}", json={k: v for k, v in spec.items() if v is not None}).json()
        assert body.get("ok"), body
        return body["result"]

    def play(self, kind: str, user: int, text: str) -> None:
        if kind == "say":
            sent = self.call("message", user_id=user, text=text)
        elif kind == "reply":
            sent = self.call("message", user_id=user, text=text, reply_to_message_id=self.card_id)
        elif kind == "caption":
            data = base64.b64encode(self.photo).decode()
            sent = self.call("photo", user_id=user, caption=text, data_b64=data)
        else:
            sent = self.call("forged_press", user_id=user, message_id=self.card_id, data=text)
        self.wait_closed(int(sent["update_id"]))
        records = self.call("records", after=self.seen)  # since the last step (a press has no seq)
        self.seen = max([self.seen, *(r["seq"] for r in records)])
        answers = [r for r in records if r["kind"] in ("send", "edit")]
        for record in answers:
            said = record["message"].get("text") or record["message"].get("caption") or ""
            assert APOLOGY not in said, (kind, text, said)
            assert VIETNAMESE.search(said), (kind, text, said)
        if kind == "forged":
            toast = self.call("answer", callback_query_id=sent["callback_query_id"])
            assert toast is None or not toast.get("text") or VIETNAMESE.search(toast["text"]), toast

    def wait_closed(self, update_id: int) -> None:
        """Until the update's inbox row is closed (the bot has finished it)."""

        def closed() -> bool:
            with sqlite3.connect(self.db_path) as connection:
                row = connection.execute(
                    "select status from inbox_update where update_id = ?", (update_id,)
                ).fetchone()
            return row is not None and row[0] != "pending"

        wait_until_sync(closed, what="the bot finishing the update")


@pytest.mark.usefixtures("running_bot")
async def test_text_entry_points_never_fail_and_always_answer_in_vietnamese(
    running_bot: RunningBot, bot_db, client: EmulatorClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    await taskflow_world(bot_db, client)
    card = (await say(client, HUNG, "/task 1"))[0]
    db_path = running_bot.settings.database_url.split("///", 1)[1]
    player = Player(client_base(running_bot), db_path, card["message"]["message_id"])

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(action)
    @example(("say", HUNG, "/task " + "9" * 30))
    @example(("say", ADMIN, "/invite ٣"))
    @example(("say", ADMIN, "/editofficial 1 sdt=<b>&amp;; chucvu=\u200b"))
    @example(("say", ADMIN, "/addhouse <i>Võ</i>; Ấp 4; hộ nghèo; xây mới; long hiep\u0301"))
    @example(("reply", HUNG, "1" * 4000))
    @example(("forged", HUNG, "t:1:" + "9" * 40))
    def property_holds(step: tuple[str, int, str]) -> None:
        player.play(*step)

    try:
        await asyncio.to_thread(property_holds)
    finally:
        player.http.close()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors if r.name.startswith("bot.errors")] == []
    assert errors == [], [f"{r.name}: {r.getMessage()}" for r in errors]
    with sqlite3.connect(db_path) as connection:
        statuses = dict(connection.execute("select status, count(*) from inbox_update group by status"))
        orphans = connection.execute(
            "select count(*) from task_update u left join task t on t.id = u.task_id where t.id is null"
        ).fetchone()[0]
    assert set(statuses) == {"done"}, statuses  # every row closed, none failed
    assert orphans == 0


def client_base(running_bot: RunningBot) -> str:
    return running_bot.settings.telegram_api_base_url
