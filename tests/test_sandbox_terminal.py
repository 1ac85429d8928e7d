"""The sandbox console when its terminal goes away (window closed, SSH dropped): the input ends as
with Ctrl-D, and no thread prints a traceback."""

from __future__ import annotations

import asyncio
import io
import threading

from bot.sandbox import _line_reader


class _VanishingTerminal(io.StringIO):
    """One line typed, then the terminal is gone: reading fails with EIO, as a closed tty does."""

    def __init__(self) -> None:
        super().__init__("/tasks\n")

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        line = super().readline()
        if not line:
            raise OSError(5, "Input/output error")
        return line


async def test_a_vanished_terminal_ends_the_input_quietly() -> None:
    failures: list[threading.ExceptHookArgs] = []
    previous, threading.excepthook = threading.excepthook, failures.append
    try:
        lines = _line_reader(_VanishingTerminal())
        async with asyncio.timeout(5):
            assert await lines.get() == "/tasks\n"
            assert await lines.get() is None  # the end of input, as Ctrl-D
    finally:
        threading.excepthook = previous
    assert not failures, failures[0].exc_value
