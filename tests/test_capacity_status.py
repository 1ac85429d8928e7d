"""/status and the digest read a commune's rows through indexes, so that they stay quick as the
province grows (issue 13): the newest reports one probe a task, the houses counted by the database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text
from sqlmodel import col

from domain.statuses import UnitKind
from storage import status_queries, task_views
from storage.models import Official, Task, TaskOfficial, TaskUnit, TaskUpdate
from tests.factories import add_unit

NOW = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)


async def _commune(db, name: str) -> tuple[int, int, list[int]]:  # type: ignore[no-untyped-def]
    """A commune with eight tasks and one official: (unit id, official id, task ids)."""
    unit = await add_unit(db, name, kind=UnitKind.COMMUNE)
    async with db.begin() as session:
        official = Official(full_name="Cán bộ", name_key="can bo", unit_id=unit.id)
        session.add(official)
        await session.flush()
        ids = []
        for n in range(8):
            task = Task(title=f"Việc {n}", lead_unit_id=unit.id or 0, status="in_progress", version=1)
            session.add(task)
            await session.flush()
            ids.append(task.id or 0)
    return unit.id or 0, official.id or 0, ids


async def test_latest_reports_are_the_newest_of_the_commune(db) -> None:  # type: ignore[no-untyped-def]
    unit_id, official_id, ids = await _commune(db, "Xã Long Hiệp")
    _, other_official, other_ids = await _commune(db, "Xã Long Hựu")
    # Reports in turn: every task of both communes, then six more on the commune's third task,
    # and a system note (no official) that never counts; the other commune reports last.
    order = [(t, official_id) for t in ids] + [(ids[2], official_id)] * 6 + [(ids[5], None)]
    order += [(t, other_official) for t in other_ids]
    async with db.begin() as session:
        rows = [
            {"task_id": t, "official_id": who, "at": NOW + dt.timedelta(minutes=i), "note": f"báo cáo {i}"}
            for i, (t, who) in enumerate(order)
        ]
        await session.exec(insert(TaskUpdate), params=rows)  # type: ignore[call-overload]
    async with db() as session:
        latest = await status_queries.latest_updates(session, unit_id=unit_id, limit=7)
        since = await status_queries.latest_updates(
            session, unit_id=unit_id, limit=7, since=NOW + dt.timedelta(minutes=8)
        )
    expected = [f"báo cáo {i}" for i in (13, 12, 11, 10, 9, 8, 7)]
    assert [line.note for line in latest] == expected
    assert [line.task_id for line in latest] == [*[ids[2]] * 6, ids[7]]
    assert [line.note for line in since] == expected[:-1]  # the reports since then only


async def test_the_newest_reports_use_the_index(db) -> None:  # type: ignore[no-untyped-def]
    """EXPLAIN: the unit's busiest tasks are found through ix_task_update_reported (with scans off on
    PostgreSQL, whose planner may scan a small table)."""
    unit_id, _, _ = await _commune(db, "Xã Long Hiệp")
    async with db() as session:
        connection = await session.connection()
        captured: list[str] = []
        if connection.dialect.name == "postgresql":
            await session.exec(text("SET LOCAL enable_seqscan = off"))  # type: ignore[call-overload]
            await session.exec(text("SET LOCAL enable_bitmapscan = off"))  # type: ignore[call-overload]
        explain = "EXPLAIN " if connection.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "

        async def plan(statement: str, parameters: object) -> None:
            result = await connection.exec_driver_sql(explain + statement, parameters)  # type: ignore[arg-type]
            captured.append("\n".join(str(row) for row in result.all()))

        compiled = status_queries.busiest_query(unit_id, 5, None).compile(
            dialect=connection.dialect, compile_kwargs={"literal_binds": True}
        )
        await plan(str(compiled), ())
    assert "ix_task_update_reported" in captured[0]


async def test_open_tasks_of_an_official_come_all_three_ways(db) -> None:  # type: ignore[no-untyped-def]
    """/tasks: led by the official's unit, with it cooperating, naming the official; not the others'
    (read through each way's index, not every open task of the province)."""
    unit_id, official_id, ids = await _commune(db, "Xã Long Hiệp")
    other_unit, other_official, other_ids = await _commune(db, "Xã Long Hựu")
    async with db.begin() as session:
        session.add(TaskUnit(task_id=other_ids[0], unit_id=unit_id))
        session.add(TaskOfficial(task_id=other_ids[1], official_id=official_id))
        session.add(TaskOfficial(task_id=other_ids[2], official_id=other_official))
        (await session.get(Task, ids[3])).status = "done"  # type: ignore[union-attr]
    async with db() as session:
        official = await session.get(Official, official_id)
        found, total = await task_views.open_tasks_for(session, official=official, per_page=20)  # type: ignore[arg-type]
    expected = {*ids, other_ids[0], other_ids[1]} - {ids[3]}
    assert total == len(expected) and {t.id for t in found} == expected
    assert other_unit != unit_id


async def test_a_units_and_an_officials_task_links_are_read_through_an_index(db) -> None:  # type: ignore[no-untyped-def]
    """unit_id and official_id are only the second column of the links' keys: their own indexes
    (migration 0010) keep /tasks and /status from scanning every link of the province."""
    await _commune(db, "Xã Long Hiệp")
    async with db() as session:
        connection = await session.connection()
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            await session.exec(text("SET LOCAL enable_seqscan = off"))  # type: ignore[call-overload]
        explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
        plans = {}
        for table, column in (("task_unit", "unit_id"), ("task_official", "official_id")):
            result = await connection.exec_driver_sql(
                f"{explain}SELECT task_id FROM {table} WHERE {column} = 1"
            )
            plans[table] = "\n".join(str(row) for row in result.all())
    assert "ix_task_unit_unit" in plans["task_unit"], plans
    assert "ix_task_official_official" in plans["task_official"], plans


async def _plans(db, queries: dict[str, object]) -> tuple[bool, dict[str, str]]:  # type: ignore[no-untyped-def]
    """Each query's plan, as the database explains it (with scans off on PostgreSQL, whose planner
    may scan a small table where a province's would not), and whether it is PostgreSQL."""
    async with db() as session:
        connection = await session.connection()
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            for setting in ("enable_seqscan", "enable_bitmapscan"):
                await session.exec(text(f"SET LOCAL {setting} = off"))  # type: ignore[call-overload]
        explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
        plans = {}
        for name, query in queries.items():
            compiled = query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})  # type: ignore[attr-defined]
            result = await connection.exec_driver_sql(explain + str(compiled))
            plans[name] = "\n".join(str(row) for row in result.all())
    return postgres, plans


