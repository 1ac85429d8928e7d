"""Everything the office may want in one workbook (`nhacviec export`): tasks, their updates,
households and the records of the photos, with names instead of ids where a person reads them.

Rows are read in id order, a table at a time; the workbook writer streams them out."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.programmes import Programme
from domain.task_texts import STATUS_LABELS
from storage.models import Directive, Household, Official, Photo, Task, TaskUnit, TaskUpdate, Unit


@dataclass(frozen=True, slots=True)
class ExportRows:
    tasks: list[list[object]]
    updates: list[list[object]]
    households: list[list[object]]
    photos: list[list[object]]


async def export_rows(session: AsyncSession, *, zone: ZoneInfo, programme: Programme) -> ExportRows:
    units = {u.id: u.name for u in (await session.exec(select(Unit))).all()}
    people = {o.id: o.full_name for o in (await session.exec(select(Official))).all()}
    directives = {d.id: d.number for d in (await session.exec(select(Directive))).all()}
    tasks = (await session.exec(select(Task).order_by(col(Task.id)))).all()
    titles = {t.id: t.title for t in tasks}
    cooperating: dict[int, list[str]] = defaultdict(list)
    for link in (await session.exec(select(TaskUnit).order_by(col(TaskUnit.unit_id)))).all():
        cooperating[link.task_id].append(units.get(link.unit_id, str(link.unit_id)))

    def local(moment: dt.datetime | None) -> dt.datetime | None:
        """A naive local time: what a spreadsheet cell holds."""
        return moment.astimezone(zone).replace(tzinfo=None) if moment is not None else None

    def status(value: str | None) -> str | None:
        return STATUS_LABELS.get(value, value) if value else None  # type: ignore[call-overload]

    task_rows: list[list[object]] = [
        [
            t.id,
            t.title,
            directives.get(t.directive_id) if t.directive_id else None,
            units.get(t.lead_unit_id),
            ", ".join(cooperating.get(t.id or 0, [])) or None,
            t.due_on,
            t.original_due_on if t.original_due_on != t.due_on else None,
            t.due_wording,
            t.recurrence,
            _target(t.target_quantity, t.target_measure),
            t.progress_percent / 100 if t.progress_percent is not None else None,
            status(t.status),
            local(t.reported_done_at),
            local(t.completed_at),
            local(t.created_at),
        ]
        for t in tasks
    ]
    updates = (await session.exec(select(TaskUpdate).order_by(col(TaskUpdate.id)))).all()
    update_rows: list[list[object]] = [
        [
            u.task_id,
            titles.get(u.task_id),
            people.get(u.official_id) if u.official_id else None,
            local(u.at),
            status(u.new_status),
            u.progress_percent / 100 if u.progress_percent is not None else None,
            u.progress_quantity,
            u.note,
        ]
        for u in updates
    ]
    households = (await session.exec(select(Household).order_by(col(Household.id)))).all()
    house_rows: list[list[object]] = [
        [
            h.id,
            units.get(h.unit_id),
            h.hamlet,
            h.head_name,
            programme.tracks.get(h.track, h.track) if h.track else None,
            programme.work_kinds.get(h.work_kind, h.work_kind) if h.work_kind else None,
            programme.stage_label(h.stage),
            h.stage_on,
            _funds(h.funds),
            h.transferred,
            people.get(h.official_id) if h.official_id else None,
            h.gps_lat,
            h.gps_lon,
            h.notes,
        ]
        for h in households
    ]
    photos = (await session.exec(select(Photo).order_by(col(Photo.id)))).all()
    photo_rows: list[list[object]] = [
        [
            p.id,
            p.task_id,
            p.household_id,
            people.get(p.official_id) if p.official_id else None,
            programme.stage_label(p.stage) if p.stage else None,
            p.caption,
            local(p.taken_at),
            local(p.created_at),
            p.gps_lat,
            p.gps_lon,
            p.duplicate_of_id,
            p.path,
            p.size_bytes,
            p.sha256,
        ]
        for p in photos
    ]
    return ExportRows(task_rows, update_rows, house_rows, photo_rows)


def _target(quantity: float | None, measure: str | None) -> str | None:
    if quantity is None:
        return None
    number = int(quantity) if quantity == int(quantity) else quantity
    return f"{number} {measure}".strip() if measure else str(number)


def _funds(funds: dict[str, object]) -> float | None:
    """The pledged funds of every source, in đồng (the sources are in the household's record)."""
    values = [float(v) for v in funds.values() if isinstance(v, int | float)]
    return sum(values) if values else None
