"""`nhacviec doctor` against the emulator: one line per check, exit 1 when something is wrong (14.4)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from bot.cli import main
from emulator import Emulator
from storage import migrate
from storage.db import create_engine
from tests.factories import TEST_TOKEN

SECRET = "s3cret-for-the-webhook-0123456789"


@pytest.fixture
async def migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated SQLite database in the environment doctor reads (and no .env from the clone)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'nhacviec.db'}"
    engine = create_engine(url)
    await migrate.upgrade(engine)
    await engine.dispose()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    return url


def _token(monkeypatch: pytest.MonkeyPatch, emulator: Emulator, token: str = TEST_TOKEN) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", emulator.base_url)


async def _doctor(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """Run the real command in a thread (it has its own event loop; the emulator runs in ours)."""
    code = await asyncio.to_thread(main, ["doctor"])
    return code, capsys.readouterr().out.splitlines()


async def test_all_green_with_a_token_in_polling_mode(
    emulator: Emulator, migrated: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _token(monkeypatch, emulator)
    code, lines = await _doctor(capsys)
    assert code == 0, lines
    assert all(line.startswith("✅") for line in lines), lines
    assert any("token accepted: @" in line for line in lines)
    assert any("polling mode" in line for line in lines)
    assert any("photos folder writable" in line for line in lines)
    assert TEST_TOKEN not in "\n".join(lines)


async def test_webhook_not_registered_then_registered(
    emulator: Emulator, migrated: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "https://bot.example.vn/telegram"
    _token(monkeypatch, emulator)
    monkeypatch.setenv("WEBHOOK_URL", url)
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    code, lines = await _doctor(capsys)
    assert code == 1
    assert any(line.startswith("❌") and "webhook not registered" in line for line in lines), lines

    async with httpx.AsyncClient() as http:
        answer = await http.post(f"{emulator.base_url}/bot{TEST_TOKEN}/setWebhook", data={"url": url})
        assert answer.json()["ok"]
    code, lines = await _doctor(capsys)
    assert code == 0, lines
    assert any(line.startswith("✅") and url in line for line in lines)


async def test_a_refused_token_fails_without_printing_it(
    emulator: Emulator, migrated: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = "987654321:ANOTHER_token_the_emulator_refuses"
    _token(monkeypatch, emulator, wrong)
    code, lines = await _doctor(capsys)
    assert code == 1
    assert any(line.startswith("❌") and "401" in line for line in lines), lines
    assert wrong not in "\n".join(lines)


def test_without_a_token_telegram_is_skipped_and_an_old_schema_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "nhacviec.db").touch()  # a fresh, never migrated database
    assert main(["doctor"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("⚠️") and "Telegram skipped" in line for line in lines), lines
    assert any(line.startswith("❌") and "nhacviec db upgrade" in line for line in lines), lines
    assert any(line.startswith("✅") and "database reachable" in line for line in lines), lines


def test_a_bad_setting_is_one_failed_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WEBHOOK_URL", "http://not-https.example.vn")
    assert main(["doctor"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines and lines[0].startswith("❌") and "WEBHOOK_URL" in lines[0], lines


def test_a_missing_database_is_reported_and_not_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    for url in (f"sqlite:///{tmp_path / 'chua-co' / 'nhacviec.db'}", "sqlite+aiosqlite:///tuong-doi.db"):
        monkeypatch.setenv("DATABASE_URL", url)
        assert main(["doctor"]) == 1
        lines = capsys.readouterr().out.splitlines()
        missing = [line for line in lines if "chưa có cơ sở dữ liệu" in line.lower()]
        assert len(missing) == 1 and missing[0].startswith("❌"), lines
        assert "nhacviec db upgrade" in missing[0] and "nhacviec run" in missing[0]
        assert not any("database reachable" in line for line in lines)
    assert not (tmp_path / "chua-co").exists() and not (tmp_path / "tuong-doi.db").exists()
