"""Units by name: kinds from Vietnamese words, lookup keys, and typo-tolerant matching."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from domain.statuses import UnitKind
from domain.vntext import accent_free_key, normalize_name

# Accent-free words that name a unit kind, longest first, as officials type them.
_KIND_WORDS: Sequence[tuple[str, UnitKind]] = (
    ("thanh pho truc thuoc trung uong", UnitKind.PROVINCE),
    ("thanh pho trung uong", UnitKind.PROVINCE),
    ("uy ban mat tran to quoc", UnitKind.FATHERLAND_FRONT),
    ("uy ban nhan dan", UnitKind.PEOPLES_COMMITTEE),
    ("hoi dong nhan dan", UnitKind.PEOPLES_COUNCIL),
    ("mat tran to quoc", UnitKind.FATHERLAND_FRONT),
    ("thanh pho", UnitKind.PROVINCE),
    ("thi tran", UnitKind.TOWNSHIP),
    ("dac khu", UnitKind.SPECIAL_ZONE),
    ("van phong", UnitKind.OFFICE),
    ("doan the", UnitKind.ORGANISATION),
    ("co quan", UnitKind.AGENCY),
    ("phuong", UnitKind.WARD),
    ("huyen", UnitKind.DISTRICT),
    ("tinh", UnitKind.PROVINCE),
    ("ubnd", UnitKind.PEOPLES_COMMITTEE),
    ("hdnd", UnitKind.PEOPLES_COUNCIL),
    ("mttq", UnitKind.FATHERLAND_FRONT),
    ("ban", UnitKind.BOARD),
    ("xa", UnitKind.COMMUNE),
    ("tp", UnitKind.PROVINCE),
    ("tt", UnitKind.TOWNSHIP),
    ("p", UnitKind.WARD),
    ("x", UnitKind.COMMUNE),
)
# Prefixes dropped from lookup keys: "xã Long Hiệp", "x. long hiep" and "Long Hiệp" are one key.
_LOCAL_PREFIXES = ("thi tran", "dac khu", "phuong", "huyen", "tinh", "thanh pho", "xa", "tp", "tt", "p", "x")
_PREFIX_RE = re.compile(r"^(?:" + "|".join(_LOCAL_PREFIXES) + r")\s+(?=\S)")

FUZZY_CUTOFF = 80  # below this a candidate is not worth proposing
AMBIGUITY_GAP = 6  # candidates within this many points of the best are all offered


def kind_from_text(text: str) -> UnitKind | None:
    """The unit kind an office worker wrote in a 'Loại' column: 'Xã', 'phường', 'Ban', 'MTTQ'."""
    key = accent_free_key(text)
    if not key:
        return None
    for word, kind in _KIND_WORDS:
        if key == word:
            return kind
    try:
        return UnitKind(key.replace(" ", "_"))
    except ValueError:
        return None


def kind_prefix(text: str) -> UnitKind | None:
    """The kind a name starts with: 'P. Tân Thành' → ward, 'xa long hiep' → commune."""
    match = _PREFIX_RE.match(accent_free_key(text))
    return kind_from_text(match.group(0)) if match else None


def accented_key(text: str) -> str:
    """Lower-case name with its marks but without a leading kind word: 'Xã Tân Thạnh' → 'tân thạnh'."""
    words = normalize_name(text.replace(".", ". ")).lower().split()
    match = _PREFIX_RE.match(accent_free_key(text))
    dropped = len(match.group(0).split()) if match else 0
    return " ".join(w for w in words[dropped:] if w != ".")


def lookup_key(text: str) -> str:
    """Accent-free key without a leading kind word: 'X. Long Hiệp' → 'long hiep'."""
    key = accent_free_key(text)
    stripped = _PREFIX_RE.sub("", key)
    return stripped or key


@dataclass(frozen=True, slots=True)
class UnitName:
    """One unit as the matcher sees it: its current name and any former names."""

    unit_id: int
    name: str
    aliases: tuple[str, ...] = ()
    # Lookup keys of the name and aliases, as stored (computed when not given).
    keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UnitMatch:
    """The result of a lookup: one unit, or the closest candidates to offer as buttons."""

    found: UnitName | None
    candidates: tuple[UnitName, ...] = field(default=())
    via_alias: str | None = None  # the former name that matched, to say "(nay là ...)"


def match_unit(query: str, units: Iterable[UnitName], *, limit: int = 6) -> UnitMatch:
    """Find a unit by what an official typed: exact key, former name, or closest spellings."""
    wanted = lookup_key(query)
    if not wanted:
        return UnitMatch(None)
    choices: dict[tuple[int, str], str] = {}
    by_id: dict[int, UnitName] = {}
    for unit in units:
        by_id[unit.unit_id] = unit
        names = (unit.name, *unit.aliases)
        keys = unit.keys if len(unit.keys) == len(names) else tuple(lookup_key(n) for n in names)
        for name, key in zip(names, keys, strict=True):
            choices[(unit.unit_id, name)] = key
    exact = {uid for (uid, _), key in choices.items() if key == wanted}
    wanted_kind = kind_prefix(query)
    if len(exact) > 1 and wanted_kind is not None:
        # "p. Tân Thành" when both a commune and a ward are called Tân Thành
        same_kind = {uid for uid in exact if kind_prefix(by_id[uid].name) == wanted_kind}
        exact = same_kind or exact
    if len(exact) > 1:
        # "Tân Thạnh" typed with its marks, beside a "Tân Thành" in the same province
        marked = accented_key(query)
        same_marks = {
            uid for (uid, name), _ in choices.items() if uid in exact and accented_key(name) == marked
        }
        exact = same_marks or exact
    if len(exact) == 1:
        unit = by_id[exact.pop()]
        alias = None
        if lookup_key(unit.name) != wanted:
            alias = next((a for a in unit.aliases if lookup_key(a) == wanted), None)
        return UnitMatch(unit, (unit,), via_alias=alias)
    if len(exact) > 1:
        return UnitMatch(None, tuple(sorted((by_id[u] for u in exact), key=lambda u: u.name)))
    scored = process.extract(wanted, choices, scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=FUZZY_CUTOFF)
    best: dict[int, float] = {}
    for _, score, (unit_id, _name) in scored:
        best[unit_id] = max(best.get(unit_id, 0.0), score)
    ranked = sorted(best.items(), key=lambda item: -item[1])[:limit]
    if not ranked:
        return UnitMatch(None)
    top = ranked[0][1]
    close = [by_id[uid] for uid, score in ranked if top - score <= AMBIGUITY_GAP]
    if len(close) == 1 and top >= 90:
        return UnitMatch(close[0], (close[0],))
    return UnitMatch(None, tuple(by_id[uid] for uid, _ in ranked))
