"""indexes on the second column of the task links' keys

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 14:00:00

Issue 13: a unit's cooperating tasks and an official's named tasks are looked up by unit_id and
official_id, which are only the second column of task_unit's and task_official's primary keys, so
SQLite scanned those tables.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_task_unit_unit", "task_unit", ["unit_id"])
    op.create_index("ix_task_official_official", "task_official", ["official_id"])


def downgrade() -> None:
    op.drop_index("ix_task_official_official", table_name="task_official")
    op.drop_index("ix_task_unit_unit", table_name="task_unit")
