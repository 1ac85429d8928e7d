"""Task rules: who may move a task where, what 'overdue' means, the four-way count, progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from domain.statuses import OPEN_STATUSES, Outcome, Role, TaskStatus
from domain.workdays import WorkCalendar

# Government holidays and swapped Saturdays; the office's own DAYS_OFF need the configured calendar.
DEFAULT_CALENDAR = WorkCalendar()

QUICK_PERCENTS = (25, 50, 75)


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def past_deadline(day: Any, deadline: Any) -> Any:
    """The one boundary of the four-way count: `day` is past `deadline` only once the deadline's
    own day has ended (Asia/Ho_Chi_Minh days). Finishing on the deadline is on time; a task due
    today is still in progress today.

    Written with one comparison so that it applies to dates here and to SQL expressions in
    storage/reports.py, which builds its CASE from it: one rule, not two copies."""
    return day > deadline


def four_way(*, done: bool, finished_late: bool, past_due: bool) -> Outcome:
    """Hoàn thành đúng hạn / quá hạn, đang thực hiện trong hạn / quá hạn chưa hoàn thành."""
    if done:
        return Outcome.DONE_LATE if finished_late else Outcome.DONE_ON_TIME
    return Outcome.OVERDUE if past_due else Outcome.ON_TRACK


def outcome(due_on: dt.date | None, status: str, done_on: dt.date | None, today: dt.date) -> Outcome:
    """The four-way outcome of one task against its current deadline (`due_on`: an approved
    extension has moved it, a rejected one never does); `done_on` is the local day of the
    official's completion report."""
    has_due = due_on is not None
    return four_way(
        done=status == TaskStatus.DONE,
        finished_late=has_due and done_on is not None and bool(past_deadline(done_on, due_on)),
        past_due=has_due and bool(past_deadline(today, due_on)),
    )


def days_overdue(
    due_on: dt.date | None, status: str, today: dt.date, calendar: WorkCalendar | None = None
) -> int:
    """Working days past the deadline of an open task (0 when not overdue); derived, never stored.

    A task due on Friday is overdue on Saturday but 0 working days late: see `is_overdue`."""
    if not is_overdue(due_on, status, today):
        return 0
    assert due_on is not None
    return (calendar or DEFAULT_CALENDAR).working_days_between(due_on, today)


def is_overdue(due_on: dt.date | None, status: str, today: dt.date) -> bool:
    return due_on is not None and is_open(status) and bool(past_deadline(today, due_on))


# What each button may do, from which statuses, and who may press it.
WORKERS = (Role.OFFICIAL, Role.LEADER, Role.ADMIN)
DECIDERS = (Role.LEADER, Role.ADMIN)


def can_report(status: str) -> bool:
    """Officials report progress, blockers and completion on open tasks not awaiting a decision.

    Who reports is decided beside it (handlers.tasks): only those who work on the task (their unit
    leads or cooperates, or they are named). Leaders and the office decide: they confirm, return,
    reopen and grant extensions, and may add a note, but never report for a unit."""
    return status in (TaskStatus.NEW, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED)


def may_confirm(confirmer_id: int | None, reporter_id: int | None) -> bool:
    """'Cần xác nhận' means someone else checks the work: never the one who reported it done."""
    return confirmer_id is not None and confirmer_id != reporter_id


def is_older_report(at: dt.datetime, progress_at: dt.datetime | None) -> bool:
    """Sent before the progress on the task: delivered late, it goes into the history only.
    Telegram dates have whole seconds, a button press has more: within one second, arrival order."""
    return progress_at is not None and at < progress_at.replace(microsecond=0)


def lowers_progress(stored_percent: float | None, new_percent: float) -> bool:
    """A reading below the last one: asked about first (a typo before must stay correctable)."""
    return stored_percent is not None and new_percent < stored_percent


def can_request_extension(status: str) -> bool:
    return status in (TaskStatus.NEW, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED)


def completion_status(needs_confirmation: bool) -> TaskStatus:
    """'Hoàn thành' either closes the task or sends it to the office to confirm."""
    return TaskStatus.AWAITING_CONFIRMATION if needs_confirmation else TaskStatus.DONE
