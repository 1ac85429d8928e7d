"""Generic addressees ("Đảng ủy các xã, thị trấn", "các cơ quan tham mưu, giúp việc Huyện ủy",
"cấp ủy", "Ủy ban MTTQ và các đoàn thể huyện", "các phòng, ban, ngành") read from the seeds'
wording and expanded to the units of a seeded tree, counted from the issuer: expectations typed
by hand from the tree, not from the code's output."""

from __future__ import annotations

import pytest

from domain.addressee_tree import TreeUnit, body_unit, expand, place_body, scope_of
from domain.directive_units import lead_and_cooperating
from domain.statuses import UnitKind as K

# A legacy tree (the seeds' time): a province, two districts, each district's party boards,
# people's committee with its departments, front and organisations, communes with their party
# committees. (name, kind, parent)
LEGACY = (
    ("Tỉnh Demo", K.PROVINCE, None),
    ("Huyện Mẫu Sơn", K.DISTRICT, "Tỉnh Demo"),
    ("Văn phòng Huyện ủy", K.OFFICE, "Huyện Mẫu Sơn"),
    ("Ban Tổ chức Huyện ủy", K.BOARD, "Huyện Mẫu Sơn"),
    ("Ban Tuyên giáo và Dân vận Huyện ủy", K.BOARD, "Huyện Mẫu Sơn"),
    ("Ủy ban Kiểm tra Huyện ủy", K.BOARD, "Huyện Mẫu Sơn"),
    ("Ủy ban nhân dân huyện", K.PEOPLES_COMMITTEE, "Huyện Mẫu Sơn"),
    ("Văn phòng HĐND và UBND huyện", K.OFFICE, "Ủy ban nhân dân huyện"),
    ("Ban Quản lý dự án huyện", K.BOARD, "Ủy ban nhân dân huyện"),
    ("Phòng Tài chính - Kế hoạch", K.DEPARTMENT, "Ủy ban nhân dân huyện"),
    ("Phòng Nội vụ", K.DEPARTMENT, "Ủy ban nhân dân huyện"),
    ("Công an huyện", K.POLICE, "Huyện Mẫu Sơn"),
    ("Ủy ban MTTQ huyện", K.FATHERLAND_FRONT, "Huyện Mẫu Sơn"),
    ("Hội Nông dân huyện", K.ASSOCIATION, "Huyện Mẫu Sơn"),
    ("Hội Liên hiệp Phụ nữ huyện", K.ASSOCIATION, "Huyện Mẫu Sơn"),
    ("Huyện đoàn", K.UNION, "Huyện Mẫu Sơn"),
    ("Hội Cựu chiến binh huyện", K.ASSOCIATION, "Huyện Mẫu Sơn"),
    ("Liên đoàn Lao động huyện", K.ORGANISATION, "Huyện Mẫu Sơn"),
    ("Xã Long Hiệp", K.COMMUNE, "Huyện Mẫu Sơn"),
    ("Xã Long Hựu", K.COMMUNE, "Huyện Mẫu Sơn"),
    ("Thị trấn Tân An", K.TOWNSHIP, "Huyện Mẫu Sơn"),
    ("Đảng ủy xã Long Hiệp", K.PARTY_COMMITTEE, "Xã Long Hiệp"),
    ("Đảng ủy xã Long Hựu", K.PARTY_COMMITTEE, "Xã Long Hựu"),
    ("Đảng ủy thị trấn Tân An", K.PARTY_COMMITTEE, "Thị trấn Tân An"),
    ("Huyện Bến Lức", K.DISTRICT, "Tỉnh Demo"),
    ("Văn phòng Huyện ủy Bến Lức", K.OFFICE, "Huyện Bến Lức"),
    ("Xã Bình Đức", K.COMMUNE, "Huyện Bến Lức"),
    ("Đảng ủy xã Bình Đức", K.PARTY_COMMITTEE, "Xã Bình Đức"),
)
# Since July 2025: a province and its communes and wards, nothing in between.
TWO_LEVEL = (
    ("Tỉnh Tây Ninh", K.PROVINCE, None),
    ("Văn phòng Tỉnh ủy", K.OFFICE, "Tỉnh Tây Ninh"),
    ("Xã Long Hiệp", K.COMMUNE, "Tỉnh Tây Ninh"),
    ("Xã Mỹ Yên", K.COMMUNE, "Tỉnh Tây Ninh"),
    ("Phường Tân An", K.WARD, "Tỉnh Tây Ninh"),
)


