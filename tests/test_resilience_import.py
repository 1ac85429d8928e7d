"""A long officials import commits in batches, so the running bot is never locked out for long
(issue 10.1), and still names every bad row, across batch boundaries."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, func
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from domain.sheets import SheetRow
from domain.statuses import UnitKind
from storage import officials, units
from storage.db import session_factory
from storage.models import Official

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


def row(number: int, name: str, phone: str) -> SheetRow:
    cells = {"ho va ten": name, "don vi": "long hiep", "vai tro": "cán bộ", "so dien thoai": phone}
    return SheetRow(number, cells)


async def test_long_import_commits_every_batch_and_reports_rows(engine: AsyncEngine) -> None:
    db = session_factory(engine)
    async with db.begin() as session:
        await units.add_unit(session, name="Xã Long Hiệp", kind=UnitKind.COMMUNE)
    rows = [row(n + 2, f"Cán bộ số {n}", f"09120{n:05d}") for n in range(120)]
    rows[70] = row(72, "Người trùng số", "0912000003")  # the phone of row 5, two batches earlier
    rows[90] = row(92, "", "0912099999")  # no name
    commits: list[int] = []
    event.listen(engine.sync_engine, "commit", lambda _connection: commits.append(1))

    result = await officials.import_officials_in_batches(db, rows=rows, now=NOW, batch=50)

    assert (result.created, result.updated) == (118, 0)
    assert [(e.row, e.reason) for e in result.errors] == [
        (72, "Số điện thoại 0912000003 trùng với dòng 5."),
        (92, "Thiếu họ và tên."),
    ]
    assert len(commits) == 4  # three batches of at most 50 rows, then the audit line
    async with db() as session:
        assert (await session.exec(select(func.count()).select_from(Official))).one() == 118
