"""units and people (issues 11.1-11.4): unit_merge, the record that undoes a merger

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 09:30:00

A slot in the chain, filled in by the work named above (empty until then).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import storage.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unit_merge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.Column("undone_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["target_id"], ["unit.id"], name=op.f("fk_unit_merge_target_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_merge")),
    )
    with op.batch_alter_table("unit_merge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_merge_target_id"), ["target_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("unit_merge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_merge_target_id"))
    op.drop_table("unit_merge")
