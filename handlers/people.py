"""Officials: the list by unit for everyone allowed, and the office's add/edit/lock/invite."""

from __future__ import annotations

import re
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext
from domain import people_texts
from domain.callbacks import Callback, decode
from domain.people import normalize_phone, parse_role, parse_yes
from domain.render import split_message
from domain.statuses import Role
from domain.units import UnitName
from handlers.access import can_see_unit, sees_all_units
from storage import invitations, officials, units
from storage.models import Official, Unit
from storage.officials import OfficialError

UNIT_PICK = "ou"
# Field names an office worker types in /editofficial, without accents.
EDIT_FIELDS = {
    "ten": "full_name",
    "hoten": "full_name",
    "chucvu": "title",
    "donvi": "unit_id",
    "vaitro": "role",
    "sdt": "phone",
    "dienthoai": "phone",
    "dungdau": "is_unit_head",
}


def unit_buttons(candidates: Sequence[UnitName], action: str = UNIT_PICK) -> InlineKeyboardMarkup:
    """One button per candidate unit, for 'did you mean' answers."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(c.name, callback_data=Callback(action, (str(c.unit_id),)).encode())]
            for c in candidates
        ]
    )


async def list_officials(update: Update, context: BotContext) -> None:
    """/officials [đơn vị]: who is in a unit and who has not activated the bot yet."""
    message, caller = update.effective_message, context.official
    if message is None or caller is None:
        return
    query = " ".join(context.args or [])
    async with context.services.db() as session:
        if not query:
            if sees_all_units(caller):
                await _overview(update, context)
                return
            unit = await units.get_unit(session, unit_id=caller.unit_id)
        else:
            match = await units.find_unit(session, query=query)
            if match.found is None:
                await message.reply_html(
                    people_texts.unit_not_found(query, [c.name for c in match.candidates]),
                    reply_markup=unit_buttons(match.candidates) if match.candidates else None,
                )
                return
            unit = await units.get_unit(session, unit_id=match.found.unit_id)
    await _send_unit(update, context, unit)


async def pick_unit(update: Update, context: BotContext) -> None:
    """A 'did you mean' button of /officials was pressed."""
    query = update.callback_query
    callback = decode(query.data or "") if query else None
    if query is None or callback is None or not callback.args:
        return
    await query.answer()
    async with context.services.db() as session:
        unit = await units.get_unit(session, unit_id=int(callback.args[0]))
    await _send_unit(update, context, unit)


async def _send_unit(update: Update, context: BotContext, unit: Unit | None) -> None:
    caller = context.official
    chat = update.effective_chat
    if caller is None or chat is None:
        return
    if unit is None or not can_see_unit(caller, unit.id):
        await context.bot.send_message(chat.id, people_texts.other_unit_refused())
        return
    async with context.services.db() as session:
        rows = await officials.list_officials(
            session, unit_id=unit.id, include_inactive=caller.role == Role.ADMIN
        )
    show_ids = caller.role == Role.ADMIN
    lines = [people_texts.officials_header(unit.name, len(rows))]
    lines += [
        people_texts.official_line(
            o.id or 0,
            o.full_name,
            o.title,
            o.role,
            o.telegram_user_id is not None,
            o.active,
            show_ids=show_ids,
        )
        for o, _ in rows
    ]
    for chunk in split_message(lines):
        await context.bot.send_message(chat.id, chunk)


async def _overview(update: Update, context: BotContext) -> None:
    async with context.services.db() as session:
        rows = await officials.list_officials(session)
    per_unit: dict[str, list[Official]] = {}
    for official, unit in rows:
        per_unit.setdefault(unit.name if unit else people_texts.NO_UNIT, []).append(official)
    lines = [people_texts.officials_usage()]
    lines += [
        people_texts.units_overview_line(name, len(people), sum(p.telegram_user_id is None for p in people))
        for name, people in sorted(per_unit.items())
    ]
    for chunk in split_message(lines):
        await update.effective_message.reply_html(chunk)  # type: ignore[union-attr]


async def _target(update: Update, context: BotContext, command: str, example: str) -> Official | None:
    """The official named by the first argument (#12 or 12), or None after explaining why."""
    message = update.effective_message
    ref = (context.args or [""])[0].lstrip("#")
    if not ref.isdigit():
        await message.reply_html(people_texts.usage(command, example))  # type: ignore[union-attr]
        return None
    async with context.services.db() as session:
        official = await officials.get_official(session, official_id=int(ref))
    if official is None:
        await message.reply_html(people_texts.official_not_found(ref))  # type: ignore[union-attr]
    return official


async def invite(update: Update, context: BotContext) -> None:
    """/invite <số>: a fresh single-use deep link for one official."""
    official = await _target(update, context, "invite", "12")
    if official is None:
        return
    now = context.services.clock.now()
    async with context.services.db.begin() as session:
        fresh = await officials.get_official(session, official_id=official.id or 0)
        assert fresh is not None
        code = await invitations.issue_invitation(
            session, official=fresh, now=now, actor_id=context.official.id
        )  # type: ignore[union-attr]
    link = f"https://t.me/{context.bot.username}?start={code}"
    expires = (now + invitations.DEFAULT_VALIDITY).astimezone(context.services.settings.tz).date()
    await update.effective_message.reply_html(  # type: ignore[union-attr]
        people_texts.invitation(official.full_name, link, expires)
    )


async def add_official(update: Update, context: BotContext) -> None:
    """/addofficial Họ tên; Đơn vị; Vai trò; SĐT; Chức vụ."""
    message = update.effective_message
    text = message.text.partition(" ")[2] if message and message.text else ""
    parts = [p.strip() for p in text.split(";")]
    example = "Nguyễn Văn A; Long Hiệp; cán bộ; 0912345678; Phó Chủ tịch UBND xã"
    if len(parts) < 2 or not parts[0] or not parts[1]:
        await message.reply_html(people_texts.usage("addofficial", example))  # type: ignore[union-attr]
        return
    name, unit_text, role_text, phone_text, title = ([*parts, "", "", ""])[:5]
    try:
        fields = await _parse_fields(
            context, {"donvi": unit_text, "vaitro": role_text, "sdt": phone_text, "chucvu": title}
        )
        async with context.services.db.begin() as session:
            official = await officials.add_official(
                session,
                full_name=name,
                now=context.services.clock.now(),
                actor_id=context.official.id,
                **fields,
            )  # type: ignore[union-attr]
            unit = await units.get_unit(session, unit_id=official.unit_id)
    except OfficialError as exc:
        await message.reply_html(people_texts.bad_value(str(exc)))  # type: ignore[union-attr]
        return
    await message.reply_html(
        people_texts.official_added(  # type: ignore[union-attr]
            official.id or 0, official.full_name, unit.name if unit else None
        )
    )


async def edit_official(update: Update, context: BotContext) -> None:
    """/editofficial <số> donvi=...; sdt=...; vaitro=...; chucvu=...; ten=...; dungdau=có."""
    official = await _target(update, context, "editofficial", "12 donvi=Long Hiệp; sdt=0912345678")
    message = update.effective_message
    if official is None or message is None or not message.text:
        return
    assignments = message.text.split(maxsplit=2)[2] if len(message.text.split(maxsplit=2)) > 2 else ""
    raw: dict[str, str] = {}
    for part in assignments.split(";"):
        key, sep, value = part.partition("=")
        if sep:
            raw[re.sub(r"[\s_]", "", key.lower())] = value.strip()
    try:
        if not raw or any(k not in EDIT_FIELDS for k in raw):
            raise OfficialError(people_texts.editable_fields())
        changes = await _parse_fields(context, raw)
        async with context.services.db.begin() as session:
            fresh = await officials.get_official(session, official_id=official.id or 0)
            assert fresh is not None
            changed = await officials.edit_official(
                session,
                official=fresh,
                changes=changes,
                now=context.services.clock.now(),
                actor_id=context.official.id,
            )  # type: ignore[union-attr]
    except OfficialError as exc:
        await message.reply_html(people_texts.bad_value(str(exc)))
        return
    async with context.services.db() as session:
        names = {u.unit_id: u.name for u in await units.unit_names(session, active_only=False)}
    shown = [(field, people_texts.field_value(field, new, names)) for field, (_old, new) in changed.items()]
    await message.reply_html(people_texts.official_edited(fresh.full_name, shown))


async def _parse_fields(context: BotContext, raw: dict[str, str]) -> dict[str, object]:
    """Typed values from what the office typed; raises OfficialError with a Vietnamese reason."""
    fields: dict[str, object] = {}
    for key, value in raw.items():
        field = EDIT_FIELDS.get(key, key)
        if field == "unit_id":
            if not value:
                raise OfficialError(people_texts.missing_unit())
            async with context.services.db() as session:
                match = await units.find_unit(session, query=value)
            if match.found is None:
                hint = "; ".join(c.name for c in match.candidates[:3])
                raise OfficialError(people_texts.unit_unclear(value, hint))
            fields["unit_id"] = match.found.unit_id
        elif field == "role":
            role = parse_role(value)
            if role is None:
                raise OfficialError(people_texts.bad_role(value))
            fields["role"] = role
        elif field == "phone":
            phone = normalize_phone(value) if value else None
            if value and phone is None:
                raise OfficialError(people_texts.bad_phone(value))
            fields["phone"] = phone
        elif field == "is_unit_head":
            fields["is_unit_head"] = parse_yes(value)
        else:
            fields[field] = value or None
    return fields


async def deactivate(update: Update, context: BotContext) -> None:
    """/deactivate <số>: revoke access at once; history stays."""
    await _set_active(update, context, active=False)


async def reactivate(update: Update, context: BotContext) -> None:
    """/reactivate <số>: give access back."""
    await _set_active(update, context, active=True)


async def _set_active(update: Update, context: BotContext, *, active: bool) -> None:
    official = await _target(update, context, "reactivate" if active else "deactivate", "12")
    if official is None:
        return
    async with context.services.db.begin() as session:
        fresh = await officials.get_official(session, official_id=official.id or 0)
        assert fresh is not None
        await officials.set_active(
            session,
            official=fresh,
            active=active,
            now=context.services.clock.now(),
            actor_id=context.official.id,
        )  # type: ignore[union-attr]
    text = (people_texts.official_reactivated if active else people_texts.official_deactivated)(
        official.full_name
    )
    await update.effective_message.reply_html(text)  # type: ignore[union-attr]


async def unlink(update: Update, context: BotContext) -> None:
    """/unlink <số>: detach a lost phone's account; a new invitation re-links."""
    official = await _target(update, context, "unlink", "12")
    if official is None:
        return
    async with context.services.db.begin() as session:
        fresh = await officials.get_official(session, official_id=official.id or 0)
        assert fresh is not None
        await invitations.unlink(
            session, official=fresh, now=context.services.clock.now(), actor_id=context.official.id
        )  # type: ignore[union-attr]
    await update.effective_message.reply_html(  # type: ignore[union-attr]
        people_texts.official_unlinked(official.full_name)
    )
