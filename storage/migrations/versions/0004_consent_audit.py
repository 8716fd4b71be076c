"""consent records (cameos) and the misuse gate's audit log

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 21:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.tables

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("aliases_json", sa.Text(), nullable=False),
        sa.Column("uses_json", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.Column("evidence_sha256", sa.String(length=64), nullable=False),
        sa.Column("evidence_path", sa.String(length=1000), nullable=False),
        sa.Column("reference_sha256_json", sa.Text(), nullable=False),
        sa.Column("created_at", storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", storage.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["evidence_sha256"], ["asset.sha256"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_created_at"), ["created_at"], unique=False)

    op.create_table(
        "gate_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=True),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("span", sa.Text(), nullable=False),
        sa.Column("person", sa.String(length=200), nullable=True),
        sa.Column("run_id", sa.String(length=40), nullable=True),
        sa.Column("entry", sa.String(length=120), nullable=False),
        sa.Column("input_sha256", sa.String(length=64), nullable=False),
        sa.Column("consent_id", sa.String(length=40), nullable=True),
        sa.Column("gate_version", sa.String(length=80), nullable=False),
        sa.Column("detail_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("gate_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gate_audit_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_gate_audit_outcome"), ["outcome"], unique=False)
        batch_op.create_index(batch_op.f("ix_gate_audit_consent_id"), ["consent_id"], unique=False)
        batch_op.create_index("ix_gate_audit_run_id_id", ["run_id", "id"], unique=False)

    op.create_table(
        "gate_audit_consent",
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["gate_audit.id"]),
        sa.PrimaryKeyConstraint("audit_id", "consent_id"),
    )
    with op.batch_alter_table("gate_audit_consent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gate_audit_consent_consent_id"), ["consent_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("gate_audit_consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_audit_consent_consent_id"))
    op.drop_table("gate_audit_consent")
    with op.batch_alter_table("gate_audit", schema=None) as batch_op:
        batch_op.drop_index("ix_gate_audit_run_id_id")
        batch_op.drop_index(batch_op.f("ix_gate_audit_consent_id"))
        batch_op.drop_index(batch_op.f("ix_gate_audit_outcome"))
        batch_op.drop_index(batch_op.f("ix_gate_audit_created_at"))
    op.drop_table("gate_audit")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_created_at"))
    op.drop_table("consent")
