"""Task statuses and roles: stored codes, never the Vietnamese labels (those live in texts)."""

from __future__ import annotations

from enum import StrEnum


class TaskStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    EXTENSION_REQUESTED = "extension_requested"
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # reported done, the office has not confirmed
    DONE = "done"


OPEN_STATUSES = frozenset(TaskStatus) - {TaskStatus.DONE}


class Outcome(StrEnum):
    """The four ways government task trackers count a task."""

    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    ON_TRACK = "on_track"  # đang thực hiện trong hạn
    OVERDUE = "overdue"  # quá hạn chưa hoàn thành


class Role(StrEnum):
    ADMIN = "admin"
    LEADER = "leader"
    OFFICIAL = "official"


class UnitKind(StrEnum):
    PROVINCE = "tinh"
    DISTRICT = "huyen"  # legacy set-ups only: districts were abolished on 1 July 2025
    COMMUNE = "xa"
    WARD = "phuong"
    TOWNSHIP = "thi_tran"  # legacy: townships became communes in 2025
    SPECIAL_ZONE = "dac_khu"
    BOARD = "ban"  # Ban Tổ chức, Ban Tuyên giáo, UBKT...
    OFFICE = "van_phong"
    PEOPLES_COMMITTEE = "ubnd"
    PEOPLES_COUNCIL = "hdnd"
    FATHERLAND_FRONT = "mttq"
    ORGANISATION = "doan_the"  # political-social organisations
    AGENCY = "co_quan"  # any other agency
    # Kinds the offices list besides the above (issue 10.13): imports accept them by name.
    PARTY_COMMITTEE = "dang_uy"  # Đảng ủy, Tỉnh ủy, Thành ủy
    DEPARTMENT = "phong"  # Phòng (commune), Sở (province)
    CENTRE = "trung_tam"  # Trung tâm phục vụ hành chính công...
    ASSOCIATION = "hoi"  # Hội Nông dân, Hội Phụ nữ, Hội Cựu chiến binh
    UNION = "doan"  # Đoàn Thanh niên
    POLICE = "cong_an"
    MILITARY = "quan_su"  # Ban Chỉ huy Quân sự
    SCHOOL = "truong"
    HEALTH = "y_te"  # Trạm y tế, Trung tâm y tế


# Communes and wards: the units a commune official belongs to and /status is asked about.
LOCAL_UNIT_KINDS = frozenset({UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWNSHIP, UnitKind.SPECIAL_ZONE})


class InboxStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
