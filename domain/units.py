"""Units by name: kinds from Vietnamese words, lookup keys, and typo-tolerant matching."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from domain.statuses import UnitKind
from domain.unit_words import FORMER_PROVINCES, KIND_WORDS
from domain.vntext import accent_free_key, normalize_name

# Words that may open a longer 'Loại' ("Phòng Văn hóa - Xã hội", "Trường THCS"): not the
# one- and two-letter abbreviations, which only count alone.
_KIND_OPENERS = sorted(((w, k) for w, k in KIND_WORDS if len(w) > 2), key=lambda wk: -len(wk[0]))
# Prefixes dropped from lookup keys: "xã Long Hiệp", "x. long hiep" and "Long Hiệp" are one key.
# "Tỉnh ủy", "Huyện ủy", "Thành phố ủy" are party committees, not a province or district.
_LOCAL_PREFIXES = ("thi tran", "dac khu", "phuong", "huyen", "tinh", "thanh pho", "xa", "tp", "tt", "p", "x")
_PREFIX_RE = re.compile(r"^(?:" + "|".join(_LOCAL_PREFIXES) + r")\s+(?=\S)(?!uy\b)")
# Levels abolished on 1 July 2025: a name typed with one of them never silently means a commune.
_FORMER_LEVELS = frozenset({UnitKind.DISTRICT, UnitKind.TOWNSHIP, UnitKind.PROVINCE})
_NUMBER_RE = re.compile(r"\d+")
# Former districts are stored among a unit's former names under a marked key, so that only a
# name typed with its level ("Huyện Cần Đước", "TX Kiến Tường") reaches them, and then is asked.
DISTRICT_MARK = "@"
_DISTRICT_WORDS = {"huyen": "huyen", "h": "huyen", "thi xa": "thi xa", "tx": "thi xa", "quan": "quan",
                   "q": "quan", "thanh pho": "thanh pho", "tp": "thanh pho"}  # fmt: skip
_DISTRICT_RE = re.compile(r"^(" + "|".join(sorted(_DISTRICT_WORDS, key=len, reverse=True)) + r")\s+(?=\S)")

FUZZY_CUTOFF = 80  # below this a candidate is not worth proposing
AMBIGUITY_GAP = 6  # candidates within this many points of the best are all offered


def kind_from_text(text: str) -> UnitKind | None:
    """The unit kind an office worker wrote in a 'Loại' column: 'Xã', 'phường', 'Đảng ủy', 'MTTQ',
    or a longer wording that opens with one ('Phòng Văn hóa - Xã hội', 'Trường THCS')."""
    key = accent_free_key(text)
    if not key:
        return None
    for word, kind in KIND_WORDS:
        if key == word:
            return kind
    try:
        return UnitKind(key.replace(" ", "_"))
    except ValueError:
        pass
    return next((kind for word, kind in _KIND_OPENERS if key.startswith(word + " ")), None)


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


def former_district_key(text: str) -> str | None:
    """The marked key of a district-level name: 'H. Cần Đước' → '@huyen can duoc'; None for
    a name without a district word."""
    key = accent_free_key(text.replace(".", ". "))
    match = _DISTRICT_RE.match(key)
    if match is None:
        return None
    return f"{DISTRICT_MARK}{_DISTRICT_WORDS[match.group(1)]} {key[match.end() :]}"


@dataclass(frozen=True, slots=True)
class UnitName:
    """One unit as the matcher sees it: its current name and any former names."""

    unit_id: int
    name: str
    aliases: tuple[str, ...] = ()
    # Lookup keys of the name and aliases, as stored (computed when not given).
    keys: tuple[str, ...] = ()
    kind: str = ""  # a UnitKind value; empty: read from the name ("Xã ...")
    province: str = ""  # the top of its tree, to tell apart units of one name in two provinces
    shown: str = ""  # the label when a plain name would be ambiguous (set by match_unit)

    @property
    def label(self) -> str:
        """What a button or a list shows: the name, with its province when names collide."""
        return self.shown or self.name

    def unit_kind(self) -> UnitKind | None:
        try:
            return UnitKind(self.kind) if self.kind else kind_prefix(self.name)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class UnitMatch:
    """The result of a lookup: one unit, or the closest candidates to offer as buttons."""

    found: UnitName | None
    candidates: tuple[UnitName, ...] = field(default=())
    via_alias: str | None = None  # the former name that matched, to say "(nay là ...)"


def match_unit(query: str, units: Iterable[UnitName], *, limit: int = 6) -> UnitMatch:
    """Find a unit by what an official typed: exact key, former name, or closest spellings.

    Units of one name in two provinces, a name typed with an abolished level ("Huyện Cần Đước")
    or a former province's name ("Long An") are asked about, never guessed; "Tân An, Tây Ninh"
    or "Tân An (Tây Ninh)" picks the province."""
    name_part, province_part = _split_province(query)
    pool = list(units)
    in_province = [
        u for u in pool if province_part and u.province and lookup_key(u.province) == province_part
    ]
    if not in_province:  # no such province: the comma or bracket belongs to the name ("Xã A (cũ)")
        return _labelled(_match(query, pool, limit=limit))
    return _labelled(_match(name_part, in_province, limit=limit))


def is_exact(query: str, unit: UnitName) -> bool:
    """Whether `query` is the unit's name or a former name, not a near spelling of one."""
    name_part, _ = _split_province(query)
    keys = unit.keys or tuple(lookup_key(n) for n in (unit.name, *unit.aliases))
    return lookup_key(query) in keys or lookup_key(name_part) in keys


