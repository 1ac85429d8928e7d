"""Officials as the office lists them: roles, phone numbers, and row validation of imports."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from domain.statuses import Role
from domain.vntext import accent_free_key, normalize_name

_ROLE_WORDS = {
    "admin": Role.ADMIN,
    "quan tri": Role.ADMIN,
    "van phong": Role.ADMIN,
    "quan tri vien": Role.ADMIN,
    "leader": Role.LEADER,
    "lanh dao": Role.LEADER,
    "thuong truc": Role.LEADER,
    "official": Role.OFFICIAL,
    "can bo": Role.OFFICIAL,
    "chuyen vien": Role.OFFICIAL,
    "": Role.OFFICIAL,
}
_YES = {"x", "co", "yes", "1", "true", "dung dau", "nguoi dung dau"}


def parse_role(text: str) -> Role | None:
    """'Lãnh đạo', 'lanh dao', 'leader' → Role.LEADER; empty → official; unknown → None."""
    return _ROLE_WORDS.get(accent_free_key(text))


def parse_yes(text: str) -> bool:
    """A yes/no column ('x', 'Có', '1')."""
    return accent_free_key(text) in _YES


def normalize_phone(text: str) -> str | None:
    """A Vietnamese phone number as 0xxxxxxxxx, from '+84 912 345 678', '84912345678', '0912.345.678'.

    Returns None when it is not a plausible Vietnamese number (10 digits after the leading 0).
    """
    digits = re.sub(r"\D", "", text)
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    elif len(digits) == 9 and not digits.startswith("0"):
        digits = "0" + digits  # a leading zero lost when Excel stored the number as a number
    if len(digits) == 10 and digits.startswith("0") and digits[1] != "0":
        return digits
    return None


def invitation_hash(code: str) -> str:
    """What is stored of an invitation code: its SHA-256, never the code."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class OfficialRow:
    """A validated row of an officials file, ready to be written."""

    row: int
    full_name: str
    title: str | None
    unit_name: str
    role: Role
    phone: str | None
    is_unit_head: bool


@dataclass(frozen=True, slots=True)
class RowError:
    """A refused row: its number as Excel shows it, and the reason in Vietnamese."""

    row: int
    reason: str


def clean_name(text: str) -> str:
    """A person's or unit's name as stored: NFC, one tone placement, single spaces."""
    return normalize_name(text)
