"""Unit lookup on real provinces: same names in two provinces, abolished levels, numbered wards
(issue 10.12)."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.statuses import UnitKind
from domain.units import UnitName, kind_from_text, match_unit
from storage import units

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
async def provinces(db):
    """Tây Ninh (with the old Long An), Bắc Ninh and Cần Thơ each have a Phường Tân An; Huế has
    Xã A Lưới 1..5."""
    async with db.begin() as session:
        for name in ("Tây Ninh", "Bắc Ninh", "Cần Thơ", "Huế"):
            await units.seed_province(session, province_name=name, now=NOW)
    return db


async def _find(db, typed: str):
    async with db() as session:
        return await units.find_unit(session, query=typed)


async def test_same_name_in_two_provinces_is_asked_with_the_province_shown(provinces) -> None:
    for typed in ("tan an", "Phường Tân An", "P. Tân An"):
        match = await _find(provinces, typed)
        assert match.found is None, typed
        assert {c.label for c in match.candidates} == {
            "Phường Tân An (Tây Ninh)",
            "Phường Tân An (Bắc Ninh)",
            "Phường Tân An (Thành phố Cần Thơ)",
        }, typed
    picked = await _find(provinces, "tan an, tay ninh")
    assert picked.found is not None and picked.found.province == "Tây Ninh"
    alone = await _find(provinces, "long hoa")  # a name only one province has: no province shown
    assert alone.found is not None and alone.found.label == "Phường Long Hoa"


async def test_abolished_district_or_province_is_never_taken_as_a_commune(provinces) -> None:
    # Asked: Xã Cần Đước, and the communes that took the district's former communes (issue 12.2).
    district = await _find(provinces, "Huyện Cần Đước")
    assert district.found is None and [c.name for c in district.candidates] == [
        "Xã Cần Đước",
        "Xã Long Cang",
        "Xã Long Hựu",
        "Xã Mỹ Lệ",
        "Xã Rạch Kiến",
        "Xã Tân Lân",
    ]
    for typed in ("Long An", "long an"):  # the old province, the ward, or the old Xã Long An
        province = await _find(provinces, typed)
        assert province.found is None, typed
        assert [c.name for c in province.candidates] == ["Phường Long An", "Tây Ninh", "Xã Phước Vĩnh Tây"]
    province = await _find(provinces, "Tỉnh Long An")  # a former province, typed as one
    assert province.found is not None and province.found.name == "Tây Ninh"
    # Typed as what it is now, each is found at once.
    for typed, name in (
        ("xã Cần Đước", "Xã Cần Đước"),
        ("phường long an", "Phường Long An"),
        ("tây ninh", "Tây Ninh"),
    ):
        found = await _find(provinces, typed)
        assert found.found is not None and found.found.name == name, typed


async def test_numbered_wards_never_fuzzy_match_other_numbers(provinces) -> None:
    for typed in ("Phường 1", "phuong 3", "P.1"):
        match = await _find(provinces, typed)
        assert match.found is None, typed
        assert not any("A Lưới" in c.name for c in match.candidates), typed
    other = await _find(provinces, "a luoi 6")
    assert other.found is None and other.candidates == ()
    exact = await _find(provinces, "a luoi 2")
    assert exact.found is not None and exact.found.name == "Xã A Lưới 2"


def test_former_province_without_its_successor_in_the_tree_is_still_asked() -> None:
    names = [UnitName(1, "Phường Long An", kind=UnitKind.WARD, province="Tây Ninh")]
    match = match_unit("long an", names)
    assert match.found is None and [c.unit_id for c in match.candidates] == [1]


def test_party_committee_names_are_not_a_province_prefix() -> None:
    names = [
        UnitName(1, "Tỉnh ủy Tây Ninh", kind=UnitKind.PARTY_COMMITTEE),
        UnitName(2, "Tây Ninh", kind="tinh"),
    ]
    assert match_unit("tinh uy tay ninh", names).found == names[0]
    assert match_unit("tỉnh tây ninh", names).found == names[1]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Đảng ủy", UnitKind.PARTY_COMMITTEE),
        ("dang uy", UnitKind.PARTY_COMMITTEE),
        ("Phòng", UnitKind.DEPARTMENT),
        ("Phòng Văn hóa - Xã hội", UnitKind.DEPARTMENT),
        ("Ban", UnitKind.BOARD),
        ("Trung tâm", UnitKind.CENTRE),
        ("Hội", UnitKind.ASSOCIATION),
        ("Đoàn", UnitKind.UNION),
        ("Văn phòng", UnitKind.OFFICE),
        ("UBND", UnitKind.PEOPLES_COMMITTEE),
        ("HĐND", UnitKind.PEOPLES_COUNCIL),
        ("MTTQ", UnitKind.FATHERLAND_FRONT),
        ("Công an", UnitKind.POLICE),
        ("cong an xa", UnitKind.POLICE),
        ("Quân sự", UnitKind.MILITARY),
        ("Ban Chỉ huy Quân sự", UnitKind.MILITARY),
        ("Trường", UnitKind.SCHOOL),
        ("Trường THCS", UnitKind.SCHOOL),
        ("Trạm y tế", UnitKind.HEALTH),
        ("tram y te", UnitKind.HEALTH),
        ("Đoàn thể", UnitKind.ORGANISATION),
        ("hợp tác xã nông nghiệp", None),
    ],
)
def test_kinds_offices_really_have(text: str, kind: UnitKind | None) -> None:
    assert kind_from_text(text) == kind
