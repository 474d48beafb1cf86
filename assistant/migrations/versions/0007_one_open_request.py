"""one open visit request per worker and type

Revision ID: 0007_one_open_request
Revises: 0006_import_limits
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_one_open_request"
down_revision = "0006_import_limits"
branch_labels = None
depends_on = None

OPEN_EMPLOYEE = "status = 'requested' AND employee_id IS NOT NULL"
OPEN_INDEPENDENT = "status = 'requested' AND employee_id IS NULL"


def upgrade() -> None:
    # duplicates asked before the rule: the oldest stays open, the others are cancelled
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, member_id, employee_id, visit_type FROM visit "
            "WHERE status = 'requested' ORDER BY created_at, id"
        )
    ).fetchall()
    seen = set()
    for visit_id, member_id, employee_id, visit_type in rows:
        key = (member_id if employee_id is None else None, employee_id, visit_type)
        if key in seen:
            bind.execute(
                sa.text(
                    "UPDATE visit SET status = 'cancelled', cancelled_by = 'system' "
                    "WHERE id = :id"
                ),
                {"id": visit_id},
            )
        seen.add(key)
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index(
            "uq_visit_open_request_employee",
            ["employee_id", "visit_type"],
            unique=True,
            sqlite_where=sa.text(OPEN_EMPLOYEE),
            postgresql_where=sa.text(OPEN_EMPLOYEE),
        )
        batch_op.create_index(
            "uq_visit_open_request_independent",
            ["member_id", "visit_type"],
            unique=True,
            sqlite_where=sa.text(OPEN_INDEPENDENT),
            postgresql_where=sa.text(OPEN_INDEPENDENT),
        )


def downgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_visit_open_request_independent",
            sqlite_where=sa.text(OPEN_INDEPENDENT),
            postgresql_where=sa.text(OPEN_INDEPENDENT),
        )
        batch_op.drop_index(
            "uq_visit_open_request_employee",
            sqlite_where=sa.text(OPEN_EMPLOYEE),
            postgresql_where=sa.text(OPEN_EMPLOYEE),
        )
