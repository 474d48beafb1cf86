"""the PDP cell: cases, their staff, plan actions with their limits, follow-ups, consents and
disclosures

Revision ID: 0013_pdp_cell
Revises: 0011_member_refusal

- pdp_case: who asked, by which channel, the trigger, whether the contract was suspended (a
  suspended case is never told to the employer: a CHECK), when the employer was told, the stage,
  the analysis with the médecin du travail, the outcome.
- pdp_case_member: staff added to a case. pdp_action: the plan; the essai encadré and the
  psychological support are limited to ranks 1 and 2 (a CHECK and a unique rank per case).
- pdp_review: the follow-ups at 3 and 6 months and the impact review, one of each per case.
- pdp_consent and pdp_disclosure: what the worker agreed the employer be told, and what was.
"""

import sqlalchemy as sa
from alembic import op

import assistant.database


revision = "0013_pdp_cell"
down_revision = "0011_member_refusal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pdp_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=True),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("raised_by", sa.String(length=24), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("raised_actor", sa.String(length=80), nullable=False),
        sa.Column("identity_proven", sa.Boolean(), nullable=False),
        sa.Column("trigger", sa.String(length=24), nullable=False),
        sa.Column("contract_suspended", sa.Boolean(), nullable=False),
        sa.Column("leave_from", sa.Date(), nullable=True),
        sa.Column("leave_until", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("stage", sa.String(length=10), nullable=False),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column(
            "employer_informed_at", assistant.database.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("analysis", sa.Text(), nullable=True),
        sa.Column("analysed_at", assistant.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("analysed_with_id", sa.Integer(), nullable=True),
        sa.Column("plan_adopted_on", sa.Date(), nullable=True),
        sa.Column("consent_asked_scope", sa.String(length=12), nullable=True),
        sa.Column("consent_asked_at", assistant.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("closed_at", assistant.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", assistant.database.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(stage = 'closed') = (outcome IS NOT NULL)", name=op.f("ck_pdp_case_closed_outcome")
        ),
        sa.CheckConstraint(
            "channel IN ('sms', 'chat', 'web', 'staff')", name=op.f("ck_pdp_case_channel")
        ),
        sa.CheckConstraint(
            "consent_asked_scope IS NULL OR consent_asked_scope IN ('stage', 'adjustments', 'plan')",
            name=op.f("ck_pdp_case_consent_asked_scope"),
        ),
        sa.CheckConstraint(
            "employee_id IS NOT NULL OR (employer_informed_at IS NULL AND raised_by <> 'employer')",
            name=op.f("ck_pdp_case_independent"),
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('kept', 'adjusted', 'redeployed', 'inaptitude', 'left')",
            name=op.f("ck_pdp_case_outcome"),
        ),
        sa.CheckConstraint(
            "raised_by IN ('worker', 'employer', 'occupational_doctor', 'treating_doctor', 'medecin_conseil')",
            name=op.f("ck_pdp_case_raised_by"),
        ),
        sa.CheckConstraint(
            "stage IN ('alert', 'analysis', 'plan', 'closed')", name=op.f("ck_pdp_case_stage")
        ),
        sa.CheckConstraint(
            "trigger IN ('accident_or_disease', 'pre_reprise', 'reprise', 'mid_career', 'on_request', 'liaison', 'none')",
            name=op.f("ck_pdp_case_trigger"),
        ),
        sa.CheckConstraint(
            "employer_informed_at IS NULL OR NOT contract_suspended",
            name=op.f("ck_pdp_case_suspended_untold"),
        ),
        sa.ForeignKeyConstraint(
            ["analysed_with_id"],
            ["staff_user.id"],
            name=op.f("fk_pdp_case_analysed_with_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_to_id"],
            ["staff_user.id"],
            name=op.f("fk_pdp_case_assigned_to_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employee.id"],
            name=op.f("fk_pdp_case_employee_id_employee"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_pdp_case_member_id_member"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["worker.id"],
            name=op.f("fk_pdp_case_worker_id_worker"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pdp_case")),
    )
    with op.batch_alter_table("pdp_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pdp_case_employee_id"), ["employee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pdp_case_member_id"), ["member_id"], unique=False)
        batch_op.create_index("ix_pdp_case_open", ["stage", "created_at"], unique=False)

    op.create_table(
        "pdp_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("done_at", assistant.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", assistant.database.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind <> 'essai_encadre' OR (starts_on IS NOT NULL AND ends_on IS NOT NULL)",
            name=op.f("ck_pdp_action_essai_dates"),
        ),
        sa.CheckConstraint(
            "kind IN ('workstation_study', 'adjustment', 'essai_encadre', 'rqth', 'training', 'social', 'psychological')",
            name=op.f("ck_pdp_action_kind"),
        ),
        sa.CheckConstraint(
            "kind NOT IN ('essai_encadre', 'psychological') OR rank BETWEEN 1 AND 2",
            name=op.f("ck_pdp_action_limit"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["pdp_case.id"],
            name=op.f("fk_pdp_action_case_id_pdp_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pdp_action")),
        sa.UniqueConstraint("case_id", "kind", "rank", name="uq_pdp_action_rank"),
    )
    with op.batch_alter_table("pdp_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pdp_action_case_id"), ["case_id"], unique=False)

    op.create_table(
        "pdp_case_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.Column("added_at", assistant.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["pdp_case.id"],
            name=op.f("fk_pdp_case_member_case_id_pdp_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name=op.f("fk_pdp_case_member_staff_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pdp_case_member")),
        sa.UniqueConstraint("case_id", "staff_id", name="uq_pdp_case_member_once"),
    )
    with op.batch_alter_table("pdp_case_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pdp_case_member_case_id"), ["case_id"], unique=False)

    op.create_table(
        "pdp_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=12), nullable=False),
        sa.Column("recipient_member_id", sa.Integer(), nullable=False),
        sa.Column("given_at", assistant.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("given_by", sa.String(length=80), nullable=False),
        sa.Column("revoked_at", assistant.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_channel", sa.String(length=8), nullable=True),
        sa.Column("revoked_by", sa.String(length=80), nullable=True),
        sa.CheckConstraint(
            "channel IN ('sms', 'chat', 'web', 'staff')", name=op.f("ck_pdp_consent_channel")
        ),
        sa.CheckConstraint(
            "revoked_channel IS NULL OR revoked_channel IN ('sms', 'chat', 'web', 'staff')",
            name=op.f("ck_pdp_consent_revoked_channel"),
        ),
        sa.CheckConstraint(
            "scope IN ('stage', 'adjustments', 'plan')", name=op.f("ck_pdp_consent_scope")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["pdp_case.id"],
            name=op.f("fk_pdp_consent_case_id_pdp_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_member_id"],
            ["member.id"],
            name=op.f("fk_pdp_consent_recipient_member_id_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pdp_consent")),
    )
    with op.batch_alter_table("pdp_consent", schema=None) as batch_op:
        batch_op.create_index("ix_pdp_consent_case", ["case_id", "scope"], unique=False)

    op.create_table(
        "pdp_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_at", assistant.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=80), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('month_3', 'month_6', 'year_1')", name=op.f("ck_pdp_review_kind")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["pdp_case.id"],
            name=op.f("fk_pdp_review_case_id_pdp_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pdp_review")),
        sa.UniqueConstraint("case_id", "kind", name="uq_pdp_review_once"),
    )
    with op.batch_alter_table("pdp_review", schema=None) as batch_op:
        batch_op.create_index("ix_pdp_review_due", ["done_at", "due_on"], unique=False)

    op.create_table(
        "pdp_disclosure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=12), nullable=False),
        sa.Column("recipient_member_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(length=40), nullable=False),
        sa.Column("at", assistant.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["pdp_case.id"],
            name=op.f("fk_pdp_disclosure_case_id_pdp_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["consent_id"],
            ["pdp_consent.id"],
            name=op.f("fk_pdp_disclosure_consent_id_pdp_consent"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_member_id"],
            ["member.id"],
            name=op.f("fk_pdp_disclosure_recipient_member_id_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pdp_disclosure")),
    )
    with op.batch_alter_table("pdp_disclosure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pdp_disclosure_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pdp_disclosure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pdp_disclosure_case_id"))

    op.drop_table("pdp_disclosure")
    with op.batch_alter_table("pdp_review", schema=None) as batch_op:
        batch_op.drop_index("ix_pdp_review_due")

    op.drop_table("pdp_review")
    with op.batch_alter_table("pdp_consent", schema=None) as batch_op:
        batch_op.drop_index("ix_pdp_consent_case")

    op.drop_table("pdp_consent")
    with op.batch_alter_table("pdp_case_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pdp_case_member_case_id"))

    op.drop_table("pdp_case_member")
    with op.batch_alter_table("pdp_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pdp_action_case_id"))

    op.drop_table("pdp_action")
    with op.batch_alter_table("pdp_case", schema=None) as batch_op:
        batch_op.drop_index("ix_pdp_case_open")
        batch_op.drop_index(batch_op.f("ix_pdp_case_member_id"))
        batch_op.drop_index(batch_op.f("ix_pdp_case_employee_id"))

    op.drop_table("pdp_case")
