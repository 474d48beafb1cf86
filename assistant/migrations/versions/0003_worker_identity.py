"""the worker's own identity: worker rows, health situations per worker, teleconsultation rooms

Revision ID: 0003_worker_identity
Revises: 0002
"""

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import assistant.database

revision = "0003_worker_identity"
down_revision = "0002"
branch_labels = None
depends_on = None

PROVEN = (
    "(phone IS NULL AND phone_proven_at IS NULL) OR "
    "(phone IS NOT NULL AND phone_proven_at IS NOT NULL AND phone_proven_by IS NOT NULL)"
)


def upgrade() -> None:
    op.create_table(
        "worker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("phone_proven_at", assistant.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("phone_proven_by", sa.String(length=80), nullable=True),
        sa.Column("created_at", assistant.database.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(PROVEN, name=op.f("ck_worker_proven_phone")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker")),
        sa.UniqueConstraint("phone", name=op.f("uq_worker_phone")),
    )
    with op.batch_alter_table("employee", schema=None) as batch_op:
        batch_op.add_column(sa.Column("worker_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_employee_worker_id"), ["worker_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_employee_worker_id_worker"),
            "worker",
            ["worker_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("health_situation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("worker_id", sa.Integer(), nullable=True))

    # Each health situation recorded so far was one employment's: it becomes its worker's. A
    # phone the employer typed proves nothing, so no two employments are joined here.
    bind = op.get_bind()
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)
    worker = sa.table("worker", sa.column("id"), sa.column("created_at"))
    rows = bind.execute(sa.text("SELECT id, employee_id FROM health_situation")).fetchall()
    for situation_id, employee_id in rows:
        worker_id = bind.execute(
            worker.insert().values(created_at=now).returning(worker.c.id)
        ).scalar_one()
        bind.execute(
            sa.text("UPDATE employee SET worker_id = :w WHERE id = :e"),
            {"w": worker_id, "e": employee_id},
        )
        bind.execute(
            sa.text("UPDATE health_situation SET worker_id = :w WHERE id = :s"),
            {"w": worker_id, "s": situation_id},
        )

    with op.batch_alter_table("health_situation", schema=None) as batch_op:
        batch_op.drop_constraint("uq_health_situation_employee_id", type_="unique")
        batch_op.drop_constraint("fk_health_situation_employee_id_employee", type_="foreignkey")
        batch_op.drop_column("employee_id")
        batch_op.alter_column("worker_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_health_situation_worker_id"), ["worker_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_health_situation_worker_id_worker"),
            "worker",
            ["worker_id"],
            ["id"],
            ondelete="CASCADE",
        )

    with op.batch_alter_table("phone_profile", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )

    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("room_token", sa.String(length=43), nullable=True))
    for (visit_id,) in bind.execute(sa.text("SELECT id FROM visit")).fetchall():
        bind.execute(
            sa.text("UPDATE visit SET room_token = :t WHERE id = :v"),
            {"t": secrets.token_urlsafe(12), "v": visit_id},
        )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.alter_column("room_token", existing_type=sa.String(length=43), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_visit_room_token"), ["room_token"])


def downgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_visit_room_token"), type_="unique")
        batch_op.drop_column("room_token")
    with op.batch_alter_table("phone_profile", schema=None) as batch_op:
        batch_op.drop_column("session_version")
    op.drop_table("health_situation")
    op.create_table(
        "health_situation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("pregnant", sa.Boolean(), nullable=False),
        sa.Column("invalidity_pension", sa.Boolean(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("updated_at", assistant.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employee.id"],
            name=op.f("fk_health_situation_employee_id_employee"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_situation")),
        sa.UniqueConstraint("employee_id", name=op.f("uq_health_situation_employee_id")),
    )
    with op.batch_alter_table("employee", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_employee_worker_id_worker"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_employee_worker_id"))
        batch_op.drop_column("worker_id")
    op.drop_table("worker")
