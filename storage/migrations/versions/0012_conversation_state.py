"""conversation_state and user_state: multi-step conversations survive a restart

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 17:20:00

/assign and a directive's review kept their step and draft in the process's memory: a restart
lost them, and with several instances the next message could reach one that never saw them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversation_state",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", "chat_id", "user_id", name=op.f("pk_conversation_state")),
    )
    op.create_table(
        "user_state",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_state")),
    )


def downgrade() -> None:
    op.drop_table("user_state")
    op.drop_table("conversation_state")
