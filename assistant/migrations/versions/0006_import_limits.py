"""one unfinished workforce import per member; import_job.status checked

Revision ID: 0006_import_limits
Revises: 0005_sessions_and_email_proof
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_import_limits"
down_revision = "0005_sessions_and_email_proof"
branch_labels = None
depends_on = None

UNFINISHED_SQL = "status IN ('pending', 'running')"


def upgrade() -> None:
    # an import left unfinished by a stopped process must not block its member for ever
    op.execute(
        "UPDATE import_job SET status = 'failed', data = NULL "
        "WHERE status NOT IN ('pending', 'running', 'done', 'failed') OR " + UNFINISHED_SQL
    )
    with op.batch_alter_table("import_job") as batch_op:
        batch_op.create_check_constraint(
            "status", "status IN ('pending', 'running', 'done', 'failed')"
        )
    op.create_index(
        "uq_import_job_member_unfinished",
        "import_job",
        ["member_id"],
        unique=True,
        sqlite_where=sa.text(UNFINISHED_SQL),
        postgresql_where=sa.text(UNFINISHED_SQL),
    )


def downgrade() -> None:
    op.drop_index("uq_import_job_member_unfinished", table_name="import_job")
    with op.batch_alter_table("import_job") as batch_op:
        batch_op.drop_constraint("status", type_="check")
