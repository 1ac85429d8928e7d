"""A directive's proposal into the database: its units matched to the tree, then the directive and
the accepted tasks created in the caller's transaction, each announced through the outbox."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from domain.date_phrases import base_recurrence
from domain.dates import Due, fmt
from domain.directive import Proposal
from storage import task_notices, tasks, units


async def proposal_rows(session: AsyncSession, *, proposal: Proposal) -> list[dict[str, Any]]:
    """Each proposed task with the unit its lead name matches (or None) and the matched
    cooperating units; state 'pending' until a person accepts or skips it."""
    rows = []
    for task in proposal.tasks:
        match = await units.find_unit(session, query=task.lead_units[0]) if task.lead_units else None
        found = match.found if match is not None else None
        coop = [await units.find_unit(session, query=name) for name in task.cooperating_units]
        rows.append(
            {
                **asdict(task),
                "unit_id": found.unit_id if found else None,
                "unit_name": found.name if found else None,
                "coop_ids": [m.found.unit_id for m in coop if m.found is not None],
                "state": "pending",
            }
        )
    return rows


def ready(row: dict[str, Any]) -> bool:
    """A proposed task that can be created as it is: its unit is known and it has a deadline."""
    return row["unit_id"] is not None and row["due"] is not None


async def create_accepted(
    session: AsyncSession,
    *,
    info: dict[str, Any],
    rows: list[dict[str, Any]],
    fallback_number: str,
    created_by_id: int | None,
    today: dt.date,
    now: dt.datetime,
) -> tuple[str, list[int]]:
    """The directive (found by its number, or created) and one task per accepted row; returns the
    directive's number and the new task ids. Never commits: the caller's transaction does."""
    issued = dt.date.fromisoformat(info["date"]) if info.get("date") else None
    accepted = [row for row in rows if row["state"] == "accepted"]
    directive = await tasks.add_directive(
        session,
        number=info.get("number") or fallback_number,
        summary=info.get("summary") or (accepted[0]["title"] if accepted else fallback_number),
        issued_on=issued,
        issuer=info.get("issuer"),
    )
    created = []
    for row in accepted:
        due_on = dt.date.fromisoformat(row["due"])
        task = await tasks.add_task(
            session,
            title=row["title"],
            body=row["text"],
            lead_unit_id=row["unit_id"],
            due=Due(due_on, row["due_text"] or fmt(due_on)),
            directive_id=directive.id,
            cooperating_unit_ids=row["coop_ids"],
            recurrence=base_recurrence(row["recurrence"]) if row["recurrence"] else None,
            created_by_id=created_by_id,
            now=now,
        )
        await task_notices.notify_assigned(session, task=task, today=today, now=now)
        created.append(task.id or 0)
    return directive.number, created
