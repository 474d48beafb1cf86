"""access outside my team: time-limited grants of health data to health staff

Revision ID: 0004_health_access_grant
Revises: 0003_worker_identity
"""

import sqlalchemy as sa
from alembic import op

import assistant.database

revision = "0004_health_access_grant"
down_revision = "0003_worker_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "health_access_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("granted_at", assistant.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", assistant.database.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("expires_at > granted_at", name=op.f("ck_health_access_grant_period")),
        sa.CheckConstraint("length(reason) > 0", name=op.f("ck_health_access_grant_reason")),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_health_access_grant_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_user.id"],
            name=op.f("fk_health_access_grant_staff_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_access_grant")),
    )
    op.create_index(
        "ix_health_access_grant_staff_member",
        "health_access_grant",
        ["staff_id", "member_id", "expires_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_health_access_grant_staff_member", table_name="health_access_grant")
    op.drop_table("health_access_grant")
