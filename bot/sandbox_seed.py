"""The sandbox's demo organisation: personas who are real officials, tasks, households, a group."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from domain.dates import Due, fmt
from domain.statuses import Role, UnitKind
from storage import households, migrate, officials, tasks, units
from storage.db import create_engine, session_factory
from storage.models import Unit


@dataclass(frozen=True)
class Persona:
    telegram_id: int
    first_name: str
    label: str


PERSONAS = (
    Persona(9001, "Lan", "Người lạ (chưa được mời)"),
    Persona(9002, "Hùng", "Nguyễn Văn Hùng — cán bộ xã Long Hiệp"),
    Persona(9003, "Minh", "Trần Văn Minh — lãnh đạo (Thường trực)"),
    Persona(9004, "Thảo", "Lê Thị Thảo — Văn phòng (quản trị)"),
    Persona(9005, "Tâm", "Phạm Văn Tâm — cán bộ xã Long Hựu, chưa kích hoạt"),
)
# The stranger has never written to the bot; the others have pressed Start long ago, so that
# what the bot pushes first (reminders, confirmations, requests) reaches them.
STARTED = tuple(p.telegram_id for p in PERSONAS[1:])
# The leaders' group the bot was added to; the office registers it with /registergroup.
GROUP_ID, GROUP_TITLE = -1001000000777, "Lãnh đạo Tỉnh Demo"
SAMPLES_DIR, FILES_DIR = "sandbox-mau", "sandbox-tep"  # in DATA_DIR: sample photos, files the bot sent


async def seed_demo(settings: Settings, now: dt.datetime) -> None:
    """A small demo organisation so that the sandbox personas are real officials."""
    engine = create_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        async with session_factory(engine).begin() as session:
            if (await session.exec(select(Unit).limit(1))).first() is not None:
                await _reachable_again(session)
                return
            province = await units.add_unit(session, name="Tỉnh Demo", kind=UnitKind.PROVINCE)
            office = await units.add_unit(
                session, name="Văn phòng Tỉnh ủy", kind=UnitKind.OFFICE, parent_id=province.id
            )
            long_hiep = await units.add_unit(
                session,
                name="Xã Long Hiệp",
                kind=UnitKind.COMMUNE,
                parent_id=province.id,
                aliases=["Xã Long Thạnh"],
            )
            long_huu = await units.add_unit(
                session, name="Xã Long Hựu", kind=UnitKind.COMMUNE, parent_id=province.id
            )
            for persona, unit, role, title, phone in (
                (PERSONAS[1], long_hiep, Role.OFFICIAL, "Phó Chủ tịch UBND xã", "0912000002"),
                (PERSONAS[2], province, Role.LEADER, "Phó Bí thư Thường trực", "0912000003"),
                (PERSONAS[3], office, Role.ADMIN, "Chuyên viên Văn phòng", "0912000004"),
                (PERSONAS[4], long_huu, Role.OFFICIAL, "Công chức Văn phòng - Thống kê", "0912000005"),
            ):
                official = await officials.add_official(
                    session,
                    full_name=persona.label.split(" — ")[0],
                    unit_id=unit.id,
                    role=role,
                    title=title,
                    phone=phone,
                    now=now,
                )
                if persona is not PERSONAS[4]:  # Tâm has not activated yet: try ":sdt 0912000005"
                    official.telegram_user_id = persona.telegram_id
            await _demo_work(session, settings, now, long_hiep.id or 0, long_huu.id or 0)
    finally:
        await engine.dispose()


async def _demo_work(
    session: AsyncSession, settings: Settings, now: dt.datetime, long_hiep: int, long_huu: int
) -> None:
    """A directive with tasks in several states and a few households, so every command has data."""
    today = now.astimezone(settings.tz).date()
    directive = await tasks.add_directive(
        session,
        number="3022-CV/TU",
        issued_on=dt.date(2024, 5, 3),
        summary="Tăng cường thực hiện một số nhiệm vụ trọng tâm",
    )
    for title, unit, days, target in (
        ("Xóa nhà tạm, nhà dột nát cho hộ nghèo, cận nghèo", long_hiep, 20, 12.0),
        ("Rà soát, báo cáo sắp xếp đơn vị hành chính cấp xã", long_hiep, -3, None),
        ("Đẩy nhanh giải ngân vốn đầu tư công", long_huu, 5, None),
    ):
        due = today + dt.timedelta(days=days)
        await tasks.add_task(
            session,
            title=title,
            lead_unit_id=unit,
            directive_id=directive.id,
            due=Due(due, fmt(due)),
            target_quantity=target,
            target_measure="căn" if target else None,
            now=now,
        )
    programme = settings.current_programme()
    for name, hamlet, stage in (
        ("Nguyễn Văn A", "Ấp 3", "dang_thi_cong"),
        ("Trần Thị B", "Ấp 1", "chua_khoi_cong"),
        ("Lê Văn C", "Ấp 2", "hoan_thanh"),
    ):
        await households.add_household(
            session,
            programme=programme,
            unit_id=long_hiep,
            head_name=name,
            hamlet=hamlet,
            track="phong_trao",
            work_kind="xay_moi",
            stage=stage,
            funds={"trung_uong": 40_000_000, "van_dong": 20_000_000},
            now=now,
        )


async def _reachable_again(session: AsyncSession) -> None:
    """A persona marked unreachable by an older sandbox (before personas had started) is back."""
    for telegram_id in STARTED:
        official = await officials.get_official_by_telegram_id(session, telegram_user_id=telegram_id)
        if official is not None:
            official.reachable = True


def sample_photos(folder: Path) -> list[Path]:
    """Two pictures of houses to try `:anh` and `:tep` with; the second carries EXIF time and GPS."""
    from PIL import Image, ImageDraw  # heavy: only the sandbox draws

    paths = []
    for number, left in enumerate((200, 60), 1):
        path = folder / f"nha-{number}.jpg"
        paths.append(path)
        if path.exists():
            continue
        image = Image.new("RGB", (640, 480), (150, 200, 240))
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 380, 640, 480), fill=(90, 160, 80))
        draw.rectangle((left, 230, left + 240, 400), fill=(200, 170, 120))
        draw.polygon(
            ((left - 20, 240), (left + 120, 120 + 40 * number), (left + 260, 240)), fill=(170, 60, 40)
        )
        draw.rectangle((left + 95, 310, left + 145, 400), fill=(100, 70, 40))
        if number == 2:  # a tree and a window: another house, not the same picture
            draw.ellipse((440, 150, 600, 330), fill=(40, 120, 50))
            draw.rectangle((510, 330, 530, 400), fill=(100, 70, 40))
            draw.rectangle((left + 20, 270, left + 70, 310), fill=(240, 240, 255))
        exif = Image.Exif()
        if number == 2:  # taken 20/11/2026 09:30 in Long Hiệp; kept only when sent as a file
            exif.get_ifd(0x8769)[0x9003] = "2026:11:20 09:30:00"
            exif.get_ifd(0x8825).update({1: "N", 2: (9.0, 56.0, 0.0), 3: "E", 4: (106.0, 20.0, 0.0)})
        folder.mkdir(parents=True, exist_ok=True)
        image.save(path, "JPEG", quality=85, exif=exif)
    return paths
