"""Callback data: short versioned strings ('v1:ou:42'), one codec, always under 64 bytes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.texts import MAX_CALLBACK_DATA_BYTES

VERSION = "v1"
_PART = re.compile(r"^[A-Za-z0-9_.\-]*$")


@dataclass(frozen=True, slots=True)
class Callback:
    """An action name and its arguments, e.g. Callback('ou', ('42',)) for 'officials of unit 42'."""

    action: str
    args: tuple[str, ...] = ()

    def encode(self) -> str:
        parts = (VERSION, self.action, *self.args)
        if not all(_PART.match(part) for part in parts):
            raise ValueError(f"callback parts must be plain ASCII: {parts!r}")
        data = ":".join(parts)
        if len(data.encode()) > MAX_CALLBACK_DATA_BYTES:
            raise ValueError(f"callback data over {MAX_CALLBACK_DATA_BYTES} bytes: {data!r}")
        return data


def decode(data: str) -> Callback | None:
    """The callback, or None for data this version does not understand (a stale button)."""
    parts = data.split(":")
    if len(parts) < 2 or parts[0] != VERSION:
        return None
    return Callback(parts[1], tuple(parts[2:]))


def pattern(action: str) -> str:
    """A regex for CallbackQueryHandler that matches one action of this version."""
    return rf"^{VERSION}:{re.escape(action)}(:|$)"
