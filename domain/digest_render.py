"""The digest's chart and workbook, drawn in a short-lived process of their own.

matplotlib, numpy, Pillow and xlsxwriter add about 65 MB to a process and never give it back; drawn
in the bot they would keep it above its memory goal (150 MB) until a restart. A fresh Python
(`python -m domain.digest_render`, not a fork of the bot with its threads and sockets, and not
multiprocessing's spawn, which runs the parent's main script again) loads them, reads the digest's
data on stdin, writes the two files on stdout and exits, so its memory goes with it. It starts
before the digest's data is read, so that its imports overlap the database work.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import pickle
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from domain.digest import DigestData


class DrawError(RuntimeError):
    """The drawing process failed (its traceback is on the bot's stderr)."""


def _warm() -> None:
    """In the drawing process: load what drawing needs while the bot reads the data."""
    for name in ("matplotlib.figure", "matplotlib.backends.backend_agg", "xlsxwriter", "domain.digest"):
        importlib.import_module(name)


def _draw(data: DigestData) -> tuple[bytes, bytes]:
    from domain import digest_chart, digest_sheet

    return digest_chart.chart(data), digest_sheet.workbook(data)


class DigestFiles:
    """`async with DigestFiles() as files:` starts the drawing process; `await files.draw(data)`
    returns (PNG, XLSX). Leaving the block ends the process, also when the data failed."""

    def __init__(self) -> None:
        self._child: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> DigestFiles:
        path = os.pathsep.join(p for p in sys.path if p)  # the bot's own, wherever it runs from
        self._child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            __name__,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )
        return self

    async def draw(self, data: DigestData) -> tuple[bytes, bytes]:
        assert self._child is not None, "use DigestFiles as an async context manager"
        out, _ = await self._child.communicate(pickle.dumps(data))
        if self._child.returncode != 0:
            raise DrawError(f"the digest's drawing process ended with {self._child.returncode}")
        chart, book = pickle.loads(out)  # our own child's answer
        return chart, book

    async def __aexit__(self, *_: object) -> None:
        if self._child is not None and self._child.returncode is None:
            self._child.kill()
            await self._child.wait()


def main() -> None:
    _warm()
    data = pickle.load(sys.stdin.buffer)  # the bot's own data
    sys.stdout.buffer.write(pickle.dumps(_draw(data)))


if __name__ == "__main__":
    main()
