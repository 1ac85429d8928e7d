"""Generic addressees of directives ("các xã, thị trấn", "các cơ quan tham mưu, giúp việc Huyện ủy",
"cấp ủy", "Mặt trận Tổ quốc và các đoàn thể") and the units of the tree each one stands for.

The groups are data (ADDRESSEE_GROUPS): a wording and the units it reaches, by unit kind and place
in the tree, counted from the issuing unit (or the top of the tree). No level is fixed: since July
2025 a tree may be province → commune/ward, or an older one with districts as the seeds have.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from domain.statuses import LOCAL_UNIT_KINDS, UnitKind
from domain.vntext import normalize_name

K = UnitKind
# Units that are places: what lies inside one below the issuer is not at the issuer's own level.
TERRITORIAL = LOCAL_UNIT_KINDS | {K.DISTRICT, K.PROVINCE}
# The place words of a wording and the kinds they name ("các xã, thị trấn": communes, townships).
PLACE_WORDS = {"xa": K.COMMUNE, "phuong": K.WARD, "thi tran": K.TOWNSHIP, "dac khu": K.SPECIAL_ZONE}


class Where(StrEnum):
    OWN = "own"  # the issuer's own level: its boards, office, departments, front, organisations
    PLACES = "places"  # places below the issuer (communes, wards...), of the kinds named
    IN_PLACES = "in_places"  # units inside such places (each commune's party committee...)
    NEXT_LEVEL = "next_level"  # the nearest places below the issuer (its districts, or communes)
    IN_NEXT_LEVEL = "in_next_level"  # units inside those nearest places (the committees "trực thuộc")


@dataclass(frozen=True, slots=True)
class Target:
    """Units of these kinds (none: the places themselves) at that place in the tree."""

    where: Where
    kinds: frozenset[UnitKind] = frozenset()
    places: frozenset[UnitKind] = frozenset()  # none: the places the wording names ("các xã, phường")
    not_under: frozenset[UnitKind] = frozenset()  # an own-level unit under one of these is skipped
    unless_named: tuple[str, ...] = ()  # accent-free words that rule a unit out ("nhan dan")


@dataclass(frozen=True, slots=True)
class Group:
    key: str
    pattern: str  # the wording, as a regular expression (see _compile)
    targets: tuple[Target, ...]  # tried in order: the first that finds units is the answer


_PLACES = (
    r"(?:xã|phường|thị trấn|đặc khu)(?:\s*(?:,|và)\s*(?:xã|phường|thị trấn|đặc khu))*(?-i:(?!\s+[A-ZĐ]))"
)
_SOCIAL = r"(?:đoàn thể|tổ chức chính trị\s*-\s*xã hội)(?: chính trị\s*-\s*xã hội)?"
_FRONT = r"(?:ủy ban )?(?:mặt trận tổ quốc|mttq)(?: việt nam)?"
_PARTY = frozenset({K.PARTY_COMMITTEE})
_PARTY_BODIES = frozenset({K.BOARD, K.OFFICE})
_NOT_PARTY = frozenset({K.PEOPLES_COMMITTEE, K.PEOPLES_COUNCIL, K.FATHERLAND_FRONT})
_NOT_PARTY_WORDS = ("nhan dan", "ubnd", "hdnd", "mat tran", "mttq")
_SOCIAL_KINDS = frozenset({K.ORGANISATION, K.ASSOCIATION, K.UNION})
_AGENCY_KINDS = frozenset({K.DEPARTMENT, K.CENTRE, K.AGENCY, K.POLICE, K.MILITARY})
_BELOW = Target(Where.NEXT_LEVEL)
_PARTY_BOARD = Target(Where.OWN, frozenset({K.BOARD}), not_under=_NOT_PARTY, unless_named=_NOT_PARTY_WORDS)

# Most specific first: "Đảng ủy các xã" before "các xã"; "MTTQ và các đoàn thể" before "các đoàn thể".
ADDRESSEE_GROUPS: Sequence[Group] = (
    Group(
        "commune_party_committees",
        rf"(?:ban thường vụ )?(?:đảng ủy|cấp ủy) các {_PLACES}|các (?:đảng ủy|cấp ủy) {_PLACES}",
        (Target(Where.IN_PLACES, _PARTY), Target(Where.PLACES)),
    ),
    Group(
        "commune_peoples_committees",
        rf"(?:ủy ban nhân dân|ubnd) các {_PLACES}",
        (Target(Where.IN_PLACES, frozenset({K.PEOPLES_COMMITTEE})), Target(Where.PLACES)),
    ),
    Group(
        "commune_fronts",
        rf"{_FRONT} các {_PLACES}",
        (Target(Where.IN_PLACES, frozenset({K.FATHERLAND_FRONT})),),
    ),
    Group("communes", rf"các {_PLACES}", (Target(Where.PLACES),)),
    Group(
        "subordinate_party_committees",
        r"các huyện ủy,? thị ủy,? thành ủy(?:,? đảng ủy trực thuộc)?"
        r"|các (?:chi|chi bộ),? đảng (?:ủy|bộ) trực thuộc|các đảng (?:ủy|bộ) trực thuộc",
        (Target(Where.IN_NEXT_LEVEL, _PARTY), _BELOW),
    ),
    Group(
        "grassroots_party_committees",
        r"các (?:chi|chi bộ),? đảng (?:ủy|bộ)(?: cơ sở)?|các tổ chức cơ sở đảng|các đảng ủy cơ sở",
        (Target(Where.IN_PLACES, _PARTY, LOCAL_UNIT_KINDS), _BELOW),
    ),
    Group(
        "party_committees",
        r"(?:các )?cấp ủy(?: các cấp| cơ sở)?(?:,? tổ chức đảng)?(?!\s*viên)|các đảng ủy",
        (Target(Where.IN_PLACES, _PARTY, LOCAL_UNIT_KINDS | {K.DISTRICT}), _BELOW),
    ),
    Group(
        "front_and_organisations",
        rf"{_FRONT} và các {_SOCIAL}",
        (Target(Where.OWN, frozenset({K.FATHERLAND_FRONT}) | _SOCIAL_KINDS),),
    ),
    Group(
        "agencies_and_organisations",
        r"các (?:cơ quan|phòng|sở),? ban,? ngành,? đoàn thể|các ban,? ngành,? đoàn thể",
        (Target(Where.OWN, _AGENCY_KINDS | _SOCIAL_KINDS | {K.FATHERLAND_FRONT}),),
    ),
    Group("organisations", rf"các {_SOCIAL}", (Target(Where.OWN, _SOCIAL_KINDS),)),
    Group(
        "agencies",
        r"các (?:phòng|sở|cơ quan),? ban,? ngành|các ban,? ngành|các phòng,? ban(?: chuyên môn)?"
        r"|các (?:cơ quan|phòng) chuyên môn",
        (Target(Where.OWN, _AGENCY_KINDS),),
    ),
    Group(
        "party_boards",
        r"các ban xây dựng đảng|các ban đảng",
        (_PARTY_BOARD,),
    ),
    Group(
        "party_advisory_bodies",
        r"các (?:cơ quan|ban) tham mưu(?:,? giúp việc)?|các ban,? cơ quan|các cơ quan,? ban"
        r"|các ban,? văn phòng",
        (Target(Where.OWN, _PARTY_BODIES, not_under=_NOT_PARTY, unless_named=_NOT_PARTY_WORDS),),
    ),
)


@dataclass(frozen=True, slots=True)
class Body:
    """A body named by its role and level ("Ủy ban nhân dân huyện", "Văn phòng Huyện ủy"): the one
    unit of the issuer's own level that plays it, when the tree names it otherwise ("UBND huyện
    Mẫu Sơn"). The pattern is accent-free; the level word follows it."""

    pattern: str
    target: Target
    named: tuple[str, ...] = ()  # accent-free words the unit's name starts with ("ban to chuc")
    # Since July 2025 a commune or ward stands for its own party and people's committees when the
    # tree lists none under it (as "Đảng ủy các xã" reaches the communes themselves then).
    place_stands: bool = False


