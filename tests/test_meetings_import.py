"""A programme's meetings and a conclusions notice's meeting, into the database on both backends:
created with their agenda and preparing units, tied to the tasks, and never twice."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.cli import main
from domain.directive import parse_directive
from domain.giaoban import concluded_meeting
from domain.statuses import UnitKind
from storage import directive_import, meetings
from storage.models import Meeting, MeetingItem, Task
from tests.factories import add_unit
from tests.test_directive_reader import SEEDS

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOTICE = Path(__file__).parent / "documents" / "thong_bao_ket_luan.txt"
NOW = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)
NAMES = ("Văn phòng Huyện ủy", "Ban Tổ chức Huyện ủy", "Ủy ban Kiểm tra Huyện ủy", "Ủy ban nhân dân huyện")


def _programme() -> Path:
    seed = sorted(SEEDS.glob("002_*.txt")) if SEEDS.is_dir() else []
    if not seed:
        pytest.skip(f"seed documents not found in {SEEDS}")
    return seed[0]


async def _units(db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    province = await add_unit(db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    found = {}
    for name in NAMES:
        found[name] = (await add_unit(db, name, kind=UnitKind.BOARD, parent_id=province.id)).id
    return found


async def _import(db, text: str, *, accept: bool = False) -> directive_import.Imported:  # type: ignore[no-untyped-def]
    proposal = parse_directive(text, today=dt.date(2023, 5, 5))
    async with db() as session:
        rows = await directive_import.proposal_rows(session, proposal=proposal)
        dated = await directive_import.meeting_rows(session, proposal=proposal)
    for row in rows:
        row["state"] = "accepted" if accept and directive_import.ready(row) else "skipped"
    async with db.begin() as session:
        return await directive_import.create_accepted(
            session,
            info=proposal.as_json()["directive"],
            rows=rows,
            fallback_number="Chương trình tháng 5/2023",
            created_by_id=None,
            today=NOW.date(),
            now=NOW,
            zone=HCM,
            meeting_rows=dated,
            concludes=concluded_meeting(text),
            giao_ban_at=dt.time(14, 0),
        )


async def test_a_programmes_meeting_with_its_agenda_once(db) -> None:  # type: ignore[no-untyped-def]
    unit = await _units(db)
    text = _programme().read_text(encoding="utf-8")
    first = await _import(db, text)
    assert (len(first.meetings_created), first.meetings_kept) == (1, 0)
    again = await _import(db, text)
    assert (again.meetings_created, again.meetings_kept) == ([], 1)
    async with db() as session:
        meeting = (await session.exec(select(Meeting))).one()  # II.2-II.4: undated or weekly
        items = (await session.exec(select(MeetingItem).order_by(col(MeetingItem.position)))).all()
    assert meeting.title == "Hội nghị Ban Thường vụ Huyện ủy"
    assert meeting.starts_at.astimezone(HCM) == dt.datetime(2023, 5, 25, 8, 0, tzinfo=HCM)
    assert [i.preparing_unit_id for i in items] == [
        unit["Văn phòng Huyện ủy"],
        None,  # "UBND huyện": the tree has "Ủy ban nhân dân huyện", which the lookup does not take for it
        *[unit["Ban Tổ chức Huyện ủy"]] * 3,  # "chuẩn bị nội dung 3-5"
    ]
    assert items[0].title.startswith("Dự thảo Báo cáo sơ kết giữa nhiệm kỳ")


async def test_a_conclusions_notice_ties_its_tasks_to_the_giao_ban(db) -> None:  # type: ignore[no-untyped-def]
    await _units(db)
    async with db.begin() as session:  # the office had put the giao ban of 11/09 on the calendar
        planned = await meetings.add_meeting(
            session,
            title="Giao ban Thường trực Huyện ủy",
            starts_at=dt.datetime(2023, 9, 11, 14, 0, tzinfo=HCM),
            now=NOW,
        )
        other = await meetings.add_meeting(
            session, title="Hội nghị cán bộ", starts_at=dt.datetime(2023, 9, 11, 8, 0, tzinfo=HCM), now=NOW
        )
    text = NOTICE.read_text(encoding="utf-8")
    first = await _import(db, text, accept=True)
    assert first.concluded_meeting_id == planned.id != other.id
    assert len(first.task_ids) == 4  # II.4 names no unit
    again = await _import(db, text, accept=True)
    assert (again.task_ids, again.tasks_kept, again.concluded_meeting_id) == ([], 4, planned.id)
    async with db() as session:
        tied = (await session.exec(select(Task.meeting_id))).all()
        held = await session.get(Meeting, planned.id)
        count = len((await session.exec(select(Meeting))).all())
        assert await meetings.last_giao_ban(session, before=NOW) == held
        monday = dt.date(2023, 10, 2)
        lines = await meetings.concluded_lines(session, meeting_id=planned.id or 0, today=monday)
    assert tied == [planned.id] * 4 and count == 2
    assert held is not None and held.status == meetings.HELD
    assert [(line.unit, line.due_on, line.days_overdue) for line in lines] == [
        ("Ban Tổ chức Huyện ủy", dt.date(2023, 9, 30), 1),  # a Saturday: Monday 02/10 is one day late
        ("Ủy ban nhân dân huyện", dt.date(2023, 12, 31), 0),
        ("Văn phòng Huyện ủy", dt.date(2023, 9, 25), 5),
        ("Văn phòng Huyện ủy", dt.date(2023, 9, 18), 10),
    ]


async def test_an_unknown_giao_ban_is_recorded_as_held(db) -> None:  # type: ignore[no-untyped-def]
    await _units(db)
    done = await _import(db, NOTICE.read_text(encoding="utf-8"), accept=True)
    async with db() as session:
        meeting = await session.get(Meeting, done.concluded_meeting_id)
    assert meeting is not None
    assert (meeting.title, meeting.status) == ("Giao ban", meetings.HELD)
    assert meeting.starts_at.astimezone(HCM) == dt.datetime(2023, 9, 11, 14, 0, tzinfo=HCM)


async def test_cli_import_shows_and_creates_the_meetings_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage import migrate
    from storage.db import create_engine, session_factory

    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    engine = create_engine(url)
    await migrate.upgrade(engine)
    db = session_factory(engine)
    await _units(db)
    argv = ["directive", "import", str(_programme()), "--yes", "--today", "05/05/2023"]
    assert await asyncio.to_thread(main, argv) == 0
    out = capsys.readouterr().out
    assert "Sẽ tạo 1 cuộc họp có ngày" in out and "[II.1] Hội nghị Ban Thường vụ Huyện ủy — 25/05/2023" in out
    assert "(Văn phòng Huyện ủy chuẩn bị)" in out
    assert "(UBND huyện chuẩn bị, chưa có trong danh sách đơn vị nên chưa được nhắc)" in out
    assert "Chưa tạo (văn bản chưa ghi ngày" in out and "II.2, II.3" in out
    assert "Cuộc họp: tạo mới 1." in out
    assert await asyncio.to_thread(main, argv) == 0
    assert "Cuộc họp: tạo mới 0, đã có từ trước 1." in capsys.readouterr().out
    assert (
        await asyncio.to_thread(main, ["directive", "import", str(NOTICE), "--yes", "--today", "15/09/2023"])
        == 0
    )
    out = capsys.readouterr().out
    assert "Văn bản kết luận giao ban ngày 11/09/2023" in out
    async with db() as session:
        assert len((await session.exec(select(Meeting))).all()) == 2
        tied = (await session.exec(select(Task.meeting_id).where(col(Task.meeting_id).is_not(None)))).all()
    await engine.dispose()
    assert len(tied) == 4


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (
            "KẾT LUẬN CỦA THƯỜNG TRỰC HUYỆN ỦY TẠI BUỔI GIAO BAN NGÀY 11/9/2023",
            (dt.date(2023, 9, 11), "Giao ban"),
        ),
        (
            "Kết luận của Thường trực Đảng ủy tại cuộc họp\ngiao ban ngày 02 tháng 11 năm 2026",
            (dt.date(2026, 11, 2), "Giao ban"),
        ),
        (
            "Kết luận của đồng chí Bí thư tại Hội nghị Ban Thường vụ ngày 25/5/2023",
            (dt.date(2023, 5, 25), "Hội nghị Ban Thường vụ"),
        ),
        ("Kế hoạch tổ chức giao ban ngày 30/02/2026", None),  # no conclusions, and no such day
    ],
)
def test_the_meeting_a_notice_concludes(head: str, expected: tuple[dt.date, str] | None) -> None:
    found = concluded_meeting(f"HUYỆN ỦY MẪU SƠN\nTHÔNG BÁO\n{head}\nNội dung ...")
    assert (found.day, found.title) == expected if found else expected is None
