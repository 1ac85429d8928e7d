"""meetings: task.meeting_id, the meeting whose conclusions gave a task (the giao ban loop)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 13:00:00

Issue 12 / 15.2: a conclusions notice (thông báo kết luận) becomes tasks tied to the meeting it
concludes, so the next giao ban reviews what the last one decided.

SQLite gets a plain ADD COLUMN with the reference inline: rebuilding the task table (Alembic's
batch mode) would drop it, and with foreign keys on, SQLite's implicit DELETE of a dropped table
cascades to every task's updates, units and photos. No ON DELETE action for the same reason
(SQLite does not reflect one written inline); meetings are cancelled, never deleted.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_task_meeting_id_meeting"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE task ADD COLUMN meeting_id INTEGER CONSTRAINT {FK} REFERENCES meeting (id)")
    else:
        op.add_column("task", sa.Column("meeting_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FK, "task", "meeting", ["meeting_id"], ["id"])
    op.create_index("ix_task_meeting_id", "task", ["meeting_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_task_meeting_id", table_name="task")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE task DROP COLUMN meeting_id")  # SQLite 3.35+: no rebuild either
    else:
        op.drop_constraint(FK, "task", type_="foreignkey")
        op.drop_column("task", "meeting_id")
