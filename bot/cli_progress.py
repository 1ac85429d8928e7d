"""A progress bar on the terminal for long imports and invitations (tqdm, on stderr).

Shown only when stderr is a terminal and the work is long enough to wait for: a pipe, a log file
or a test sees nothing of it, so the command's output stays exactly what it says.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar, overload

from tqdm import tqdm

T = TypeVar("T")
MIN_ROWS = 50  # fewer rows are done before a bar would be worth reading


def bar(total: int, label: str, unit: str = "dòng") -> tqdm[None]:
    """A bar of `total` steps named `label`, or a silent one (not a terminal, or little to do)."""
    stream = sys.stderr
    shown = total >= MIN_ROWS and stream.isatty()
    try:  # a terminal that tells no size (a bare pty) would get no bar at all
        size = os.get_terminal_size(stream.fileno())
    except (OSError, ValueError):
        size = os.terminal_size((0, 0))
    return tqdm(
        total=total,
        desc=label,
        unit=f" {unit}",
        file=stream,
        disable=not shown,
        ncols=size.columns or 80,
        nrows=size.lines or 24,
    )


class ProgressRows(Sequence[T]):
    """The rows of an import, unchanged, ticking the bar as the import walks them.

    Imports read the header row by index and may cut the rows into batches: a slice is a view that
    ticks the same bar, so the bar counts each row once however the import walks them.
    """

    def __init__(self, rows: Sequence[T], progress: tqdm[None]) -> None:
        self._rows = rows
        self._bar = progress

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> ProgressRows[T]: ...

    def __getitem__(self, index: int | slice) -> T | ProgressRows[T]:
        if isinstance(index, slice):
            return ProgressRows(self._rows[index], self._bar)
        return self._rows[index]

    def __iter__(self) -> Iterator[T]:
        for row in self._rows:
            yield row
            self._bar.update(1)


@contextmanager
def tracked(rows: Sequence[T], label: str) -> Iterator[ProgressRows[T]]:
    """The rows of an import with a bar that ends when the import does."""
    with bar(len(rows), label) as progress:
        yield ProgressRows(rows, progress)


def each(items: Sequence[T], label: str, unit: str) -> Iterator[T]:
    """Walk `items` with a bar (invitations issued one by one); the bar closes at the end."""
    with bar(len(items), label, unit) as progress:
        for item in items:
            yield item
            progress.update(1)
