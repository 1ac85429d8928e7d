"""A tour of the sandbox at night (issue 11.17): the sandbox is for showing the product, so its pushes
are not held for quiet hours unless QUIET_HOURS is set; the bot itself keeps its default window."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.config import Settings
from bot.sandbox import running_sandbox
from tests.factories import TestClock
from tests.test_sandbox_console import Typist

NIGHT = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)  # Monday 21:00 in Hanoi


async def test_a_push_reaches_another_persona_at_night(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", reminder_tick=0, _env_file=None)  # type: ignore[call-arg]
    assert settings.quiet_hours == "20:00-07:00"  # the bot's own default
    async with running_sandbox(settings, clock=TestClock(NIGHT)) as sandbox:
        typist = Typist(sandbox)
        await typist.shown("[Hùng] >")
        await typist.type("/task 2")
        await typist.expect(":bam ✅ Hoàn thành", "💬 ✅")
        await typist.shown("📨 1 tin mới cho Lê Thị Thảo — Văn phòng (:chon 4 để xem)")
        await typist.close()


@pytest.mark.parametrize(("configured", "expected"), [(None, "00:00-00:00"), ("21:30-06:00", "21:30-06:00")])
async def test_quiet_hours_are_off_in_the_sandbox_unless_set(
    tmp_path: Path, configured: str | None, expected: str
) -> None:
    extra = {"quiet_hours": configured} if configured else {}
    settings = Settings(data_dir=tmp_path / "data", reminder_tick=0, _env_file=None, **extra)  # type: ignore[call-arg]
    async with running_sandbox(settings, clock=TestClock()) as sandbox:
        assert sandbox.settings.quiet_hours == expected
