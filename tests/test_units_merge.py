"""Merging units: only into a unit that exists, never into itself, counted first, confirmed, recorded
and undone (issue 11.3)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli import main
from domain.statuses import UnitKind
from storage import unit_merges, units
from storage.models import Household, Official, Task, TaskUnit, Unit, UnitMerge
from storage.unit_merges import MergeError
from tests.factories import add_official

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


async def _commune(db):
    """Two communes of a province, with people, a task led by one and cooperated on by the other."""
    async with db.begin() as session:
        province = await units.add_unit(session, name="Tỉnh Demo", kind=UnitKind.PROVINCE)
        a = await units.add_unit(session, name="Xã Long Hiệp", kind=UnitKind.COMMUNE, parent_id=province.id)
        b = await units.add_unit(
            session,
            name="Xã Long Thạnh",
            kind=UnitKind.COMMUNE,
            parent_id=province.id,
            aliases=["Xã Thạnh Cũ"],
        )
        both = Task(title="Xóa nhà tạm", lead_unit_id=a.id)
        own = Task(title="Rà soát hộ nghèo", lead_unit_id=b.id)
        session.add_all([both, own])
        await session.flush()
        session.add(TaskUnit(task_id=both.id, unit_id=b.id))
        session.add(Household(unit_id=b.id, head_name="Nguyễn Văn A", head_key="nguyen van a"))
    await add_official(db, "Nguyễn Văn Hùng", unit=a)
    await add_official(db, "Lê Văn Tư", unit=b)
    return a, b, both, own


async def _state(db) -> dict[str, object]:
    async with db() as session:
        return {
            "people": sorted((o.full_name, o.unit_id) for o in (await session.exec(select(Official))).all()),
            "tasks": sorted((t.title, t.lead_unit_id) for t in (await session.exec(select(Task))).all()),
            "coop": sorted((t.task_id, t.unit_id) for t in (await session.exec(select(TaskUnit))).all()),
            "houses": [h.unit_id for h in (await session.exec(select(Household))).all()],
            "units": sorted(
                (u.name, u.active, u.merged_into_id) for u in (await session.exec(select(Unit))).all()
            ),
            "thanh": (await units.find_unit(session, query="long thanh")).found,
        }


async def test_merge_counts_moves_records_and_unmerge_restores(db) -> None:
    a, _b, both, _own = await _commune(db)
    before = await _state(db)
    async with db.begin() as session:
        target = await unit_merges.exact_unit(session, text="long hiep")
        source = await unit_merges.exact_unit(session, text="xa thanh cu")  # a former name finds it
        plan = await unit_merges.plan_merge(session, sources=[source], target=target)
        assert plan.counts == {
            "official": 1,
            "task": 1,
            "household": 1,
            "meeting_item": 0,
            "unit": 0,
            "cooperating": 1,
        }
        record = await unit_merges.merge_units(session, plan=plan, now=NOW)
    merged = await _state(db)
    assert {unit for _, unit in merged["people"]} == {a.id}  # type: ignore[union-attr]
    assert merged["houses"] == [a.id] and merged["coop"] == [(both.id, a.id)]
    assert merged["tasks"] == [("Rà soát hộ nghèo", a.id), ("Xóa nhà tạm", a.id)]
    assert merged["thanh"] is not None and merged["thanh"].unit_id == a.id  # type: ignore[union-attr]

    async with db.begin() as session:
        await unit_merges.unmerge(session, merge_id=record.id, now=NOW)
    assert await _state(db) == before
    async with db.begin() as session:
        with pytest.raises(MergeError, match="đã được hoàn tác"):
            await unit_merges.unmerge(session, merge_id=record.id, now=NOW)
        with pytest.raises(MergeError, match="Không có lần sáp nhập #99"):
            await unit_merges.unmerge(session, merge_id=99, now=NOW)


async def test_a_misspelt_target_or_a_unit_into_itself_is_refused(db) -> None:
    await _commune(db)
    async with db() as session:
        with pytest.raises(MergeError, match="Không có đơn vị «xã không có»") as caught:
            await unit_merges.exact_unit(session, text="xã không có")
        with pytest.raises(MergeError, match="gần nhất: Xã Long Hiệp"):
            await unit_merges.exact_unit(session, text="long hep")  # a typo is not a target
        target = await unit_merges.exact_unit(session, text="long thanh")
        same = await unit_merges.exact_unit(session, text="Xã Thạnh Cũ")  # its own former name
        with pytest.raises(MergeError, match="vào chính nó"):
            await unit_merges.plan_merge(session, sources=[same], target=target)
        count = len((await session.exec(select(Unit))).all())
    assert "units list" in str(caught.value) and count == 3


def test_cli_merge_asks_dry_runs_and_undoes(
    seeded_cli: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["officials", "add", "--name", "Lê Văn Tư", "--unit", "long chu"]) == 0
    assert main(["tasks", "add", "--title", "Xóa nhà tạm", "--unit", "long chu", "--due", "31/12/2099"]) == 0
    capsys.readouterr()
    # A misspelt target creates nothing and moves nothing.
    assert main(["units", "merge", "long chu", "--into", "xã không có", "--yes"]) == 1
    assert "Không có đơn vị «xã không có»" in capsys.readouterr().err
    assert main(["units", "merge", "long chu", "--into", "Long Chữ", "--yes"]) == 1
    assert "vào chính nó" in capsys.readouterr().err
    # What would move is shown; a dry run and an unanswered question change nothing.
    assert main(["units", "merge", "long chu", "--into", "long thuan", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Sáp nhập Xã Long Chữ vào Xã Long Thuận" in out and "cán bộ: 1; nhiệm vụ chủ trì: 1" in out
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["units", "merge", "long chu", "--into", "long thuan"]) == 1
    assert "chưa xác nhận" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("không\n"))
    assert main(["units", "merge", "long chu", "--into", "long thuan"]) == 1
    assert main(["officials", "list"]) == 0
    assert "Lê Văn Tư\tXã Long Chữ" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("có\n"))
    assert main(["units", "merge", "long chu", "--into", "long thuan"]) == 0
    assert "Hoàn tác: nhacviec units unmerge 1" in capsys.readouterr().out
    assert main(["officials", "list"]) == 0
    assert "Lê Văn Tư\tXã Long Thuận" in capsys.readouterr().out
    assert main(["units", "merges"]) == 0
    assert "#1\t" in (listed := capsys.readouterr().out) and "Xã Long Chữ → Xã Long Thuận\thiệu lực" in listed
    assert main(["units", "unmerge", "1", "--yes"]) == 0
    assert main(["officials", "list"]) == 0
    assert "Lê Văn Tư\tXã Long Chữ" in capsys.readouterr().out


async def test_merge_record_survives_on_both_databases(db) -> None:
    a, b, *_ = await _commune(db)
    async with db.begin() as session:
        plan = await unit_merges.plan_merge(
            session, sources=[await session.get(Unit, b.id)], target=await session.get(Unit, a.id)
        )
        await unit_merges.merge_units(session, plan=plan, now=NOW)
    async with db() as session:
        record = (await session.exec(select(UnitMerge))).one()
    assert record.at == NOW and record.moved["sources"] == [b.id] and record.undone_at is None
