"""Households of a housing programme: adding, stages, locations, progress and the export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.people import clean_name
from domain.programmes import CaseRow, Programme, Progress, progress
from domain.vntext import accent_free_key
from storage import photos
from storage.audit import add_audit
from storage.models import Household, Unit
from storage.units import unit_names


async def add_household(
    session: AsyncSession,
    *,
    programme: Programme,
    unit_id: int,
    head_name: str,
    now: dt.datetime,
    hamlet: str | None = None,
    track: str | None = None,
    work_kind: str | None = None,
    funds: dict[str, float] | None = None,
    transferred: float = 0.0,
    registered_month: str | None = None,
    stage: str | None = None,
    notes: str | None = None,
    official_id: int | None = None,
) -> Household:
    name = clean_name(head_name)
    household = Household(
        programme=programme.key,
        unit_id=unit_id,
        hamlet=hamlet,
        head_name=name,
        head_key=accent_free_key(name),
        track=track,
        work_kind=work_kind,
        funds=funds or {},
        transferred=transferred,
        registered_month=registered_month,
        stage=stage or programme.first_stage,
        notes=notes,
        official_id=official_id,
    )
    session.add(household)
    await session.flush()
    await add_audit(
        session,
        at=now,
        action="households.add",
        official_id=official_id,
        entity="household",
        entity_id=household.id,
        detail={"name": name},
    )
    return household


async def get_household(session: AsyncSession, *, household_id: int) -> Household | None:
    return await session.get(Household, household_id)


async def set_location(
    session: AsyncSession,
    *,
    household: Household,
    lat: float,
    lon: float,
    official_id: int | None,
    now: dt.datetime,
) -> None:
    """Where the house stands, as the official shared it."""
    household.gps_lat, household.gps_lon = lat, lon
    await add_audit(
        session,
        at=now,
        action="households.location",
        official_id=official_id,
        entity="household",
        entity_id=household.id,
    )


async def households_of(session: AsyncSession, *, unit_id: int, programme: str) -> list[Household]:
    result = await session.exec(
        select(Household)
        .where(Household.unit_id == unit_id, Household.programme == programme)
        .order_by(col(Household.head_key))
    )
    return list(result.all())


async def set_stage(
    session: AsyncSession,
    *,
    household: Household,
    stage: str,
    on: dt.date,
    programme: Programme,
    official_id: int | None,
    now: dt.datetime,
) -> bool:
    """Move a household forward to `stage` on date `on`; never backwards. True when it moved."""
    if programme.stage_index(stage) <= programme.stage_index(household.stage):
        return False
    household.stage, household.stage_on = stage, on
    household.extra = {
        **household.extra,
        "stage_dates": {**household.extra.get("stage_dates", {}), stage: on.isoformat()},
    }
    await add_audit(
        session,
        at=now,
        action="households.stage",
        official_id=official_id,
        entity="household",
        entity_id=household.id,
        detail={"stage": stage, "on": on.isoformat()},
    )
    return True


async def progress_of(
    session: AsyncSession,
    *,
    programme: Programme,
    unit_ids: Sequence[int] | None,
    today: dt.date,
    working_days_left: int | None,
) -> Progress:
    query = select(Household).where(Household.programme == programme.key)
    if unit_ids is not None:
        query = query.where(col(Household.unit_id).in_(list(unit_ids)))
    rows = [
        CaseRow(
            h.track,
            h.work_kind,
            h.stage,
            float(sum(h.funds.values())) if h.funds else 0.0,
            h.transferred or 0.0,
        )
        for h in (await session.exec(query)).all()
    ]
    return progress(programme, rows, today=today, working_days_left=working_days_left)


async def units_with_households(session: AsyncSession, *, programme: str) -> list[tuple[int, str]]:
    result = await session.exec(
        select(Unit.id, Unit.name)
        .join(Household, col(Household.unit_id) == Unit.id)
        .where(Household.programme == programme)
        .distinct()
        .order_by(col(Unit.name))
    )
    return [(unit_id, name) for unit_id, name in result.all() if unit_id is not None]


async def export_rows(
    session: AsyncSession, *, programme: Programme, unit_ids: Sequence[int] | None, unit_names: dict[int, str]
) -> list[list[object]]:
    """Every household (of some units) with its stage, funds, photo count and duplicate flag."""
    query = select(Household).where(Household.programme == programme.key)
    if unit_ids is not None:
        query = query.where(col(Household.unit_id).in_(list(unit_ids)))
    cases = list((await session.exec(query.order_by(col(Household.unit_id), col(Household.head_key)))).all())
    counts = await photos.photo_counts(session, household_ids=[h.id or 0 for h in cases])
    flagged = {h.id for _, h in await photos.flagged_photos(session)}
    return [
        [
            unit_names.get(h.unit_id, ""),
            h.hamlet or "",
            h.head_name,
            programme.tracks.get(h.track or "", ""),
            programme.work_kinds.get(h.work_kind or "", ""),
            programme.stage_label(h.stage),
            h.stage_on.strftime("%d/%m/%Y") if h.stage_on else "",
            float(sum(h.funds.values())),
            float(h.transferred or 0),
            counts.get(h.id or 0, 0),
            "có" if h.id in flagged else "",
            h.gps_lat,
            h.gps_lon,
            h.notes or "",
        ]
        for h in cases
    ]


async def progress_by_unit(
    session: AsyncSession,
    *,
    programme: Programme,
    today: dt.date,
    working_days_left: int | None,
    unit_ids: Sequence[int] | None = None,
) -> list[tuple[int, str, Progress]]:
    """Each unit's progress (of all units, or of some) from one read of the programme's households."""
    query = (
        select(
            Household.unit_id,
            Unit.name,
            Household.track,
            Household.work_kind,
            Household.stage,
            Household.funds,
            Household.transferred,
        )
        .join(Unit, col(Household.unit_id) == Unit.id)
        .where(Household.programme == programme.key)
    )
    if unit_ids is not None:
        query = query.where(col(Household.unit_id).in_(list(unit_ids)))
    rows = (await session.exec(query)).all()
    grouped: dict[tuple[int, str], list[CaseRow]] = {}
    for unit_id, name, track, kind, stage, funds, transferred in rows:
        pledged = float(sum(funds.values())) if funds else 0.0
        grouped.setdefault((unit_id, name), []).append(
            CaseRow(track, kind, stage, pledged, transferred or 0.0)
        )
    return [
        (unit_id, name, progress(programme, cases, today=today, working_days_left=working_days_left))
        for (unit_id, name), cases in sorted(grouped.items(), key=lambda kv: kv[0][1])
    ]


async def export_data(
    session: AsyncSession, *, programme: Programme, unit_ids: Sequence[int] | None
) -> tuple[list[list[object]], list[tuple[str, Progress]]]:
    """What the export workbook holds: every household's row, and each unit's progress."""
    names = {u.unit_id: u.name for u in await unit_names(session, active_only=False)}
    rows = await export_rows(session, programme=programme, unit_ids=unit_ids, unit_names=names)
    per_unit = await progress_by_unit(
        session, programme=programme, today=dt.date.min, working_days_left=None, unit_ids=unit_ids
    )
    return rows, [(name, result) for _, name, result in per_unit]
