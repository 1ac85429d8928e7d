"""The emulator's webhook delivery, as Telegram does it: POST to the webhook URL (through a route
in a test), the secret token header, a retry until the bot answers 2xx, getWebhookInfo's error."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiohttp import web

from emulator import Emulator
from emulator.client import EmulatorClient
from tests.factories import TEST_TOKEN
from tests.test_inbox_restart import eventually


class Receiver:
    """A stand-in bot endpoint: answers each post with the next scripted status (then 200)."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.posts: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.posts.append((request.path_qs, dict(request.headers), await request.json()))
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    box = Receiver([500, 404])
    app = web.Application()
    app.router.add_post("/{path:.*}", box.handle)
    box.runner = web.AppRunner(app, access_log=None)
    await box.runner.setup()
    site = web.TCPSite(box.runner, "127.0.0.1", 0)
    await site.start()
    box.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    yield box
    await box.runner.cleanup()


async def _api(emulator: Emulator, method: str, **params: Any) -> httpx.Response:
    async with httpx.AsyncClient(base_url=f"{emulator.base_url}/bot{TEST_TOKEN}") as http:
        return await http.post(f"/{method}", json=params)


async def test_updates_are_posted_with_the_secret_until_the_bot_answers_2xx(
    emulator: Emulator, client: EmulatorClient, receiver: Receiver
) -> None:
    hook = {"url": "https://bot.example.vn/telegram?x=1", "secret_token": "s3cret-_X", "max_connections": 2}
    assert (await _api(emulator, "setWebhook", **hook)).json()["result"] is True
    await client.user(5101, "Lan")
    sent = await client.send(5101, "xin chào")  # held: no route yet, so nowhere to post
    info = (await _api(emulator, "getWebhookInfo")).json()["result"]
    assert (info["pending_update_count"], receiver.posts) == (1, [])
    assert await client.webhook_route(receiver.url) == f"{receiver.url}/telegram?x=1"

    async def delivered() -> bool:
        return (await client.stats())["pending_updates"] == 0

    await eventually(delivered, limit=15)
    assert len(receiver.posts) == 3  # 500, 404, then 200
    assert {path for path, _, _ in receiver.posts} == {"/telegram?x=1"}
    assert all(h["X-Telegram-Bot-Api-Secret-Token"] == "s3cret-_X" for _, h, _ in receiver.posts)
    update = receiver.posts[-1][2]
    assert update["message"]["text"] == "xin chào" and update["update_id"] == sent["update_id"]
    assert len({body["update_id"] for _, _, body in receiver.posts}) == 1  # the same update again
    info = (await _api(emulator, "getWebhookInfo")).json()["result"]
    assert info["pending_update_count"] == 0 and info["max_connections"] == 2
    assert info["last_error_message"] == "Wrong response from the webhook: 404 Not Found"
    conflict = await _api(emulator, "getUpdates")
    assert conflict.status_code == 409  # no polling while a webhook is set


async def test_an_unreachable_webhook_keeps_the_update_and_a_bad_secret_is_refused(
    emulator: Emulator, client: EmulatorClient, receiver: Receiver
) -> None:
    bad = await _api(emulator, "setWebhook", url="https://bot.example.vn/t", secret_token="a b")
    assert (bad.status_code, bad.json()["description"]) == (
        400,
        "Bad Request: secret token contains unallowed characters",
    )
    await _api(emulator, "setWebhook", url="https://bot.example.vn/t", secret_token="s")
    await client.webhook_route("http://127.0.0.1:1")  # nothing listens there
    await client.user(5102, "Hùng")
    await client.send(5102, "/start")

    async def failed_twice() -> bool:
        return (await client.stats())["webhook"]["failed"] >= 2

    await eventually(failed_twice, limit=15)
    assert (await client.stats())["pending_updates"] == 1  # kept for a later attempt
    await client.webhook_route(receiver.url)
    receiver.statuses.clear()

    async def delivered() -> bool:
        return bool(receiver.posts) and (await client.stats())["pending_updates"] == 0

    await eventually(delivered, limit=15)
