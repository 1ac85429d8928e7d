"""Invitations: single-use, expiring codes (stored hashed) that link a Telegram account."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.people import invitation_hash
from storage.audit import add_audit
from storage.models import Invitation, Official

DEFAULT_VALIDITY = dt.timedelta(days=14)


class Redeem(StrEnum):
    LINKED = "linked"
    RELINKED = "relinked"  # the official moves to a new account (new phone)
    ALREADY = "already"  # the same account used its own code again
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"  # someone else already used it
    REVOKED = "revoked"
    ACCOUNT_TAKEN = "account_taken"  # this account belongs to another official
    INACTIVE = "inactive"


@dataclass(frozen=True, slots=True)
class RedeemResult:
    outcome: Redeem
    official: Official | None = None
    previous_account: int | None = None  # on RELINKED: the account that lost the official


async def _revoke_unused(session: AsyncSession, *, official_id: int, now: dt.datetime) -> None:
    """Codes issued to the official and never used stop working."""
    await session.exec(
        update(Invitation)
        .where(
            col(Invitation.official_id) == official_id,
            col(Invitation.used_at).is_(None),
            col(Invitation.revoked_at).is_(None),
        )
        .values(revoked_at=now)
    )


def new_code() -> str:
    """A fresh code that fits a t.me deep link (A–Z, a–z, 0–9, _ and -)."""
    return secrets.token_urlsafe(12)


async def issue_invitation(
    session: AsyncSession,
    *,
    official: Official,
    now: dt.datetime,
    valid_for: dt.timedelta = DEFAULT_VALIDITY,
    actor_id: int | None = None,
) -> str:
    """A new code for the official; earlier unused ones stop working. Returns the plain code."""
    await _revoke_unused(session, official_id=official.id or 0, now=now)
    code = new_code()
    session.add(
        Invitation(official_id=official.id, code_hash=invitation_hash(code), expires_at=now + valid_for)
    )
    await add_audit(
        session,
        at=now,
        action="invitations.issue",
        official_id=actor_id,
        entity="official",
        entity_id=official.id,
    )
    return code


async def redeem(
    session: AsyncSession, *, code: str, telegram_user_id: int, now: dt.datetime
) -> RedeemResult:
    """Link the account to the official the code was issued for, once; everything is audited."""
    invitation = (
        await session.exec(select(Invitation).where(Invitation.code_hash == invitation_hash(code)))
    ).first()
    outcome, official = await _check(session, invitation, telegram_user_id, now)
    if outcome is None and invitation is not None and official is not None:
        claimed = await session.exec(
            update(Invitation)
            .where(col(Invitation.id) == invitation.id, col(Invitation.used_at).is_(None))
            .values(used_at=now, used_by_telegram_id=telegram_user_id)
        )
        if not claimed.rowcount:  # another account won the race for this code
            outcome = Redeem.USED
        else:
            outcome = Redeem.RELINKED if official.telegram_user_id else Redeem.LINKED
            previous = official.telegram_user_id
            official.telegram_user_id = telegram_user_id
            official.reachable = True
            await add_audit(
                session,
                at=now,
                action=f"invitations.{outcome}",
                official_id=official.id,
                telegram_user_id=telegram_user_id,
                entity="official",
                entity_id=official.id,
                detail={"previous_account": previous},
            )
            return RedeemResult(outcome, official, previous)
    await add_audit(
        session,
        at=now,
        action=f"invitations.refused.{outcome}",
        official_id=official.id if official else None,
        telegram_user_id=telegram_user_id,
        entity="invitation",
        entity_id=invitation.id if invitation else None,
    )
    return RedeemResult(outcome or Redeem.UNKNOWN, official)


async def _check(
    session: AsyncSession, invitation: Invitation | None, telegram_user_id: int, now: dt.datetime
) -> tuple[Redeem | None, Official | None]:
    if invitation is None:
        return Redeem.UNKNOWN, None
    official = await session.get(Official, invitation.official_id)
    if official is None or not official.active:
        return Redeem.INACTIVE, official
    if invitation.used_at is not None:
        same = invitation.used_by_telegram_id == telegram_user_id
        return (Redeem.ALREADY if same else Redeem.USED), official
    if invitation.revoked_at is not None:
        return Redeem.REVOKED, official
    if invitation.expires_at <= now:
        return Redeem.EXPIRED, official
    other = (
        await session.exec(
            select(Official).where(
                Official.telegram_user_id == telegram_user_id, col(Official.id) != official.id
            )
        )
    ).first()
    if other is not None:
        return Redeem.ACCOUNT_TAKEN, official
    return None, official


async def link_by_phone(
    session: AsyncSession, *, phone: str, telegram_user_id: int, now: dt.datetime
) -> RedeemResult:
    """Link through a shared contact: only the account that owns the number, only a free official."""
    official = (await session.exec(select(Official).where(Official.phone == phone))).first()
    if official is None:
        outcome = Redeem.UNKNOWN
    elif not official.active:
        outcome = Redeem.INACTIVE
    elif official.telegram_user_id == telegram_user_id:
        return RedeemResult(Redeem.ALREADY, official)
    elif official.telegram_user_id is not None:
        outcome = Redeem.USED  # re-linking a new phone needs a fresh invitation from the office
    elif (
        await session.exec(select(Official).where(Official.telegram_user_id == telegram_user_id))
    ).first() is not None:
        outcome = Redeem.ACCOUNT_TAKEN
    else:
        official.telegram_user_id = telegram_user_id
        official.reachable = True
        await add_audit(
            session,
            at=now,
            action="contacts.linked",
            official_id=official.id,
            telegram_user_id=telegram_user_id,
            entity="official",
            entity_id=official.id,
        )
        return RedeemResult(Redeem.LINKED, official)
    await add_audit(
        session,
        at=now,
        action=f"contacts.refused.{outcome}",
        official_id=official.id if official else None,
        telegram_user_id=telegram_user_id,
        detail={"phone": phone},
    )
    return RedeemResult(outcome, official)


async def unlink(
    session: AsyncSession, *, official: Official, now: dt.datetime, actor_id: int | None = None
) -> None:
    """Detach the Telegram account (a lost phone); pending invitations are revoked too."""
    official.telegram_user_id = None
    await _revoke_unused(session, official_id=official.id or 0, now=now)
    await add_audit(
        session,
        at=now,
        action="officials.unlink",
        official_id=actor_id,
        entity="official",
        entity_id=official.id,
    )


async def count_live_codes(session: AsyncSession, *, official_ids: list[int], now: dt.datetime) -> int:
    """Codes of these officials that still work (unused, not revoked, not expired): a new
    invitation replaces them."""
    if not official_ids:
        return 0
    result = await session.exec(
        select(func.count())
        .select_from(Invitation)
        .where(
            col(Invitation.official_id).in_(official_ids),
            col(Invitation.used_at).is_(None),
            col(Invitation.revoked_at).is_(None),
            col(Invitation.expires_at) > now,
        )
    )
    return int(result.one())
