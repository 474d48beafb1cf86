"""Health situations of workers: written and read only by health staff (or the worker), every
access audited; the employer only ever sees the due dates of its own declaration. A situation is
the worker's, recorded once: every employment of the worker follows it, no employer row holds it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.models import Employee, HealthSituation, Member
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
    _set(situation, actor, pregnant, invalidity_pension, disabled)
    session.flush()
    audit.record(session, actor, "update", "health_situation", employee.id)
    return situation


def _set(situation: HealthSituation, actor, pregnant, invalidity_pension, disabled) -> None:
    """The flags; a flag that becomes true offers a visit with the médecin du travail today
    (L4624-1: the disabled worker, the holder of an invalidity pension, the pregnant,
    breastfeeding or recently delivered worker is referred to the doctor, and may decline)."""
    before = (bool(situation.pregnant), bool(situation.invalidity_pension))
    before += (bool(situation.disabled),)
    after = (bool(pregnant), bool(invalidity_pension), bool(disabled))
    if any(now and not was for was, now in zip(before, after, strict=True)):
        situation.referral_offered_on = today_paris()
        situation.referral_declined_at = None
    situation.pregnant, situation.invalidity_pension = after[0], after[1]
    situation.disabled = after[2]
    situation.updated_by = audit.actor_label(actor)


def decline_referral(session: Session, actor, employee: Employee) -> HealthSituation | None:
    """The worker declines the visit with the médecin du travail offered (None: none offered)."""
    situation = _situation(session, employee)
    if situation is None or situation.referral_offered_on is None:
        return None
    situation.referral_declined_at = utcnow()
    situation.updated_by = audit.actor_label(actor)
    session.flush()
    audit.record(session, actor, "update", "health_situation", employee.id, "referral declined")
    return situation


# --- an independent member's own situation (they are the worker) -----------------------------


def read_own(session: Session, actor, member: Member) -> HealthSituation | None:
    audit.record(session, actor, "read", "health_situation", f"member:{member.id}")
    return session.scalar(select(HealthSituation).where(HealthSituation.member_id == member.id))


def set_own_flags(
    session: Session,
    actor,
    member: Member,
    *,
    pregnant: bool,
    invalidity_pension: bool,
    disabled: bool,
) -> HealthSituation:
    situation = session.scalar(
        select(HealthSituation).where(HealthSituation.member_id == member.id)
    )
    if situation is None:
        situation = HealthSituation(member_id=member.id, updated_by="")
        session.add(situation)
    _set(situation, actor, pregnant, invalidity_pension, disabled)
    session.flush()
    audit.record(session, actor, "update", "health_situation", f"member:{member.id}")
    return situation


def decline_own_referral(session: Session, actor, member: Member) -> HealthSituation | None:
    situation = session.scalar(
        select(HealthSituation).where(HealthSituation.member_id == member.id)
    )
    if situation is None or situation.referral_offered_on is None:
        return None
    situation.referral_declined_at = utcnow()
    situation.updated_by = audit.actor_label(actor)
    session.flush()
    audit.record(
        session, actor, "update", "health_situation", f"member:{member.id}", "referral declined"
    )
    return situation
