"""Webhook mode (issue 14.1): the secret token is checked, each update is stored and handled once,
/healthz reports the database, the migrations and the outbox."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from emulator import Emulator
from emulator.client import EmulatorClient
from storage import migrate, outbox
from storage.db import create_engine, session_factory
from storage.health import database_state, outbox_backlog
from storage.models import InboxUpdate
from tests.conftest import RunningBot, bot_settings, start_bot
from tests.factories import TestClock, wait_processed

URL = "https://bot.example.vn/telegram"
SECRET = "a-webhook-secret-0123456789abcdef"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


Db = async_sessionmaker[AsyncSession]


@pytest.fixture
async def webhook_bot(
    emulator: Emulator, sqlite_url: str, tmp_path: Path
) -> AsyncIterator[tuple[RunningBot, Db]]:
    """The bot in webhook mode on a free port, and sessions on its database."""
    webhook = {"webhook_url": URL, "webhook_secret": SecretStr(SECRET), "webhook_port": _free_port()}
    settings = bot_settings(emulator, sqlite_url, tmp_path).model_copy(update=webhook)
    running = await start_bot(settings, TestClock())
    engine = create_engine(settings.database_url)
    try:
        yield running, session_factory(engine)
    finally:
        await engine.dispose()
        await running.shutdown()


def _base(bot: RunningBot) -> str:
    return f"http://127.0.0.1:{bot.settings.webhook_port}"


async def _inbox_ids(db: async_sessionmaker[AsyncSession]) -> list[int]:
    async with db() as session:
        return list((await session.exec(select(InboxUpdate.update_id))).all())


async def test_the_webhook_is_registered_with_telegram(
    webhook_bot: tuple[RunningBot, Db], emulator: Emulator
) -> None:
    assert emulator.state.webhook_url == URL


async def test_without_the_secret_or_an_update_nothing_is_stored(
    webhook_bot: tuple[RunningBot, Db], caplog: pytest.LogCaptureFixture
) -> None:
    running, db = webhook_bot
    update = {
        "update_id": 900001,
        "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}},
    }
    async with httpx.AsyncClient(base_url=_base(running)) as http:
        missing = await http.post("/telegram", json=update)
        wrong = await http.post(
            "/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
        )
        signed = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        garbled = await http.post("/telegram", content=b"{not json", headers=signed)
    assert (missing.status_code, wrong.status_code, garbled.status_code) == (401, 403, 400)
    assert await _inbox_ids(db) == []
    refusals = [r for r in caplog.records if "refused" in r.getMessage() and r.levelname == "WARNING"]
    assert len(refusals) == 2


async def test_an_update_delivered_twice_is_handled_once(
    webhook_bot: tuple[RunningBot, Db], emulator: Emulator, client: EmulatorClient
) -> None:
    running, db = webhook_bot
    await client.user(4242, "Lan")
    sent = await client.send(4242, "/start")  # the emulator holds it, as Telegram would before posting
    update = emulator.state.updates[-1]
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with httpx.AsyncClient(base_url=_base(running)) as http:
        first = await http.post("/telegram", json=update, headers=headers)
        again = await http.post("/telegram", json=update, headers=headers)  # Telegram retried
    assert (first.status_code, again.status_code) == (200, 200)
    await wait_processed(db, update["update_id"])
    replies = await client.wait(4242, after=sent["seq"], count=1)
    assert replies[0]["message"]["text"].startswith("Xin chào Lan!")
    assert await _inbox_ids(db) == [update["update_id"]]
    async with db() as session:
        row = await session.get(InboxUpdate, update["update_id"])
    assert row is not None and row.attempts == 1
    assert len(await client.records(4242, after=sent["seq"])) == 1  # one answer, not two


async def test_healthz_answers_200_on_a_healthy_database(webhook_bot: tuple[RunningBot, Db]) -> None:
    running, _ = webhook_bot
    async with httpx.AsyncClient(base_url=_base(running)) as http:
        answer = await http.get("/healthz")
    body = answer.json()
    assert answer.status_code == 200, body
    assert body["database"] is True and body["migrations"]["ok"] is True
    assert body["scheduler"] is True and body["ok"] is True
    assert set(body["outbox"]) == {"due", "oldest_due_seconds"}


async def test_the_outbox_backlog_counts_due_unsent_messages(db: async_sessionmaker[AsyncSession]) -> None:
    now = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
    async with db.begin() as session:
        for key, minutes in (("late", -5), ("later", -1), ("future", 30), ("sent", -9)):
            due = now + dt.timedelta(minutes=minutes)
            await outbox.enqueue(session, chat_id=5, kind="test", dedupe_key=key, payload={}, due_at=due)
    async with db.begin() as session:
        sent = next(n for n in await outbox.list_notifications(session) if n.dedupe_key == "sent")
        await outbox.mark_sent(session, notification_id=sent.id or 0, now=now, message_id=1)
    async with db() as session:
        assert await outbox_backlog(session, now=now) == (2, now - dt.timedelta(minutes=5))
        assert await outbox_backlog(session, now=now - dt.timedelta(hours=1)) == (0, None)


async def test_database_state_says_reachable_and_migrated(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        before = await database_state(engine)
        assert before.reachable and not before.migrated and before.current is None
        await migrate.upgrade(engine)
        after = await database_state(engine)
        assert after.migrated and after.current == migrate.head_revision()
    finally:
        await engine.dispose()


async def test_an_unreachable_database_is_reported_not_raised() -> None:
    engine = create_engine("postgresql+asyncpg://nobody:x@127.0.0.1:1/none")
    try:
        state = await database_state(engine)
    finally:
        await engine.dispose()
    assert not state.reachable and not state.migrated and state.error
