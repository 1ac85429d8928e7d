"""A directive's proposal into the database: its units matched to the tree, then the directive,
the accepted tasks and its dated meetings created in the caller's transaction, each task
announced through the outbox. A conclusions notice's tasks are tied to the meeting it concludes.

Importing the same document again creates nothing twice: a task already in the directive (same
title, same lead unit) and a meeting already on its day (same title) are kept as they are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.date_phrases import base_recurrence
from domain.dates import Due, fmt
from domain.directive import Proposal
from domain.giaoban import ConcludedMeeting
from storage import addressee_units, meetings, task_notices, tasks, units
from storage.models import Directive, Task

MEETING_AT = dt.time(8, 0)  # a programme gives a meeting's day, rarely its hour
NEW, UNDATED, RECURRING = "new", "undated", "recurring"
NAME_LIMIT = 50  # what Directive.number holds


@dataclass
class Imported:
    """What one import wrote: the directive's number, new task ids, and the meetings."""

    number: str
    task_ids: list[int] = field(default_factory=list)
    tasks_kept: int = 0  # already there from an earlier import
    meetings_created: list[int] = field(default_factory=list)
    meetings_kept: int = 0
    concluded_meeting_id: int | None = None


async def proposal_rows(
    session: AsyncSession, *, proposal: Proposal, office_unit_id: int | None = None
) -> list[dict[str, Any]]:
    """Each proposed task with the unit its lead name matches (or None; a group such as "các xã,
    thị trấn": its units, one task each) and the matched cooperating units; state 'pending' until
    a person accepts or skips it. The office's unit tells which district "Huyện ủy" is when the
    tree has several."""
    rows = []
    names = await addressee_units.load(session, issuer=proposal.directive.issuer, near=office_unit_id)
    for task in proposal.tasks:
        lead = addressee_units.leads([names.find(name) for name in task.lead_units])
        coop = [uid for name in task.cooperating_units for uid in names.find(name).unit_ids]
        rows.append(
            {
                **asdict(task),
                **addressee_units.lead_fields(lead),
                "coop_ids": list(dict.fromkeys(coop)),
                "state": "pending",
            }
        )
    return rows


async def meeting_rows(session: AsyncSession, *, proposal: Proposal) -> list[dict[str, Any]]:
    """Each proposed meeting with its items' preparing units matched to the tree. Only a dated
    one-off meeting is created ('new'); the weekly giao ban comes from the GIAO_BAN setting."""
    rows = []
    for meeting in proposal.meetings:
        state = RECURRING if meeting.recurrence else NEW if meeting.date else UNDATED
        items = []
        for item in meeting.items:
            match = await units.find_unit(session, query=item.preparing_unit) if item.preparing_unit else None
            found = match.found if match is not None else None
            items.append(
                {
                    "text": item.text,
                    "preparing_unit": item.preparing_unit,
                    "unit_id": found.unit_id if found else None,
                    "unit_name": found.name if found else None,
                }
            )
        rows.append({**asdict(meeting), "items": items, "state": state})
    return rows


def planned(rows: Sequence[dict[str, Any]]) -> tuple[int, list[tuple[str, int]]]:
    """How many tasks the accepted rows make (a group: one for each of its units), and the rows
    that make more than one: (their lead wording, how many)."""
    made = [(row, len(addressee_units.lead_ids(row))) for row in rows if row["state"] == "accepted"]
    return sum(n for _, n in made), [(", ".join(row["lead_units"]), n) for row, n in made if n > 1]


def ready(row: dict[str, Any], *, today: dt.date | None = None) -> bool:
    """A proposed task that can be created as it is: its unit is known and it has a deadline (one
    not yet past on `today`, when given: an old document's deadline needs a new one first)."""
    return row["unit_id"] is not None and row["due"] is not None and not past_due(row, today=today)


def past_due(row: dict[str, Any], *, today: dt.date | None) -> bool:
    """Whether the row's deadline fell before `today`: accepted as it is, the task would be born
    overdue (and top /status, the digest and /baocao)."""
    return today is not None and row["due"] is not None and dt.date.fromisoformat(row["due"]) < today


