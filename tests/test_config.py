"""Settings: defaults, one clear line naming a bad key, the token never shown."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.logs import RedactFilter

ROOT = Path(__file__).resolve().parent.parent
GOOD_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in list(os.environ):
        if key.startswith(("TELEGRAM_", "DATABASE_", "DATA_DIR", "TIMEZONE", "LOG_LEVEL", "POLL_")):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_need_nothing() -> None:
    settings = load_settings()
    assert settings.token is None
    assert settings.telegram_api_base_url == "https://api.telegram.org"
    assert settings.database_url == "sqlite+aiosqlite:///./data/nhacviec.db"
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.log_level == "INFO"


def test_values_come_from_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"TELEGRAM_BOT_TOKEN={GOOD_TOKEN}\nDATABASE_URL=postgres://u@db/nhacviec\nLOG_LEVEL=debug\n"
    )
    settings = load_settings()
    assert settings.token == GOOD_TOKEN
    assert settings.database_url == "postgresql+asyncpg://u@db/nhacviec"
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token", "TELEGRAM_BOT_TOKEN"),
        ("TELEGRAM_API_BASE_URL", "api.telegram.org", "TELEGRAM_API_BASE_URL"),
        ("DATABASE_URL", "mysql://root@localhost/x", "DATABASE_URL"),
        ("TIMEZONE", "Asia/Hanoi_City", "TIMEZONE"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
        ("POLL_TIMEOUT", "500", "POLL_TIMEOUT"),
    ],
)
def test_bad_value_names_the_key_in_one_line(
    monkeypatch: pytest.MonkeyPatch, key: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"Cấu hình sai / configuration error: {expected}: ")
    assert "\n" not in message


def test_malformed_token_is_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    almost = GOOD_TOKEN[:-30]  # most of a real token, cut short
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", almost)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert almost not in str(caught.value)


def test_cli_stops_with_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env["DATABASE_URL"] = "oracle://nowhere"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Cấu hình sai / configuration error: DATABASE_URL: must start with sqlite+aiosqlite:/// or "
        "postgresql+asyncpg:// (got 'oracle')"
    ]


def test_token_is_redacted_from_every_log_line(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.redact")
    redact = RedactFilter([GOOD_TOKEN])
    logger.addFilter(redact)
    try:
        with caplog.at_level(logging.INFO, logger="test.redact"):
            logger.info("POST https://api.telegram.org/bot%s/getUpdates", GOOD_TOKEN)
    finally:
        logger.removeFilter(redact)
    assert GOOD_TOKEN not in caplog.text
    assert "bot<token>/getUpdates" in caplog.text


def test_env_example_lists_every_setting() -> None:
    from bot.config import Settings

    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = {line.split("=")[0].lstrip("# ").strip() for line in example.splitlines() if "=" in line}
    assert {name.upper() for name in Settings.model_fields} <= documented
