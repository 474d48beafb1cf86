"""an adhesion refused by the staff, with its reason

Revision ID: 0011_member_refusal
Revises: 0010_law_situations

- member.status may be 'refused'; member.refused_at and member.refusal_reason (told to the
  member), which a refused member must have.
"""

import sqlalchemy as sa
from alembic import op

import assistant.database

revision = "0011_member_refusal"
down_revision = "0010_law_situations"
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('pending', 'active', 'closed')"
NEW_STATUSES = "status IN ('pending', 'active', 'closed', 'refused')"
REASON = "status <> 'refused' OR refusal_reason IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("member") as batch_op:
        batch_op.add_column(sa.Column(
                "refused_at", assistant.database.UTCDateTime(timezone=True), nullable=True
            ))
        batch_op.add_column(sa.Column("refusal_reason", sa.Text(), nullable=True))
        batch_op.drop_constraint(op.f("ck_member_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_member_status"), NEW_STATUSES)
        batch_op.create_check_constraint(op.f("ck_member_refusal_reason"), REASON)


def downgrade() -> None:
    # a refused adhesion goes back to pending: the old schema knows no refusal
    op.execute("UPDATE member SET status = 'pending' WHERE status = 'refused'")
    with op.batch_alter_table("member") as batch_op:
        batch_op.drop_constraint(op.f("ck_member_refusal_reason"), type_="check")
        batch_op.drop_constraint(op.f("ck_member_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_member_status"), OLD_STATUSES)
        batch_op.drop_column("refusal_reason")
        batch_op.drop_column("refused_at")
