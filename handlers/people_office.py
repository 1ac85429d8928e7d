"""The office's commands on people: add, edit, lock, unlink, invite.

What one mistyped number could do harm with (locking an account, unlinking it, changing a role,
moving an account to whoever types a new code) is asked first, with buttons that name the person;
nothing may leave the bot without an active admin.
"""

from __future__ import annotations

import re

from telegram import Update

from bot.context import BotContext
from domain import office_texts, people_texts
from domain.callbacks import ID
from domain.people import normalize_phone, parse_role, parse_yes
from handlers import people_confirm
from storage import officials, units
from storage.models import Official
from storage.officials import OfficialError

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


async def _target(update: Update, context: BotContext, command: str, example: str) -> Official | None:
    """The official named by the first argument (#12 or 12), or None after explaining why."""
    message = update.effective_message
    ref = (context.args or [""])[0].lstrip("#")
    if not (ref.isascii() and ref.isdigit()):
        await message.reply_html(people_texts.usage_by_number(command, example))  # type: ignore[union-attr]
        return None
    official = None
    if ID(ref):  # a number past any id names nobody (and would overflow the database)
        async with context.services.db() as session:
            official = await officials.get_official(session, official_id=int(ref))
    if official is None:
        await message.reply_html(people_texts.official_not_found(ref))  # type: ignore[union-attr]
    return official


async def invite(update: Update, context: BotContext) -> None:
    """/invite <số>: a fresh single-use deep link; asks first when the official already uses the bot."""
    official = await _target(update, context, "invite", "12")
    if official is None:
        return
    if official.telegram_user_id is not None:
        unit_name = await people_confirm.unit_name(context, official)
        text = office_texts.confirm_relink(
            official.full_name, official.id or 0, unit_name, official.telegram_user_id
        )
        await people_confirm.ask(update, context, text, "iv", official)
        return
    await update.effective_message.reply_html(await people_confirm.issue(context, official.id or 0))  # type: ignore[union-attr]


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
            context, {"donvi": unit_text, "vaitro": role_text or "cán bộ", "sdt": phone_text, "chucvu": title}
        )
        async with context.services.db.begin() as session:
            official = await officials.add_official(
                session,
                full_name=name,
                now=context.services.clock.now(),
                actor_id=context.official.id,  # type: ignore[union-attr]
                **fields,  # type: ignore[arg-type]
            )
            unit = await units.get_unit(session, unit_id=official.unit_id)
    except OfficialError as exc:
        await message.reply_html(people_texts.bad_value(str(exc)))  # type: ignore[union-attr]
        return
    await message.reply_html(  # type: ignore[union-attr]
        people_texts.official_added(official.id or 0, official.full_name, unit.name if unit else None)
    )


def _assignments(text: str) -> dict[str, str]:
    """'12 donvi=Long Hiệp; sdt=0912...' → {'donvi': 'Long Hiệp', 'sdt': '0912...'} (keys without spaces)."""
    parts = text.split(maxsplit=2)
    raw: dict[str, str] = {}
    for part in (parts[2] if len(parts) > 2 else "").split(";"):
        key, sep, value = part.partition("=")
        if sep:
            raw[re.sub(r"[\s_]", "", key.lower())] = value.strip()
    return raw


async def edit_official(update: Update, context: BotContext) -> None:
    """/editofficial <số> donvi=...; sdt=...; vaitro=...; chucvu=...; ten=...; dungdau=có.

    A role change is asked first; the other fields are written at once."""
    official = await _target(update, context, "editofficial", "12 donvi=Long Hiệp; sdt=0912345678")
    message = update.effective_message
    if official is None or message is None or not message.text:
        return
    raw = _assignments(message.text)
    try:
        if not raw or any(k not in EDIT_FIELDS for k in raw):
            raise OfficialError(people_texts.editable_fields())
        changes = await _parse_fields(context, raw)
    except OfficialError as exc:
        await message.reply_html(people_texts.bad_value(str(exc)))
        return
    role = changes.pop("role", official.role)
    if role != official.role:
        async with context.services.db() as session:
            refused = await people_confirm.refusal(session, official, "ro", str(role))
        if refused:
            await message.reply_html(refused)
            return
    if changes or role == official.role:
        await message.reply_html(await people_confirm.apply_edit(context, official.id or 0, changes))
    if role != official.role:
        unit_name = await people_confirm.unit_name(context, official)
        text = office_texts.confirm_role(
            official.full_name, official.id or 0, unit_name, official.role, str(role)
        )
        await people_confirm.ask(update, context, text, "ro", official, str(role))


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
            role = parse_role(value) if value else None  # an empty role is a slip, not "cán bộ"
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
        elif field == "full_name":
            if not value:
                raise OfficialError(office_texts.missing_name())
            fields["full_name"] = value
        else:
            fields[field] = value or None
    return fields


async def deactivate(update: Update, context: BotContext) -> None:
    """/deactivate <số>: asks, then revokes access at once; history stays."""
    await _ask_about(update, context, "deactivate", "de")


async def unlink(update: Update, context: BotContext) -> None:
    """/unlink <số>: asks, then detaches a lost phone's account; a new invitation re-links."""
    await _ask_about(update, context, "unlink", "ul")


async def _ask_about(update: Update, context: BotContext, command: str, op: str) -> None:
    official = await _target(update, context, command, "12")
    if official is None:
        return
    async with context.services.db() as session:
        refused = await people_confirm.refusal(session, official, op)
    if refused:
        await update.effective_message.reply_html(refused)  # type: ignore[union-attr]
        return
    unit_name = await people_confirm.unit_name(context, official)
    if op == "de":
        text = office_texts.confirm_deactivate(official.full_name, official.id or 0, unit_name)
    else:
        account = official.telegram_user_id or 0
        text = office_texts.confirm_unlink(official.full_name, official.id or 0, unit_name, account)
    await people_confirm.ask(update, context, text, op, official)


async def reactivate(update: Update, context: BotContext) -> None:
    """/reactivate <số>: give access back."""
    official = await _target(update, context, "reactivate", "12")
    if official is None:
        return
    async with context.services.db.begin() as session:
        fresh = await officials.get_official(session, official_id=official.id or 0)
        assert fresh is not None
        await officials.set_active(
            session,
            official=fresh,
            active=True,
            now=context.services.clock.now(),
            actor_id=context.official.id,  # type: ignore[union-attr]
        )
    await update.effective_message.reply_html(  # type: ignore[union-attr]
        people_texts.official_reactivated(official.full_name)
    )
