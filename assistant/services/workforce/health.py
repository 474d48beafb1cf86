"""Health situations of workers: written and read only by health staff (or the worker), every
access audited; the employer only ever sees the due dates of its own declaration. A situation is
the worker's, recorded once: every employment of the worker follows it, no employer row holds it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.models import Employee, HealthSituation
from assistant.services import audit
from assistant.services.followup.followup_table import HealthFlags


def flags_for(session: Session, employee_ids: list[int]) -> dict[int, HealthFlags]:
    """By employment, for computing due dates (not audited as a read: nothing is shown, only
    dates change)."""
    if not employee_ids:
        return {}
    rows = session.execute(
        select(Employee.id, HealthSituation)
        .join(HealthSituation, HealthSituation.worker_id == Employee.worker_id)
        .where(Employee.id.in_(employee_ids))
    )
    return {
        employee_id: HealthFlags(row.pregnant, row.invalidity_pension, row.disabled)
        for employee_id, row in rows
    }


def _situation(session: Session, employee: Employee) -> HealthSituation | None:
    if employee.worker_id is None:
        return None
    return session.scalar(
        select(HealthSituation).where(HealthSituation.worker_id == employee.worker_id)
    )


def read(session: Session, actor, employee: Employee) -> HealthSituation | None:
    audit.record(session, actor, "read", "health_situation", employee.id)
    return _situation(session, employee)


def set_flags(
    session: Session,
    actor,
    employee: Employee,
    *,
    pregnant: bool,
    invalidity_pension: bool,
    disabled: bool,
) -> HealthSituation:
    from assistant.services.workforce import mobile_proof

    situation = _situation(session, employee)
    if situation is None:
        worker = mobile_proof.worker_of(session, employee)
        situation = HealthSituation(worker_id=worker.id, updated_by="")
        session.add(situation)
    situation.pregnant, situation.invalidity_pension = pregnant, invalidity_pension
    situation.disabled = disabled
    situation.updated_by = audit.actor_label(actor)
    session.flush()
    audit.record(session, actor, "update", "health_situation", employee.id)
    return situation
