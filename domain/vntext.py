"""Vietnamese text normalisation: one spelling for names, accent-free keys for lookup."""

from __future__ import annotations

import re
import unicodedata

# Old-style tone placement (hoà, thuý, khoẻ) mapped to the new style (hòa, thúy, khỏe) that the
# 2025 administrative list mostly uses; both spellings still arrive from users.
_TONE_MOVES = {
    "oà": "òa",
    "oá": "óa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oè": "òe",
    "oé": "óe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uỳ": "ùy",
    "uý": "úy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}
_TONE_RE = re.compile("|".join(map(re.escape, _TONE_MOVES)), re.IGNORECASE)
_SPACE_RE = re.compile(r"\s+")
_NON_KEY_RE = re.compile(r"[^a-z0-9 ]+")


def _move_tone(match: re.Match[str]) -> str:
    found = match.group(0)
    new = _TONE_MOVES[found.lower()]
    return new.upper() if found.isupper() else (new[0].upper() + new[1:] if found[0].isupper() else new)


def normalize_name(text: str) -> str:
    """NFC, one tone placement, single spaces: the form in which names are stored and compared."""
    text = unicodedata.normalize("NFC", text)
    # Only move the tone where "oà"/"uý" ends a syllable (hoà, thuý), not inside "hoàng", "khoản".
    text = re.sub(
        r"(?i)(" + _TONE_RE.pattern + r")(?![a-zà-ỹđ])",
        _move_tone,
        text,
    )
    return _SPACE_RE.sub(" ", text).strip()


def accent_free_key(text: str) -> str:
    """Lower-case ASCII key: 'Long Hiệp', 'LONG HIỆP' and 'long hiep' all give 'long hiep'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    lowered = _NON_KEY_RE.sub(" ", stripped.lower())
    return _SPACE_RE.sub(" ", lowered).strip()


# "None" as officials type it to a question with a «Bỏ qua» / «Không có hạn» button.
_NONE_KEYS = frozenset(
    {
        "khong",
        "ko",
        "k",
        "khong co",
        "khong can",
        "bo qua",
        "bo",
        "khong co han",
        "khong han",
        "khong phoi hop",
    }
)


def means_none(text: str) -> bool:
    """True for 'không', 'khong co', 'bỏ qua', '-' and the like: the answer that there is none."""
    return accent_free_key(text) in _NONE_KEYS or not accent_free_key(text)
