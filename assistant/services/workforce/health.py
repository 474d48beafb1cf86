"""Health situations of workers: written and read only by health staff (or the worker), every
access audited; the employer only ever sees the due dates of its own declaration. A situation is
the worker's, recorded once: every employment of the worker follows it, no employer row holds it.

A situation recorded while the worker is at work (R4624-19: pregnancy, recent birth,
breastfeeding; R4624-20: disability, invalidity pension) means a visit with the médecin du
travail is offered without delay: `set_flags` records the offer when a flag becomes true
(`offer_referral`), the worker may decline it (`decline_referral`), and `due` lists the
`orientation` visit until it is held or declined."""

from __future__ import annotations

from datetime import date, datetime

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
    today: date | None = None,
) -> HealthSituation:
    """Record the worker's situation (audited). A flag that becomes true offers the visit with
    the médecin du travail from `today` (default: today in Paris), see `offer_referral`."""
    from assistant.services.workforce import mobile_proof

    situation = _situation(session, employee)
    if situation is None:
        worker = mobile_proof.worker_of(session, employee)
        situation = HealthSituation(worker_id=worker.id, updated_by="")
        session.add(situation)
    _set(situation, actor, pregnant, invalidity_pension, disabled, today)
    session.flush()
    audit.record(session, actor, "update", "health_situation", employee.id)
    return situation


def _set(situation: HealthSituation, actor, pregnant, invalidity_pension, disabled, today) -> None:
    """The flags; a flag that becomes true offers a visit with the médecin du travail today
    (R4624-19, R4624-20: the disabled worker, the holder of an invalidity pension, the pregnant,
    breastfeeding or recently delivered worker is referred to the doctor, and may decline)."""
    before = flags_of(situation)
    situation.pregnant, situation.invalidity_pension = bool(pregnant), bool(invalidity_pension)
    situation.disabled = bool(disabled)
    if became_true(before, flags_of(situation)):
        offer_referral(situation, today or today_paris())
    situation.updated_by = audit.actor_label(actor)


def decline_referral(
    session: Session, actor, employee: Employee, now: datetime | None = None
) -> HealthSituation | None:
    """The worker declines the visit with the médecin du travail offered (audited); None when
    none was offered. Said by the worker, or recorded by health staff."""
    situation = _situation(session, employee)
    if situation is None or situation.referral_offered_on is None:
        return None
    decline(situation, now or utcnow())
    situation.updated_by = audit.actor_label(actor)
    session.flush()
    audit.record(session, actor, "update", "health_situation", employee.id, "referral declined")
    return situation


# ---------------------------------------------------------------- referral (R4624-19, R4624-20)


def flags_of(situation: HealthSituation | None) -> HealthFlags:
    """A situation's flags (all false when there is none)."""
    if situation is None:
        return HealthFlags()
    return HealthFlags(
        bool(situation.pregnant), bool(situation.invalidity_pension), bool(situation.disabled)
    )


def became_true(before: HealthFlags, after: HealthFlags) -> bool:
    """Did a situation that calls for the médecin du travail appear (a flag false → true)?"""
    return any(
        getattr(after, name) and not getattr(before, name)
        for name in ("pregnant", "invalidity_pension", "disabled")
    )


def offer_referral(situation: HealthSituation, today: date) -> None:
    """Pure: the visit with the médecin du travail is offered from `today` (a new offer: an
    earlier refusal no longer holds for this new situation)."""
    situation.referral_offered_on = today
    situation.referral_declined_at = None


def decline(situation: HealthSituation, now: datetime) -> None:
    """Pure: the worker said no to the visit offered (they may); nothing is due any more."""
    if situation.referral_offered_on is not None and situation.referral_declined_at is None:
        situation.referral_declined_at = now


def situations_for(session: Session, employee_ids: list[int]) -> dict[int, HealthSituation]:
    """By employment, the worker's situation (for due dates: not audited, nothing is shown)."""
    if not employee_ids:
        return {}
    rows = session.execute(
        select(Employee.id, HealthSituation)
        .join(HealthSituation, HealthSituation.worker_id == Employee.worker_id)
        .where(Employee.id.in_(employee_ids))
    )
    return {employee_id: situation for employee_id, situation in rows}


# --- an independent member's own situation (they are the worker) -----------------------------


def member_situation(session: Session, member_id: int) -> HealthSituation | None:
    """An independent member's own situation, for their due dates (not audited: nothing shown)."""
    return session.scalar(select(HealthSituation).where(HealthSituation.member_id == member_id))


def read_own(session: Session, actor, member: Member) -> HealthSituation | None:
    audit.record(session, actor, "read", "health_situation", f"member:{member.id}")
    return member_situation(session, member.id)


def set_own_flags(
    session: Session,
    actor,
    member: Member,
    *,
    pregnant: bool,
    invalidity_pension: bool,
    disabled: bool,
    today: date | None = None,
) -> HealthSituation:
    """An independent's own situation (audited); a flag that becomes true offers the visit with
    the médecin du travail, as `set_flags` does for an employee."""
    situation = member_situation(session, member.id)
    if situation is None:
        situation = HealthSituation(member_id=member.id, updated_by="")
        session.add(situation)
    _set(situation, actor, pregnant, invalidity_pension, disabled, today)
    session.flush()
    audit.record(session, actor, "update", "health_situation", f"member:{member.id}")
    return situation


def decline_own_referral(
    session: Session, actor, member: Member, now: datetime | None = None
) -> HealthSituation | None:
    """An independent declines the visit with the médecin du travail offered to them."""
    situation = member_situation(session, member.id)
    if situation is None or situation.referral_offered_on is None:
        return None
    decline(situation, now or utcnow())
    situation.updated_by = audit.actor_label(actor)
    session.flush()
    audit.record(
        session, actor, "update", "health_situation", f"member:{member.id}", "referral declined"
    )
    return situation
