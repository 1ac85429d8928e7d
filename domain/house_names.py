"""What an official types for a household: a name or not, and the heads of household it is closest to."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from rapidfuzz import fuzz, process

from domain.vntext import accent_free_key

SURE = 85  # a plain ratio this high between accent-free names is a typo of that name
OFFERED = 5  # buttons offered when the name is not recognised

# Short answers that are chat, not a name: "ok", "vâng", "dạ"... (accent-free).
_NOT_NAMES = frozenset(
    {
        "ok",
        "oke",
        "okay",
        "okie",
        "uh",
        "u",
        "um",
        "vang",
        "da",
        "roi",
        "duoc",
        "cam on",
        "thanks",
        "co",
        "khong",
    }
)
_TITLES = re.compile(r"(?i)^(ho|hộ|ông|ong|bà|ba|anh|chị|chi|cô|co|chú|chu)\s+")


_AFTER_HO = re.compile(r"(?i)(?:^|\s)h[ộo]\s+")


class Named(Protocol):
    @property
    def id(self) -> int | None: ...

    @property
    def head_key(self) -> str: ...


H = TypeVar("H", bound=Named)


def name_key(text: str) -> str:
    """'Hộ ông Nguyễn Văn A' → 'nguyen van a'."""
    return accent_free_key(_TITLES.sub("", _TITLES.sub("", text.strip())))


def name_in_caption(caption: str) -> str:
    """'bàn giao nhà hộ Nguyễn Văn A' (or 'nha ho nguyen van a') → the words after "hộ"; else all."""
    parts = _AFTER_HO.split(caption, maxsplit=1)
    return parts[1] if len(parts) == 2 and parts[1].strip() else caption


def is_a_name(text: str) -> bool:
    """False for what is plainly not a head of household's name: "ok", an emoji, a number."""
    key = name_key(text)
    return (
        bool(re.search(r"[a-z]", key)) and key not in _NOT_NAMES and accent_free_key(text) not in _NOT_NAMES
    )


def matching(query: str, candidates: Sequence[H]) -> list[H]:
    """The households meant: the exact name (accent-free); else those whose name has every word
    typed ("le", "van a"); else the name typed with a small typo ("ngyen van a")."""
    wanted = name_key(query)
    if not wanted:
        return []
    exact = [h for h in candidates if h.head_key == wanted]
    if exact:
        return exact
    words = set(wanted.split())
    partial = [h for h in candidates if words <= set(h.head_key.split())]
    if partial:
        return partial
    return _ranked(wanted, candidates, scorer=fuzz.ratio, limit=6, cutoff=SURE)


def closest(query: str, candidates: Sequence[H], *, limit: int = OFFERED) -> list[H]:
    """The households whose names are nearest to what was typed, best first, to offer as buttons."""
    return _ranked(name_key(query), candidates, scorer=fuzz.WRatio, limit=limit, cutoff=0)


def _ranked(wanted: str, candidates: Sequence[H], *, scorer: Any, limit: int, cutoff: int) -> list[H]:
    by_id = {h.id: h for h in candidates}
    found = process.extract(
        wanted,
        {h.id: h.head_key for h in candidates},
        scorer=scorer,
        processor=None,
        limit=limit,
        score_cutoff=cutoff,
    )
    return [by_id[key] for _, _, key in found]
