"""A task as it stood at the end of a past month, read back from its recorded history: the status
changes of task_update and the decisions on extension requests. The four-way count is then
domain.tasks.outcome on these values, the same rule /status and the digest run on today's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from domain.statuses import TaskStatus

# The statuses a completion goes through: the official's report, then the office's confirmation.
FINISHING = (TaskStatus.AWAITING_CONFIRMATION, TaskStatus.DONE)


def status_then(changes: Sequence[tuple[dt.datetime, str]]) -> tuple[str, dt.datetime | None]:
    """The status after the last of `changes` (status changes before the cut-off, oldest first),
    and, when that is 'done', when the completion was reported: the change that began the last run
    of reported-then-confirmed (on time or late is judged by the official's report, as on the task)."""
    status = changes[-1][1]
    if status != TaskStatus.DONE:
        return status, None
    reported = changes[-1][0]
    for at, new_status in reversed(changes):
        if new_status not in FINISHING:
            break
        reported = at
    return status, reported


def deadline_then(
    original: dt.date | None, approvals: Sequence[tuple[dt.datetime, dt.date]], end: dt.datetime
) -> dt.date | None:
    """The deadline in force just before `end`: the date of the last extension approved before it
    (`approvals`: decision time and new date), else the original one. Approvals after `end` do not
    move a month that had ended."""
    moved = [(at, due) for at, due in approvals if at < end]
    return max(moved)[1] if moved else original
