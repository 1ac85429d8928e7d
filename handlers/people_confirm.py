"""The office's confirmations: the buttons that name the person before an account is locked,
unlinked, re-invited or given another role, and the action done when one is pressed (checked again:
the button may be old, and nothing may leave the bot without an active admin)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.context import BotContext
from domain import office_texts, people_texts
from domain.callbacks import Callback
from domain.statuses import Role
from handlers import buttons
from storage import invitations, officials, units
from storage.models import Official
from storage.officials import OfficialError

CONFIRM = "pc"  # callback action: v1:pc:<op>:<official>:<day asked>[:<role>]
VALID_DAYS = 1  # a confirmation still works the next day, not a week later from a scrolled-up chat


async def unit_name(context: BotContext, official: Official) -> str | None:
    async with context.services.db() as session:
        unit = await units.get_unit(session, unit_id=official.unit_id)
    return unit.name if unit else None


def _today(context: BotContext) -> int:
    return context.services.clock.now().astimezone(context.services.settings.tz).date().toordinal()


async def ask(
    update: Update, context: BotContext, text: str, op: str, official: Official, *extra: str
) -> None:
    """Ask the office to confirm one action on one official, with its button and ✖️ Hủy."""
    ident, day = str(official.id), str(_today(context))
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    office_texts.CONFIRM_LABELS[op],
                    callback_data=Callback(CONFIRM, (op, ident, day, *extra)).encode(),
                ),
                InlineKeyboardButton(
                    office_texts.CANCEL_LABEL, callback_data=Callback(CONFIRM, ("no", ident, day)).encode()
                ),
            ]
        ]
    )
    await update.effective_message.reply_html(text, reply_markup=keyboard)  # type: ignore[union-attr]


async def issue(context: BotContext, official_id: int, _extra: tuple[str, ...] = ()) -> str:
    now = context.services.clock.now()
    async with context.services.db.begin() as session:
        official = await officials.get_official(session, official_id=official_id)
        if official is None:
            return people_texts.official_not_found(str(official_id))
        code = await invitations.issue_invitation(
            session,
            official=official,
            now=now,
            actor_id=context.official.id,  # type: ignore[union-attr]
        )
        name = official.full_name
    link = f"https://t.me/{context.bot.username}?start={code}"
    expires = (now + invitations.DEFAULT_VALIDITY).astimezone(context.services.settings.tz).date()
    return people_texts.invitation(name, link, expires)


async def apply_edit(
    context: BotContext, official_id: int, changes: dict[str, object], *, recheck_role: bool = False
) -> str:
    """Write the changes; with recheck_role, in the same transaction as the last-admin check."""
    try:
        async with context.services.db.begin() as session:
            fresh = await officials.get_official(session, official_id=official_id)
            if fresh is None:
                return people_texts.official_not_found(str(official_id))
            if recheck_role and (refused := await refusal(session, fresh, "ro", str(changes["role"]))):
                return refused
            changed = await officials.edit_official(
                session,
                official=fresh,
                changes=changes,
                now=context.services.clock.now(),
                actor_id=context.official.id,  # type: ignore[union-attr]
            )
    except OfficialError as exc:
        return people_texts.bad_value(str(exc))
    async with context.services.db() as session:
        names = {u.unit_id: u.name for u in await units.unit_names(session, active_only=False)}
    shown = [(field, people_texts.field_value(field, new, names)) for field, (_old, new) in changed.items()]
    return people_texts.official_edited(fresh.full_name, shown)


async def refusal(session: object, official: Official, op: str, role: str | None = None) -> str | None:
    """Why this action cannot be done to the official now, or None."""
    if op == "de" and not official.active:
        return office_texts.already_deactivated(official.full_name)
    if op == "ul" and official.telegram_user_id is None:
        return office_texts.not_linked(official.full_name)
    losing = op in ("de", "ul") or (op == "ro" and role != Role.ADMIN)
    if losing and await officials.is_last_admin(session, official=official):  # type: ignore[arg-type]
        return office_texts.last_admin_refused(official.full_name)
    return None


async def confirm(update: Update, context: BotContext) -> None:
    """A button of a confirmation: do the action (checked again, it may be stale) or cancel."""
    pressed = await buttons.accept(update)
    if pressed is None:
        return
    query, callback = pressed
    op, official_id, asked, extra = (
        callback.args[0],
        callback.number(1),
        callback.number(2),
        callback.args[3:],
    )
    action = _CONFIRMED.get(op)
    if op == "no":
        text = office_texts.cancelled()
    elif not 0 <= _today(context) - asked <= VALID_DAYS:
        text = office_texts.confirmation_expired()
    elif action is None:
        text = people_texts.invalid_button()
    else:
        text = await action(context, official_id, extra)
    try:
        await query.edit_message_text(text)
    except BadRequest as exc:  # pressed twice: the message already says it
        if "not modified" not in str(exc).lower():
            raise


async def _confirmed_change(context: BotContext, official_id: int, extra: tuple[str, ...], op: str) -> str:
    now, actor = context.services.clock.now(), context.official.id  # type: ignore[union-attr]
    async with context.services.db.begin() as session:
        official = await officials.get_official(session, official_id=official_id)
        if official is None:
            return people_texts.official_not_found(str(official_id))
        role = extra[0] if extra else None
        refused = await refusal(session, official, op, role)
        if refused:
            return refused
        if op == "de":
            await officials.set_active(session, official=official, active=False, now=now, actor_id=actor)
        elif op == "ul":
            await invitations.unlink(session, official=official, now=now, actor_id=actor)
        name = official.full_name
    if op == "de":
        return people_texts.official_deactivated(name)
    return people_texts.official_unlinked(name)


async def _confirmed_role(context: BotContext, official_id: int, extra: tuple[str, ...]) -> str:
    role = extra[0] if extra else ""
    if role not in Role._value2member_map_:
        return people_texts.invalid_button()
    return await apply_edit(context, official_id, {"role": Role(role)}, recheck_role=True)


async def _deactivate(context: BotContext, official_id: int, extra: tuple[str, ...]) -> str:
    return await _confirmed_change(context, official_id, extra, "de")


async def _unlink(context: BotContext, official_id: int, extra: tuple[str, ...]) -> str:
    return await _confirmed_change(context, official_id, extra, "ul")


_CONFIRMED = {"de": _deactivate, "ul": _unlink, "ro": _confirmed_role, "iv": issue}