def tree(spec: tuple) -> list[TreeUnit]:
    ids = {name: index for index, (name, _kind, _parent) in enumerate(spec, 1)}
    return [TreeUnit(ids[name], name, kind, ids.get(parent)) for name, kind, parent in spec]


def names(wording: str, spec: tuple, *, issuer: str | None, near: str | None = None) -> list[str] | None:
    units = tree(spec)
    near_id = next((u.unit_id for u in units if u.name == near), None)
    found = expand(wording, units, scope_id=scope_of(issuer, units, near=near_id))
    return None if found is None else sorted(u.name for u in found)


# Sentences as the seeds write them (000's and 002's recipients, the sample notice's II.4), and
# the wording the reader keeps, as lead (l) or cooperating (c) unit.
SEED_SENTENCES = [
    ("Đảng ủy các xã, thị trấn tập trung chỉ đạo đẩy mạnh thực hiện nhiệm vụ xóa nhà tạm.",
     "l", "Đảng ủy các xã, thị trấn"),
    ("Các xã, thị trấn tăng cường tuyên truyền về chính sách hỗ trợ nhà ở.", "l", "Các xã, thị trấn"),
    ("Giao các ban, cơ quan thuộc Huyện ủy theo dõi, đôn đốc việc thực hiện.",
     "l", "các ban, cơ quan thuộc Huyện ủy"),
    ("Ủy ban MTTQ và các tổ chức chính trị - xã hội huyện tuyên truyền, vận động Nhân dân.",
     "l", "Ủy ban MTTQ và các tổ chức chính trị - xã hội huyện"),
    ("Ủy ban nhân dân huyện chủ trì, phối hợp với các phòng, ban, ngành huyện rà soát các dự án.",
     "c", "các phòng, ban, ngành huyện"),
    ("Giao Ban Tổ chức Huyện ủy chủ trì, phối hợp với các cơ quan tham mưu, giúp việc Huyện ủy "
     "rà soát quy hoạch cán bộ.", "c", "các cơ quan tham mưu, giúp việc Huyện ủy"),
    ("Các chi, đảng ủy trực thuộc Huyện ủy căn cứ Quy định số 1240-QĐ/HU xây dựng chương trình.",
     "l", "Các chi, đảng ủy trực thuộc Huyện ủy"),
    ("Ủy ban MTTQ và các đoàn thể huyện phát huy vai trò nòng cốt.",
     "l", "Ủy ban MTTQ và các đoàn thể huyện"),
    ("Các cấp ủy, tổ chức đảng tăng cường nắm tình hình cán bộ, đảng viên.", "l", "Các cấp ủy, tổ chức đảng"),
    ("Các huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy tổ chức quán triệt Công văn.",
     "l", "Các huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy"),
    ("Giao Văn phòng Huyện ủy phối hợp với các ban xây dựng Đảng tổng hợp.", "c", "các ban xây dựng Đảng"),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "side", "wording"), SEED_SENTENCES)
def test_the_seeds_wordings_are_read_as_written(sentence: str, side: str, wording: str) -> None:
    lead, cooperating = lead_and_cooperating(sentence)
    assert wording in (lead if side == "l" else cooperating)


def test_named_units_and_words_that_are_not_addressees_stay_as_they_were() -> None:
    # The accountability sentence of seed 000 names no addressee; a commune by name is not a group.
    assert lead_and_cooperating("Người đứng đầu cấp ủy, chính quyền cấp xã chịu trách nhiệm.") == ([], [])
    assert lead_and_cooperating("Các xã Long Hiệp, Long Hựu hoàn thành bàn giao nhà.")[0] == []
    assert lead_and_cooperating("Ủy ban nhân dân huyện, các xã, thị trấn tập trung chỉ đạo.")[0] == [
        "Ủy ban nhân dân huyện",
        "các xã, thị trấn",
    ]


