"""Units: the tree, lookup by what people type, seeding from the official list, imports.

Mergers are in storage/unit_merges.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.people import RowError, clean_name
from domain.sheets import SheetRow, check_columns
from domain.statuses import UnitKind
from domain.units import UnitMatch, UnitName, kind_from_text, lookup_key, match_unit
from storage.audit import add_audit
from storage.former_units import add_former_names
from storage.models import Unit, UnitAlias

# Columns a units file cannot do without (label → accepted header keys, accent-free).
IMPORT_REQUIRED = {"Tên đơn vị": ("ten don vi", "don vi", "ten"), "Loại": ("loai", "loai don vi", "cap")}
_WARD_KINDS = {"xã": UnitKind.COMMUNE, "phường": UnitKind.WARD, "đặc khu": UnitKind.SPECIAL_ZONE}


async def add_unit(
    session: AsyncSession,
    *,
    name: str,
    kind: str,
    parent_id: int | None = None,
    code: str | None = None,
    aliases: Sequence[str] = (),
) -> Unit:
    """Create a unit (and its former names); flushes to get the id, never commits."""
    name = clean_name(name)
    unit = Unit(name=name, key=lookup_key(name), kind=kind, parent_id=parent_id, code=code)
    session.add(unit)
    await session.flush()
    await add_aliases(session, unit=unit, names=aliases)
    return unit


async def add_aliases(session: AsyncSession, *, unit: Unit, names: Sequence[str]) -> None:
    """Former names that still find the unit; a name it already has is skipped."""
    assert unit.id is not None
    existing = set((await session.exec(select(UnitAlias.key).where(UnitAlias.unit_id == unit.id))).all())
    for raw in names:
        name = clean_name(raw)
        key = lookup_key(name)
        if key and key not in existing and key != unit.key:
            session.add(UnitAlias(unit_id=unit.id, name=name, key=key))
            existing.add(key)


async def unit_names(session: AsyncSession, *, active_only: bool = True) -> list[UnitName]:
    """Every unit with its former names, kind and province, for matching what people type."""
    every = (
        await session.exec(select(Unit.id, Unit.name, Unit.key, Unit.kind, Unit.parent_id, Unit.active))
    ).all()
    parents = {uid: (name, parent_id) for uid, name, _key, _kind, parent_id, _active in every}
    aliases: dict[int, list[tuple[str, str]]] = {}
    for unit_id, name, key in (
        await session.exec(select(UnitAlias.unit_id, UnitAlias.name, UnitAlias.key))
    ).all():
        aliases.setdefault(unit_id, []).append((name, key))
    return [
        UnitName(
            uid,
            name,
            tuple(a for a, _ in aliases.get(uid, ())),
            (key, *(k for _, k in aliases.get(uid, ()))),
            kind=kind,
            province=_top(parents, parent_id),
        )
        for uid, name, key, kind, parent_id, active in every
        if uid is not None and (active or not active_only)
    ]


def _top(parents: dict[int | None, tuple[str, int | None]], parent_id: int | None) -> str:
    """The name at the top of a unit's tree (its province); empty for a unit at the top."""
    name, seen = "", set()
    while parent_id is not None and parent_id in parents and parent_id not in seen:
        seen.add(parent_id)
        name, parent_id = parents[parent_id]
    return name


async def find_unit(session: AsyncSession, *, query: str, active_only: bool = True) -> UnitMatch:
    """The unit an official means by `query` ("long hiep", an old commune name, a typo)."""
    return match_unit(query, await unit_names(session, active_only=active_only))


async def get_unit(session: AsyncSession, *, unit_id: int | None) -> Unit | None:
    """One unit by id."""
    return None if unit_id is None else await session.get(Unit, unit_id)


async def list_children(session: AsyncSession, *, parent_id: int) -> list[Unit]:
    """Active units directly under a unit, by name."""
    result = await session.exec(
        select(Unit).where(Unit.parent_id == parent_id, Unit.active).order_by(col(Unit.name))
    )
    return list(result.all())


# --- seeding from the official list of July 2025 ------------------------------------------


@dataclass
class SeedResult:
    province: Unit
    created: int
    existing: int
    former_names: int = 0  # former provinces, districts and communes recorded (storage.former_units)


class UnknownProvinceError(LookupError):
    """No province of that name; carries the closest names to suggest."""

    def __init__(self, suggestions: list[str]) -> None:
        super().__init__(", ".join(suggestions))
        self.suggestions = suggestions


