"""The monthly report: its data, the month it covers, and the prose template the office edits."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from domain.statuses import Outcome
from domain.vntext import accent_free_key

TEMPLATE = "monthly.toml"
# Read on the accent-free key, where '/', '.' and '-' are spaces: 'tháng 10/2026', 'thang 10',
# 'Tháng 10 năm 2026', '10' (NFC or NFD, any case).
_MONTH = re.compile(r"^(?:thang ?)?(\d{1,2})(?: (?:nam )?(\d{4}))?$")
OUTCOMES = (Outcome.DONE_ON_TIME, Outcome.DONE_LATE, Outcome.ON_TRACK, Outcome.OVERDUE)


@dataclass(frozen=True, slots=True, order=True)
class Month:
    year: int
    month: int

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        return self.next().first - dt.timedelta(days=1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)


def parse_month(text: str, *, today: dt.date) -> Month | None:
    """'11/2026', '11', 'tháng 11', 'thang 11' (this year) or '' (this month); None for anything else."""
    if not text.strip():
        return Month(today.year, today.month)
    found = _MONTH.match(accent_free_key(text))
    if found is None:
        return None
    month, year = int(found.group(1)), int(found.group(2) or today.year)
    return Month(year, month) if 1 <= month <= 12 and 2000 <= year <= 2100 else None


def month_out_of_range(text: str) -> int | None:
    """The month number of a month-shaped text that names no month ('13/2026' → 13), else None."""
    found = _MONTH.match(accent_free_key(text))
    month = int(found.group(1)) if found else None
    return month if month is not None and not 1 <= month <= 12 else None


@dataclass(frozen=True, slots=True)
class ReportTask:
    """One task the report counts; the appendix lists every one of them."""

    task_id: int
    title: str
    unit: str
    directive: str  # "" when the task came from no directive
    due_on: dt.date | None
    status: str
    outcome: Outcome
    late_days: int = 0  # working days: how late it was finished, or how long it is overdue


@dataclass(frozen=True, slots=True)
class Item:
    """A line of sections III and V: a task with what is said about it."""

    title: str
    unit: str
    due_on: dt.date | None
    note: str | None = None
    requested_on: dt.date | None = None
    decision: str = "pending"


@dataclass(frozen=True, slots=True)
class Houses:
    programme: str
    unit_label: str
    planned: int
    started: int
    handed_over: int
    pledged: float
    transferred: float
    funds: Sequence[tuple[str, float]] = ()  # (source label, amount)


@dataclass
class ReportData:
    month: Month
    as_of: dt.date  # figures as of this day: the month's last day, or today within the month
    issuer: str  # the unit that reports
    state_layout: bool  # a People's Committee: Nghị định 30/2020 instead of Hướng dẫn 36-HD/VPTW
    tasks: Sequence[ReportTask]
    blockers: Sequence[Item] = ()
    extensions: Sequence[Item] = ()
    houses: Houses | None = None
    next_month: Sequence[Item] = field(default_factory=tuple)


def count(tasks: Iterable[ReportTask]) -> dict[Outcome, int]:
    counts = dict.fromkeys(OUTCOMES, 0)
    for task in tasks:
        counts[task.outcome] += 1
    return counts


def grouped(tasks: Iterable[ReportTask], key: Callable[[ReportTask], str]) -> dict[str, list[ReportTask]]:
    groups: dict[str, list[ReportTask]] = {}
    for task in tasks:
        groups.setdefault(key(task), []).append(task)
    return dict(sorted(groups.items()))


def percent(part: int, whole: int) -> str:
    """'37,5%': Vietnamese decimal comma, one decimal at most."""
    if not whole:
        return "0%"
    return f"{100 * part / whole:.1f}".rstrip("0").rstrip(".").replace(".", ",") + "%"


def money(amount: float) -> str:
    """'40.000.000': Vietnamese thousands separators."""
    return f"{round(amount):,}".replace(",", ".")


@cache
def template(name: str = TEMPLATE) -> dict[str, Any]:
    """The prose of the report, from the TOML file shipped beside this module."""
    return tomllib.loads(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))
