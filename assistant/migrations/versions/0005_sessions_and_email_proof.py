"""sessions ended server-side, proven e-mail addresses, one-time code caps per address

Revision ID: 0005_sessions_and_email_proof
Revises: 0004_health_access_grant
Create Date: 2026-11-27 05:00:00
"""

import sqlalchemy as sa
from alembic import op

import assistant.database

revision = "0005_sessions_and_email_proof"
down_revision = "0004_health_access_grant"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.create_check_constraint("session_version", "session_version >= 1")

    with op.batch_alter_table("member_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "email_confirmed_at", assistant.database.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "confirmation_sent_at",
                assistant.database.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.create_check_constraint("session_version", "session_version >= 1")
    # accounts opened before the e-mail proof existed have been in use: they keep working
    op.execute("UPDATE member_user SET email_confirmed_at = created_at WHERE email IS NOT NULL")

    with op.batch_alter_table("one_time_code", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ip", sa.String(length=45), nullable=True))
        batch_op.create_index("ix_one_time_code_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_one_time_code_ip_created_at", ["ip", "created_at"], unique=False)
        batch_op.create_check_constraint("attempts", "attempts >= 0")


def downgrade() -> None:
    with op.batch_alter_table("one_time_code", schema=None) as batch_op:
        batch_op.drop_constraint("attempts", type_="check")
        batch_op.drop_index("ix_one_time_code_ip_created_at")
        batch_op.drop_index("ix_one_time_code_created_at")
        batch_op.drop_column("ip")

    with op.batch_alter_table("member_user", schema=None) as batch_op:
        batch_op.drop_constraint("session_version", type_="check")
        batch_op.drop_column("confirmation_sent_at")
        batch_op.drop_column("email_confirmed_at")
        batch_op.drop_column("session_version")

    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_constraint("session_version", type_="check")
        batch_op.drop_column("session_version")
