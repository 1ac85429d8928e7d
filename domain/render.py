"""Fitting text to Telegram: split long answers between lines into messages under the limit.

A message is cut only between two lines (each line is whole HTML: its tags closed, its entities
complete). A single line longer than the limit is cut between its tokens, never inside a tag or an
entity: the tags open at the cut are closed at the end of one piece and opened again at the start
of the next, and plain text is cut at a space when there is one. The tags open at any point are
assumed to take a small part of the limit (a few tags, one link), as every text of the bot does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from domain.texts import MAX_MESSAGE_CHARS

# A tag, an entity, or a run of text without either.
_TOKEN = re.compile(r"<[^<>]*>|&#?\w+;|[^<&]+|[<&]")
_TAG_NAME = re.compile(r"</?\s*([\w-]+)")


def utf16_length(text: str) -> int:
    """Telegram counts length in UTF-16 code units: an emoji outside the BMP counts two."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def split_message(lines: Iterable[str], *, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Join lines into as few messages as fit; every message is valid HTML within `limit`.

    The limit is counted on the HTML source in UTF-16 units, never less than what Telegram counts.
    """
    chunks: list[str] = []
    current, size = "", 0
    for line in lines:
        length = utf16_length(line)
        pieces = [(line, length)] if length <= limit else _pieces(line, limit)
        for piece, piece_length in pieces:
            if current and size + 1 + piece_length <= limit:
                current, size = f"{current}\n{piece}", size + 1 + piece_length
                continue
            if current.strip():
                chunks.append(current)
            current, size = piece, piece_length
    if current.strip():
        chunks.append(current)
    return chunks


def _pieces(line: str, limit: int) -> list[tuple[str, int]]:
    """One over-long line of HTML as pieces within `limit`, each with its tags balanced."""
    pieces: list[tuple[str, int]] = []
    stack: list[tuple[str, str]] = []  # (name, the opening tag as written): reopened after a cut
    body: list[str] = []
    size = 0  # of the opening tags and the body so far

    def closers() -> str:
        return "".join(f"</{name}>" for name, _ in reversed(stack))

    def room() -> int:
        return limit - size - utf16_length(closers())

    def cut() -> None:
        nonlocal body, size
        text = "".join(body) + closers()
        if _has_text(text):
            pieces.append((text, utf16_length(text)))
        body = [tag for _, tag in stack]
        size = sum(utf16_length(tag) for tag in body)

    for token in _TOKEN.findall(line):
        length = utf16_length(token)
        if token.startswith("<") and len(token) > 1:
            name_match = _TAG_NAME.match(token)
            name = name_match.group(1).lower() if name_match else ""
            closing = token.startswith("</")
            after = stack[:-1] if closing else [*stack, (name, token)]
            closing_size = sum(len(n) + 3 for n, _ in after)
            if size + length + closing_size > limit and body:
                cut()
            body.append(token)
            size += length
            if closing:
                if stack:
                    stack.pop()
            else:
                stack.append((name, token))
            continue
        if token.startswith("&") or length <= room():
            if length > room():
                cut()
            if length > room():  # the open tags alone nearly fill the limit: the entity goes bare
                pieces.append((token, length))
                continue
            body.append(token)
            size += length
            continue
        rest = token
        while rest and utf16_length(rest) > room():
            head = _fit(rest, room())
            if not head and len(body) > len(stack):  # a fresh piece has more room
                cut()
                continue
            if not head:  # the open tags alone fill the limit: this text goes bare
                head = _fit(rest, limit) or rest[:1]
                pieces.append((head, utf16_length(head)))
                rest = rest[len(head) :]
                continue
            body.append(head)
            size += utf16_length(head)
            rest = rest[len(head) :]
            cut()
        body.append(rest)
        size += utf16_length(rest)
    cut()
    return pieces


def _fit(text: str, room: int) -> str:
    """The longest start of `text` within `room` UTF-16 units, ending at a space when one exists."""
    end = max(min(len(text), room), 0)
    while end and utf16_length(text[:end]) > room:
        end -= 1
    space = text.rfind(" ", 0, end)  # the space stays with the first piece: within `end`
    if space > 0 and end < len(text):
        return text[: space + 1]
    return text[:end]


def _has_text(html: str) -> bool:
    """Telegram refuses a message whose visible text is empty."""
    return any(not token.startswith("<") and token.strip() for token in _TOKEN.findall(html))
