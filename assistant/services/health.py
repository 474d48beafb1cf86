"""Health situations of employees: written and read only by health staff (or the employee),
every access audited; the employer only ever sees the due dates they lead to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.models import Employee, HealthSituation
from assistant.services import audit
from assistant.services.followup import HealthFlags


def flags_for(session: Session, employee_ids: list[int]) -> dict[int, HealthFlags]:
    """For computing due dates (not audited as a read: nothing is shown, only dates change)."""
    rows = session.scalars(
        select(HealthSituation).where(HealthSituation.employee_id.in_(employee_ids))
    )
    return {
        row.employee_id: HealthFlags(row.pregnant, row.invalidity_pension, row.disabled)
        for row in rows
    }


def read(session: Session, actor, employee: Employee) -> HealthSituation | None:
    audit.record(session, actor, "read", "health_situation", employee.id)
    return session.scalar(select(HealthSituation).where(HealthSituation.employee_id == employee.id))


def set_flags(
    session: Session,
    actor,
    employee: Employee,
    *,
    pregnant: bool,
    invalidity_pension: bool,
    disabled: bool,
) -> HealthSituation:
    situation = session.scalar(
        select(HealthSituation).where(HealthSituation.employee_id == employee.id)
    )
    if situation is None:
        situation = HealthSituation(employee_id=employee.id, updated_by="")
        session.add(situation)
    situation.pregnant, situation.invalidity_pension = pregnant, invalidity_pension
    situation.disabled = disabled
    situation.updated_by = audit.actor_label(actor)
    session.flush()
    audit.record(session, actor, "update", "health_situation", employee.id)
    return situation
