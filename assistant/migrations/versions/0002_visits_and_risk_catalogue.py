"""visits and the risk catalogue

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:22:05.145179
"""

import csv
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

import assistant.database


revision = "0002"
down_revision = '0001'
branch_labels = None
depends_on = None


RISKS_CSV = Path(__file__).resolve().parents[2] / "data" / "risks.csv"


def upgrade() -> None:
    risk_entry = op.create_table('risk_entry',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('family', sa.String(length=20), nullable=False),
    sa.Column('label_fr', sa.String(length=200), nullable=False),
    sa.Column('label_en', sa.String(length=200), nullable=False),
    sa.Column('synonyms', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=False),
    sa.Column('updated_at', assistant.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("family IN ('physical', 'chemical', 'biological', 'organisational', 'psychosocial')", name=op.f('ck_risk_entry_family')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_risk_entry'))
    )
    # the catalogue as shipped; from now on the administrator edits it in the back-office
    with RISKS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    op.bulk_insert(
        risk_entry,
        [
            {
                "code": row["code"],
                "family": row["family"],
                "label_fr": row["label_fr"],
                "label_en": row["label_en"],
                "synonyms": row["synonyms"],
                "position": position,
                "active": True,
                "updated_by": "data",
                "updated_at": datetime.now(UTC),
            }
            for position, row in enumerate(rows)
        ],
    )
    op.create_table('absence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', assistant.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_absence_order')),
    sa.CheckConstraint('staff_id IS NOT NULL OR centre_id IS NOT NULL', name=op.f('ck_absence_whom')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_absence_centre_id_centre'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], name=op.f('fk_absence_staff_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_absence'))
    )
    op.create_table('slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', assistant.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', assistant.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('modality', sa.String(length=10), nullable=False),
    sa.Column('blocked', sa.Boolean(), nullable=False),
    sa.CheckConstraint('minutes > 0', name=op.f('ck_slot_minutes')),
    sa.CheckConstraint("modality IN ('on_site', 'mobile', 'tele')", name=op.f('ck_slot_modality')),
    sa.CheckConstraint('starts_at < ends_at', name=op.f('ck_slot_order')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_slot_centre_id_centre'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], name=op.f('fk_slot_staff_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slot')),
    sa.UniqueConstraint('staff_id', 'starts_at', name='uq_slot_staff_starts_at')
    )
    with op.batch_alter_table('slot', schema=None) as batch_op:
        batch_op.create_index('ix_slot_starts_at', ['starts_at'], unique=False)

    op.create_table('work_pattern',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('starts', sa.Time(), nullable=False),
    sa.Column('ends', sa.Time(), nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.CheckConstraint('slot_minutes BETWEEN 10 AND 240', name=op.f('ck_work_pattern_slot_minutes')),
    sa.CheckConstraint('starts < ends', name=op.f('ck_work_pattern_order')),
    sa.CheckConstraint('valid_until IS NULL OR valid_until >= valid_from', name=op.f('ck_work_pattern_validity')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_work_pattern_weekday')),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'], name=op.f('fk_work_pattern_centre_id_centre'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], name=op.f('fk_work_pattern_staff_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_pattern'))
    )
    op.create_table('visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=True),
    sa.Column('visit_type', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('requested_by', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=True),
    sa.Column('absence_cause', sa.String(length=30), nullable=True),
    sa.Column('absence_days', sa.Integer(), nullable=True),
    sa.Column('due_from', sa.Date(), nullable=True),
    sa.Column('due_by', sa.Date(), nullable=True),
    sa.Column('modality', sa.String(length=10), nullable=True),
    sa.Column('slot_id', sa.Integer(), nullable=True),
    sa.Column('queued_at', assistant.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('booked_at', assistant.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', assistant.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by', sa.String(length=80), nullable=True),
    sa.Column('convocation_sent_at', assistant.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminder_queued_at', assistant.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('employer_informed_at', assistant.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('history', sa.JSON(), nullable=False),
    sa.Column('created_at', assistant.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', assistant.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status != 'booked' OR slot_id IS NOT NULL", name=op.f('ck_visit_booked_slot')),
    sa.CheckConstraint("status IN ('requested', 'booked', 'done', 'no_show', 'cancelled')", name=op.f('ck_visit_status')),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_visit_employee_id_employee'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_visit_member_id_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['slot.id'], name=op.f('fk_visit_slot_id_slot'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit'))
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_employee', ['employee_id'], unique=False)
        batch_op.create_index('ix_visit_member_status', ['member_id', 'status'], unique=False)
        batch_op.create_index('uq_visit_slot_taken', ['slot_id'], unique=True, sqlite_where=sa.text("status IN ('booked', 'done', 'no_show')"), postgresql_where=sa.text("status IN ('booked', 'done', 'no_show')"))

    op.create_table('medical_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', assistant.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['staff_user.id'], name=op.f('fk_medical_note_author_id_staff_user')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_medical_note_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_medical_note'))
    )
    with op.batch_alter_table('medical_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_medical_note_visit_id'), ['visit_id'], unique=False)

    op.create_table('visit_outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', assistant.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_due', sa.Date(), nullable=True),
    sa.Column('recommendations', sa.Text(), nullable=True),
    sa.Column('main_risks', sa.JSON(), nullable=False),
    sa.Column('advice', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('attestation', 'aptitude', 'inaptitude', 'presence')", name=op.f('ck_visit_outcome_kind')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'], name=op.f('fk_visit_outcome_recorded_by_id_staff_user')),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_outcome_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_outcome')),
    sa.UniqueConstraint('visit_id', name=op.f('uq_visit_outcome_visit_id'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachments', sa.JSON(), nullable=True))

    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_employee_phone'), ['phone'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('attachments')

    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employee_phone'))
        batch_op.drop_column('phone')

    op.drop_table('visit_outcome')
    with op.batch_alter_table('medical_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_medical_note_visit_id'))

    op.drop_table('medical_note')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('uq_visit_slot_taken', sqlite_where=sa.text("status IN ('booked', 'done', 'no_show')"), postgresql_where=sa.text("status IN ('booked', 'done', 'no_show')"))
        batch_op.drop_index('ix_visit_member_status')
        batch_op.drop_index('ix_visit_employee')

    op.drop_table('visit')
    op.drop_table('work_pattern')
    with op.batch_alter_table('slot', schema=None) as batch_op:
        batch_op.drop_index('ix_slot_starts_at')

    op.drop_table('slot')
    op.drop_table('absence')
    op.drop_table('risk_entry')
