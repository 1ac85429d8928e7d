"""reports (issue 10.4-10.5)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 09:30:00

A slot in the chain, filled in by the work named above (empty until then).
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
