"""The digest's chart and workbook, drawn in a short-lived process of their own.

matplotlib, numpy, Pillow and xlsxwriter add about 65 MB to a process and never give it back; drawn
in the bot they would keep it above its memory goal (150 MB) until a restart. A spawned process
(not a fork of the bot, with its threads and sockets) loads them, draws, hands back the bytes and
exits, so its memory goes with it. It starts before the digest's data is read, so that its imports
overlap the database work.
"""

from __future__ import annotations

import asyncio
import importlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from domain.digest import DigestData


def _warm() -> None:
    """In the drawing process: load what drawing needs while the bot reads the data."""
    for name in ("matplotlib.figure", "matplotlib.backends.backend_agg", "xlsxwriter", "domain.digest"):
        importlib.import_module(name)


def _draw(data: DigestData) -> tuple[bytes, bytes]:
    from domain import digest_chart, digest_sheet

    return digest_chart.chart(data), digest_sheet.workbook(data)


class DigestFiles:
    """`DigestFiles()` starts the drawing process; `await files.draw(data)` returns (PNG, XLSX) and
    ends it. Use it as a context manager, so that the process ends also when the data fails."""

    def __init__(self) -> None:
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        self._pool.submit(_warm)

    async def draw(self, data: DigestData) -> tuple[bytes, bytes]:
        try:
            return await asyncio.wrap_future(self._pool.submit(_draw, data))
        finally:
            await self.close()

    async def close(self) -> None:
        await asyncio.to_thread(self._pool.shutdown, wait=True, cancel_futures=True)

    async def __aenter__(self) -> DigestFiles:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()
