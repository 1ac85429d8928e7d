"""Task rules: who may move a task where, what 'overdue' means, the four-way count, progress."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from domain.statuses import OPEN_STATUSES, Outcome, Role, TaskStatus

QUICK_PERCENTS = (25, 50, 75)
_FRACTION = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*/\s*(\d+(?:[.,]\d+)?)\s*$")
_PERCENT = re.compile(r"^\s*(\d{1,3})(?:[.,]\d+)?\s*%\s*$")


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def days_overdue(due_on: dt.date | None, status: str, today: dt.date) -> int:
    """Calendar days past the deadline of an open task (0 when not overdue); derived, never stored."""
    if due_on is None or not is_open(status) or due_on >= today:
        return 0
    return (today - due_on).days


def outcome(due_on: dt.date | None, status: str, done_on: dt.date | None, today: dt.date) -> Outcome:
    """Hoàn thành đúng hạn / quá hạn, đang thực hiện trong hạn / quá hạn chưa hoàn thành."""
    if status == TaskStatus.DONE:
        late = due_on is not None and done_on is not None and done_on > due_on
        return Outcome.DONE_LATE if late else Outcome.DONE_ON_TIME
    if due_on is not None and due_on < today:
        return Outcome.OVERDUE
    return Outcome.ON_TRACK


@dataclass(frozen=True, slots=True)
class Progress:
    """A progress report: a count toward the target ('5/12'), or a percentage ('60%')."""

    quantity: float | None = None
    target: float | None = None
    percent: int | None = None


def parse_progress(text: str, *, target: float | None = None) -> Progress | None:
    """'5/12' → 5 of 12; '60%' → 60 percent; a bare number counts toward a task's target."""
    fraction = _FRACTION.match(text)
    if fraction:
        done, total = (float(g.replace(",", ".")) for g in fraction.groups())
        if total <= 0 or done < 0 or done > total:
            return None
        return Progress(quantity=done, target=total, percent=round(100 * done / total))
    percent = _PERCENT.match(text)
    if percent:
        value = int(percent.group(1))
        return Progress(percent=value) if 0 <= value <= 100 else None
    bare = text.strip().replace(",", ".")
    if target and re.fullmatch(r"\d+(?:\.\d+)?", bare):
        done = float(bare)
        if done <= target:
            return Progress(quantity=done, target=target, percent=round(100 * done / target))
    return None


# What each button may do, from which statuses, and who may press it.
WORKERS = (Role.OFFICIAL, Role.LEADER, Role.ADMIN)
DECIDERS = (Role.LEADER, Role.ADMIN)


def can_report(status: str) -> bool:
    """Officials report progress, blockers and completion on open tasks not awaiting a decision."""
    return status in (TaskStatus.NEW, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED)


def can_request_extension(status: str) -> bool:
    return status in (TaskStatus.NEW, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED)


def completion_status(needs_confirmation: bool) -> TaskStatus:
    """'Hoàn thành' either closes the task or sends it to the office to confirm."""
    return TaskStatus.AWAITING_CONFIRMATION if needs_confirmation else TaskStatus.DONE