def split_former_name(query: str, match: UnitMatch) -> str | None:
    """The former name the candidates all took a part of ("Xã Đức Hòa Thượng", divided between
    two communes), when that is why the lookup asks; None otherwise."""
    wanted = lookup_key(query)
    if match.found is not None or len(match.candidates) < 2:
        return None
    named = [next((a for a in c.aliases if lookup_key(a) == wanted), None) for c in match.candidates]
    if any(n is None for n in named) or any(lookup_key(c.name) == wanted for c in match.candidates):
        return None
    return named[0]


def _split_province(query: str) -> tuple[str, str]:
    """'Tân An, Tây Ninh' and 'Tân An (Tây Ninh)' → ('Tân An', 'tay ninh')."""
    for sep in (",", "("):
        name, found, rest = query.partition(sep)
        if found and name.strip() and rest.strip(" )"):
            return name, lookup_key(rest.strip(" )"))
    return query, ""


def _match(query: str, units: Sequence[UnitName], *, limit: int) -> UnitMatch:
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
    district = former_district_key(query)
    from_district = {uid for (uid, _), key in choices.items() if district and key == district}
    if from_district and not any(by_id[u].unit_kind() in _FORMER_LEVELS for u in exact):
        # "Huyện Cần Đước": the units that took its communes, and any of its name there, are asked
        there = {by_id[u].province for u in from_district}
        named = {u for u in exact if lookup_key(by_id[u].name) == wanted and by_id[u].province in there}
        return UnitMatch(None, _sorted(by_id[u] for u in named | from_district))
    wanted_kind = kind_prefix(query)
    is_former, successors = _former_province(wanted, wanted_kind, by_id.values())
    if exact and wanted_kind is not None:
        # "p. Tân Thành" when both a commune and a ward are called Tân Thành
        same_kind = {uid for uid in exact if by_id[uid].unit_kind() in (wanted_kind, None)}
        if not same_kind:  # "Huyện Cần Đước" is not Xã Cần Đước: ask
            return _ask(exact, successors, by_id)
        exact = same_kind
    if is_former and not _all_provinces(exact, by_id) and (exact or successors):
        return _ask(exact, successors, by_id)  # "Long An": which?
    if len(exact) > 1:
        # "Tân Thạnh" typed with its marks, beside a "Tân Thành" in the same province
        marked = accented_key(query)
        same_marks = {
            uid for (uid, name), _ in choices.items() if uid in exact and accented_key(name) == marked
        }
        exact = same_marks or exact
    if len(exact) > 1:  # units' own names win over other units' former names
        exact = {uid for uid in exact if lookup_key(by_id[uid].name) == wanted} or exact
    if len(exact) == 1:
        unit = by_id[exact.pop()]
        alias = None
        if lookup_key(unit.name) != wanted:
            alias = next((a for a in unit.aliases if lookup_key(a) == wanted), None)
        return UnitMatch(unit, (unit,), via_alias=alias)
    if len(exact) > 1:
        return UnitMatch(None, _sorted(by_id[u] for u in exact))
    return _fuzzy(wanted, choices, by_id, limit=limit)


def _fuzzy(
    wanted: str, choices: dict[tuple[int, str], str], by_id: dict[int, UnitName], *, limit: int
) -> UnitMatch:
    """The closest spellings; numbers must agree ("A Lưới 1" is not "A Lưới 2", nor "Phường 1")."""
    numbers = _NUMBER_RE.findall(wanted)
    if not any(c.isalpha() for c in wanted):
        return UnitMatch(None)  # "Phường 1", "P.3": only ever an exact name
    choices = {
        k: v
        for k, v in choices.items()
        # "Phường 6" is only ever its exact name; a marked former district only with its level
        if _NUMBER_RE.findall(v) == numbers
        and any(c.isalpha() for c in v)
        and not v.startswith(DISTRICT_MARK)
    }
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


def _former_province(
    wanted: str, kind: UnitKind | None, units: Iterable[UnitName]
) -> tuple[bool, tuple[UnitName, ...]]:
    """Whether a former province's name was typed (bare or as a province), and the province
    that took it in when it is in the tree."""
    successor = FORMER_PROVINCES.get(wanted)
    if successor is None or kind not in (None, *_FORMER_LEVELS):
        return False, ()
    key = lookup_key(successor)
    return True, tuple(
        u for u in units if lookup_key(u.name) == key and u.unit_kind() in (UnitKind.PROVINCE, None)
    )


def _ask(exact: set[int], successors: tuple[UnitName, ...], by_id: dict[int, UnitName]) -> UnitMatch:
    """The units of that name, then the provinces that took a former one (each once)."""
    return UnitMatch(
        None, _sorted(by_id[u] for u in exact) + tuple(s for s in successors if s.unit_id not in exact)
    )


def _all_provinces(ids: set[int], by_id: dict[int, UnitName]) -> bool:
    return bool(ids) and all(by_id[u].unit_kind() == UnitKind.PROVINCE for u in ids)


def _sorted(units: Iterable[UnitName]) -> tuple[UnitName, ...]:
    return tuple(sorted(units, key=lambda u: (u.name, u.province)))


def _labelled(match: UnitMatch) -> UnitMatch:
    """Candidates of one name (Phường Tân An in three provinces) show their province."""
    counts: dict[str, int] = {}
    for unit in match.candidates:
        counts[_same_name(unit)] = counts.get(_same_name(unit), 0) + 1
    if all(n == 1 for n in counts.values()):
        return match
    labelled = tuple(
        replace(u, shown=f"{u.name} ({u.province})") if counts[_same_name(u)] > 1 and u.province else u
        for u in match.candidates
    )
    return replace(match, candidates=labelled)


def _same_name(unit: UnitName) -> str:
    return normalize_name(unit.name).lower()
