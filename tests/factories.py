"""The suite's one set of factories: members, employees, staff of each role, a planning with its
slots.

Plain functions of a session: they add and flush, and never commit (a test commits when the app,
in a session of its own, must see the rows). tests/conftest.py makes fixtures of the usual ones:
`employer` (also `member`), `other`, `employee`, `plan`, `today_plan`, `slots`. A test that needs
another shape asks these functions for it, with keywords, rather than building rows itself."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from assistant.core.timeutil import PARIS, today_paris
from assistant.models import (
    Centre,
    CentreKind,
    Employee,
    Member,
    MemberUser,
    Slot,
    StaffUser,
    Worker,
    WorkPattern,
)
from assistant.services.membership.staff import create_staff
from assistant.services.visits import planning, tele_consent

PASSWORD = "correct-horse-battery"  # of every account the factories make
SIRET = "73282932000074"  # the employer most tests use
OTHER_SIRET = "55203253400646"  # another member: what one member must never reach
EMPLOYER_EMAIL = "rh@boulangerie.fr"  # the `employer` fixture's address, and its account's
MOBILE = "+33781234567"  # a worker's mobile, proven in most tests (the SMS `phone` fixture's)
CONTACT_MOBILE = "+33611223344"  # the `employee` fixture's mobile, as its employer typed it
WEEK = range(7)  # every day; weekdays are numbered as date.weekday(), 0 is Monday

# the `plan` fixture's dates: a Monday far from public holidays, and "now" the Friday before it
MONDAY = date(2027, 3, 8)
NOW = datetime(2027, 3, 5, 10, 0, tzinfo=PARIS)


# --- members and their people ---------------------------------------------------------------


def make_member(
    session, siret: str = SIRET, kind: str = "employer", *, risks=None, account=None, **values
) -> Member:
    """A member: an employer, or with `kind="independent"` a self-employed worker.

    `risks`: its main risks (codes); `account`: an e-mail to sign in to the member space with
    (password PASSWORD). Any other column as a keyword (status="active", legal_name=...): the
    status is the model's default (pending) unless given."""
    values.setdefault("legal_name", f"Société {siret}")
    member = Member(kind=kind, siret=siret, siren=siret[:9], main_risks=list(risks or []), **values)
    session.add(member)
    session.flush()
    if account:
        add_account(session, member, account)
    return member


def add_account(session, member: Member, email: str | None, phone: str | None = None):
    """An account of `member` for the member space: by e-mail (password PASSWORD), by SMS code
    to `phone`, or both."""
    user = MemberUser(member_id=member.id, email=email, phone=phone)
    if email:
        user.set_password(PASSWORD)
    session.add(user)
    session.flush()
    return user


