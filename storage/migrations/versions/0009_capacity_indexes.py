"""capacity: indexes for /status's newest reports and the digest's houses

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 13:10:00

Issue 13: /status of a commune reads its newest reports one index probe a task
(ix_task_update_reported: task_id, id, of the reports officials sent), not every report of the
commune, which grows with the database; the digest counts each unit's houses at each stage from
ix_household_programme_unit_stage without reading the households' rows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPORTED = sa.text("official_id IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_task_update_reported",
        "task_update",
        ["task_id", "id"],
        sqlite_where=REPORTED,
        postgresql_where=REPORTED,
    )
    op.create_index("ix_household_programme_unit_stage", "household", ["programme", "unit_id", "stage"])


def downgrade() -> None:
    op.drop_index("ix_household_programme_unit_stage", table_name="household")
    op.drop_index("ix_task_update_reported", table_name="task_update")
