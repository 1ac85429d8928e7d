"""Housing-style programmes as configuration: xóa nhà tạm first, the next campaign without code.

A programme names its beneficiary tracks, kinds of work, funding sources and ordered stages, and
its deadline. Operators may load others from a JSON file of the same shape (PROGRAMMES_FILE).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
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
    # How people write a track or a kind of work ("hộ nghèo", "sửa"), accent-free, to its key.
    aliases: dict[str, str] = field(default_factory=dict)
    # Running totals worth a line of their own: (stage, label), counting the houses at or past it.
    cumulative: tuple[tuple[str, str], ...] = ()

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
        """A track/kind/stage as people type it: its key, its label or a common wording, without
        accents, with or without "hộ"; a word that starts only one of them ("sua") is enough."""
        wanted = _choice_key(text)
        if not wanted:
            return None
        words = {_choice_key(key.replace("_", " ")): key for key in options}
        words |= {_choice_key(label): key for key, label in options.items()}
        words |= {_choice_key(alias): key for alias, key in self.aliases.items() if key in options}
        if wanted in words:
            return words[wanted]
        starts = {key for word, key in words.items() if len(wanted) >= 3 and word.startswith(wanted)}
        return starts.pop() if len(starts) == 1 else None

    def parse_track(self, text: str) -> str | None:
        return self.parse_choice(text, self.tracks)

    def parse_work_kind(self, text: str) -> str | None:
        return self.parse_choice(text, self.work_kinds)


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
    aliases={
        "nguoi co cong": "nguoi_co_cong",
        "co cong": "nguoi_co_cong",
        "gia dinh chinh sach": "nguoi_co_cong",
        "chinh sach": "nguoi_co_cong",
        "giam ngheo": "giam_ngheo",
        "giam ngheo ben vung": "giam_ngheo",
        "dan toc": "dan_toc",
        "dan toc thieu so": "dan_toc",
        "dtts": "dan_toc",
        "ngheo": "phong_trao",
        "can ngheo": "phong_trao",
        "ngheo can ngheo": "phong_trao",
        "phong trao": "phong_trao",
        "phong trao thi dua": "phong_trao",
        "xay": "xay_moi",
        "lam moi": "xay_moi",
        "sua": "sua_chua",
    },
    cumulative=(("dang_thi_cong", "Đã khởi công (lũy kế)"), ("hoan_thanh", "Đã hoàn thành (lũy kế)")),
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
            aliases=dict(raw.get("aliases", {})),
            cumulative=tuple((k, v) for k, v in raw.get("cumulative", [])),
        )
        programmes[programme.key] = programme
    return programmes


@dataclass(frozen=True, slots=True)
class CaseChoices:
    """A household's track and kind of work as typed, read; what is missing or wrong, by field."""

    track: str | None
    work_kind: str | None
    missing: tuple[str, ...] = ()  # "track", "work_kind"
    wrong: tuple[tuple[str, str], ...] = ()  # (field, what was typed)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.wrong


def read_case(programme: Programme, track_text: str | None, kind_text: str | None) -> CaseChoices:
    """Both are needed: the plan's breakdowns by track and by kind must add up to the plan."""
    values: dict[str, str | None] = {}
    missing: list[str] = []
    wrong: list[tuple[str, str]] = []
    for field_name, text, options in (
        ("track", track_text, programme.tracks),
        ("work_kind", kind_text, programme.work_kinds),
    ):
        typed = (text or "").strip()
        values[field_name] = programme.parse_choice(typed, options) if typed else None
        if not typed:
            missing.append(field_name)
        elif values[field_name] is None:
            wrong.append((field_name, typed))
    return CaseChoices(values["track"], values["work_kind"], tuple(missing), tuple(wrong))


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One household as progress counts it."""

    track: str | None
    work_kind: str | None
    stage: str
    pledged: float
    transferred: float


def _choice_key(text: str) -> str:
    """'Hộ nghèo' → 'ngheo': accent-free, with the words "hộ" and "và" and punctuation dropped."""
    key = accent_free_key(text)
    key = re.sub(r"\b(ho|va)\b", " ", key)
    return " ".join(key.split())


@dataclass
class Progress:
    planned: int = 0
    by_stage: dict[str, int] = field(default_factory=dict)  # at or past each stage (cumulative)
    at_stage: dict[str, int] = field(default_factory=dict)  # at each stage now
    by_track: dict[str, dict[str, int]] = field(default_factory=dict)
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    pledged: float = 0.0
    transferred: float = 0.0
    per_day_needed: float | None = None  # handovers a working day still needed to meet the deadline
    working_days_left: int | None = None

    def reached(self, stage: str) -> int:
        """Houses at or past the stage: a running total, never shown under the stage's own name."""
        return self.by_stage.get(stage, 0)

    def now_at(self, stage: str) -> int:
        """Houses at the stage today (not yet past it)."""
        return self.at_stage.get(stage, 0)


def progress(
    programme: Programme, rows: Iterable[CaseRow], *, today: dt.date, working_days_left: int | None
) -> Progress:
    """Planned; the houses now at each stage; running totals of those at or past each stage."""
    result = Progress()
    order = [key for key, _ in programme.stages]
    for row in rows:
        result.planned += 1
        index = order.index(row.stage) if row.stage in order else 0
        result.at_stage[order[index]] = result.at_stage.get(order[index], 0) + 1
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


def stage_counts(programme: Programme, result: Progress) -> list[tuple[str, int]]:
    """(label, houses) for every stage as things stand, then the labelled running totals."""
    now = [(label, result.now_at(key)) for key, label in programme.stages]
    return now + [(label, result.reached(key)) for key, label in programme.cumulative]


def stage_headers(programme: Programme) -> list[str]:
    return [label for _, label in programme.stages] + [label for _, label in programme.cumulative]


def pace_text(per_day: float, unit: str) -> str:
    """What must be done each (working) day: '1,5 căn/ngày', rounded up to a tenth; under one a
    day, '1 căn mỗi 8 ngày' (rounded down, the safe side), not 0,12 rounded up to '0,2 căn/ngày'."""
    if per_day < 1:
        return f"1 {unit} mỗi {max(1, math.floor(1 / per_day))} ngày"
    value = math.ceil(per_day * 10) / 10
    return (f"{value:.1f}".replace(".", ",")).removesuffix(",0") + f" {unit}/ngày"


def choices_text(options: Sequence[str]) -> str:
    return ", ".join(options)
