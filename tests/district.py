"""A seeded district for the leaders' views: communes, officials, tasks in every status, households."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from domain.dates import Due
from domain.programmes import XOA_NHA_TAM
from domain.statuses import Role, TaskStatus, UnitKind
from storage import households, tasks, units
from storage.models import ExtensionRequest, Official, Photo, TaskUpdate
from tests.factories import add_official

NOW = dt.datetime(2026, 11, 23, 0, 30, tzinfo=dt.UTC)  # Monday 07:30 in Hanoi
TODAY = dt.date(2026, 11, 23)
COMMUNES = ("Xã Long Hiệp", "Xã Long Hựu", "Xã Long Thuận", "Xã Tân Thành", "Phường Tân Thành")
LEADER, ADMIN = 9601, 9602


@dataclass
class District:
    units: dict[str, int]
    officials: dict[str, int]  # commune -> telegram id of its official


# (status, due offset in days from today, completed offset or None)
PATTERN = (
    (TaskStatus.DONE, -10, -12),  # done on time
    (TaskStatus.DONE, -10, -5),  # done late
    (TaskStatus.IN_PROGRESS, 5, None),  # on track
    (TaskStatus.NEW, 2, None),  # on track, due this week
    (TaskStatus.IN_PROGRESS, -3, None),  # overdue
    (TaskStatus.BLOCKED, -8, None),  # overdue and blocked
    (TaskStatus.EXTENSION_REQUESTED, 1, None),
    (TaskStatus.AWAITING_CONFIRMATION, 10, None),
)


async def seed_district(db) -> District:  # type: ignore[no-untyped-def]
    async with db.begin() as session:
        province = await units.add_unit(session, name="Tỉnh Demo", kind=UnitKind.PROVINCE)
        unit_ids = {}
        for name in COMMUNES:
            kind = UnitKind.WARD if name.startswith("Phường") else UnitKind.COMMUNE
            unit_ids[name] = (await units.add_unit(session, name=name, kind=kind, parent_id=province.id)).id
        unit_ids["Tỉnh Demo"] = province.id
    people = {}
    for index, name in enumerate(COMMUNES):
        telegram_id = 9610 + index
        await add_official(
            db, f"Cán bộ {index + 1}", unit=_Unit(unit_ids[name]), telegram_user_id=telegram_id
        )
        people[name] = telegram_id
    await add_official(
        db, "Trần Văn Minh", unit=_Unit(unit_ids["Tỉnh Demo"]), role=Role.LEADER, telegram_user_id=LEADER
    )
    await add_official(
        db, "Lê Thị Thảo", unit=_Unit(unit_ids["Tỉnh Demo"]), role=Role.ADMIN, telegram_user_id=ADMIN
    )
    async with db.begin() as session:
        for commune_index, name in enumerate(COMMUNES):
            official = await session.get(Official, commune_index + 1)
            # Long Hiệp gets the most overdue work: two rounds of the pattern.
            rounds = 2 if name == "Xã Long Hiệp" else 1
            for round_ in range(rounds):
                for number, (status, due_offset, done_offset) in enumerate(PATTERN):
                    due = TODAY + dt.timedelta(days=due_offset)
                    task = await tasks.add_task(
                        session,
                        title=f"Nhiệm vụ {number + 1}.{round_} của {name}",
                        lead_unit_id=unit_ids[name],
                        now=NOW - dt.timedelta(days=30),
                        due=Due(due, due.strftime("%d/%m/%Y")),
                    )
                    task.status = status
                    if done_offset is not None:
                        task.completed_at = NOW + dt.timedelta(days=done_offset)
                    if status == TaskStatus.BLOCKED:
                        session.add(
                            TaskUpdate(
                                task_id=task.id,
                                official_id=official.id,
                                at=NOW - dt.timedelta(days=2),
                                new_status=status,
                                note="Vướng mắc: thiếu mặt bằng",
                            )
                        )
                    if status == TaskStatus.EXTENSION_REQUESTED:
                        session.add(
                            ExtensionRequest(
                                task_id=task.id,
                                official_id=official.id,
                                requested_due_on=TODAY + dt.timedelta(days=20),
                                reason="chờ vốn",
                                previous_status="in_progress",
                                at=NOW,
                            )
                        )
                    if status == TaskStatus.IN_PROGRESS and due_offset > 0:
                        session.add(
                            TaskUpdate(
                                task_id=task.id,
                                official_id=official.id,
                                at=NOW - dt.timedelta(hours=5),
                                progress_quantity=3,
                                note="Đã xong 3 căn",
                            )
                        )
                        session.add(
                            Photo(
                                task_id=task.id,
                                official_id=official.id,
                                file_id="f",
                                file_unique_id=f"u{task.id}",
                                sha256="0" * 64,
                                path="/dev/null",
                                size_bytes=1,
                            )
                        )
            if name.startswith("Xã"):
                for stage_index, (stage, _label) in enumerate(XOA_NHA_TAM.stages):
                    for copy in range(commune_index + 1):
                        await households.add_household(
                            session,
                            programme=XOA_NHA_TAM,
                            unit_id=unit_ids[name],
                            head_name=f"Hộ {stage_index}-{copy} {name}",
                            stage=stage,
                            now=NOW,
                            funds={"trung_uong": 40_000_000},
                            transferred=20_000_000,
                        )
    return District(unit_ids, people)


class _Unit:
    def __init__(self, unit_id: int) -> None:
        self.id = unit_id
