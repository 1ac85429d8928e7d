"""tasks: progress as one number (percent may be 12.5; when the progress was sent)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 09:30:00

Issues 10.6 and 11.9: a percentage such as 12,5% is stored as confirmed, and a late report
(by message.date) never overwrites newer progress, so the task keeps when its progress was sent.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import storage.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.alter_column("progress_percent", existing_type=sa.Integer(), type_=sa.Float())
        batch_op.add_column(sa.Column("progress_at", storage.types.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("task_update", schema=None) as batch_op:
        batch_op.alter_column("progress_percent", existing_type=sa.Integer(), type_=sa.Float())


def downgrade() -> None:
    with op.batch_alter_table("task_update", schema=None) as batch_op:
        batch_op.alter_column("progress_percent", existing_type=sa.Float(), type_=sa.Integer())
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_column("progress_at")
        batch_op.alter_column("progress_percent", existing_type=sa.Float(), type_=sa.Integer())
