"""A small planning for visit tests: one fixed centre and one teleconsultation place, a doctor and
a nurse with weekly sessions, and the slots of the coming weeks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from assistant.core.timeutil import PARIS
from assistant.models import Centre, CentreKind, Employee, Member, StaffUser, WorkPattern
from assistant.services.membership.staff import create_staff
from assistant.services.visits import planning

# a Monday far enough from public holidays, and "now" the Friday before it, 10:00 in Paris
MONDAY = date(2027, 3, 8)
NOW = datetime(2027, 3, 5, 10, 0, tzinfo=PARIS)


@dataclass
class Planning:
    centre: Centre
    tele: Centre
    doctor: StaffUser
    nurse: StaffUser


def make_planning(session, weeks: int = 2, first: date = MONDAY) -> Planning:
    centre = Centre(name="Centre de Paris 11", kind=CentreKind.FIXED, city="Paris")
    tele = Centre(name="Téléconsultation", kind=CentreKind.TELE)
    session.add_all([centre, tele])
    session.flush()
    doctor = create_staff(session, "test", "doc@test.fr", "Dr Test", "doctor", "x" * 12)
    nurse = create_staff(session, "test", "ide@test.fr", "IDE Test", "nurse", "x" * 12)
    for weekday in range(5):
        session.add(
            WorkPattern(
                staff_id=doctor.id,
                centre_id=centre.id,
                weekday=weekday,
                starts=time(9),
                ends=time(12),
                slot_minutes=30,
                valid_from=first,
            )
        )
    for weekday in (1, 3):
        session.add(
            WorkPattern(
                staff_id=nurse.id,
                centre_id=tele.id,
                weekday=weekday,
                starts=time(14),
                ends=time(16),
                slot_minutes=30,
                valid_from=first,
            )
        )
    session.flush()
    planning.generate_slots(session, first, weeks * 7)
    session.flush()
    return Planning(centre, tele, doctor, nurse)


def make_employee(session, member: Member, **values) -> Employee:
    defaults = dict(
        last_name="Durand",
        first_name="Alex",
        last_name_folded="durand",
        first_name_folded="alex",
        birth_date=date(1985, 5, 17),
        job="Boulanger",
        hire_date=MONDAY - timedelta(days=400),
        contract_type="cdi",
        exposures=[],
    )
    defaults.update(values)
    employee = Employee(member_id=member.id, **defaults)
    session.add(employee)
    session.flush()
    return employee
