"""indexes that cover what /status of a commune reads

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 15:10:00

Issue 13: /status of a commune counts its tasks the four ways (status, deadline, the deadline
before any extension, when it was reported done) and lists the first 15 of each section by
deadline then task id. ix_task_lead_status_due (lead_unit_id, status, due_on) made the counts read
every task row of the commune (5,000 at 500,000 tasks) and PostgreSQL read every listed row for its
id; with these columns added both come from the index alone. A blocked task's latest reason was
found among all its reports; ix_task_update_blocker holds only the blocker reports.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NARROW = ["lead_unit_id", "status", "due_on"]
WIDE = [*NARROW, "id", "original_due_on", "reported_done_at", "completed_at"]
BLOCKER = sa.text("new_status = 'blocked'")


def upgrade() -> None:
    # An index of its own, not a batch rebuild of the task table (SQLite would cascade the drop).
    op.drop_index("ix_task_lead_status_due", table_name="task")
    op.create_index("ix_task_lead_status_due", "task", WIDE)
    op.create_index(
        "ix_task_update_blocker",
        "task_update",
        ["task_id", "id"],
        sqlite_where=BLOCKER,
        postgresql_where=BLOCKER,
    )


def downgrade() -> None:
    op.drop_index("ix_task_update_blocker", table_name="task_update")
    op.drop_index("ix_task_lead_status_due", table_name="task")
    op.create_index("ix_task_lead_status_due", "task", NARROW)
