"""Tests write only under their temporary folder, never into the clone's ./data (issue 11.15)."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from bot.config import Settings
from tests.factories import TEST_TOKEN


def test_settings_built_in_a_test_point_at_its_tmp_folder(tmp_path: Path) -> None:
    # The scheduler tests build Settings without data_dir and run the Monday digest, which writes
    # its chart and workbook under DATA_DIR: the default ./data is the clone's own folder.
    settings = Settings(telegram_bot_token=SecretStr(TEST_TOKEN), _env_file=None)  # type: ignore[call-arg]
    assert settings.data_dir.resolve().is_relative_to(tmp_path.resolve())
    assert str(tmp_path.resolve()) in settings.database_url
