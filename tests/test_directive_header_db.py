"""A directive whose text gives no number, into the database: named by its kind and issuer (seed
001, the province's 3022-CV/TU, arrives without its header), never dated today; the same document
again finds its directive, another of the same name gets its own."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain import directive_texts as texts
from domain.directive import document_kind, parse_directive
from domain.statuses import UnitKind as K
from emulator.client import EmulatorClient
from storage import directive_import, units
from storage.models import Directive, Task
from tests.conftest import RunningBot
from tests.factories import say
from tests.test_directive_bot import OFFICE, district, said
from tests.test_tasks_e2e import buttons, press

SEED = Path("/work/shared/seeds/001_0794184f7b493488.txt")
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
NAME = "Công văn (không rõ số) của Ban Thường vụ Tỉnh ủy"


async def _import(
    db: async_sessionmaker[AsyncSession], text: str, *, unit_id: int
) -> directive_import.Imported:
    proposal = parse_directive(text, today=NOW.date())
    info = asdict(proposal.directive)
    async with db.begin() as session:
        rows = await directive_import.proposal_rows(session, proposal=proposal)
        rows[0].update(unit_id=unit_id, due="2026-12-31", state="accepted")
        return await directive_import.create_accepted(
            session,
            info=info,
            rows=rows,
            fallback_number=texts.unnumbered_name(info, document_kind(text)),
            created_by_id=None,
            today=NOW.date(),
            now=NOW,
            zone=ZoneInfo("Asia/Ho_Chi_Minh"),
        )


async def test_a_document_without_a_number_is_named_and_kept_apart(
    db: async_sessionmaker[AsyncSession],
) -> None:
    async with db.begin() as session:
        office = await units.add_unit(session, name="Văn phòng Tỉnh ủy", kind=K.OFFICE)
    text = SEED.read_text(encoding="utf-8")
    first = await _import(db, text, unit_id=office.id or 0)
    assert first.number == NAME and len(first.task_ids) == 1
    again = await _import(db, text, unit_id=office.id or 0)  # the same document: nothing twice
    assert again.number == NAME and again.task_ids == [] and again.tasks_kept == 1
    # Another dispatch of the same body, without a number either: its own directive.
    other = text.replace("1. Tiếp tục tập trung đôn đốc", "1. Khẩn trương tổng kết, đôn đốc", 1)
    second = await _import(db, other, unit_id=office.id or 0)
    second_name = "Công văn (không rõ số) của Ban Thường vụ… (2)"  # within the column's 50
    assert second.number == second_name and len(second.task_ids) == 1
    async with db() as session:
        directives = (await session.exec(select(Directive).order_by(Directive.id))).all()
        assert len((await session.exec(select(Task))).all()) == 2
    assert [(d.number, d.issued_on) for d in directives] == [(NAME, None), (second_name, None)]


async def test_seed_001_sent_to_the_bot_is_named_without_today_s_date(
    running_bot: RunningBot, bot_db, client: EmulatorClient
) -> None:
    """The trial: seed 001 sent as a file said '… từ văn bản Văn bản ngày 26/11/2026 (#8)'."""
    await district(bot_db, client)
    sent = await client.document(OFFICE, SEED.read_bytes(), "3022.txt", mime_type="text/plain")
    overview = (await client.wait(OFFICE, after=sent["seq"]))[0]
    card = (await press(client, OFFICE, overview, "📋 Xem từng nhiệm vụ"))[0]
    await press(client, OFFICE, card, "🏢 Đơn vị")
    card = (await say(client, OFFICE, "van phong huyen uy"))[0]
    await press(client, OFFICE, card, "📅 Hạn")
    card = (await say(client, OFFICE, "31/12/2026"))[0]
    card = (await press(client, OFFICE, card, "✅ Nhận"))[0]
    overview = (await press(client, OFFICE, card, "⬅️ Về tổng quan"))[0]
    pressed = await client.press(
        OFFICE, overview["message"]["message_id"], data=buttons(overview)["🚀 Tạo 1 nhiệm vụ"]
    )
    done = await said(client, OFFICE, after=pressed["seq"], containing="✅ Đã tạo 1 nhiệm vụ")
    assert done["message"]["text"].startswith(f"✅ Đã tạo 1 nhiệm vụ từ {NAME} (#")
    async with bot_db() as session:
        directive = (await session.exec(select(Directive))).one()
    assert (directive.number, directive.issued_on) == (NAME, None)
