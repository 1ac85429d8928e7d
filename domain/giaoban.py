"""The giao ban loop: which meeting a conclusions notice (thông báo kết luận) concludes, and what
the next giao ban's one-page pack holds (rendered by `domain.giaoban_pack`)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from domain.status_texts import Line
from domain.vntext import accent_free_key

GIAO_BAN = "giao ban"  # accent-free: a meeting whose title holds it is a giao ban
GIAO_BAN_TITLE = "Giao ban"
# "Kết luận của Thường trực Huyện ủy tại (buổi|cuộc họp) giao ban ngày 11/9/2023", in any case,
# across the line breaks of an extracted text; the date as 11/9/2023 or "ngày 11 tháng 9 năm 2023".
_CONCLUDES = re.compile(
    r"kết\s+luận\s+(?:của\s+(?P<who>.{3,120}?)\s+)?tại\s+(?P<what>.{3,160}?)\s*,?\s+ngày\s+"
    r"(?:(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"
    r"|(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>\d{4}))",
    re.IGNORECASE | re.DOTALL,
)
_MEETING_WORDS = re.compile(r"^(?:buổi|cuộc|phiên)\s+(?:họp\s+)?", re.IGNORECASE)
HEAD_CHARS = 1500  # the notice names its meeting in its title, near the top


@dataclass(frozen=True, slots=True)
class ConcludedMeeting:
    """The meeting a conclusions notice concludes: its day and a title to find or create it by."""

    day: dt.date
    title: str
    giao_ban: bool

    def as_json(self) -> dict[str, object]:
        return {"day": self.day.isoformat(), "title": self.title, "giao_ban": self.giao_ban}

    @classmethod
    def from_json(cls, data: dict[str, object] | None) -> ConcludedMeeting | None:
        if not data:
            return None
        return cls(dt.date.fromisoformat(str(data["day"])), str(data["title"]), bool(data["giao_ban"]))


def concluded_meeting(text: str) -> ConcludedMeeting | None:
    """The meeting a thông báo kết luận names at its head, or None for any other document."""
    head = " ".join(unicodedata.normalize("NFC", text[:HEAD_CHARS]).split())
    found = _CONCLUDES.search(head)
    if found is None:
        return None
    day, month, year = (found.group(k) or found.group(f"{k}2") for k in ("d", "m", "y"))
    try:
        day_on = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    what = _MEETING_WORDS.sub("", found.group("what").strip(" ,.")).strip()
    if GIAO_BAN in accent_free_key(what):
        return ConcludedMeeting(day_on, GIAO_BAN_TITLE, True)
    title = what if not what.isupper() else what[:1] + what[1:].lower()
    return ConcludedMeeting(day_on, title[:1].upper() + title[1:], False)


def is_giao_ban(title: str) -> bool:
    return GIAO_BAN in accent_free_key(title)


@dataclass(frozen=True, slots=True)
class UnitOverdue:
    unit: str
    count: int
    oldest_days: int  # working days the oldest one is overdue


@dataclass
class PackData:
    """Everything on the giao ban pack's one page."""

    day: dt.date  # the giao ban it is for
    office: str
    last_meeting: dt.date | None  # the last giao ban whose conclusions were entered
    concluded: Sequence[Line]  # what it decided, each with where it stands today
    overdue: Sequence[Line]
    due_this_week: Sequence[Line]
    extensions: Sequence[Line]

    @property
    def overdue_by_unit(self) -> list[UnitOverdue]:
        """Units with overdue tasks, most first (then the oldest overdue first)."""
        groups: dict[str, list[Line]] = {}
        for line in self.overdue:
            groups.setdefault(line.unit, []).append(line)
        rows = [
            UnitOverdue(unit, len(lines), max(line.days_overdue for line in lines))
            for unit, lines in groups.items()
        ]
        return sorted(rows, key=lambda r: (-r.count, -r.oldest_days, r.unit))
