"""what the law needs recorded: the employer's declarations, health referrals, documents by
visit type, the inaptitude procedure, teleconsultation consent, advanced-practice nurses

Revision ID: 0010_law_situations
Revises: 0009_import_jobs

- employee: regulated_work (a minor on travaux réglementés), radiation_category (A or B),
  sir_employer with its written reason (R4624-23 III), heavy_loads (over 55 kg, R4541-9),
  exposure_ended_on (the post-exposure visit, L4624-2-1), working_days (short and seasonal
  contracts: days of actual work).
- health_situation: an independent member's own (member_id; worker_id becomes optional, exactly
  one of the two), and the referral to the médecin du travail offered (R4624-19, R4624-20).
- staff_user.advanced_practice: an infirmier en pratique avancée (mid-career visit, L4624-2-2).
- visit_outcome: the kinds by visit type (recommendations, attestation of no contraindication and
  its refusal, état des expositions) and valid_until.
- inaptitude_step (R4624-42) and tele_consent (R4624-41-1, R4624-41-2): new tables.
"""

import sqlalchemy as sa
from alembic import op

import assistant.database

revision = "0010_law_situations"
down_revision = "0009_import_jobs"
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('attestation', 'aptitude', 'inaptitude', 'presence')"
NEW_KINDS = (
    "kind IN ('attestation', 'aptitude', 'inaptitude', 'presence', 'recommendations', "
    "'no_contraindication', 'contraindication', 'exposures')"
)


def upgrade() -> None:
    with op.batch_alter_table("employee") as batch_op:
        for name in ("regulated_work", "sir_employer", "heavy_loads"):
            batch_op.add_column(
                sa.Column(name, sa.Boolean(), server_default=sa.false(), nullable=False)
            )
        batch_op.add_column(sa.Column("radiation_category", sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column("sir_employer_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("exposure_ended_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("working_days", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_employee_radiation_category"),
            "radiation_category IS NULL OR radiation_category IN ('A', 'B')",
        )
        batch_op.create_check_constraint(
            op.f("ck_employee_sir_employer_reason"),
            "NOT sir_employer OR length(sir_employer_reason) > 0",
        )
        batch_op.create_check_constraint(
            op.f("ck_employee_working_days"), "working_days IS NULL OR working_days >= 0"
        )

    with op.batch_alter_table("health_situation") as batch_op:
        batch_op.add_column(sa.Column("member_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("referral_offered_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "referral_declined_at",
                assistant.database.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.alter_column("worker_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint(op.f("uq_health_situation_member_id"), ["member_id"])
        batch_op.create_foreign_key(
            op.f("fk_health_situation_member_id_member"),
            "member",
            ["member_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(
            op.f("ck_health_situation_whose"), "(worker_id IS NULL) != (member_id IS NULL)"
        )

    with op.batch_alter_table("staff_user") as batch_op:
        batch_op.add_column(
            sa.Column("advanced_practice", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("visit_outcome") as batch_op:
        batch_op.add_column(sa.Column("valid_until", sa.Date(), nullable=True))
        batch_op.alter_column(
            "kind", existing_type=sa.String(length=12), type_=sa.String(length=20)
        )
        batch_op.drop_constraint(op.f("ck_visit_outcome_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_visit_outcome_kind"), NEW_KINDS)

    op.create_table(
        "inaptitude_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", assistant.database.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "step IN ('workstation_study', 'fiche_entreprise', 'employer_exchange', 'second_exam')",
            name=op.f("ck_inaptitude_step_step"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["staff_user.id"],
            name=op.f("fk_inaptitude_step_recorded_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visit.id"],
            name=op.f("fk_inaptitude_step_visit_id_visit"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inaptitude_step")),
        sa.UniqueConstraint("visit_id", "step", name="uq_inaptitude_step_visit_step"),
    )
    op.create_index(
        op.f("ix_inaptitude_step_visit_id"), "inaptitude_step", ["visit_id"], unique=False
    )

    op.create_table(
        "tele_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("given_at", assistant.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("withdrawn_at", assistant.database.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(worker_id IS NULL) != (member_id IS NULL)", name=op.f("ck_tele_consent_whose")
        ),
        sa.CheckConstraint(
            "channel IN ('web', 'sms', 'staff')", name=op.f("ck_tele_consent_channel")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_tele_consent_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["worker.id"],
            name=op.f("fk_tele_consent_worker_id_worker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tele_consent")),
    )
    op.create_index("ix_tele_consent_member", "tele_consent", ["member_id"], unique=False)
    op.create_index("ix_tele_consent_worker", "tele_consent", ["worker_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_tele_consent_worker", table_name="tele_consent")
    op.drop_index("ix_tele_consent_member", table_name="tele_consent")
    op.drop_table("tele_consent")
    op.drop_index(op.f("ix_inaptitude_step_visit_id"), table_name="inaptitude_step")
    op.drop_table("inaptitude_step")

    with op.batch_alter_table("visit_outcome") as batch_op:
        batch_op.drop_constraint(op.f("ck_visit_outcome_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_visit_outcome_kind"), OLD_KINDS)
        batch_op.alter_column(
            "kind", existing_type=sa.String(length=20), type_=sa.String(length=12)
        )
        batch_op.drop_column("valid_until")

    with op.batch_alter_table("staff_user") as batch_op:
        batch_op.drop_column("advanced_practice")

    # an independent's own situation has no worker to go back to: it is dropped
    op.execute("DELETE FROM health_situation WHERE worker_id IS NULL")
    with op.batch_alter_table("health_situation") as batch_op:
        batch_op.drop_constraint(op.f("ck_health_situation_whose"), type_="check")
        batch_op.drop_constraint(op.f("fk_health_situation_member_id_member"), type_="foreignkey")
        batch_op.drop_constraint(op.f("uq_health_situation_member_id"), type_="unique")
        batch_op.alter_column("worker_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("referral_declined_at")
        batch_op.drop_column("referral_offered_on")
        batch_op.drop_column("member_id")

    with op.batch_alter_table("employee") as batch_op:
        batch_op.drop_constraint(op.f("ck_employee_working_days"), type_="check")
        batch_op.drop_constraint(op.f("ck_employee_sir_employer_reason"), type_="check")
        batch_op.drop_constraint(op.f("ck_employee_radiation_category"), type_="check")
        for name in (
            "working_days",
            "exposure_ended_on",
            "sir_employer_reason",
            "radiation_category",
            "heavy_loads",
            "sir_employer",
            "regulated_work",
        ):
            batch_op.drop_column(name)
