"""workforce imports run by the worker: claims, heartbeat, the upload's address, why one failed

Revision ID: 0009_import_jobs
Revises: 0008_constraints
"""

import sqlalchemy as sa
from alembic import op

import assistant.database

revision = "0009_import_jobs"
down_revision = "0008_constraints"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_job", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "heartbeat_at", assistant.database.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("ip", sa.String(length=45), nullable=True))
        batch_op.add_column(sa.Column("error", sa.String(length=20), nullable=True))
    # An import a web thread left `running` (its process stopped) still has its file: the worker
    # takes it over (a running job without a heartbeat is stale) and imports it again.


def downgrade() -> None:
    with op.batch_alter_table("import_job", schema=None) as batch_op:
        batch_op.drop_column("error")
        batch_op.drop_column("ip")
        batch_op.drop_column("heartbeat_at")
        batch_op.drop_column("attempts")
