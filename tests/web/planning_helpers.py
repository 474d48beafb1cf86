"""Helpers of the planning tests: a plan of slots, a worker, a visit asked and a slot found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select

from assistant.core.timeutil import PARIS, today_paris
from assistant.database import utcnow
from assistant.models import (
    Centre,
    CentreKind,
    Member,
    Slot,
    StaffUser,
    Visit,
    WorkPattern,
)
from assistant.services.membership.staff import create_staff
from assistant.services.visits import booking, planning
from assistant.services.workforce import employees as workforce
from tests.conftest import PASSWORD, make_member


@dataclass
class Plan:
    centre: Centre
    tele: Centre
    doctor: StaffUser
    nurse: StaffUser
    pattern: WorkPattern  # the doctor's Monday session


def make_plan(db, days: int = 14) -> Plan:
    """A fixed centre where a doctor works every day 09:00–12:00 (30-minute slots), a
    teleconsultation place where a nurse works every afternoon, and the slots of `days` days
    from tomorrow."""
    centre = Centre(name="Centre de Paris 11", kind=CentreKind.FIXED, address="1 rue Oberkampf")
    tele = Centre(name="Téléconsultation", kind=CentreKind.TELE)
    db.add_all([centre, tele])
    db.flush()
    doctor = create_staff(db, "test", "dr.plan@test.fr", "Dr Claire Plan", "doctor", PASSWORD)
    nurse = create_staff(db, "test", "ide.plan@test.fr", "Hugo Plan", "nurse", PASSWORD)
    today = today_paris()
    patterns = []
    for weekday in range(7):
        patterns.append(
            WorkPattern(
                staff_id=doctor.id,
                centre_id=centre.id,
                weekday=weekday,
                starts=time(9),
                ends=time(12),
                slot_minutes=30,
                valid_from=today,
            )
        )
        patterns.append(
            WorkPattern(
                staff_id=nurse.id,
                centre_id=tele.id,
                weekday=weekday,
                starts=time(14),
                ends=time(16),
                slot_minutes=30,
                valid_from=today,
            )
        )
    db.add_all(patterns)
    db.flush()
    planning.generate_slots(db, today + timedelta(days=1), days)
    db.commit()
    return Plan(centre, tele, doctor, nurse, patterns[0])


def make_worker(db, siret: str = "73282932000074", last_name: str = "Durand"):
    member = db.scalar(select(Member).where(Member.siret == siret)) or make_member(db, siret)
    employee = workforce.add_employee(
        db,
        "test",
        member.id,
        last_name=last_name,
        first_name="Alex",
        birth_date=date(1985, 5, 17),
        job="Boulanger",
        hire_date=date(2020, 1, 6),
        contract_type="cdi",
    )
    db.flush()
    return member, employee


def ask(db, member, employee, *, code="vip_periodique", queued=True, **values) -> Visit:
    """A request left unplaced (auto=False), in the staff queue when `queued`."""
    now = utcnow()
    visit = booking.request_visit(
        db,
        "test",
        member=member,
        employee=employee,
        request=booking.Request(visit_type=code, requested_by="employer", **values),
        now=now,
        auto=False,
    )
    if queued:
        visit.queued_at = now
    db.commit()
    return visit


def doctor_slot(db, plan: Plan, day: date, hour: int = 9) -> Slot:
    return db.scalar(
        select(Slot).where(
            Slot.staff_id == plan.doctor.id,
            Slot.starts_at == planning_time(day, hour),
        )
    )


def planning_time(day: date, hour: int, minute: int = 0):
    from datetime import UTC, datetime

    return datetime.combine(day, time(hour, minute), PARIS).astimezone(UTC)


def fresh(db) -> None:
    """Read what the app committed: end the test session's snapshot and forget loaded rows
    (objects are not expired on commit, and a rollback outside a transaction expires nothing)."""
    db.rollback()
    db.expire_all()
