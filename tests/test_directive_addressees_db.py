"""Generic addressees in the database: the proposal's rows for the sample notice (its II.4 says
"Các xã, thị trấn"), the tasks created for each unit of a group, the CLI's listing and the card;
the trees and expectations are tests/test_directive_addressees.py's, typed by hand."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.cli import main
from domain import directive_texts
from domain.directive import parse_directive
from domain.statuses import UnitKind as K
from storage import directive_import, migrate, units
from storage.db import create_engine, session_factory
from storage.models import Task, TaskUnit
from tests.test_directive_addressees import DISTRICT, LEGACY, MAU_SON_COMMUNES, RENAMED

SAMPLE = Path(__file__).parent / "documents" / "thong_bao_ket_luan.txt"  # its II.4: "Các xã, thị trấn"
NOW = dt.datetime(2023, 9, 16, 2, 0, tzinfo=dt.UTC)


async def seed_tree(db: async_sessionmaker[AsyncSession], spec: tuple) -> dict[str, int]:
    ids: dict[str, int] = {}
    async with db.begin() as session:
        for name, kind, parent in spec:
            unit = await units.add_unit(session, name=name, kind=kind, parent_id=ids.get(parent))
            ids[name] = unit.id or 0
    return ids


async def proposal_rows(db: async_sessionmaker[AsyncSession], office: int | None = None) -> dict[str, dict]:
    proposal = parse_directive(SAMPLE.read_text(encoding="utf-8"), today=NOW.date())
    async with db() as session:
        rows = await directive_import.proposal_rows(session, proposal=proposal, office_unit_id=office)
    return {row["ref"]: row for row in rows}


async def create(db: async_sessionmaker[AsyncSession], rows: list[dict]) -> directive_import.Imported:
    async with db.begin() as session:
        return await directive_import.create_accepted(
            session,
            info={"number": "45-TB/HU", "date": "2023-09-15", "issuer": DISTRICT, "summary": None},
            rows=rows,
            fallback_number="45-TB/HU",
            created_by_id=None,
            today=NOW.date(),
            now=NOW,
            zone=ZoneInfo("Asia/Ho_Chi_Minh"),
        )


async def test_a_group_is_one_proposed_task_and_one_task_for_each_unit(
    db: async_sessionmaker[AsyncSession],
) -> None:
    # One district only: "Thường trực Huyện ủy" is Mẫu Sơn, whose three communes take II.4.
    ids = await seed_tree(db, LEGACY[:24])
    rows = await proposal_rows(db)
    group = rows["II.4"]
    assert group["unit_name"] == "Các xã, thị trấn (3 đơn vị)"
    assert sorted(group["group"]["ids"]) == sorted(ids[name] for name in MAU_SON_COMMUNES)
    assert directive_import.ready(group)
    assert rows["II.1"]["unit_name"] == "Ban Tổ chức Huyện ủy"  # a unit's own name, as before
    assert "group" not in rows["II.1"]
    for row in rows.values():
        row["state"] = "accepted" if row["ref"] in ("II.1", "II.4", "II.2") else "skipped"
    # Each commune's task has the other communes cooperating, never itself (storage.tasks sees to it).
    group["coop_ids"] = list(group["group"]["ids"])
    # The office gives II.2 (the people's committee's) to the communes' group, then to one unit.
    rows["II.2"].update(group=group["group"], unit_id=ids["Xã Long Hựu"], unit_name="Xã Long Hựu")
    done, again = [await create(db, list(rows.values())) for _ in range(2)]
    assert (again.task_ids, again.tasks_kept) == ([], 5)  # imported twice: each unit's task once
    async with db() as session:
        created = (await session.exec(select(Task).where(col(Task.id).in_(done.task_ids)))).all()
        cooperating = {
            t.id: set((await session.exec(select(TaskUnit.unit_id).where(TaskUnit.task_id == t.id))).all())
            for t in created
        }
    leads = sorted(t.lead_unit_id for t in created)
    communes = [ids[name] for name in MAU_SON_COMMUNES]
    assert leads == sorted([ids["Ban Tổ chức Huyện ủy"], ids["Xã Long Hựu"], *communes])
    for task in created:
        if task.due_on == dt.date(2023, 10, 15):
            assert cooperating[task.id] == set(communes) - {task.lead_unit_id}
    assert sorted(t.lead_unit_id for t in created if t.due_on == dt.date(2023, 10, 15)) == sorted(communes)
    # A commune added since: importing again gives it its task, and only it.
    async with db.begin() as session:
        added = await units.add_unit(
            session, name="Xã Mỹ Yên", kind=K.COMMUNE, parent_id=ids["Huyện Mẫu Sơn"]
        )
    rows = await proposal_rows(db)
    rows["II.4"]["state"] = "accepted"
    later = await create(db, [rows["II.4"]])
    async with db() as session:
        assert [(await session.get(Task, i)).lead_unit_id for i in later.task_ids] == [added.id]  # type: ignore[union-attr]
    assert [t.lead_unit_id for t in created if t.due_on == dt.date(2023, 12, 31)] == [ids["Xã Long Hựu"]]


async def test_of_two_districts_the_office_s_own_is_the_issuer(db: async_sessionmaker[AsyncSession]) -> None:
    ids = await seed_tree(db, LEGACY)
    assert (await proposal_rows(db))["II.4"]["unit_id"] is None  # which Huyện ủy? not guessed
    group = (await proposal_rows(db, office=ids["Văn phòng Huyện ủy Bến Lức"]))["II.4"]
    assert (group["unit_name"], group["group"]["names"]) == ("Các xã, thị trấn (1 đơn vị)", ["Xã Bình Đức"])


async def test_the_tree_s_own_names_for_the_issuer_s_bodies(db: async_sessionmaker[AsyncSession]) -> None:
    ids = await seed_tree(db, RENAMED)
    rows = await proposal_rows(db)
    assert (rows["II.2"]["unit_id"], rows["II.2"]["unit_name"]) == (
        ids["UBND huyện Mẫu Sơn"],
        "UBND huyện Mẫu Sơn",
    )
    assert rows["II.3.-1"]["unit_name"] == "Văn phòng Huyện ủy Mẫu Sơn"
    assert rows["II.1"]["coop_ids"] == [ids["Ủy ban Kiểm tra Huyện ủy"]]


async def test_a_group_the_tree_lacks_keeps_its_wording(db: async_sessionmaker[AsyncSession]) -> None:
    await seed_tree(db, LEGACY[:7])  # the district's boards, no commune
    group = (await proposal_rows(db))["II.4"]
    assert (group["lead_units"], group["unit_id"], group["unit_name"]) == (["Các xã, thị trấn"], None, None)
    assert group["unit_note"] == "no_units_in_group"
    assert not directive_import.ready(group)  # the office chooses the unit


def test_the_card_says_a_group_had_no_unit() -> None:
    row = {
        "ref": "II.4",
        "text": "Các xã, thị trấn tăng cường tuyên truyền.",
        "lead_units": ["Các xã, thị trấn"],
    }
    row |= {
        "unit_id": None,
        "unit_name": None,
        "unit_note": "no_units_in_group",
        "due": None,
        "due_text": None,
    }
    card = directive_texts.task_card({**row, "recurrence": None}, position=5, total=5)
    assert "Chủ trì: chưa rõ (văn bản ghi «Các xã, thị trấn»: danh sách đơn vị không có đơn vị nào" in card


@pytest.mark.parametrize("communes", [True, False])
async def test_the_cli_import_lists_each_group(
    communes: bool, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DATABASE_URL", url)
    engine = create_engine(url)
    await migrate.upgrade(engine)
    await seed_tree(session_factory(engine), LEGACY[:24] if communes else LEGACY[:7])
    await engine.dispose()
    issued = ["--today", "15/09/2023"]  # read the day it was issued: its deadlines are ahead
    assert await asyncio.to_thread(main, ["directive", "import", str(SAMPLE), "--yes", *issued]) == 0
    out = capsys.readouterr().out
    if communes:
        group = "[II.4] Các xã, thị trấn (3 đơn vị), mỗi đơn vị một nhiệm vụ: "
        assert group + "Thị trấn Tân An, Xã Long Hiệp, Xã Long Hựu" in out
        assert "Sẽ tạo 7 nhiệm vụ" in out and "Đã tạo 7 nhiệm vụ" in out  # II.1-II.3.-2, and II.4 three times
    else:
        kept = "[II.4] «Các xã, thị trấn»: danh sách đơn vị không có đơn vị nào của nhóm này; giữ nguyên"
        assert kept in out and "Sẽ tạo 4 nhiệm vụ" in out
