"""Housing-style programmes as configuration: xóa nhà tạm first, the next campaign without code.

A programme names its beneficiary tracks, kinds of work, funding sources and ordered stages, and
its deadline. Operators may load others from a JSON file of the same shape (PROGRAMMES_FILE).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from domain.vntext import accent_free_key


@dataclass(frozen=True)
class Programme:
    key: str
    name: str
    unit_label: str  # "căn" (houses), "trường", "km"...
    tracks: dict[str, str]
    work_kinds: dict[str, str]
    fund_sources: dict[str, str]
    stages: tuple[tuple[str, str], ...]  # in order; the last is the finish line
    deadline: dt.date | None = None
    # Words in a photo caption that name a stage, accent-free, longest first.
    stage_words: dict[str, str] = field(default_factory=dict)

    def stage_index(self, stage: str) -> int:
        return [key for key, _ in self.stages].index(stage)

    def stage_label(self, stage: str) -> str:
        return dict(self.stages).get(stage, stage)

    @property
    def first_stage(self) -> str:
        return self.stages[0][0]

    @property
    def last_stage(self) -> str:
        return self.stages[-1][0]

    def stage_from_text(self, text: str) -> str | None:
        """'bàn giao nhà hộ Nguyễn Văn A' → the handover stage."""
        key = f" {accent_free_key(text)} "
        for words, stage in sorted(self.stage_words.items(), key=lambda item: -len(item[0])):
            if f" {words} " in key:
                return stage
        return None

    def parse_choice(self, text: str, options: dict[str, str]) -> str | None:
        """A track/kind/source as typed in a spreadsheet: its key or its label, without accents."""
        wanted = accent_free_key(text)
        for key, label in options.items():
            if wanted in (accent_free_key(key.replace("_", " ")), accent_free_key(label)):
                return key
        return None


XOA_NHA_TAM = Programme(
    key="xoa_nha_tam",
    name="Xóa nhà tạm, nhà dột nát",
    unit_label="căn",
    tracks={
        "nguoi_co_cong": "Gia đình người có công",
        "giam_ngheo": "CTMTQG giảm nghèo bền vững",
        "dan_toc": "CTMTQG vùng đồng bào DTTS và miền núi",
        "phong_trao": "Hộ nghèo, hộ cận nghèo (phong trào thi đua)",
    },
    work_kinds={"xay_moi": "Xây mới", "sua_chua": "Sửa chữa"},
    fund_sources={
        "trung_uong": "Ngân sách trung ương",
        "dia_phuong": "Ngân sách địa phương",
        "van_dong": "Vận động, xã hội hóa",
        "ho_gia_dinh": "Hộ gia đình đóng góp",
    },
    stages=(
        ("chua_khoi_cong", "Chưa khởi công"),
        ("dang_thi_cong", "Đang thi công"),
        ("hoan_thanh", "Hoàn thành"),
        ("da_ban_giao", "Đã bàn giao"),
    ),
    deadline=dt.date(2026, 12, 31),
    stage_words={
        "ban giao": "da_ban_giao",
        "khanh thanh": "da_ban_giao",
        "trao nha": "da_ban_giao",
        "hoan thanh": "hoan_thanh",
        "xong": "hoan_thanh",
        "khoi cong": "dang_thi_cong",
        "thi cong": "dang_thi_cong",
        "dang xay": "dang_thi_cong",
        "dang sua": "dang_thi_cong",
    },
)


def load_programmes(text: str | None) -> dict[str, Programme]:
    """The built-in programme, plus any from a JSON list of objects shaped like Programme."""
    programmes = {XOA_NHA_TAM.key: XOA_NHA_TAM}
    for raw in json.loads(text) if text else []:
        deadline = dt.date.fromisoformat(raw["deadline"]) if raw.get("deadline") else None
        programme = Programme(
            key=raw["key"],
            name=raw["name"],
            unit_label=raw.get("unit_label", "đơn vị"),
            tracks=dict(raw.get("tracks", {})),
            work_kinds=dict(raw.get("work_kinds", {})),
            fund_sources=dict(raw.get("fund_sources", {})),
            stages=tuple((k, v) for k, v in raw["stages"]),
            deadline=deadline,
            stage_words={accent_free_key(k): v for k, v in raw.get("stage_words", {}).items()},
        )
        programmes[programme.key] = programme
    return programmes


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One household as progress counts it."""

    track: str | None
    work_kind: str | None
    stage: str
    pledged: float
    transferred: float


@dataclass
class Progress:
    planned: int = 0
    by_stage: dict[str, int] = field(default_factory=dict)  # at or past each stage
    by_track: dict[str, dict[str, int]] = field(default_factory=dict)
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    pledged: float = 0.0
    transferred: float = 0.0
    per_day_needed: float | None = None  # handovers a working day still needed to meet the deadline
    working_days_left: int | None = None

    def reached(self, stage: str) -> int:
        return self.by_stage.get(stage, 0)


def progress(
    programme: Programme, rows: Iterable[CaseRow], *, today: dt.date, working_days_left: int | None
) -> Progress:
    """Planned, started, finished and handed over (each counts what reached at least that stage)."""
    result = Progress()
    order = [key for key, _ in programme.stages]
    for row in rows:
        result.planned += 1
        index = order.index(row.stage) if row.stage in order else 0
        for stage in order[: index + 1]:
            result.by_stage[stage] = result.by_stage.get(stage, 0) + 1
            for bucket, key in ((result.by_track, row.track), (result.by_kind, row.work_kind)):
                if key:
                    bucket.setdefault(key, {}).setdefault(stage, 0)
                    bucket[key][stage] += 1
        result.pledged += row.pledged
        result.transferred += row.transferred
    remaining = result.planned - result.reached(programme.last_stage)
    result.working_days_left = working_days_left
    if remaining > 0 and working_days_left is not None:
        result.per_day_needed = remaining / max(1, working_days_left)
    return result


def pace_text(per_day: float) -> str:
    """'cần 1,5 căn/ngày' style figure, rounded up to a tenth."""
    value = math.ceil(per_day * 10) / 10
    return (f"{value:.1f}".replace(".", ",")).removesuffix(",0")


def choices_text(options: Sequence[str]) -> str:
    return ", ".join(options)
