"""The digest's chart and workbook, drawn in two short-lived processes of their own, side by side.

matplotlib, numpy and Pillow add about 65 MB to a process and never give it back; drawn in the bot
they would keep it above its memory goal (150 MB) until a restart. A fresh Python (`python -m
domain.digest_render chart`, not a fork of the bot with its threads and sockets, and not
multiprocessing's spawn, which runs the parent's main script again) loads them and draws the chart
while a second one (`... book`, XlsxWriter only) writes the workbook; each reads its part
on stdin, writes its file on stdout and exits, so its memory goes with it. Both start before the
digest's data is read: matplotlib's imports (the slowest part) overlap the database work, and the
two files are made at once on two cores.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import importlib
import io
import os
import pickle
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from domain.digest import DigestData

TIMEOUT = 120.0  # seconds; a stuck drawing process is killed rather than holding the digest back
CHART, BOOK = "chart", "book"


class DrawError(RuntimeError):
    """A drawing process failed or hung (its traceback is on the bot's stderr)."""


class _Plain(pickle.Pickler):
    """Pickles records of other layers (the storage's UnitCounts, TaskLine) as plain namespaces
    with the same fields, so that a drawing process never imports SQLAlchemy (0.4 s) to read them."""

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if (
            dataclasses.is_dataclass(obj)
            and not isinstance(obj, type)
            and not kind.__module__.startswith("domain.")
        ):
            fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
            return types.SimpleNamespace, (), fields
        return NotImplemented


def plain_dumps(value: object) -> bytes:
    out = io.BytesIO()
    _Plain(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()


def chart_part(data: DigestData) -> DigestData:
    """What the chart reads: the counts and the houses (not the 15,000 lines of the workbook)."""
    return dataclasses.replace(
        data, completed=(), overdue=(), due_this_week=(), new_blockers=(), extensions=(), silent=()
    )


def book_part(data: DigestData) -> tuple[object, str, str]:
    """The workbook's sheets as plain values, made here (milliseconds), written over there."""
    from domain import digest_sheet

    return (digest_sheet.sheets(data), *digest_sheet.titles(data))


class DigestFiles:
    """`async with DigestFiles() as files:` starts the drawing processes; `await files.draw(data)`
    returns (PNG, XLSX). Leaving the block ends the processes, also when the data failed."""

    def __init__(self, *, timeout: float = TIMEOUT) -> None:
        self._timeout = timeout
        self._children: dict[str, asyncio.subprocess.Process] = {}

    async def __aenter__(self) -> DigestFiles:
        path = os.pathsep.join(p for p in sys.path if p)  # the bot's own, wherever it runs from
        for part in (CHART, BOOK):  # the chart first: its imports are the long ones
            self._children[part] = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                __name__,
                part,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                env={**os.environ, "PYTHONPATH": path},
            )
        return self

    @property
    def pids(self) -> dict[str, int]:
        """The drawing processes' ids (for tests and diagnostics)."""
        return {part: child.pid for part, child in self._children.items()}

    async def draw(self, data: DigestData) -> tuple[bytes, bytes]:
        assert self._children, "use DigestFiles as an async context manager"
        self._send(CHART, plain_dumps(chart_part(data)))  # the chart is drawn from now on,
        self._send(BOOK, plain_dumps(book_part(data)))  # while the workbook's sheets are made here
        tasks = [asyncio.create_task(self._answer(part)) for part in (CHART, BOOK)]
        try:
            done, pending = await asyncio.wait(
                tasks, timeout=self._timeout, return_when=asyncio.FIRST_EXCEPTION
            )
        finally:  # one failed, time ran out or the caller gave up: the other is not waited for
            for task in tasks:
                task.cancel()  # (nothing on a finished one; leaving the block kills the processes)
        errors = [error for task in done if (error := task.exception()) is not None]
        if errors:
            raise errors[0]
        if pending:
            raise DrawError(f"the digest's drawing took more than {self._timeout:.0f} s")
        chart, book = (task.result() for task in tasks)
        return chart, book

    def _send(self, part: str, payload: bytes) -> None:
        """Hand the process its input at once (what the pipe does not take is sent as it reads)."""
        pipe = self._children[part].stdin
        assert pipe is not None
        pipe.write(payload)  # a process already dead is not an error here: its exit code tells
        pipe.close()

    async def _answer(self, part: str) -> bytes:
        child = self._children[part]
        assert child.stdout is not None
        out = await child.stdout.read()
        if await child.wait() != 0:
            raise DrawError(f"the digest's {part} process ended with {child.returncode}")
        return out

    async def __aexit__(self, *_: object) -> None:
        for child in self._children.values():
            if child.returncode is None:
                child.kill()
                await child.wait()


def _warm_chart() -> None:
    """In the chart's process, while the bot reads the data: load what drawing needs. (Drawing a
    small chart here too saved 20 ms of the real one for 90 ms of work beside the bot's.)"""
    for name in (
        "matplotlib.figure",
        "matplotlib.backends.backend_agg",
        "matplotlib.ticker",
        "domain.digest",
    ):
        importlib.import_module(name)


def main() -> None:
    gc.disable()  # a process that lives for one drawing: collecting its garbage only costs time
    part = sys.argv[1]
    if part == CHART:
        _warm_chart()
        from domain import digest_chart

        data = pickle.load(sys.stdin.buffer)  # the bot's own data
        out = digest_chart.chart(data)
    else:
        import xlsxwriter  # noqa: F401  (loaded while the bot reads the data)

        from domain.xlsx_writer import write_sheets

        sheets, subtitle, made = pickle.load(sys.stdin.buffer)
        out = write_sheets(sheets, subtitle=subtitle, made=made)
    sys.stdout.buffer.write(out)


if __name__ == "__main__":
    main()