async def test_status_lists_read_what_they_show_through_the_index(db) -> None:  # type: ignore[no-untyped-def]
    """EXPLAIN: a section's first 15 are picked from ix_task_lead_status_due alone (LIMIT), its
    total counted from the index alone, a blocked task's reason found through the task's reports,
    the commune's newest reports by walking the newest reports' keys (LIMIT), and the counts from
    the commune's index entries alone (migration 0011)."""
    unit_id, _, ids = await _commune(db, "Xã Long Hiệp")
    today = dt.date(2026, 11, 23)
    async with db() as session:
        counts = status_queries.counts_query(
            session, unit_id=unit_id, today=today, zone=ZoneInfo("Asia/Ho_Chi_Minh")
        )
    past = col(Task.due_on) < today
    postgres, plans = await _plans(
        db,
        {
            "listed": status_queries.listed_query(unit_id, status_queries.OPEN, past, limit=15),
            "counted": status_queries.counted_query(unit_id, status_queries.OPEN, past),
            "reasons": status_queries.reasons_query(ids[:3]),
            "recent": status_queries.recent_query(unit_id, 5, None),
            "counts": counts,
        },
    )
    if postgres:
        assert "Index Only Scan using ix_task_lead_status_due" in plans["listed"], plans["listed"]
        assert "Limit" in plans["listed"], plans["listed"]
        assert "Index Only Scan using ix_task_lead_status_due" in plans["counted"], plans["counted"]
        assert "Index Scan Backward using pk_task_update" in plans["recent"], plans["recent"]
        assert plans["recent"].startswith("('Limit"), plans["recent"]  # the walk stops at 5
        assert "Index Only Scan using ix_task_lead_status_due" in plans["counts"], plans["counts"]
    else:
        assert "COVERING INDEX ix_task_lead_status_due" in plans["listed"], plans["listed"]
        assert "LIMIT" in str(status_queries.listed_query(unit_id, status_queries.OPEN, past, limit=15))
        assert "COVERING INDEX ix_task_lead_status_due" in plans["counted"], plans["counted"]
        assert "SEARCH task_update USING INTEGER PRIMARY KEY (rowid>?)" in plans["recent"], plans["recent"]
        assert "LIMIT" in str(status_queries.recent_query(unit_id, 5, None))
        assert "COVERING INDEX ix_task_lead_status_due" in plans["counts"], plans["counts"]
    assert "ix_task_update_blocker" in plans["reasons"], plans["reasons"]
