"""Absences of a professional and closures of a place, as staff record them: the slots they
cover are blocked (the held ones too: a visit moved out of one never frees it again), and the
visits already booked in them are returned so that staff move them from the queue. The slots
generated later skip these days (`planning.generate_slots`). None commits.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session

from assistant.models import (
    Absence,
    Employee,
    Slot,
    StaffUser,
    TeleConsent,
    Visit,
    VisitStatus,
)
from assistant.services import audit
from assistant.services.visits.wall_clock import paris_midnight


def add_absence(
    session: Session,
    actor,
    *,
    starts_on: date,
    ends_on: date,
    staff_id: int | None = None,
    centre_id: int | None = None,
    reason: str | None = None,
) -> tuple[Absence, list[Visit]]:
    """Record an absence (or a closure when only the place is given); block the slots it covers
    and return the visits booked in them, for staff to move."""
    absence = Absence(
        staff_id=staff_id,
        centre_id=None if staff_id is not None else centre_id,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        created_by=audit.actor_label(actor),
    )
    session.add(absence)
    session.flush()
    start = paris_midnight(starts_on)
    end = paris_midnight(ends_on + timedelta(days=1))
    whose = Slot.staff_id == staff_id if staff_id is not None else Slot.centre_id == centre_id
    within = and_(whose, Slot.starts_at >= start, Slot.starts_at < end)
    # every slot is blocked, the held ones too: a visit moved out of one never frees it again
    session.execute(
        update(Slot)
        .where(within)
        .values(blocked=True)
        .execution_options(synchronize_session="fetch")
    )
    affected = list(
        session.scalars(
            select(Visit)
            .join(Slot, Slot.id == Visit.slot_id)
            .where(within, Visit.status == "booked")
            .order_by(Slot.starts_at)
        )
    )
    audit.record(session, actor, "create", "absence", absence.id, f"{starts_on}..{ends_on}")
    return absence, affected


def booked_during(session: Session, absence: Absence) -> list[Visit]:
    """The visits still booked in the days of an absence or closure."""
    whose = (
        Slot.staff_id == absence.staff_id
        if absence.staff_id is not None
        else Slot.centre_id == absence.centre_id
    )
    return list(
        session.scalars(
            select(Visit)
            .join(Slot, Slot.id == Visit.slot_id)
            .where(
                and_(
                    whose,
                    Slot.starts_at >= paris_midnight(absence.starts_on),
                    Slot.starts_at < paris_midnight(absence.ends_on + timedelta(days=1)),
                ),
                Visit.status == VisitStatus.BOOKED,
            )
            .order_by(Slot.starts_at)
        )
    )


def _consented():
    """The visit's worker has a teleconsultation consent in force (an employee's hangs on their
    worker, an independent's on the member)."""
    worker = select(Employee.worker_id).where(Employee.id == Visit.employee_id).scalar_subquery()
    return exists().where(
        TeleConsent.withdrawn_at.is_(None),
        or_(
            and_(Visit.employee_id.is_not(None), TeleConsent.worker_id == worker),
            and_(Visit.employee_id.is_(None), TeleConsent.member_id == Visit.member_id),
        ),
    )


def displaced(session: Session, now: datetime) -> list[Visit]:
    """Booked visits whose slot was blocked since (an absence, a closure, a session ended), or
    held by video for a worker who withdrew their consent (R4624-41-2): the staff move them,
    soonest first."""
    return list(
        session.scalars(
            select(Visit)
            .join(Slot, Slot.id == Visit.slot_id)
            .where(
                Visit.status == VisitStatus.BOOKED,
                or_(Slot.blocked.is_(True), and_(Slot.modality == "tele", ~_consented())),
                Slot.starts_at > now,
            )
            .order_by(Slot.starts_at)
        )
    )


def current_absences(session: Session, today: date) -> list[Absence]:
    """The absences and closures not over yet, soonest first."""
    return list(
        session.scalars(
            select(Absence).where(Absence.ends_on >= today).order_by(Absence.starts_on, Absence.id)
        )
    )


def absences_during(session: Session, staff: StaffUser, monday: date) -> list[Absence]:
    """A professional's absences that touch the week starting on `monday`."""
    sunday = monday + timedelta(days=6)
    return list(
        session.scalars(
            select(Absence)
            .where(
                Absence.staff_id == staff.id,
                Absence.starts_on <= sunday,
                Absence.ends_on >= monday,
            )
            .order_by(Absence.starts_on)
        )
    )