DISTRICT = "Thường trực Huyện ủy"
MAU_SON_COMMUNES = ["Thị trấn Tân An", "Xã Long Hiệp", "Xã Long Hựu"]
MAU_SON_COMMITTEES = ["Đảng ủy thị trấn Tân An", "Đảng ủy xã Long Hiệp", "Đảng ủy xã Long Hựu"]
EXPECTED_IN_THE_DISTRICT = [
    ("Đảng ủy các xã, thị trấn", MAU_SON_COMMITTEES),
    ("các đảng ủy xã, thị trấn", MAU_SON_COMMITTEES),
    ("Các xã, thị trấn", MAU_SON_COMMUNES),
    ("các xã", ["Xã Long Hiệp", "Xã Long Hựu"]),
    ("cấp ủy", MAU_SON_COMMITTEES),
    ("Các chi, đảng ủy trực thuộc Huyện ủy", MAU_SON_COMMITTEES),
    ("các chi, đảng bộ cơ sở", MAU_SON_COMMITTEES),
    (
        "các cơ quan tham mưu, giúp việc Huyện ủy",
        ["Ban Tổ chức Huyện ủy", "Ban Tuyên giáo và Dân vận Huyện ủy", "Ủy ban Kiểm tra Huyện ủy",
         "Văn phòng Huyện ủy"],
    ),
    ("Các ban, cơ quan thuộc Huyện ủy",
     ["Ban Tổ chức Huyện ủy", "Ban Tuyên giáo và Dân vận Huyện ủy", "Ủy ban Kiểm tra Huyện ủy",
      "Văn phòng Huyện ủy"]),
    ("các ban xây dựng Đảng",
     ["Ban Tổ chức Huyện ủy", "Ban Tuyên giáo và Dân vận Huyện ủy", "Ủy ban Kiểm tra Huyện ủy"]),
    (
        "Ủy ban MTTQ và các đoàn thể huyện",
        ["Hội Cựu chiến binh huyện", "Hội Liên hiệp Phụ nữ huyện", "Hội Nông dân huyện", "Huyện đoàn",
         "Liên đoàn Lao động huyện", "Ủy ban MTTQ huyện"],
    ),
    ("Các phòng, ban, ngành huyện", ["Công an huyện", "Phòng Nội vụ", "Phòng Tài chính - Kế hoạch"]),
    ("Ủy ban nhân dân huyện", None),  # a unit's own name: matched by name, not a group
]  # fmt: skip


@pytest.mark.parametrize(("wording", "expected"), EXPECTED_IN_THE_DISTRICT)
def test_groups_of_a_district_issuer(wording: str, expected: list[str] | None) -> None:
    """Two districts: the office's own (its Văn phòng) tells which one 'Huyện ủy' is."""
    assert names(wording, LEGACY, issuer=DISTRICT, near="Văn phòng Huyện ủy") == (
        sorted(expected) if expected else expected
    )


def test_groups_of_a_province_issuer_reach_through_the_districts() -> None:
    province = "Ban Thường vụ Tỉnh ủy"
    assert names("các xã, thị trấn", LEGACY, issuer=province) == sorted([*MAU_SON_COMMUNES, "Xã Bình Đức"])
    assert names("các cấp ủy", LEGACY, issuer=province) == sorted(
        [*MAU_SON_COMMITTEES, "Đảng ủy xã Bình Đức"]
    )
    # The committees "trực thuộc" the province are the districts' (none in the tree: the districts).
    wording = "Các huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy"
    assert names(wording, LEGACY, issuer=province) == ["Huyện Bến Lức", "Huyện Mẫu Sơn"]
    # Nothing of the districts' own level is the province's.
    assert names("các ban xây dựng Đảng", LEGACY, issuer=province) == []


def test_a_district_issuer_among_two_districts_without_a_hint_expands_to_nothing() -> None:
    assert names("Các xã, thị trấn", LEGACY, issuer=DISTRICT) == []


def test_an_issuer_that_names_its_place() -> None:
    assert names("các xã", LEGACY, issuer="Ban Thường vụ Huyện ủy Bến Lức") == ["Xã Bình Đức"]
    assert names("cấp ủy", LEGACY, issuer="Thường trực Đảng ủy xã Long Hiệp") == []
    assert names("các xã", LEGACY, issuer="Huyện ủy Cần Đước") == []  # not in the tree


def test_two_level_tree_has_no_districts() -> None:
    """Since 2025 the groups count from the province, whatever level the document was written at;
    a commune stands for its party committee when the tree has none."""
    everyone = ["Phường Tân An", "Xã Long Hiệp", "Xã Mỹ Yên"]
    assert names("Đảng ủy các xã, phường", TWO_LEVEL, issuer="Ban Thường vụ Tỉnh ủy") == everyone
    assert names("các xã, phường", TWO_LEVEL, issuer=DISTRICT) == everyone
    assert names("các phường", TWO_LEVEL, issuer=None) == ["Phường Tân An"]
    assert names("cấp ủy", TWO_LEVEL, issuer=None) == everyone
    assert names("các cơ quan tham mưu, giúp việc Tỉnh ủy", TWO_LEVEL, issuer=None) == ["Văn phòng Tỉnh ủy"]


