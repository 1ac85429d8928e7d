"""The units a generic addressee reaches in the unit tree (domain/addressees.py holds the groups),
counted from the directive's issuing unit or the top of the tree."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from domain.addressees import BODIES, PLACE_WORDS, TERRITORIAL, Body, Target, Where, group_of
from domain.statuses import LOCAL_UNIT_KINDS, UnitKind
from domain.vntext import accent_free_key

K = UnitKind


@dataclass(frozen=True, slots=True)
class TreeUnit:
    unit_id: int
    name: str
    kind: str
    parent_id: int | None


def expand(wording: str, tree: Iterable[TreeUnit], *, scope_id: int | None) -> list[TreeUnit] | None:
    """The units a generic wording reaches under the scope unit, by name; None when the wording is
    not a group; [] when it is one but the tree holds none of its units (the office chooses)."""
    group = group_of(wording)
    if group is None:
        return None
    units = list(tree)
    if scope_id is None:
        return []
    for target in group.targets:
        found = _reach(target, units, scope_id, target.places or _named_places(wording))
        if found:
            return sorted(found, key=lambda u: (accent_free_key(u.name), u.unit_id))
    return []


def body_unit(wording: str, tree: Iterable[TreeUnit], *, scope_id: int | None) -> TreeUnit | None:
    """The one unit of the scope's own level that a role and level name ("Ủy ban nhân dân huyện",
    "Văn phòng Huyện ủy") stands for, when the level is the scope's; None otherwise."""
    units = list(tree)
    scope = next((u for u in units if u.unit_id == scope_id), None)
    key = accent_free_key(wording)
    for body in BODIES:
        match = re.fullmatch(rf"(?:{body.pattern}) ({_LEVEL_NAMES})(?: uy)?", key)
        if match is None or scope is None or _kind(scope.kind) not in ISSUER_LEVELS[match.group(1)]:
            continue
        return _body_of(body, scope, units)
    return None


def place_body(wording: str, tree: Iterable[TreeUnit]) -> TreeUnit | None:
    """The body of a place named in full ("Ủy ban nhân dân xã Long Hiệp", "Đảng ủy xã Long Hiệp",
    "UBND phường Tân An"): the one unit playing it in that place; the commune or ward itself when
    the tree lists none under it and it is one a commune stands for (its party or people's
    committee). None when the place, of the kind named, is not one unit of the tree."""
    units = list(tree)
    key = accent_free_key(wording)
    for body in BODIES:
        match = re.fullmatch(rf"(?:{body.pattern}) ({_LEVEL_NAMES}) (?!uy\b)([a-z0-9][a-z0-9 ]*)", key)
        if match is None:
            continue
        level, name = match.groups()
        kinds = {PLACE_WORDS[level]} if level in PLACE_WORDS else ISSUER_LEVELS[level]
        places = [u for u in units if _kind(u.kind) in kinds and _bare(u.name) == name]
        return _body_of(body, places[0], units) if len(places) == 1 else None
    return None


def _body_of(body: Body, place: TreeUnit, units: list[TreeUnit]) -> TreeUnit | None:
    """The one unit of the place's own level playing the body; the commune or ward itself when it
    stands for that body and the tree lists none."""
    found = [
        u
        for u in _reach(body.target, units, place.unit_id, frozenset())
        if not body.named or accent_free_key(u.name).startswith(body.named)
    ]
    if not found and body.place_stands and _kind(place.kind) in LOCAL_UNIT_KINDS:
        return place
    return found[0] if len(found) == 1 else None


def _named_places(wording: str) -> frozenset[UnitKind]:
    key = accent_free_key(wording)
    return frozenset(kind for word, kind in PLACE_WORDS.items() if re.search(rf"\b{word}\b", key))


@dataclass(frozen=True, slots=True)
class _Seen:
    """A unit as the walk down from the scope meets it."""

    unit: TreeUnit
    kind: UnitKind | None
    place: TreeUnit | None  # the nearest place (commune, district) it lies in; None: own level
    outer: TreeUnit | None  # the outermost such place: one of the scope's next level
    barred: bool  # under an own-level unit the target skips (the people's committee...)


