"""people and invitations (issues 10.2, 11.1, 11.2, 11.4)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 09:30:00

A slot in the chain, filled in by the work named above (empty until then).
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
