"""the checks the code relies on; member.birth_date a DATE; medical records kept

Revision ID: 0008_constraints
Revises: 0007_one_open_request

- CHECK constraints on the enum-like columns: member.kind, member.status,
  member.payment_method, staff_user.role, outbox_message.status, outbox_message.channel,
  centre.kind, tariff_rate.kind, visit.modality. A row with another value (none is written by
  the code) makes the upgrade fail, on purpose: it must be looked at, not guessed.
- member.birth_date becomes a DATE; a stored text that is not an ISO date is emptied (the
  code ignored it already: `date.fromisoformat` failed on it).
- RESTRICT instead of CASCADE on visit.member_id, visit.employee_id, visit_outcome.visit_id
  and medical_note.visit_id: deleting a member or an employee no longer deletes the visits,
  outcomes and medical notes (an employee leaves on a date, `employee.left_on`).
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0008_constraints"
down_revision = "0007_one_open_request"
branch_labels = None
depends_on = None

# (table, name, condition), the values written out: a migration keeps the values of its day
CHECKS = (
    ("member", "ck_member_kind", "kind IN ('employer', 'independent')"),
    ("member", "ck_member_status", "status IN ('pending', 'active', 'closed')"),
    (
        "member",
        "ck_member_payment_method",
        "payment_method IS NULL OR payment_method IN ('sepa', 'transfer')",
    ),
    (
        "staff_user",
        "ck_staff_user_role",
        "role IN ('admin', 'secretary', 'doctor', 'nurse', 'iprp', 'pdp')",
    ),
    (
        "outbox_message",
        "ck_outbox_message_status",
        "status IN ('pending', 'sending', 'sent', 'delivered', 'failed', 'skipped')",
    ),
    ("outbox_message", "ck_outbox_message_channel", "channel IN ('sms', 'email')"),
    ("centre", "ck_centre_kind", "kind IN ('fixed', 'mobile', 'tele')"),
    ("tariff_rate", "ck_tariff_rate_kind", "kind IN ('employee', 'independent')"),
    (
        "visit",
        "ck_visit_modality",
        "modality IS NULL OR modality IN ('on_site', 'mobile', 'tele')",
    ),
)

# (table, name, column, referred table) whose ON DELETE goes from CASCADE to RESTRICT
KEPT = (
    ("visit", "fk_visit_member_id_member", "member_id", "member"),
    ("visit", "fk_visit_employee_id_employee", "employee_id", "employee"),
    ("visit_outcome", "fk_visit_outcome_visit_id_visit", "visit_id", "visit"),
    ("medical_note", "fk_medical_note_visit_id_visit", "visit_id", "visit"),
)


def _tables() -> list[str]:
    return list(dict.fromkeys(table for table, _name, _condition in CHECKS))


def _checks_of(table: str):
    return [check for check in CHECKS if check[0] == table]


def _iso_date(text):
    try:
        return date.fromisoformat(text).isoformat() if text else None
    except ValueError:
        return None


def _birth_dates_to_iso(bind) -> None:
    """Leave only well-formed ISO dates ("YYYY-MM-DD") in member.birth_date."""
    rows = bind.execute(sa.text("SELECT id, birth_date FROM member WHERE birth_date IS NOT NULL"))
    for member_id, text in rows.fetchall():
        if _iso_date(text) != text:
            bind.execute(
                sa.text("UPDATE member SET birth_date = :value WHERE id = :id"),
                {"value": _iso_date(text), "id": member_id},
            )


def _birth_date_type(bind, new_type, old_type) -> None:
    if bind.dialect.name == "postgresql":
        using = "birth_date::date" if isinstance(new_type, sa.Date) else "birth_date::text"
        op.alter_column(
            "member",
            "birth_date",
            type_=new_type,
            existing_type=old_type,
            existing_nullable=True,
            postgresql_using=using,
        )
        return
    # SQLite keeps a DATE as its ISO text; batch mode would copy the column through
    # CAST(birth_date AS DATE), which SQLite reads as a number (1980): the text is moved over
    # by hand instead, through a column of the new type
    with op.batch_alter_table("member") as batch_op:
        batch_op.add_column(sa.Column("birth_date_new", new_type, nullable=True))
    bind.execute(sa.text("UPDATE member SET birth_date_new = birth_date"))
    with op.batch_alter_table("member") as batch_op:
        batch_op.drop_column("birth_date")
        batch_op.alter_column(
            "birth_date_new",
            new_column_name="birth_date",
            existing_type=new_type,
            existing_nullable=True,
        )


def _on_delete(ondelete: str) -> None:
    for table, name, column, referred in KEPT:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(name, type_="foreignkey")
            batch_op.create_foreign_key(name, referred, [column], ["id"], ondelete=ondelete)


def upgrade() -> None:
    bind = op.get_bind()
    _birth_dates_to_iso(bind)
    _birth_date_type(bind, sa.Date(), sa.String(length=10))
    _on_delete("RESTRICT")
    for table in _tables():
        with op.batch_alter_table(table) as batch_op:  # one rebuild per table on SQLite
            for _table, name, condition in _checks_of(table):
                batch_op.create_check_constraint(op.f(name), condition)


def downgrade() -> None:
    bind = op.get_bind()
    for table in _tables():
        with op.batch_alter_table(table) as batch_op:
            for _table, name, _condition in _checks_of(table):
                batch_op.drop_constraint(op.f(name), type_="check")
    _on_delete("CASCADE")
    _birth_date_type(bind, sa.String(length=10), sa.Date())
