"""take settings: the engine, model and options that made each take

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Takes recorded before this revision say nothing about their settings: "{}".
    with op.batch_alter_table("take_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("settings_json", sa.Text(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("take_record", schema=None) as batch_op:
        batch_op.drop_column("settings_json")