def _reach(
    target: Target, units: list[TreeUnit], scope_id: int, places: frozenset[UnitKind]
) -> list[TreeUnit]:
    children: dict[int | None, list[TreeUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    found: list[TreeUnit] = []
    stack = [_Seen(c, _kind(c.kind), None, None, False) for c in children.get(scope_id, [])]
    seen = {scope_id}
    while stack:
        at = stack.pop()
        if at.unit.unit_id in seen:
            continue
        seen.add(at.unit.unit_id)
        if _wanted(target, at, places):
            found.append(at.unit)
        is_place = at.kind in TERRITORIAL
        if target.where is Where.NEXT_LEVEL and is_place:
            continue  # the nearest places only, not the communes inside a district
        place = at.unit if is_place else at.place
        barred = at.barred or (at.place is None and not is_place and at.kind in target.not_under)
        stack.extend(
            _Seen(c, _kind(c.kind), place, at.outer or place, barred)
            for c in children.get(at.unit.unit_id, [])
        )
    return found


def _wanted(target: Target, at: _Seen, places: frozenset[UnitKind]) -> bool:
    is_place = at.kind in TERRITORIAL
    if target.where is Where.NEXT_LEVEL:
        return is_place
    if at.kind not in (target.kinds or places):
        return False
    if target.where is Where.PLACES:
        return is_place
    inside = at.place is not None and not is_place
    if target.where is Where.IN_PLACES:
        return inside and _kind(at.place.kind) in places  # type: ignore[union-attr]
    if target.where is Where.IN_NEXT_LEVEL:
        return inside and at.place is at.outer
    key = accent_free_key(at.unit.name)
    named_out = any(re.search(rf"\b{word}\b", key) for word in target.unless_named)
    return at.place is None and not is_place and not at.barred and not named_out


def _kind(value: str) -> UnitKind | None:
    try:
        return UnitKind(value)
    except ValueError:
        return None


# The level a committee's name gives ("Huyện ủy", "UBND tỉnh") and the kinds of unit it is.
ISSUER_LEVELS = {
    "huyen": frozenset({K.DISTRICT}),
    "thi": frozenset({K.DISTRICT}),  # Thị ủy: a town's committee
    "thi xa": frozenset({K.DISTRICT}),
    "tinh": frozenset({K.PROVINCE}),
    "thanh": frozenset({K.PROVINCE, K.DISTRICT}),  # Thành ủy: a city of either level
    "thanh pho": frozenset({K.PROVINCE, K.DISTRICT}),
    "xa": LOCAL_UNIT_KINDS,
    "phuong": LOCAL_UNIT_KINDS,
    "thi tran": LOCAL_UNIT_KINDS,
    "dac khu": LOCAL_UNIT_KINDS,
}
_LEVEL_NAMES = "|".join(sorted(ISSUER_LEVELS, key=len, reverse=True))
_NAMED_PLACE = re.compile(rf"\b({_LEVEL_NAMES})(?: uy)? (?!uy\b)([a-z0-9][a-z0-9 ]*)$")
_LEVEL = re.compile(rf"\b({_LEVEL_NAMES})(?: uy)?$")


def scope_of(issuer: str | None, tree: Iterable[TreeUnit], *, near: int | None = None) -> int | None:
    """The unit a directive's groups are counted from: the place its issuer names ("Đảng ủy xã
    Long Hiệp"), else the one unit of its level ("Thường trực Huyện ủy": the district; the one
    nearest `near`, the office's unit, when there are several), else the top of the tree when the
    tree has no such level (no districts since 2025). None when that cannot be told."""
    units = list(tree)
    by_id = {u.unit_id: u for u in units}
    key = accent_free_key(issuer or "")
    places = [u for u in units if _kind(u.kind) in TERRITORIAL]
    if named := _NAMED_PLACE.search(key):
        kinds, name = ISSUER_LEVELS[named.group(1)], named.group(2)
        found = [u for u in places if _kind(u.kind) in kinds and _bare(u.name) == name]
        return found[0].unit_id if len(found) == 1 else None
    if level := _LEVEL.search(key):
        of_level = [u for u in places if _kind(u.kind) in ISSUER_LEVELS[level.group(1)]]
        if near is not None and len(of_level) > 1:
            of_level = [u for u in of_level if u.unit_id in _line(near, by_id)]
        if len(of_level) == 1:
            return of_level[0].unit_id
        if of_level:
            return None
    roots = [u for u in units if u.parent_id not in by_id]
    return roots[0].unit_id if len(roots) == 1 else None


def _bare(name: str) -> str:
    """'Xã Long Hiệp' → 'long hiep'."""
    key = accent_free_key(name)
    match = re.match(rf"(?:{_LEVEL_NAMES}) (?=\S)", key)
    return key[match.end() :] if match else key


def _line(unit_id: int, by_id: dict[int, TreeUnit]) -> set[int]:
    """The unit and every unit above it."""
    line: set[int] = set()
    current: int | None = unit_id
    while current is not None and current in by_id and current not in line:
        line.add(current)
        current = by_id[current].parent_id
    return line
