"""Long answers split into messages Telegram accepts: within 4096 UTF-16 units, valid HTML, nothing lost."""

from __future__ import annotations

import random
from html import escape

import pytest

from domain.render import split_message
from emulator.tghtml import html_to_text, utf16_length

WORDS = ("Xã", "Long", "Hiệp", "nhiệm", "vụ", "quá", "hạn", "A&B", "<3", "5 > 4", "👍", "🏠", "Đ", "x" * 40)


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _element(rng: random.Random, depth: int = 0) -> str:
    """One piece of the project's HTML: escaped text, entities, tags (nested, with attributes)."""
    kind = rng.random()
    if depth > 2 or kind < 0.4:
        return escape(_text(rng, rng.randint(1, 12)))
    inner = "".join(_element(rng, depth + 1) for _ in range(rng.randint(1, 3)))
    if kind < 0.55:
        return f'<a href="https://example.org/?a=1&amp;b={rng.randint(0, 9)}">{inner}</a>'
    tag = rng.choice(("b", "i", "u", "s", "code", "tg-spoiler"))
    return f"<{tag}>{inner}</{tag}>"


def _line(rng: random.Random, limit: int) -> str:
    if rng.random() < 0.15:  # one element far longer than a message
        return "<b>" + escape(_text(rng, limit // 2)) + "</b>"
    return " ".join(_element(rng) for _ in range(rng.randint(1, 6)))


def _visible(html: str) -> str:
    return "".join(html_to_text(html).split())


@pytest.mark.parametrize("seed", range(40))
def test_every_chunk_fits_and_parses_and_nothing_is_lost(seed: int) -> None:
    rng = random.Random(seed)
    limit = rng.choice((200, 257, 500, 1024, 4096))  # tags open at once stay well under
    lines = [_line(rng, limit) for _ in range(rng.randint(1, 40 if limit < 4096 else 300))]
    chunks = split_message(lines, limit=limit)
    for chunk in chunks:
        assert utf16_length(chunk) <= limit, chunk
        assert html_to_text(chunk).strip(), chunk  # Telegram's parser accepts it, and it is not empty
    assert "".join(_visible(c) for c in chunks) == "".join(_visible(line) for line in lines)


def test_lines_are_never_cut_when_they_fit() -> None:
    lines = [f"<b>Dòng {i}</b> A &amp; B — {'x' * 50}" for i in range(200)]
    chunks = split_message(lines)
    assert all(utf16_length(c) <= 4096 for c in chunks) and len(chunks) > 1
    assert [line for chunk in chunks for line in chunk.split("\n")] == lines


def test_entities_and_tags_at_the_boundary_stay_whole() -> None:
    for pad in range(0, 12):
        line = "a" * (20 + pad) + " &amp; <b>đậm</b> &lt;x&gt; " + "b" * 10
        for chunk in split_message([line], limit=28):
            assert utf16_length(chunk) <= 28
            html_to_text(chunk)


def test_emoji_count_two_units() -> None:
    line = "👍" * 3000  # 3,000 characters, 6,000 UTF-16 units
    chunks = split_message([line])
    assert len(chunks) == 2 and all(utf16_length(c) <= 4096 for c in chunks)
    assert "".join(chunks) == line