async def create_accepted(
    session: AsyncSession,
    *,
    info: dict[str, Any],
    rows: list[dict[str, Any]],
    fallback_number: str,
    created_by_id: int | None,
    today: dt.date,
    now: dt.datetime,
    zone: ZoneInfo,
    meeting_rows: Sequence[dict[str, Any]] = (),
    concludes: ConcludedMeeting | None = None,
    giao_ban_at: dt.time = MEETING_AT,
) -> Imported:
    """The directive (found by its number, or created), one task per accepted row not already in
    it, its dated meetings, and the tie of its tasks to the meeting it concludes. Never commits:
    the caller's transaction does."""
    issued = dt.date.fromisoformat(info["date"]) if info.get("date") else None
    accepted = [row for row in rows if row["state"] == "accepted"]
    summary = info.get("summary") or (accepted[0]["title"] if accepted else fallback_number)
    number = info.get("number") or await _free_name(session, fallback_number, summary=summary)
    directive = await tasks.add_directive(
        session,
        number=number,
        summary=summary,
        issued_on=issued,
        issuer=info.get("issuer"),
    )
    done = Imported(directive.number)
    if concludes is not None:
        day_start = dt.datetime.combine(concludes.day, dt.time(0), zone)
        meeting = await meetings.concluded(
            session,
            title=concludes.title,
            giao_ban=concludes.giao_ban,
            day_start=day_start,
            starts_at=dt.datetime.combine(
                concludes.day, giao_ban_at if concludes.giao_ban else MEETING_AT, zone
            ),
            now=now,
            actor_id=created_by_id,
        )
        done.concluded_meeting_id = meeting.id
    existing = set(
        (
            await session.exec(select(Task.title, Task.lead_unit_id).where(Task.directive_id == directive.id))
        ).all()
    )
    leads = [(row, unit_id) for row in accepted for unit_id in addressee_units.lead_ids(row)]
    for row, unit_id in leads:  # a group ("các xã, thị trấn"): one task for each of its units
        if (" ".join(row["title"].split())[:500], unit_id) in existing:
            done.tasks_kept += 1
            continue
        due_on = dt.date.fromisoformat(row["due"])
        task = await tasks.add_task(
            session,
            title=row["title"],
            body=row["text"],
            lead_unit_id=unit_id,
            due=Due(due_on, row["due_text"] or fmt(due_on)),
            directive_id=directive.id,
            cooperating_unit_ids=row["coop_ids"],
            recurrence=base_recurrence(row["recurrence"]) if row["recurrence"] else None,
            created_by_id=created_by_id,
            now=now,
        )
        task.meeting_id = done.concluded_meeting_id
        session.add(task)
        await task_notices.notify_assigned(session, task=task, today=today, now=now)
        done.task_ids.append(task.id or 0)
    await _meetings(session, meeting_rows, done=done, zone=zone, now=now, actor_id=created_by_id)
    return done


async def _free_name(session: AsyncSession, name: str, *, summary: str) -> str:
    """A name for a document without a number: the same document again (same summary) finds its
    directive; another one of the same name gets ' (2)', ' (3)', … rather than its tasks."""
    for n in range(1, 100):
        suffix = "" if n == 1 else f" ({n})"
        fits = name if len(name + suffix) <= NAME_LIMIT else name[: NAME_LIMIT - len(suffix) - 1]
        candidate = (fits if fits == name else fits.rsplit(" ", 1)[0] + "…") + suffix
        found = (
            await session.exec(select(Directive).where(func.lower(Directive.number) == candidate.lower()))
        ).first()
        if found is None or found.summary == summary:
            return candidate
    return name


async def _meetings(
    session: AsyncSession,
    rows: Sequence[dict[str, Any]],
    *,
    done: Imported,
    zone: ZoneInfo,
    now: dt.datetime,
    actor_id: int | None,
) -> None:
    for row in rows:
        if row["state"] != NEW:
            continue
        day = dt.date.fromisoformat(row["date"])
        meeting, created = await meetings.add_once(
            session,
            title=row["title"][:300],
            starts_at=dt.datetime.combine(day, MEETING_AT, zone),
            day_start=dt.datetime.combine(day, dt.time(0), zone),
            items=[(item["text"][:500], item["unit_id"]) for item in row["items"]],
            now=now,
            actor_id=actor_id,
        )
        if created:
            done.meetings_created.append(meeting.id or 0)
        else:
            done.meetings_kept += 1
