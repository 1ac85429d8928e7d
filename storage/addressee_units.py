"""A directive's unit names matched to the tree: a unit's own name to that unit, a role and level
("Ủy ban nhân dân huyện") to the issuer's unit playing it, else the closest ones; a generic
addressee ("các xã, thị trấn") to every unit of its group under the issuer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.addressee_tree import TreeUnit, body_unit, expand, place_body, scope_of
from domain.units import UnitName, is_exact, match_unit
from storage.models import Unit
from storage.units import unit_names


@dataclass(frozen=True, slots=True)
class Addressee:
    """What a name in the directive stands for: no unit, one, or a group of them."""

    written: str
    unit_ids: tuple[int, ...] = ()
    label: str | None = None  # the unit's name, or "các xã, thị trấn (12 đơn vị)"
    unit_names: tuple[str, ...] = ()
    is_group: bool = False
    candidates: tuple[str, ...] = ()  # the closest units' names, when a name matched none


@dataclass
class Addressees:
    """The tree once per directive, and the unit its groups are counted from."""

    tree: list[TreeUnit]
    names: list[UnitName]
    scope_id: int | None
    _cache: dict[str, Addressee] = field(default_factory=dict)

    def find(self, written: str) -> Addressee:
        if written not in self._cache:
            self._cache[written] = self._find(written)
        return self._cache[written]

    def _find(self, written: str) -> Addressee:
        group = expand(written, self.tree, scope_id=self.scope_id)
        if group is not None:
            if not group:
                return Addressee(written, is_group=True)
            label = f"{written} ({len(group)} đơn vị)"
            ids, names = tuple(u.unit_id for u in group), tuple(u.name for u in group)
            return Addressee(written, ids, label, names, is_group=True)
        match = match_unit(written, self.names)
        if match.found is None or not is_exact(written, match.found):
            # "Ủy ban nhân dân huyện" when the tree says "UBND huyện Mẫu Sơn": the issuer's own
            # "Ủy ban nhân dân xã Long Hiệp": that commune's, or the commune itself
            body = body_unit(written, self.tree, scope_id=self.scope_id) or place_body(written, self.tree)
            if body is not None:
                return Addressee(written, (body.unit_id,), body.name, (body.name,))
        if match.found is None:
            return Addressee(written, candidates=tuple(c.label for c in match.candidates))
        return Addressee(written, (match.found.unit_id,), match.found.name, (match.found.name,))


async def load(session: AsyncSession, *, issuer: str | None, near: int | None = None) -> Addressees:
    """The active tree, and the issuer's unit in it (or the top of the tree)."""
    rows = (
        await session.exec(select(Unit.id, Unit.name, Unit.kind, Unit.parent_id).where(Unit.active))
    ).all()
    tree = [TreeUnit(uid, name, kind, parent_id) for uid, name, kind, parent_id in rows if uid is not None]
    return Addressees(tree, await unit_names(session), scope_of(issuer, tree, near=near))


def leads(found: list[Addressee]) -> Addressee | None:
    """An item's lead names as one addressee: none, the one, or, when it names several ("Ủy ban
    nhân dân huyện, các xã, thị trấn tập trung …"), a group of all their units, one task each. A
    name the tree does not hold leaves the whole choice to the office (its candidates shown)."""
    if len(found) < 2:
        return found[0] if found else None
    if unknown := next((f for f in found if not f.unit_ids), None):
        return Addressee(", ".join(f.written for f in found), candidates=unknown.candidates)
    pairs = dict(
        zip((i for f in found for i in f.unit_ids), (n for f in found for n in f.unit_names), strict=True)
    )
    label = "; ".join(f.label or f.written for f in found)
    return Addressee(label, tuple(pairs), label, tuple(pairs.values()), is_group=True)


def lead_fields(found: Addressee | None) -> dict[str, Any]:
    """A proposed task's lead as its row keeps it: unit_id/unit_name as for one unit; a group also
    keeps its ids under "group" (one task each), and one that reached nothing says so."""
    if found is None:
        return {"unit_id": None, "unit_name": None}
    fields: dict[str, Any] = {
        "unit_id": found.unit_ids[0] if found.unit_ids else None,
        "unit_name": found.label,
    }
    if found.is_group and found.unit_ids:
        fields["group"] = {"label": found.label, "ids": list(found.unit_ids), "names": list(found.unit_names)}
    elif found.is_group:
        fields["unit_note"] = "no_units_in_group"
    return fields


def lead_ids(row: dict[str, Any]) -> list[int]:
    """The units that get the task: a group's units, unless the office has since chosen one."""
    group = row.get("group")
    if group and row["unit_name"] == group["label"]:
        return list(group["ids"])
    return [row["unit_id"]]
