"""Callback data: short versioned strings ('v1:ou:42'), one codec, always under 64 bytes.

Button data comes back from the user's phone, so it is input like any other: a forged or damaged
press (random bytes, a huge number, a word where an id belongs, too few parts) must be refused
here, at the edge, before any handler turns it into a database lookup. `decode` checks each known
action against its schema below and returns None for anything that does not fit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from domain.texts import MAX_CALLBACK_DATA_BYTES

VERSION = "v1"
_PART = re.compile(r"^[A-Za-z0-9_.\-]*$")
MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database

Check = Callable[[str], bool]


def _number(text: str, *, low: int) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 10 and low <= int(text) <= MAX_ID


def ID(text: str) -> bool:  # noqa: N802 - reads as a type in the schema table
    """A record id: 1 .. 2^31-1, digits only."""
    return _number(text, low=1)


def NUM(text: str) -> bool:  # noqa: N802
    """A count, page, version or percentage: 0 .. 2^31-1."""
    return _number(text, low=0)


def PAGE(text: str) -> bool:  # noqa: N802
    """A page of a list: 0 .. 9999."""
    return text.isascii() and text.isdigit() and len(text) <= 4


def WORD(text: str) -> bool:  # noqa: N802
    """An operation or step name: lower-case letters, digits and '_', at most 20."""
    return re.fullmatch(r"[a-z][a-z0-9_]{0,19}", text) is not None


CHOICES = frozenset({"new", "none", "skip", "yes", "no", "all", "more", "back", "cancel"})


def ID_OR_CHOICE(text: str) -> bool:  # noqa: N802
    """An id or one of the choice words of a step (CHOICES; add a word here with a new button)."""
    return ID(text) or text in CHOICES


@dataclass(frozen=True, slots=True)
class Schema:
    """The arguments an action takes, in order; `extra` is checked per operation (args[op_at])."""

    args: tuple[Check, ...]
    op_at: int | None = None
    extra: dict[str, tuple[Check, ...]] = field(default_factory=dict)
    default_extra: Check | None = None  # further arguments of an operation not listed in `extra`

    def accepts(self, args: Sequence[str]) -> bool:
        head, rest = args[: len(self.args)], args[len(self.args) :]
        if len(head) < len(self.args) or not all(check(a) for check, a in zip(self.args, head, strict=True)):
            return False
        if not rest:
            return True
        wanted = self.extra.get(args[self.op_at]) if self.op_at is not None else None
        if wanted is not None:
            return len(rest) <= len(wanted) and all(c(a) for c, a in zip(wanted, rest, strict=False))
        return self.default_extra is not None and all(self.default_extra(a) for a in rest)


# Every action the bot puts on a button. tests/test_callbacks_forged.py checks that each routed
# CallbackQueryHandler pattern has its line here: add one with every new action.
SCHEMAS: dict[str, Schema] = {
    # a task: id, operation, the version the card showed, then the operation's own arguments
    "t": Schema(
        (ID, WORD, NUM),
        op_at=1,
        extra={"pct": (NUM,), "ea": (ID,), "er": (ID,)},
        default_extra=WORD,
    ),
    "tl": Schema((PAGE,)),  # a page of /tasks
    "hh": Schema((ID, ID)),  # photo, household
    "hs": Schema((ID, ID, WORD)),  # photo, household, stage key
    "st": Schema((ID,)),  # /status: which unit
    "hu": Schema((ID,)),  # /houses: which unit
    "ou": Schema((ID,)),  # /officials: which unit
    "as": Schema((WORD, ID_OR_CHOICE)),  # /assign: step, then an id or a choice
    "dv": Schema((WORD, NUM)),  # a directive's proposal: op, the proposed task's index
    "pc": Schema((WORD, ID, NUM), op_at=0, extra={"ro": (WORD,)}),  # the office confirms: op, official, day
    "qx": Schema(()),  # ✖️ Hủy under any question
}


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

    def number(self, index: int) -> int:
        """An argument the schema checked as ID or NUM, as an int (safe: decode checked it)."""
        return int(self.args[index])


def decode(data: str | None) -> Callback | None:
    """The callback, or None for data that is empty, too long, of another version, or that does not
    fit its action's schema (a stale or forged button). An action with no schema is returned as is:
    the routing table answers it as an old button."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_CALLBACK_DATA_BYTES:
        return None
    parts = data.split(":")
    if len(parts) < 2 or parts[0] != VERSION or not all(p.isascii() and _PART.match(p) for p in parts):
        return None
    callback = Callback(parts[1], tuple(parts[2:]))
    schema = SCHEMAS.get(callback.action)
    if schema is not None and not schema.accepts(callback.args):
        return None
    return callback


def pattern(action: str) -> str:
    """A regex for CallbackQueryHandler that matches one action of this version."""
    return rf"^{VERSION}:{re.escape(action)}(:|$)"
