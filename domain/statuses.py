"""Task statuses and roles: stored codes, never the Vietnamese labels (those live in texts)."""

from __future__ import annotations

from enum import StrEnum


class TaskStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    EXTENSION_REQUESTED = "extension_requested"
    DONE = "done"


class Role(StrEnum):
    ADMIN = "admin"
    LEADER = "leader"
    OFFICIAL = "official"


class UnitKind(StrEnum):
    PROVINCE = "tinh"
    DISTRICT = "huyen"  # legacy set-ups only: districts were abolished on 1 July 2025
    COMMUNE = "xa"
    WARD = "phuong"
    TOWNSHIP = "thi_tran"
    SPECIAL_ZONE = "dac_khu"
    AGENCY = "co_quan"


class InboxStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
