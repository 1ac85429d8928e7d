"""The digest's chart and workbook are drawn in a process of their own (issue 13: the bot's memory)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import asyncio, sys
from tests.test_digest_files import _data
from domain.digest_render import DigestFiles

async def main():
    async with DigestFiles() as files:
        return await files.draw(_data(units=40, houses=30))

before = set(sys.modules)  # the test's own data loads openpyxl (and with it numpy)
chart, book = asyncio.run(main())
heavy = [m for m in ("matplotlib", "numpy", "xlsxwriter", "PIL") if m in set(sys.modules) - before]
print(chart[:4] == b"\\x89PNG", book[:2] == b"PK", " ".join(heavy) or "-")
"""


def test_the_chart_and_workbook_are_drawn_outside_the_bot_process() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "-"]
