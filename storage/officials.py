"""Officials: import with row-by-row validation, add, edit, deactivate, find by account or phone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.people import RowError, clean_name, normalize_phone, parse_role, parse_yes
from domain.sheets import SheetRow, check_columns
from domain.statuses import Role
from domain.vntext import accent_free_key
from storage.audit import add_audit
from storage.models import Official, Unit
from storage.units import ImportResult, find_unit

MAX_ID = 2**31 - 1  # ids are 32-bit integers
EDITABLE = ("full_name", "title", "unit_id", "role", "phone", "is_unit_head")
IMPORT_BATCH = 500  # rows per transaction of a long import


class OfficialError(ValueError):
    """A change that cannot be made; the message is Vietnamese, for the user."""


async def get_official(session: AsyncSession, *, official_id: int) -> Official | None:
    """One official by id (None for a number no id can be: it would overflow the column)."""
    if not 0 < official_id <= MAX_ID:
        return None
    return await session.get(Official, official_id)


async def get_official_by_telegram_id(
    session: AsyncSession, *, telegram_user_id: int, include_inactive: bool = False
) -> Official | None:
    """The official linked to this Telegram account (active only, unless asked)."""
    query = select(Official).where(Official.telegram_user_id == telegram_user_id)
    if not include_inactive:
        query = query.where(Official.active)
    return (await session.exec(query)).first()


async def get_official_by_phone(session: AsyncSession, *, phone: str) -> Official | None:
    """The official with this (normalised) phone number."""
    return (await session.exec(select(Official).where(Official.phone == phone))).first()


async def list_officials(
    session: AsyncSession, *, unit_id: int | None = None, include_inactive: bool = False
) -> list[tuple[Official, Unit | None]]:
    """Officials with their units, by unit then name."""
    query = select(Official, Unit).join(Unit, col(Official.unit_id) == Unit.id, isouter=True)
    if unit_id is not None:
        query = query.where(Official.unit_id == unit_id)
    if not include_inactive:
        query = query.where(Official.active)
    query = query.order_by(col(Unit.name), col(Official.name_key))
    return [(official, unit) for official, unit in (await session.exec(query)).all()]


async def add_official(
    session: AsyncSession,
    *,
    full_name: str,
    unit_id: int | None,
    role: str = Role.OFFICIAL,
    title: str | None = None,
    phone: str | None = None,
    is_unit_head: bool = False,
    now: dt.datetime,
    actor_id: int | None = None,
) -> Official:
    """Create an official; a phone number already in use is refused."""
    name = clean_name(full_name)
    if not name:
        raise OfficialError("Thiếu họ và tên.")
    if phone and await get_official_by_phone(session, phone=phone):
        raise OfficialError(f"Số điện thoại {phone} đã có cán bộ khác dùng.")
    official = Official(
        full_name=name,
        name_key=accent_free_key(name),
        unit_id=unit_id,
        role=role,
        title=title,
        phone=phone,
        is_unit_head=is_unit_head,
    )
    session.add(official)
    await session.flush()
    await add_audit(
        session,
        at=now,
        action="officials.add",
        official_id=actor_id,
        entity="official",
        entity_id=official.id,
        detail={"name": name, "role": role},
    )
    return official


async def edit_official(
    session: AsyncSession,
    *,
    official: Official,
    changes: dict[str, Any],
    now: dt.datetime,
    actor_id: int | None = None,
) -> dict[str, Any]:
    """Apply changes to the editable fields; returns what changed (old, new) for the reply."""
    changed: dict[str, Any] = {}
    for field, value in changes.items():
        if field not in EDITABLE:
            raise OfficialError(f"Không sửa được trường «{field}».")
        if field == "phone" and value:
            other = await get_official_by_phone(session, phone=value)
            if other is not None and other.id != official.id:
                raise OfficialError(f"Số điện thoại {value} đã có cán bộ khác dùng.")
        if field == "full_name":
            value = clean_name(value)
            official.name_key = accent_free_key(value)
        old = getattr(official, field)
        if old != value:
            setattr(official, field, value)
            changed[field] = (old, value)
    if changed:
        await add_audit(
            session,
            at=now,
            action="officials.edit",
            official_id=actor_id,
            entity="official",
            entity_id=official.id,
            detail={k: [str(o), str(n)] for k, (o, n) in changed.items()},
        )
    return changed


async def set_active(
    session: AsyncSession, *, official: Official, active: bool, now: dt.datetime, actor_id: int | None = None
) -> None:
    """Deactivate (access revoked at once, the history kept) or reactivate an official."""
    official.active = active
    await add_audit(
        session,
        at=now,
        action="officials.activate" if active else "officials.deactivate",
        official_id=actor_id,
        entity="official",
        entity_id=official.id,
    )


# Columns an officials file cannot do without (label → accepted header keys, accent-free).
IMPORT_REQUIRED = {"Họ và tên": ("ho va ten", "ho ten", "ten"), "Đơn vị": ("don vi", "ten don vi", "co quan")}


async def import_officials(
    session: AsyncSession, *, rows: Sequence[SheetRow], now: dt.datetime, actor_id: int | None = None
) -> ImportResult:
    """Import the office's list: a bad row is reported with its number and reason and skipped;
    the good ones are written (a re-imported person, by phone or by name in the unit, is updated).

    Columns: Họ và tên, Chức vụ, Đơn vị, Vai trò, Số điện thoại, Người đứng đầu (x).
    """
    check_columns(rows, IMPORT_REQUIRED)
    result = ImportResult()
    await _import_rows(session, rows=rows, now=now, actor_id=actor_id, result=result, phones_in_file={})
    await _audit_import(session, result=result, now=now, actor_id=actor_id)
    return result


async def import_officials_in_batches(
    db: async_sessionmaker[AsyncSession],
    *,
    rows: Sequence[SheetRow],
    now: dt.datetime,
    actor_id: int | None = None,
    batch: int = IMPORT_BATCH,
) -> ImportResult:
    """The same import, one transaction per `batch` rows: a file of thousands of people never
    holds the database's single write lock (SQLite) for long, so the running bot keeps answering.
    Rows of a committed batch stay written if a later batch fails."""
    check_columns(rows, IMPORT_REQUIRED)
    result = ImportResult()
    phones_in_file: dict[str, int] = {}
    for start in range(0, len(rows), batch):
        part, phones = ImportResult(), dict(phones_in_file)
        async with db.begin() as session:
            chunk = rows[start : start + batch]
            await _import_rows(
                session, rows=chunk, now=now, actor_id=actor_id, result=part, phones_in_file=phones
            )
        # Counted only once committed.
        result.created, result.updated = result.created + part.created, result.updated + part.updated
        result.errors.extend(part.errors)
        phones_in_file = phones
    async with db.begin() as session:
        await _audit_import(session, result=result, now=now, actor_id=actor_id)
    return result


async def _import_rows(
    session: AsyncSession,
    *,
    rows: Sequence[SheetRow],
    now: dt.datetime,
    actor_id: int | None,
    result: ImportResult,
    phones_in_file: dict[str, int],
) -> None:
    for row in rows:
        name = clean_name(row.get("ho va ten", "ho ten", "ten"))
        if not name:
            result.errors.append(RowError(row.number, "Thiếu họ và tên."))
            continue
        unit_text = row.get("don vi", "ten don vi", "co quan")
        if not unit_text:
            result.errors.append(RowError(row.number, "Thiếu đơn vị."))
            continue
        match = await find_unit(session, query=unit_text)
        if match.found is None:
            hint = "; ".join(c.name for c in match.candidates[:3])
            reason = (
                f"Đơn vị «{unit_text}» chưa rõ, có thể là: {hint}."
                if hint
                else f"Không tìm thấy đơn vị «{unit_text}»."
            )
            result.errors.append(RowError(row.number, reason))
            continue
        role_text = row.get("vai tro", "quyen")
        role = parse_role(role_text)
        if role is None:
            result.errors.append(
                RowError(row.number, f"Vai trò «{role_text}» không hợp lệ (cán bộ, lãnh đạo hoặc quản trị).")
            )
            continue
        phone_text = row.get("so dien thoai", "dien thoai", "sdt")
        phone = normalize_phone(phone_text) if phone_text else None
        if phone_text and phone is None:
            result.errors.append(RowError(row.number, f"Số điện thoại «{phone_text}» không hợp lệ."))
            continue
        if phone and phone in phones_in_file:
            result.errors.append(
                RowError(row.number, f"Số điện thoại {phone} trùng với dòng {phones_in_file[phone]}.")
            )
            continue
        existing = await get_official_by_phone(session, phone=phone) if phone else None
        if existing is None:
            existing = (
                await session.exec(
                    select(Official).where(
                        Official.name_key == accent_free_key(name), Official.unit_id == match.found.unit_id
                    )
                )
            ).first()
        fields = {
            "full_name": name,
            "title": row.get("chuc vu") or None,
            "unit_id": match.found.unit_id,
            "role": role,
            "phone": phone,
            "is_unit_head": parse_yes(row.get("nguoi dung dau", "dung dau")),
        }
        if phone:
            phones_in_file[phone] = row.number
        if existing is not None:
            await edit_official(session, official=existing, changes=fields, now=now, actor_id=actor_id)
            result.updated += 1
        else:
            fields.pop("full_name")
            await add_official(session, full_name=name, now=now, actor_id=actor_id, **fields)
            result.created += 1


async def _audit_import(
    session: AsyncSession, *, result: ImportResult, now: dt.datetime, actor_id: int | None
) -> None:
    await add_audit(
        session,
        at=now,
        action="officials.import",
        official_id=actor_id,
        detail={"created": result.created, "updated": result.updated, "errors": len(result.errors)},
    )


async def mark_unreachable(session: AsyncSession, *, official_id: int, now: dt.datetime) -> None:
    """Telegram refused to deliver to this official (blocked the bot, or never started it)."""
    official = await session.get(Official, official_id)
    if official is not None and official.reachable:
        official.reachable = False
        await add_audit(
            session, at=now, action="officials.unreachable", entity="official", entity_id=official_id
        )


async def mark_reachable(session: AsyncSession, *, official_id: int, now: dt.datetime) -> bool:
    """The official wrote to the bot again after a refused delivery; whether the flag changed."""
    result = await session.exec(
        update(Official)
        .where(col(Official.id) == official_id, ~col(Official.reachable))
        .values(reachable=True)
    )
    if not result.rowcount:
        return False
    await add_audit(session, at=now, action="officials.reachable", entity="official", entity_id=official_id)
    return True


async def officials_to_notify(
    session: AsyncSession,
    *,
    unit_id: int | None = None,
    roles: Sequence[str] | None = None,
    official_ids: Sequence[int] = (),
) -> list[Official]:
    """Active officials with a linked account: of a unit, of some roles, or named."""
    query = select(Official).where(Official.active, col(Official.telegram_user_id).is_not(None))
    conditions = []
    if unit_id is not None:
        conditions.append(col(Official.unit_id) == unit_id)
    if roles:
        conditions.append(col(Official.role).in_(list(roles)))
    if official_ids:
        conditions.append(col(Official.id).in_(list(official_ids)))
    if conditions:
        query = query.where(or_(*conditions))
    return list((await session.exec(query.order_by(col(Official.id)))).all())


async def is_last_admin(session: AsyncSession, *, official: Official) -> bool:
    """Whether the official is the only active admin: locking, unlinking or demoting her would leave
    the office without anyone who can manage the bot."""
    if official.role != Role.ADMIN or not official.active:
        return False
    # FOR UPDATE (PostgreSQL): two admins locking each other at once wait in turn, and the second
    # sees the first's change; SQLite serialises writers anyway.
    admins = select(Official.id).where(Official.role == Role.ADMIN, Official.active).with_for_update()
    return all(admin_id == official.id for admin_id in (await session.exec(admins)).all())
