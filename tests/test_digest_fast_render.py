"""The digest's two drawing processes (issue 13): they draw what the bot would, never load the
storage layer, end with the block, and a killed or stuck one fails the digest at once, not forever."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from domain import digest_chart, digest_sheet
from domain.digest_render import BOOK, CHART, DigestFiles, DrawError, book_part, chart_part, plain_dumps
from tests.test_digest_files import _data

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 30.0  # real seconds a digest may take here (a deadline, so that a failure never hangs)


def _left(pids: dict[str, int]) -> list[str]:
    """The drawing processes still there (killed now, so that a failing test never hangs)."""
    left = []
    for part, pid in pids.items():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
        left.append(part)
    return left


def _cells(book: bytes) -> dict[str, list[list[object]]]:
    sheets = load_workbook(io.BytesIO(book))
    return {name: [[c.value for c in row] for row in sheets[name].iter_rows()] for name in sheets.sheetnames}


async def test_the_processes_draw_what_the_bot_would_and_end_with_the_block() -> None:
    data = _data(units=40, houses=30)
    async with DigestFiles() as files:
        pids = files.pids
        chart, book = await files.draw(data)
    assert chart == digest_chart.chart(data)  # the same chart, from the counts and houses alone
    assert _cells(book) == _cells(digest_sheet.workbook(data))
    assert sorted(pids) == sorted([CHART, BOOK]) and _left(pids) == []


async def test_the_processes_end_when_the_data_fails() -> None:
    with pytest.raises(RuntimeError, match="the database"):
        async with DigestFiles() as files:
            pids = files.pids
            raise RuntimeError("the database went away")
    assert _left(pids) == []


@pytest.mark.parametrize("part", [CHART, BOOK])
async def test_a_killed_drawing_process_fails_this_digest_and_the_next_one_draws(part: str) -> None:
    with pytest.raises(DrawError, match=part):
        async with DigestFiles() as files:
            os.kill(files.pids[part], signal.SIGKILL)
            await asyncio.wait_for(files.draw(_data()), LIMIT)
    assert _left(files.pids) == []
    async with DigestFiles() as again:
        chart, book = await again.draw(_data())
    assert chart[:4] == b"\x89PNG" and book[:2] == b"PK"


async def test_a_stuck_drawing_process_is_given_up_after_the_timeout() -> None:
    with pytest.raises(DrawError, match="more than 2 s"):
        async with DigestFiles(timeout=2) as files:
            os.kill(files.pids[CHART], signal.SIGSTOP)  # alive, never answers
            await asyncio.wait_for(files.draw(_data()), LIMIT)
    assert _left(files.pids) == []  # a stopped one is killed too


PROBE = """
import pickle, sys
data = pickle.loads(sys.stdin.buffer.read())
print(data.counts[0].name, data.counts[0].outcomes[next(iter(data.counts[0].outcomes))], len(data.overdue),
      " ".join(m for m in ("sqlalchemy", "sqlmodel", "storage") if m in sys.modules) or "-")
"""


def test_the_drawing_process_reads_the_records_without_the_storage_layer() -> None:
    data = _data()  # its counts and lines are the storage layer's own records
    assert type(data.counts[0]).__module__ == "storage.reports"
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        input=plain_dumps(chart_part(data)),
        cwd=ROOT,
        capture_output=True,
        timeout=LIMIT,
    )
    assert done.returncode == 0, done.stderr.decode()
    first = data.counts[0]
    assert done.stdout.decode().split() == [
        *first.name.split(),
        str(next(iter(first.outcomes.values()))),
        "0",
        "-",
    ]


@pytest.mark.parametrize(
    ("part", "never"),
    [
        (CHART, ("sqlalchemy", "storage", "openpyxl")),
        (BOOK, ("sqlalchemy", "storage", "matplotlib", "numpy")),
    ],
)
def test_each_drawing_process_loads_only_what_it_draws_with(part: str, never: tuple[str, ...]) -> None:
    """The workbook's process loads XlsxWriter and no more, the chart's loads no
    database layer: what keeps the whole digest under a second."""
    data = _data()
    payload = plain_dumps(chart_part(data) if part == CHART else book_part(data))
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "domain.digest_render", part],
        input=payload,
        cwd=ROOT,
        capture_output=True,
        timeout=LIMIT,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert done.stdout[:4] == (b"\x89PNG" if part == CHART else b"PK\x03\x04")
    loaded = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.decode().splitlines()}
    assert [name for name in never if name in loaded] == []