# The same district as its office might list it: full names with the district's.
RENAMED = tuple(
    (
        {
            "Ủy ban nhân dân huyện": "UBND huyện Mẫu Sơn",
            "Văn phòng Huyện ủy": "Văn phòng Huyện ủy Mẫu Sơn",
        }.get(n, n),
        k,
        p,
    )
    for n, k, p in LEGACY[:24]
)


@pytest.mark.parametrize(
    ("written", "unit"),
    [
        ("Ủy ban nhân dân huyện", "UBND huyện Mẫu Sơn"),
        ("UBND huyện", "UBND huyện Mẫu Sơn"),
        ("Văn phòng Huyện ủy", "Văn phòng Huyện ủy Mẫu Sơn"),  # not the Văn phòng HĐND và UBND
        ("Ban Tuyên giáo Huyện ủy", "Ban Tuyên giáo và Dân vận Huyện ủy"),
        ("Ban Dân vận Huyện ủy", "Ban Tuyên giáo và Dân vận Huyện ủy"),
        ("Ủy ban MTTQ huyện", "Ủy ban MTTQ huyện"),
        ("UBND tỉnh", None),  # another level than the issuer's: not guessed
        ("Ban Nội chính Huyện ủy", None),  # none in the tree
    ],
)
def test_a_body_named_by_role_and_level_is_the_issuer_s(written: str, unit: str | None) -> None:
    units = tree(RENAMED)
    found = body_unit(written, units, scope_id=scope_of(DISTRICT, units))
    assert (found.name if found else None) == unit


def test_a_group_with_no_unit_in_the_tree_finds_none() -> None:
    only_boards = LEGACY[:7]
    assert names("Đảng ủy các xã, thị trấn", only_boards, issuer=DISTRICT) == []
    assert names("Mặt trận Tổ quốc và các đoàn thể", only_boards, issuer=DISTRICT) == []
    assert names("Ủy ban MTTQ các xã", LEGACY, issuer=DISTRICT, near="Văn phòng Huyện ủy") == []


# A commune with its own bodies listed, in a two-level tree: (name, kind, parent).
WITH_BODIES = (
    *TWO_LEVEL,
    ("Đảng bộ xã Mỹ Yên", K.PARTY_COMMITTEE, "Xã Mỹ Yên"),
    ("UBND Mỹ Yên", K.PEOPLES_COMMITTEE, "Xã Mỹ Yên"),
    ("Ủy ban MTTQ xã Long Hiệp", K.FATHERLAND_FRONT, "Xã Long Hiệp"),
)


@pytest.mark.parametrize(
    ("written", "unit"),
    [
        ("Ủy ban nhân dân xã Long Hiệp", "Xã Long Hiệp"),  # no committee listed: the commune stands for it
        ("UBND xã Long Hiệp", "Xã Long Hiệp"),
        ("Đảng ủy xã Long Hiệp", "Xã Long Hiệp"),
        ("Đảng uỷ xã Long Hiệp", "Xã Long Hiệp"),
        ("UBND phường Tân An", "Phường Tân An"),
        ("Ủy ban nhân dân xã Mỹ Yên", "UBND Mỹ Yên"),  # the commune's own, listed under it
        ("Đảng ủy xã Mỹ Yên", "Đảng bộ xã Mỹ Yên"),
        ("Ủy ban MTTQ xã Long Hiệp", "Ủy ban MTTQ xã Long Hiệp"),
        ("Ủy ban MTTQ xã Mỹ Yên", None),  # a commune does not stand for its front
        ("UBND xã Tân An", None),  # Tân An is a ward: not guessed across kinds
        ("UBND xã Long Hựu", None),  # not in the tree
        ("UBND tỉnh Tây Ninh", None),  # the province does not stand for its committee
    ],
)
def test_a_body_of_a_named_commune_is_its_own_or_the_commune(written: str, unit: str | None) -> None:
    found = place_body(written, tree(WITH_BODIES))
    assert (found.name if found else None) == unit


def test_a_body_of_another_level_is_never_the_commune() -> None:
    units = tree(TWO_LEVEL)
    commune = scope_of("Thường trực Đảng ủy xã Long Hiệp", units)
    assert body_unit("UBND tỉnh", units, scope_id=commune) is None
    assert body_unit("Ủy ban nhân dân huyện", units, scope_id=commune) is None
    assert body_unit("Ủy ban nhân dân xã", units, scope_id=commune).name == "Xã Long Hiệp"  # type: ignore[union-attr]
    assert lead_and_cooperating("UBND phường Tân An tập trung giải phóng mặt bằng.")[0] == [
        "UBND phường Tân An"
    ]
