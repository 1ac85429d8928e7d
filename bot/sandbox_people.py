"""Who each sandbox persona is now, as the database says (a stranger invited, an official activated)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import sandbox_texts as texts
from bot.sandbox_seed import PERSONAS, Persona
from domain.people_texts import role_label
from storage import officials


async def persona_labels(db: async_sessionmaker[AsyncSession]) -> dict[int, str]:
    """Each persona's label by Telegram id: the seeded one while nobody is linked to the account,
    else the linked official's name (no longer «chưa kích hoạt»), role and unit. One query."""
    async with db() as session:
        linked = {
            official.telegram_user_id: (official, unit)
            for official, unit in await officials.list_officials(session)
            if official.telegram_user_id is not None
        }
    labels: dict[int, str] = {}
    for persona in PERSONAS:
        official, unit = linked.get(persona.telegram_id, (None, None))
        labels[persona.telegram_id] = (
            persona.label
            if official is None
            else linked_label(persona, official.full_name, official.role, unit.name if unit else "")
        )
    return labels


def linked_label(persona: Persona, full_name: str, role: str, unit: str) -> str:
    """The seeded label of the same person, without «chưa kích hoạt»; someone else's otherwise."""
    if persona.label.split(" — ")[0] == full_name:
        return persona.label.removesuffix(texts.NOT_ACTIVATED)
    return texts.LINKED.format(name=full_name, role=role_label(role), where=f" {unit}" if unit else "")