def _fold(name: str) -> str:
    """A name as the natural key stores it: lower case, no accents."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def make_employee(
    session, member: Member, *, phone: str | None = None, proven: bool = False, **values
) -> Employee:
    """An employee of `member`: Alex Durand, baker, born on 4 May 1990, on a CDI since
    6 January 2020, unless `values` say otherwise (any column; the folded names follow the
    names). `phone`: the mobile the employer typed; `proven`: the worker proved it too."""
    values = {
        "last_name": "Durand",
        "first_name": "Alex",
        "birth_date": date(1990, 5, 4),
        "job": "Boulanger",
        "hire_date": date(2020, 1, 6),
        "contract_type": "cdi",
        "exposures": [],
        **values,
    }
    values.setdefault("last_name_folded", _fold(values["last_name"]))
    values.setdefault("first_name_folded", _fold(values["first_name"]))
    employee = Employee(member_id=member.id, phone=phone, **values)
    session.add(employee)
    session.flush()
    if proven:
        prove_mobile(session, employee)
    return employee


def prove_mobile(session, employee: Employee, phone: str | None = None) -> Worker:
    """The worker behind `employee` proved `phone` (their contact number by default), as a
    professional records it at a visit; returns the worker."""
    phone = phone or employee.phone
    holder = session.scalar(select(Worker).where(Worker.phone == phone))
    if holder is not None:  # the same person, proven already with another employer
        employee.worker_id = holder.id
        employee.worker = holder
        session.flush()
        return holder
    worker = employee.worker
    if worker is None:
        worker = Worker()
        session.add(worker)
        session.flush()
        employee.worker_id = worker.id
        employee.worker = worker
    worker.phone = phone
    worker.phone_proven_at = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    worker.phone_proven_by = "staff:test"
    session.flush()
    return worker


def consent_to_video(session, employee: Employee | None = None, member: Member | None = None):
    """The worker behind `employee` (or the independent `member`) consented to teleconsultation,
    as a professional records it on their word (R4624-41-1)."""
    moment = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    return tele_consent.give(
        session, "staff:test", channel="staff", now=moment, employee=employee, member=member
    )


# --- the service's staff and places ---------------------------------------------------------


def make_staff_user(
    session,
    role: str = "admin",
    email: str | None = None,
    name: str | None = None,
    *,
    centre_id: int | None = None,
    password: str = PASSWORD,
) -> StaffUser:
    """A staff account of `role` (admin, secretary, doctor, nurse, iprp, pdp), made as
    `flask staff create` does; a new e-mail unless given."""
    role = str(role)
    email = email or f"{role}-{uuid.uuid4().hex[:6]}@test.fr"
    return create_staff(session, "test", email, name or f"Test {role}", role, password, centre_id)


def make_centre(session, name: str = "Centre de Paris 11", kind: str = "fixed", **values) -> Centre:
    """A place of the service (fixed, mobile or tele); any other column as a keyword."""
    centre = Centre(name=name, kind=kind, **values)
    session.add(centre)
    session.flush()
    return centre


def make_slot(session, staff: StaffUser, centre: Centre, starts: datetime, minutes: int = 30):
    """One slot of `staff` at `centre`, whatever the weekly sessions say (a past one, say)."""
    slot = Slot(
        staff_id=staff.id,
        centre_id=centre.id,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        minutes=minutes,
        modality="tele" if centre.kind == CentreKind.TELE else "on_site",
    )
    session.add(slot)
    session.flush()
    return slot


# --- a planning with its slots --------------------------------------------------------------


@dataclass
class Planning:
    centre: Centre  # the fixed centre, where the doctor works
    tele: Centre | None  # the teleconsultation place, when the nurse works there
    doctor: StaffUser
    nurse: StaffUser | None
    pattern: WorkPattern  # the doctor's first weekly session (Monday's, if they work Mondays)


def make_planning(
    session,
    *,
    first: date | None = None,
    days: int = 14,
    slots_from: date | None = None,
    doctor_days: Iterable[int] = WEEK,
    nurse_days: Iterable[int] = (),
    nurse_tele: bool = True,
    centre: Centre | None = None,
    doctor: StaffUser | None = None,
) -> Planning:
    """A fixed centre where a doctor works 9:00–12:00 on `doctor_days`, and a nurse 14:00–16:00
    on `nurse_days` (none by default) — by teleconsultation when `nurse_tele`, at the centre
    otherwise. The weekly sessions start on `first` (today in Paris by default); their 30-minute
    slots are generated for `days` days from `slots_from` (`first` by default).

    `centre` and `doctor`: existing ones (the demo's, say) instead of new ones."""
    first = first or today_paris()
    if centre is None:
        centre = make_centre(session, address="1 rue Oberkampf", city="Paris")
    if doctor is None:
        doctor = make_staff_user(session, "doctor", "dr.plan@test.fr", "Dr Claire Plan")
    nurse = tele = None
    nurse_days = list(nurse_days)
    if nurse_days:
        nurse = make_staff_user(session, "nurse", "ide.plan@test.fr", "Hugo Plan")
        if nurse_tele:
            tele = make_centre(session, "Téléconsultation", CentreKind.TELE)

    def session_of(staff, place, weekday, starts, ends):
        return WorkPattern(
            staff_id=staff.id,
            centre_id=place.id,
            weekday=weekday,
            starts=time(starts),
            ends=time(ends),
            slot_minutes=30,
            valid_from=first,
        )

    patterns = [session_of(doctor, centre, weekday, 9, 12) for weekday in doctor_days]
    patterns += [session_of(nurse, tele or centre, weekday, 14, 16) for weekday in nurse_days]
    session.add_all(patterns)
    session.flush()
    planning.generate_slots(session, slots_from or first, days)
    session.flush()
    return Planning(centre, tele, doctor, nurse, patterns[0])


def paris_time(day: date, hour: int, minute: int = 0) -> datetime:
    """That time of that day in Paris, in UTC as the slots store it."""
    return datetime.combine(day, time(hour, minute), PARIS).astimezone(UTC)


def slot_at(session, staff: StaffUser, day: date, hour: int = 9, minute: int = 0) -> Slot | None:
    """The slot of `staff` starting at that time of that day, if any."""
    return session.scalar(
        select(Slot).where(
            Slot.staff_id == staff.id, Slot.starts_at == paris_time(day, hour, minute)
        )
    )
