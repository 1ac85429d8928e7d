"""Progress is one number: a percentage, and the count toward the target derived from it (or back)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from domain.vntext import accent_free_key

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_FRACTION = re.compile(rf"^\s*{_NUMBER}\s*/\s*{_NUMBER}\s*$")
_PERCENT = re.compile(rf"^\s*{_NUMBER}\s*%\s*$")
_BARE = re.compile(rf"^\s*{_NUMBER}\s*$")
MAX_PERCENT = 1000.0  # beyond ten times the target is a typing slip, not a report


def _float(text: str) -> float:
    return float(text.replace(",", "."))


@dataclass(frozen=True, slots=True)
class Progress:
    """One progress reading: `percent` always; `quantity` and `target` when the task counts something."""

    percent: float
    quantity: float | None = None
    target: float | None = None

    @property
    def exceeds(self) -> bool:
        return self.percent > 100


def from_percent(percent: float, target: float | None) -> Progress:
    """60% of a target of 12 is 7,2 of 12: both views of the same number."""
    percent = round(percent, 1)
    quantity = round(target * percent / 100, 2) if target else None
    return Progress(percent=percent, quantity=quantity, target=target or None)


def from_quantity(quantity: float, target: float) -> Progress:
    return Progress(percent=round(100 * quantity / target, 1), quantity=quantity, target=target)


@dataclass(frozen=True, slots=True)
class Reading:
    """How a reply was understood, so the bot can say so."""

    progress: Progress
    new_target: bool = False  # '5/12' on a task without a target: 12 becomes its target
    rescaled: bool = False  # '5/10' on a target of 12: read as 50%, that is 6/12
    rounded_from: float | None = None  # '60%' of 12 căn is 7,2: houses are counted whole, so 7


# Units counted one by one (as `accent_free_key` writes them): a count of them is never a fraction.
COUNTABLE = frozenset(
    {
        *("can", "ho", "nha", "nguoi", "truong", "lop", "cai", "chiec", "con", "buoi", "luot"),
        *("cuoc", "diem", "xa", "thon", "ap", "phong", "ban", "ho so", "hoc sinh", "cong trinh"),
        *("co so", "don vi", "mo hinh", "doi tuong", "ho gia dinh"),
    }
)


def is_countable(measure: str | None) -> bool:
    """'căn', 'hộ', 'căn nhà', 'hộ nghèo' are counted whole; 'km', 'ha', 'tỷ đồng' are not."""
    words = accent_free_key(measure or "")
    return bool(words) and (words in COUNTABLE or words.split()[0] in COUNTABLE)


def whole_units(reading: Reading, measure: str | None) -> Reading:
    """A fractional count of a countable unit, rounded to the nearest whole one (said to the user):
    never up to the whole target below 100%, nor down to nothing above 0%."""
    progress = reading.progress
    quantity, target = progress.quantity, progress.target
    if quantity is None or not target or quantity == int(quantity) or not is_countable(measure):
        return reading
    whole = float(int(quantity + 0.5))
    if progress.percent < 100 and whole >= target:
        whole = float(int(quantity))
    if progress.percent > 0 and whole == 0:
        whole = 1.0
    return replace(reading, progress=from_quantity(whole, target), rounded_from=quantity)


def read_progress(text: str, *, target: float | None, measure: str | None = None) -> Reading | None:
    """'5/12', '60%', '12,5%' or a bare count toward the task's target; None when it is not progress.
    A reading over 100% is returned too: the caller asks whether the target was exceeded. A count
    of a countable `measure` (căn, hộ…) comes out whole."""
    reading = _read(text, target=target)
    return whole_units(reading, measure) if reading is not None else None


def _read(text: str, *, target: float | None) -> Reading | None:
    fraction = _FRACTION.match(text)
    if fraction:
        done, total = (_float(g) for g in fraction.groups())
        if total <= 0 or 100 * done / total > MAX_PERCENT:
            return None
        if not target:
            return Reading(from_quantity(done, total), new_target=True)
        if total == target:
            return Reading(from_quantity(done, target))
        return Reading(from_percent(100 * done / total, target), rescaled=True)
    percent = _PERCENT.match(text)
    if percent:
        value = _float(percent.group(1))
        return Reading(from_percent(value, target)) if value <= MAX_PERCENT else None
    bare = _BARE.match(text)
    if bare and target:
        done = _float(bare.group(1))
        return Reading(from_quantity(done, target)) if 100 * done / target <= MAX_PERCENT else None
    return None


def encode(progress: Progress) -> str:
    """For a button: 'q2000' (a count) or 'p15000' (a percentage), in hundredths: a plain word."""
    if progress.quantity is not None:
        return f"q{round(progress.quantity * 100)}"
    return f"p{round(progress.percent * 100)}"


def decode(value: str, *, target: float | None) -> Progress | None:
    """The inverse of `encode`, against the task's target now; None for anything else."""
    digits = value[1:]
    if not digits.isascii() or not digits.isdigit() or len(digits) > 9:
        return None
    number = int(digits) / 100
    if value.startswith("q") and target:
        return from_quantity(number, target) if 100 * number / target <= MAX_PERCENT else None
    if value.startswith("p") and number <= MAX_PERCENT:
        return from_percent(number, target)
    return None


def current(percent: float | None, quantity: float | None, target: float | None) -> Progress | None:
    """A task's stored progress as one reading (None before any report): what the card, /status,
    the digest and the workbook all show, through `task_texts.progress_text`."""
    if target:
        if quantity is None and percent is not None:
            return from_percent(percent, target)
        return from_quantity(quantity or 0, target)
    return from_percent(percent, None) if percent is not None else None


def is_unstarted(percent: float | None) -> bool:
    """No progress reported yet (0/12): finishing now deserves a second look."""
    return not percent


# 'xong', 'đã xong rồi ạ', 'Hoàn thành!', 'da hoan tat': a reply that means the task is done.
_DONE = re.compile(r"^(?:da |em da |toi da )?(?:xong|hoan thanh|hoan tat)(?: roi)?(?: a| nhe)?$")


def means_done(text: str) -> bool:
    """A reply that says the work is finished, with or without accents."""
    return bool(_DONE.match(accent_free_key(text)))
