"""Fitting text to Telegram: split long answers at line breaks into messages under the limit."""

from __future__ import annotations

from collections.abc import Iterable

from domain.texts import MAX_MESSAGE_CHARS


def split_message(lines: Iterable[str], *, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Join lines into as few messages as fit; a single over-long line is cut, never sent whole.

    The limit is counted on the HTML source, which is never shorter than what Telegram counts.
    """
    chunks: list[str] = []
    current = ""
    for line in lines:
        if len(line) > limit:
            line = line[: limit - 1] + "…"
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks
