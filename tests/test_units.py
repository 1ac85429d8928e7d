"""Units: lookup by what officials type, seeding a real province, imports, mergers."""

from __future__ import annotations

import datetime as dt

import pytest
from vietnam_provinces import Province, Ward

from domain.sheets import SheetRow
from domain.statuses import UnitKind
from domain.units import FORMER_PROVINCES, UnitName, kind_from_text, lookup_key, match_unit
from domain.vntext import accent_free_key, means_none, normalize_name
from storage import units

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "typed",
    [
        "long hiep",
        "Long Hiep",
        "LONG HIỆP",
        "Long Hiệp",
        "xã Long Hiệp",
        "x. long hiep",
        "Xa Long Hiep",
        "long hiêp",
        "long hieep",
    ],
)
def test_commune_found_however_it_is_typed(typed: str) -> None:
    names = [UnitName(1, "Xã Long Hiệp"), UnitName(2, "Xã Long Hựu"), UnitName(3, "Xã Long Thuận")]
    assert match_unit(typed, names).found == names[0]


def test_same_name_commune_and_ward_are_offered_not_guessed() -> None:
    names = [UnitName(1, "Phường Tân Thành"), UnitName(2, "Xã Tân Thành")]
    ambiguous = match_unit("tan thanh", names)
    assert ambiguous.found is None and {c.unit_id for c in ambiguous.candidates} == {1, 2}
    assert match_unit("xa tan thanh", names).found == names[1]
    assert match_unit("p. tan thanh", names).found == names[0]


def test_old_names_find_the_merged_commune_and_say_so() -> None:
    merged = UnitName(7, "Xã Bình Hòa", ("Xã Bình Hoà Nam", "Xã Bình Hòa Bắc"))
    found = match_unit("binh hoa nam", [merged, UnitName(8, "Xã Bình Thành")])
    assert found.found == merged and found.via_alias == "Xã Bình Hoà Nam"


def test_unknown_name_offers_nothing_rather_than_a_wrong_unit() -> None:
    assert match_unit("zzzz", [UnitName(1, "Xã Long Hiệp")]).found is None


def test_two_tone_spellings_and_nfd_are_one_name() -> None:
    assert normalize_name("Xã Bình Hoà") == normalize_name("Xã Bình Hòa") == "Xã Bình Hòa"
    nfd = "Xa\u0303 Thu\u0301y"  # decomposed: "Xã Thúy"
    assert normalize_name(nfd) == "Xã Thúy"
    assert normalize_name("Hoàng Thuý") == "Hoàng Thúy"  # "hoàng" keeps its mark
    assert accent_free_key("Đức Hòa") == accent_free_key("duc hoa") == "duc hoa"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Xã", UnitKind.COMMUNE),
        ("phường", UnitKind.WARD),
        ("Thị trấn", UnitKind.TOWNSHIP),
        ("Ban", UnitKind.BOARD),
        ("Văn phòng", UnitKind.OFFICE),
        ("UBND", UnitKind.PEOPLES_COMMITTEE),
        ("Ủy ban nhân dân", UnitKind.PEOPLES_COMMITTEE),
        ("MTTQ", UnitKind.FATHERLAND_FRONT),
        ("huyện", UnitKind.DISTRICT),
        ("đặc khu", UnitKind.SPECIAL_ZONE),
        ("hợp tác xã nông nghiệp", None),
    ],
)
def test_kind_words(text: str, kind: UnitKind | None) -> None:
    assert kind_from_text(text) == kind


async def test_seed_real_province_finds_every_commune_without_accents(db) -> None:
    async with db.begin() as session:
        result = await units.seed_province(session, province_name="tay ninh", now=NOW)
    source = next(p for p in Province.iter_all() if p.name == "Tây Ninh")
    official_list = list(Ward.iter_by_province(source.code))
    assert result.province.name == "Tây Ninh" and result.created == len(official_list) > 90

    async with db() as session:
        names = await units.unit_names(session)
    ambiguous = set()
    for ward in official_list:
        name = normalize_name(ward.name)
        # Typed with its marks, with or without "xã"/"phường": always exactly this unit.
        for typed in (ward.name, ward.name.split(" ", 1)[1]):
            if lookup_key(typed) in FORMER_PROVINCES and typed != ward.name:
                # "Long An" alone may mean the former province: asked, with the ward among the choices
                assert name in {c.name for c in match_unit(typed, names).candidates}, typed
                continue
            found = match_unit(typed, names).found
            assert found is not None and found.name == name, typed
        # Typed without accents: this unit, or (when two names differ only by their marks, like
        # Tân Thành and Tân Thạnh) a choice that includes it.
        for typed in (accent_free_key(ward.name), lookup_key(ward.name)):
            result = match_unit(typed, names)
            if result.found is None:
                assert name in {c.name for c in result.candidates}, typed
                ambiguous.add(name)
            else:
                assert result.found.name == name, typed
    assert len(ambiguous) < len(official_list) // 10

    async with db.begin() as session:  # a rerun adds nothing
        again = await units.seed_province(session, province_name="Tây Ninh", now=NOW)
    assert again.created == 0 and again.existing == len(official_list)


async def test_unknown_province_is_refused_and_a_near_one_found(db) -> None:
    async with db.begin() as session:
        with pytest.raises(units.UnknownProvinceError) as caught:
            await units.seed_province(session, province_name="zzzz qqqq", now=NOW)
        near = await units.seed_province(session, province_name="tay nin", now=NOW)  # a typo
    assert caught.value.suggestions == []
    assert near.province.name == "Tây Ninh"


def _row(number: int, **cells: str) -> SheetRow:
    return SheetRow(number, {accent_free_key(k): v for k, v in cells.items()})


async def test_import_units_keeps_good_rows_and_names_bad_ones(db) -> None:
    rows = [
        _row(2, **{"Tên đơn vị": "Tỉnh Demo", "Loại": "tỉnh"}),
        _row(3, **{"Tên đơn vị": "Văn phòng Tỉnh ủy", "Loại": "văn phòng", "Đơn vị cấp trên": "tinh demo"}),
        _row(4, **{"Tên đơn vị": "", "Loại": "ban"}),
        _row(5, **{"Tên đơn vị": "Hợp tác xã", "Loại": "hợp tác"}),
        _row(
            6,
            **{
                "Tên đơn vị": "Xã Long Hiệp",
                "Loại": "xã",
                "Đơn vị cấp trên": "Tỉnh Khác",
                "Tên cũ": "Xã Long Thạnh",
            },
        ),
        _row(
            7,
            **{
                "Tên đơn vị": "Xã Long Hiệp",
                "Loại": "xã",
                "Đơn vị cấp trên": "Tỉnh Demo",
                "Tên cũ": "Xã Long Thạnh; Xã Long Hiệp Cũ",
            },
        ),
    ]
    async with db.begin() as session:
        result = await units.import_units(session, rows=rows, now=NOW)
    assert result.created == 3 and result.updated == 0
    assert [(e.row, e.reason.split(" ")[0]) for e in result.errors] == [
        (4, "Thiếu"),
        (5, "Loại"),
        (6, "Không"),
    ]
    async with db() as session:
        found = await units.find_unit(session, query="long thanh")
    assert found.found is not None and found.found.name == "Xã Long Hiệp"
    async with db.begin() as session:  # importing the same file again updates, never duplicates
        again = await units.import_units(session, rows=rows, now=NOW)
    assert again.created == 0 and again.updated == 3


def test_none_as_officials_type_it() -> None:
    assert all(means_none(t) for t in ("không", "Khong", "KO", "bỏ qua", "Không có hạn", "-", "k"))
    assert not any(means_none(t) for t in ("long khanh", "Không Hiệp", "khong gian xanh", "30/12"))
