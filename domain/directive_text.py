"""A directive's text as extraction leaves it, made readable: lines joined into paragraphs, words
broken across lines mended, footnote markers and stray asterisks dropped; and the secrecy stamp.

State secrets do not travel over Telegram: a document stamped MẬT, TỐI MẬT or TUYỆT MẬT is refused
before anything of it is kept. A stamp is a line of its own (in any case or letter spacing that
extraction leaves, perhaps with "Độ mật:"), not the word inside a sentence ("bí mật", "mật thiết").
"""

from __future__ import annotations

import re
import unicodedata

# Item markers that open a new paragraph: "1.", "3.1.", "I-", "II.", "(1)", "- ", "+ ".
_OPENER = re.compile(r"^(?:\d+(?:\.\d+)*\.\s|[IVX]+\s*[-.]\s|\(\d+\)\.?\s|[-+•]\s|Nơi nhận|\(.*chuẩn bị)")
# Header lines that stand alone: the number, the summary, the place and date.
_SINGLE = re.compile(r"^(?:Số\s|V/v\s|.*ngày \d{1,2} tháng \d{1,2} năm \d{4}$)")
_NUMBER_CUT = re.compile(r"^Số\s*[:.]?\s*\d{1,5}\s*-?$")
_SYMBOL_REST = re.compile(r"^-?\s*[A-ZĐ][A-Za-zĐđ]{0,5}/[A-ZĐ]{1,6}\b")
_FOOTNOTES = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+|⁽[⁰-⁹]+⁾|\[\d+\](?=\s|$)")
_STAMP_WORDS = {"MAT", "TOIMAT", "TUYETMAT"}
_STAMP_PREFIX = re.compile(r"^(?:DO\s*MAT|MUC\s*DO\s*MAT)\s*[:\-]?\s*", re.IGNORECASE)


class SecretDocumentError(ValueError):
    """The document bears a secrecy stamp: it must not be stored or sent over Telegram."""


def _ascii_upper(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").upper()


def is_stamp(line: str) -> bool:
    """Whether a line is a secrecy stamp: 'MẬT', 'T Ố I  M Ậ T', 'Độ mật: Tuyệt mật', '(MẬT)'."""
    bare = _ascii_upper(line).strip(" \t*()[]|_.:-")
    bare = _STAMP_PREFIX.sub("", bare)
    return re.sub(r"[\s*_.]", "", bare) in _STAMP_WORDS


def check_not_secret(text: str) -> None:
    """Raise SecretDocumentError when any line of the document is a secrecy stamp."""
    if any(is_stamp(line) for line in text.splitlines() if line.strip()):
        raise SecretDocumentError("stamped")


def paragraphs(text: str) -> list[str]:
    """The document as paragraphs: each item marker starts one, other lines continue the last."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\f", "\n"))
    text = _FOOTNOTES.sub("", text).replace("**", "").replace("*", "")
    result: list[str] = []
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if not line:
            continue
        if result and _NUMBER_CUT.match(result[-1]) and _SYMBOL_REST.match(line):
            result[-1] += line if line.startswith("-") or result[-1].endswith("-") else f"-{line}"
            continue  # the header's "Số 3022" / "-CV/TU" (or "Số 3022-" / "CV/TU") broken by layout
        if not result or _OPENER.match(line) or _SINGLE.match(line) or _is_heading(line):
            result.append(line)
            continue
        if _SINGLE.match(result[-1]) or _is_heading(result[-1]):
            result.append(line)
            continue
        previous = result[-1]
        if re.search(r"\d-$", previous) and re.match(r"[A-ZĐ]", line):
            result[-1] = previous + line  # "19-" / "CT/TU": a number broken at its hyphen
        else:
            result[-1] = f"{previous} {line}"
    return [_mend(p) for p in result]


def _is_heading(line: str) -> bool:
    """A line in capitals (T/M BAN THƯỜNG VỤ) or a closing formula stands alone."""
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters)


def _mend(paragraph: str) -> str:
    """Spaces that extraction put inside numbers and document symbols: '233- NQ/TU' → '233-NQ/TU'."""
    paragraph = re.sub(r"(\d)\s*-\s+([A-ZĐ]{1,5}/)", r"\1-\2", paragraph)
    return re.sub(r"\s+([,.;:)])", r"\1", paragraph)
