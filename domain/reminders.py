"""Reminder policy: which reminders fall on which working day, and escalation of overdue tasks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from domain.workdays import WorkCalendar


class Audience(StrEnum):
    ASSIGNEES = "assignees"  # the lead unit's officials and those named on the task
    HEADS = "heads"  # the head of the lead unit ("người đứng đầu ... chịu trách nhiệm")
    LEADERS = "leaders"


@dataclass(frozen=True, slots=True)
class Policy:
    """The admin's reminder settings (defaults as the directives' rhythm suggests)."""

    days_before: tuple[int, ...] = (7, 3, 1, 0)  # working days before the deadline; 0 = on the day
    send_at: dt.time = dt.time(8, 0)
    quiet_start: dt.time = dt.time(20, 0)  # nothing is sent from here...
    quiet_end: dt.time = dt.time(7, 0)  # ...until here
    escalate_after: int = 3  # working days overdue before the unit's head is told; twice that: leaders
    giao_ban_weekday: int = 0  # Monday
    giao_ban_at: dt.time = dt.time(14, 0)
    meeting_prep_days: tuple[int, ...] = (3, 1)
    checkin_weekday: int = 4  # Friday
    checkin_at: dt.time = dt.time(14, 0)
    checkin_again_at: dt.time = dt.time(16, 30)
    digest_at: dt.time = dt.time(7, 30)  # the Monday digest, before the afternoon giao ban


@dataclass(frozen=True, slots=True)
class Reminder:
    """One reminder to enqueue: its dedupe key says what, for which deadline, on which day."""

    key: str
    kind: str
    audience: Audience
    day: dt.date
    detail: int = 0  # working days before (or overdue)


def in_quiet_hours(moment: dt.time, policy: Policy) -> bool:
    """Whether `moment` falls in the window [quiet_start, quiet_end): a night window crosses
    midnight (20:00-07:00), a daytime one does not (13:00-14:00); equal ends mean no quiet hours."""
    start, end = policy.quiet_start, policy.quiet_end
    if start < end:
        return start <= moment < end
    if start > end:
        return moment >= start or moment < end
    return False


def task_reminders_on(
    task_id: int, due_on: dt.date, today: dt.date, calendar: WorkCalendar, policy: Policy
) -> list[Reminder]:
    """The reminders of one open task that fall on `today` (a working day)."""
    if not calendar.is_working_day(today):
        return []
    found: list[Reminder] = []
    base = f"task:{task_id}:due:{due_on.isoformat()}"
    for before in policy.days_before:
        # "On the day" of a deadline on a holiday is the working day before; so are the others.
        day = (
            calendar.shift(calendar.on_or_before(due_on), -before)
            if before
            else calendar.on_or_before(due_on)
        )
        if day == today:
            found.append(Reminder(f"{base}:before:{before}", "task.due", Audience.ASSIGNEES, today, before))
            break
    if today > due_on:
        late = calendar.working_days_between(due_on, today)
        overdue = f"task:{task_id}:overdue:{due_on.isoformat()}"
        found.append(
            Reminder(f"{overdue}:{today.isoformat()}", "task.overdue", Audience.ASSIGNEES, today, late)
        )
        # Escalations go once per deadline (their keys carry no date): on the day the threshold is
        # reached, or the first working day after it if the bot was down then.
        if late >= policy.escalate_after:
            found.append(Reminder(f"{overdue}:heads", "task.escalated", Audience.HEADS, today, late))
        if late >= 2 * policy.escalate_after:
            found.append(Reminder(f"{overdue}:leaders", "task.escalated", Audience.LEADERS, today, late))
    return found


def due_dates_reminded_on(
    today: dt.date, calendar: WorkCalendar, policy: Policy
) -> list[tuple[dt.date, dt.date]]:
    """Date ranges [start, end) of deadlines that get a 'before' reminder today, so that a tick
    reads only those tasks instead of every open task of the province."""
    if not calendar.is_working_day(today):
        return []
    ranges = []
    for before in policy.days_before:
        anchor = calendar.shift(today, before) if before else today
        # Deadlines on the holidays and weekend after the anchor are reminded with it.
        ranges.append((anchor, calendar.shift(anchor, 1)))
    return ranges


def giao_ban_day(week_monday: dt.date, calendar: WorkCalendar, policy: Policy) -> dt.date:
    """The weekly giao ban of the week: on its weekday, or the next working day when that is a
    holiday (the documented rule: a holiday Monday moves the meeting to Tuesday)."""
    return calendar.on_or_after(week_monday + dt.timedelta(days=policy.giao_ban_weekday))


def meeting_prep_days(meeting_day: dt.date, calendar: WorkCalendar, policy: Policy) -> dict[int, dt.date]:
    """When the preparing units are reminded: N working days before the meeting."""
    return {n: calendar.shift(meeting_day, -n) for n in policy.meeting_prep_days}