_OFFICE = Target(Where.OWN, frozenset({K.OFFICE}), not_under=_NOT_PARTY, unless_named=_NOT_PARTY_WORDS)
BODIES: Sequence[Body] = (
    Body(r"uy ban nhan dan|ubnd", Target(Where.OWN, frozenset({K.PEOPLES_COMMITTEE})), place_stands=True),
    Body(r"dang uy", Target(Where.OWN, _PARTY), place_stands=True),
    Body(r"hoi dong nhan dan|hdnd", Target(Where.OWN, frozenset({K.PEOPLES_COUNCIL}))),
    Body(
        r"(?:uy ban )?(?:mat tran to quoc|mttq)(?: viet nam)?",
        Target(Where.OWN, frozenset({K.FATHERLAND_FRONT})),
    ),
    Body(r"van phong", _OFFICE),
    Body(r"ban to chuc", _PARTY_BOARD, ("ban to chuc",)),
    Body(r"ban tuyen giao(?: va dan van)?", _PARTY_BOARD, ("ban tuyen giao",)),
    Body(r"ban dan van", _PARTY_BOARD, ("ban dan van", "ban tuyen giao va dan van")),
    Body(r"uy ban kiem tra|ubkt", _PARTY_BOARD, ("uy ban kiem tra", "ubkt")),
    Body(r"cong an", Target(Where.OWN, frozenset({K.POLICE}))),
    Body(r"ban chi huy quan su", Target(Where.OWN, frozenset({K.MILITARY}))),
)

# Whose group it is, when the wording says so: "… thuộc Huyện ủy", "… huyện", "… trực thuộc Tỉnh ủy".
_OWNER = (
    r"(?:\s+(?:trực thuộc|thuộc|của|giúp việc))?"
    r"(?:\s+(?:(?:huyện|tỉnh|thị|thành) ủy|huyện|tỉnh|thị xã|thành phố)\b)?"
)


def _compile(pattern: str) -> str:
    """Spaces stretch over line breaks; 'ủy' is also written 'uỷ'."""
    return pattern.replace("ủy", "(?:ủy|uỷ)").replace(" ", r"\s+")


GROUP = re.compile(
    "|".join(
        f"(?P<g{i}>(?:{_compile(g.pattern)}){_compile(_OWNER)})" for i, g in enumerate(ADDRESSEE_GROUPS)
    ),
    re.IGNORECASE,
)
_FULL = re.compile(rf"(?:{GROUP.pattern})$", re.IGNORECASE)


def group_of(wording: str) -> Group | None:
    """The group a wording names as a whole ("Đảng ủy các xã, thị trấn"); None for a unit's name."""
    match = _FULL.match(normalize_name(wording))
    if match is None:
        return None
    return next(ADDRESSEE_GROUPS[int(k[1:])] for k, v in match.groupdict().items() if v is not None)
