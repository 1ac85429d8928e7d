"""Unit mergers (sắp xếp đơn vị hành chính): what would move, the move with its record, and its undoing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain import cli_texts
from domain.units import is_exact
from storage.audit import add_audit
from storage.models import Household, MeetingItem, Official, Task, TaskUnit, Unit, UnitAlias, UnitMerge
from storage.units import add_aliases, find_unit

# What a merger moves from the old units to the new one: (record name, model, column).
MOVES: tuple[tuple[str, Any, Any], ...] = (
    ("official", Official, Official.unit_id),
    ("task", Task, Task.lead_unit_id),
    ("household", Household, Household.unit_id),
    ("meeting_item", MeetingItem, MeetingItem.preparing_unit_id),
    ("unit", Unit, Unit.parent_id),
)


class MergeError(ValueError):
    """A merger that must not happen (an unknown target, a unit into itself); Vietnamese message."""


@dataclass
class MergePlan:
    """Who and what would move, counted, before anything is written."""

    target: Unit
    sources: list[Unit]
    counts: dict[str, int] = field(default_factory=dict)  # MOVES names, plus "cooperating"


async def exact_unit(session: AsyncSession, *, text: str) -> Unit:
    """The active unit whose name or former name is exactly `text` (any accents, case, kind word);
    a misspelt or ambiguous name is refused with the closest names, never guessed."""
    match = await find_unit(session, query=text)
    if match.found is None or not is_exact(text, match.found):
        near = [c.label for c in match.candidates[:5]] or ([match.found.label] if match.found else [])
        raise MergeError(cli_texts.no_exact_unit(text, near))
    unit = await session.get(Unit, match.found.unit_id)
    assert unit is not None
    return unit


async def plan_merge(session: AsyncSession, *, sources: Sequence[Unit], target: Unit) -> MergePlan:
    """Count what would move; a unit merged into itself (also through a former name) is refused."""
    unique = list({u.id: u for u in sources}.values())
    for unit in unique:
        if unit.id == target.id:
            raise MergeError(cli_texts.merge_into_itself(unit.name))
    ids = [u.id for u in unique]
    counts = {}
    for name, model, column in MOVES:
        counts[name] = (
            await session.exec(select(func.count()).select_from(model).where(col(column).in_(ids)))
        ).one()
    counts["cooperating"] = (
        await session.exec(select(func.count()).select_from(TaskUnit).where(col(TaskUnit.unit_id).in_(ids)))
    ).one()
    return MergePlan(target, unique, counts)


async def merge_units(
    session: AsyncSession, *, plan: MergePlan, now: dt.datetime, actor_id: int | None = None
) -> UnitMerge:
    """Move people, tasks, households, agenda items and child units into the target; the old units
    stay, marked merged, their names find the target; every moved row is recorded for undoing."""
    target, ids = plan.target, [u.id for u in plan.sources]
    rows: dict[str, list[list[int]]] = {}
    for name, model, column in MOVES:
        found = (await session.exec(select(model.id, column).where(col(column).in_(ids)))).all()
        rows[name] = [[row_id, from_id] for row_id, from_id in found]
        await session.exec(update(model).where(col(column).in_(ids)).values({column.key: target.id}))
    # A cooperating-unit row would collide if the target cooperates already: keep one.
    cooperating = (await session.exec(select(TaskUnit).where(col(TaskUnit.unit_id).in_(ids)))).all()
    present = set((await session.exec(select(TaskUnit.task_id).where(TaskUnit.unit_id == target.id))).all())
    rows["cooperating"] = []
    for link in cooperating:
        added = link.task_id not in present
        rows["cooperating"].append([link.task_id, link.unit_id, int(added)])
        await session.delete(link)
        if added:
            session.add(TaskUnit(task_id=link.task_id, unit_id=target.id))
            present.add(link.task_id)
    before = set((await session.exec(select(UnitAlias.key).where(UnitAlias.unit_id == target.id))).all())
    for unit in plan.sources:
        unit.active = False
        unit.merged_into_id = target.id
        former = (await session.exec(select(UnitAlias.name).where(UnitAlias.unit_id == unit.id))).all()
        await add_aliases(session, unit=target, names=[unit.name, *former])
    await session.flush()
    after = set((await session.exec(select(UnitAlias.key).where(UnitAlias.unit_id == target.id))).all())
    record = UnitMerge(
        target_id=target.id or 0,
        at=now,
        moved={"sources": ids, "rows": rows, "aliases": sorted(after - before)},
    )
    session.add(record)
    await session.flush()
    await add_audit(
        session,
        at=now,
        action="units.merge",
        official_id=actor_id,
        entity="unit",
        entity_id=target.id,
        detail={"from": [u.name for u in plan.sources], "into": target.name, "merge_id": record.id},
    )
    return record


async def unmerge(
    session: AsyncSession, *, merge_id: int, now: dt.datetime, actor_id: int | None = None
) -> UnitMerge:
    """Undo a merger: the old units come back with what moved (rows since moved elsewhere stay)."""
    record = await session.get(UnitMerge, merge_id)
    if record is None:
        raise MergeError(cli_texts.no_merge(merge_id))
    if record.undone_at is not None:
        raise MergeError(cli_texts.merge_already_undone(merge_id, record.undone_at))
    target_id, rows = record.target_id, record.moved.get("rows", {})
    for name, model, column in MOVES:
        for row_id, from_id in rows.get(name, []):
            await session.exec(
                update(model)
                .where(col(model.id) == row_id, col(column) == target_id)
                .values({column.key: from_id})
            )
    for task_id, from_id, added in rows.get("cooperating", []):
        if added:
            await session.exec(
                delete(TaskUnit).where(col(TaskUnit.task_id) == task_id, col(TaskUnit.unit_id) == target_id)
            )
        if await session.get(TaskUnit, (task_id, from_id)) is None:
            session.add(TaskUnit(task_id=task_id, unit_id=from_id))
    await session.exec(
        delete(UnitAlias).where(
            col(UnitAlias.unit_id) == target_id, col(UnitAlias.key).in_(record.moved.get("aliases", []))
        )
    )
    for unit_id in record.moved.get("sources", []):
        unit = await session.get(Unit, unit_id)
        if unit is not None and unit.merged_into_id == target_id:
            unit.active, unit.merged_into_id = True, None
    record.undone_at = now
    await add_audit(
        session,
        at=now,
        action="units.unmerge",
        official_id=actor_id,
        entity="unit",
        entity_id=target_id,
        detail={"merge_id": merge_id},
    )
    await session.flush()
    return record


async def list_merges(session: AsyncSession) -> list[tuple[UnitMerge, dict[int, str]]]:
    """Every merger, newest first, with the names of the units it joined."""
    records = (await session.exec(select(UnitMerge).order_by(col(UnitMerge.id).desc()))).all()
    ids = {r.target_id for r in records} | {u for r in records for u in r.moved.get("sources", [])}
    names = dict((await session.exec(select(Unit.id, Unit.name).where(col(Unit.id).in_(ids)))).all())
    return [(r, names) for r in records]
