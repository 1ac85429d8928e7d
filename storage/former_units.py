"""The units that became each unit of the July 2025 map: former provinces, districts, communes.

Read from the data files of the `vietnamadminunits` package (MIT licence, Hieu Tran 2025):
`converter_2025.json` maps the new province and ward keys (accent-free, no spaces) to the old
"province_district_ward" keys, and `dataset.db` carries the names with their marks. Only the
data is read: the package's own modules import shapely and geopy (a geocoder over the network).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.units import former_district_key, lookup_key
from domain.vntext import accent_free_key
from storage.models import Unit, UnitAlias

DATA_PACKAGE = "vietnamadminunits"


@dataclass(frozen=True, slots=True)
class FormerWard:
    """One unit of the new map and what became it."""

    code: str  # its official code as the dataset writes it
    name_key: str  # accent-free full name ("xa long huu"), for when the codes disagree
    communes: tuple[str, ...]  # former communes, wards and townships ("Xã Long Hựu Đông")
    districts: tuple[str, ...]  # the abolished districts they belonged to ("Huyện Cần Đước")


@dataclass(frozen=True, slots=True)
class FormerMap:
    provinces: tuple[str, ...]  # former provinces merged into this one ("Tỉnh Long An")
    wards: tuple[FormerWard, ...] = field(default=())


def data_dir() -> Path | None:
    """The package's data folder, found without importing the package (its __init__ pulls
    shapely and geopy); None when it is not installed."""
    spec = importlib.util.find_spec(DATA_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    return folder if (folder / "converter_2025.json").is_file() else None


@functools.cache
def _converter(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))


def former_map(province_name: str) -> FormerMap | None:
    """What became the province of that name and each of its communes; None without the data."""
    folder = data_dir()
    if folder is None:
        return None
    converter = _converter(folder)
    with closing(sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True)) as db:
        new_key = _province_key(db, province_name)
        if new_key is None:
            return None
        old_provinces = [k for k in converter["DICT_PROVINCE"].get(new_key, []) if k != new_key]
        legacy = _legacy(db, [new_key, *old_provinces])
        new_wards = db.execute(
            "SELECT wardKey, ward, wardCode FROM admin_units WHERE provinceKey = ?", (new_key,)
        ).fetchall()
        province_names = dict(_province_names(db, old_provinces))
    whole: dict[str, list[str]] = dict(converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(new_key, {}))
    parts: dict[str, list[str]] = {}
    for old_key, targets in converter["DICT_PROVINCE_WARD_DIVIDED"].get(new_key, {}).items():
        for target in targets:
            parts.setdefault(target["newWardKey"], []).append(old_key)
    wards = []
    for ward_key, name, code in new_wards:
        olds = [*whole.get(ward_key, []), *parts.get(ward_key, [])]
        found = [legacy[k] for k in olds if k in legacy]
        wards.append(
            FormerWard(
                code=str(code),
                name_key=accent_free_key(name),
                communes=tuple(dict.fromkeys(w for _, w in found if w)),
                districts=tuple(dict.fromkeys(d for d, _ in found if d)),
            )
        )
    return FormerMap(tuple(province_names[k] for k in old_provinces if k in province_names), tuple(wards))


async def add_former_names(session: AsyncSession, *, province: Unit) -> int:
    """Record what became the province and each of its communes as their former names (the
    districts under a marked key, see domain.units); a rerun adds only what is missing.
    Returns how many names were added; 0 without the data."""
    former = former_map(province.name)
    if former is None or province.id is None:
        return 0
    children = (
        await session.exec(
            select(Unit.id, Unit.code, Unit.name, Unit.key).where(Unit.parent_id == province.id)
        )
    ).all()
    by_code = {code: uid for uid, code, _, _ in children if code}
    names: dict[str, list[int]] = {}
    for uid, _, name, _ in children:
        names.setdefault(accent_free_key(name), []).append(uid)
    own = {province.id: province.key, **{uid: key for uid, _, _, key in children}}
    known = set(
        (
            await session.exec(
                select(UnitAlias.unit_id, UnitAlias.key).where(col(UnitAlias.unit_id).in_(list(own)))
            )
        ).all()
    )
    rows: list[dict[str, Any]] = []

    def add(unit_id: int | None, name: str, key: str | None) -> None:
        if unit_id is not None and key and key != own[unit_id] and (unit_id, key) not in known:
            known.add((unit_id, key))
            rows.append({"unit_id": unit_id, "name": name, "key": key})

    for name in former.provinces:
        add(province.id, name, lookup_key(name))
    for ward in former.wards:
        same_name = names.get(ward.name_key, [])
        unit_id = same_name[0] if len(same_name) == 1 else by_code.get(ward.code)
        for name in ward.communes:
            add(unit_id, name, lookup_key(name))
        for name in ward.districts:
            add(unit_id, name, former_district_key(name))
    if rows:  # one statement for the province's few hundred names
        await session.exec(insert(UnitAlias).values(rows))
    return len(rows)


def _province_key(db: sqlite3.Connection, province_name: str) -> str | None:
    """The dataset's key of a province of the new map, matched by its name without marks."""
    wanted = _bare(province_name)
    for key, name in db.execute("SELECT DISTINCT provinceKey, province FROM admin_units"):
        if _bare(name) == wanted:
            return str(key)
    return None


def _bare(name: str) -> str:
    """'Tỉnh Tây Ninh' and 'Tây Ninh' → 'tay ninh'; 'Thành phố Huế' → 'hue'."""
    key = accent_free_key(name)
    for word in ("thanh pho ", "tinh "):
        key = key.removeprefix(word)
    return key


def _legacy(db: sqlite3.Connection, province_keys: list[str]) -> dict[str, tuple[str, str]]:
    """Old "province_district_ward" key → (district name, ward name) in those provinces."""
    marks = ",".join("?" * len(province_keys))
    rows = db.execute(
        "SELECT provinceKey, districtKey, wardKey, district, ward FROM admin_units_legacy "
        f"WHERE provinceKey IN ({marks})",
        province_keys,
    ).fetchall()
    found = {f"{p}_{d}_{w}": (district, ward) for p, d, w, district, ward in rows}
    # A district without communes (Hoàng Sa) is keyed with an empty ward.
    found.update({f"{p}_{d}_": (district, "") for p, d, _w, district, _ward in rows})
    return found


def _province_names(db: sqlite3.Connection, keys: list[str]) -> list[tuple[str, str]]:
    marks = ",".join("?" * len(keys))
    return db.execute(
        f"SELECT DISTINCT provinceKey, province FROM admin_units_legacy WHERE provinceKey IN ({marks})", keys
    ).fetchall()