async def seed_province(session: AsyncSession, *, province_name: str, now: dt.datetime) -> SeedResult:
    """Create a province and all its communes, wards and special zones (rerun: adds what is missing)."""
    from vietnam_provinces import Province, Ward

    provinces = {p.code.value: p for p in Province.iter_all()}
    match = match_unit(province_name, [UnitName(code, p.name) for code, p in provinces.items()])
    if match.found is None:
        raise UnknownProvinceError([c.name for c in match.candidates])
    source = provinces[match.found.unit_id]
    code = f"{source.code.value:02d}"
    province = (await session.exec(select(Unit).where(Unit.code == code))).first()
    if province is None:
        province = await add_unit(session, name=source.name, kind=UnitKind.PROVINCE, code=code)
    known = set((await session.exec(select(Unit.code).where(Unit.parent_id == province.id))).all())
    created = existing = 0
    for ward in Ward.iter_by_province(source.code):
        ward_code = f"{ward.code.value:05d}"
        if ward_code in known:
            existing += 1
            continue
        kind = _WARD_KINDS.get(ward.division_type.value, UnitKind.COMMUNE)
        name = clean_name(ward.name)  # added together and flushed once: a province is ~100 rows
        session.add(Unit(name=name, key=lookup_key(name), kind=kind, parent_id=province.id, code=ward_code))
        created += 1
    await session.flush()
    former = await add_former_names(session, province=province)
    await add_audit(
        session,
        at=now,
        action="units.seed",
        entity="unit",
        entity_id=province.id,
        detail={"province": source.name, "created": created, "former_names": former},
    )
    return SeedResult(province, created, existing, former)


# --- import from the office's files ----------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


async def import_units(session: AsyncSession, *, rows: Sequence[SheetRow], now: dt.datetime) -> ImportResult:
    """Agencies and legacy structures, one row each; bad rows are reported and skipped.

    Columns: Tên đơn vị, Loại, Đơn vị cấp trên, Mã, Tên cũ (former names, separated by ';').
    A parent must exist already or stand on an earlier row. A header row without the name or the
    kind column is refused as a whole (SheetError naming it).
    """
    check_columns(rows, IMPORT_REQUIRED)
    result = ImportResult()
    for row in rows:
        name = clean_name(row.get("ten don vi", "don vi", "ten"))
        if not name:
            result.errors.append(RowError(row.number, "Thiếu tên đơn vị."))
            continue
        kind = kind_from_text(row.get("loai", "loai don vi", "cap"))
        if kind is None:
            result.errors.append(
                RowError(
                    row.number,
                    f"Loại đơn vị «{row.get('loai')}» không hợp lệ "
                    "(ví dụ: tỉnh, xã, phường, ban, văn phòng, UBND, MTTQ).",
                )
            )
            continue
        parent_id = None
        parent_text = row.get("don vi cap tren", "cap tren", "truc thuoc")
        if parent_text:
            found = await find_unit(session, query=parent_text)
            if found.found is None:
                hint = "; ".join(c.label for c in found.candidates[:3])
                result.errors.append(
                    RowError(
                        row.number,
                        f"Không tìm thấy đơn vị cấp trên «{parent_text}»"
                        + (f" (có phải: {hint}?)" if hint else "."),
                    )
                )
                continue
            parent_id = found.found.unit_id
        aliases = [a for a in row.get("ten cu", "ten truoc day").split(";") if a.strip()]
        code = row.get("ma", "ma don vi") or None
        existing = (
            await session.exec(
                select(Unit).where(Unit.key == lookup_key(name), Unit.parent_id == parent_id, Unit.active)
            )
        ).first()
        if existing is not None:
            existing.kind = kind
            existing.code = code or existing.code
            await add_aliases(session, unit=existing, names=aliases)
            result.updated += 1
        else:
            if code and (await session.exec(select(Unit).where(Unit.code == code))).first():
                result.errors.append(RowError(row.number, f"Mã đơn vị {code} đã dùng cho đơn vị khác."))
                continue
            await add_unit(session, name=name, kind=kind, parent_id=parent_id, code=code, aliases=aliases)
            result.created += 1
    await add_audit(
        session,
        at=now,
        action="units.import",
        detail={"created": result.created, "updated": result.updated, "errors": len(result.errors)},
    )
    return result
