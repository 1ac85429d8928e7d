"""`nhacviec directive parse`: the printed proposal and the JSON contract other tools read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

SAMPLE = Path(__file__).parent / "documents" / "thong_bao_ket_luan.txt"


@pytest.fixture(autouse=True)
def _no_bot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["directive", "parse", str(SAMPLE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"directive", "tasks", "meetings"}
    assert set(data["directive"]) == {"number", "date", "issuer", "summary", "cites"}
    task = data["tasks"][0]
    assert set(task) == {
        "ref",
        "title",
        "text",
        "lead_units",
        "cooperating_units",
        "communes",
        "due",
        "due_text",
        "recurrence",
    }
    assert (task["ref"], task["due"], task["lead_units"]) == ("II.1", "2023-09-30", ["Ban Tổ chức Huyện ủy"])
    assert data["tasks"][2]["recurrence"] == "monthly:25"


def test_plain_listing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["directive", "parse", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "Văn bản: 45-TB/HU, ngày 15/09/2023" in out
    assert "[II.3.-1]" in out and "ngày 25 hằng tháng" in out
    assert "chủ trì: Các xã, thị trấn;" in out  # II.4 names a group, as written


def test_refusals(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    secret = tmp_path / "mat.txt"
    secret.write_text("M Ậ T\n" + SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["directive", "parse", str(secret)]) == 3
    captured = capsys.readouterr()
    assert "không xử lý và không lưu" in captured.err and "Ban Tổ chức" not in captured.out + captured.err
    empty = tmp_path / "rong.docx"
    empty.write_bytes(b"")
    assert main(["directive", "parse", str(empty)]) == 1
    assert "Không đọc được" in capsys.readouterr().err
    assert main(["directive", "parse", str(tmp_path / "khong-co.txt")]) == 1
    assert "không tìm thấy tệp" in capsys.readouterr().err


async def test_import_creates_what_is_ready_and_lists_the_rest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import asyncio

    from sqlmodel import select

    from domain.statuses import UnitKind
    from storage import migrate
    from storage.db import create_engine, session_factory
    from storage.models import Task
    from tests.factories import add_unit

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    await migrate.upgrade(engine)
    db = session_factory(engine)
    province = await add_unit(db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    for name in ("Ban Tổ chức Huyện ủy", "Ủy ban Kiểm tra Huyện ủy", "Ủy ban nhân dân huyện"):
        await add_unit(db, name, kind=UnitKind.BOARD, parent_id=province.id)

    issued = ["--today", "15/09/2023"]  # read the day it was issued: its deadlines are ahead
    assert await asyncio.to_thread(main, ["directive", "import", str(SAMPLE), *issued]) == 0  # no --yes
    assert "Chưa tạo nhiệm vụ nào" in capsys.readouterr().out
    # Read in 2026, every 2023 deadline has passed: nothing is created overdue, the office is told.
    late = ["directive", "import", str(SAMPLE), "--today", "01/12/2026", "--yes"]
    assert await asyncio.to_thread(main, late) == 0
    out = capsys.readouterr().out
    assert "Sẽ tạo 0 nhiệm vụ" in out and "hạn đã qua" in out
    assert await asyncio.to_thread(main, ["directive", "import", str(SAMPLE), *issued, "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Sẽ tạo 2 nhiệm vụ" in out and "II.3.-1, II.3.-2, II.4" in out
    async with db() as session:
        created = (await session.exec(select(Task))).all()
    await engine.dispose()
    assert sorted(t.title[:12] for t in created) == ["Giao Ban Tổ ", "Ủy ban nhân "]


async def test_a_task_without_a_deadline_waits_for_the_office(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Seed 000: item 5 names its units but no deadline, item 6 both (monthly): only 6 is created."""
    import asyncio

    from sqlmodel import select

    from domain.statuses import UnitKind
    from storage import migrate
    from storage.db import create_engine, session_factory
    from storage.models import Task
    from tests.factories import add_unit
    from tests.test_directive_reader import SEEDS

    seed = sorted(SEEDS.glob("000_*.txt")) if SEEDS.is_dir() else []
    if not seed:
        pytest.skip(f"seed documents not found in {SEEDS}")
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    await migrate.upgrade(engine)
    db = session_factory(engine)
    province = await add_unit(db, "Tỉnh Demo", kind=UnitKind.PROVINCE)
    for name in ("Ban Thường vụ Huyện ủy", "Văn phòng Huyện ủy"):
        await add_unit(db, name, kind=UnitKind.BOARD, parent_id=province.id)
    argv = ["directive", "import", str(seed[0]), "--yes", "--today", "06/05/2024"]
    assert await asyncio.to_thread(main, argv) == 0
    assert "Sẽ tạo 1 nhiệm vụ" in capsys.readouterr().out
    async with db() as session:
        created = (await session.exec(select(Task))).one()
    await engine.dispose()
    assert (created.recurrence, created.due_on.isoformat()) == ("monthly", "2024-05-31")
