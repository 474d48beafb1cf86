"""Who a worker is, and what a phone number may reach (SPEC 1: the worker is a person of their own).

The rule. A phone number an employer typed (`Employee.phone`) is a contact, never an identity. A
worker's own mobile (`Worker.phone`) is *proven* only when the person holding it gives back a
one-time code sent to it, in one of two ways an employer cannot take alone:

1. at a visit (in person or by video), a health professional or the medical secretary reads the
   number out to the worker, sends a code from the worker's page in the back-office, and types
   the code the worker reads back (`start_proof`, `confirm_proof`);
2. a worker signed in with their proven mobile moves it to a new number by giving back the code
   sent to the new number (`start_change`, `confirm_change`).

Two employments are the same worker only when a professional proves, for the second one, a mobile
already proven for the first, and the names and birth date match; otherwise the proof is refused.

What a number reaches: through a proven mobile, everything of the worker's employments; through a
contact number only, what its holder (perhaps the employer who typed it) could know anyway — the
visits the employer or the service asked for, never a confidential or employee-requested visit, a
health situation, an ordonnance. Confidential messages go to a proven mobile only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, literal, null, or_, select, union_all
from sqlalchemy.orm import Session, contains_eager

from assistant.core import messages
from assistant.core import settings as service_settings
from assistant.core.text import _l
from assistant.models import (
    Employee,
    HealthSituation,
    Member,
    MemberKind,
    MemberStatus,
    PhoneProfile,
    Slot,
    Visit,
    VisitStatus,
    Worker,
)
from assistant.services import audit
from assistant.services.membership import otp
from assistant.services.messaging import outbox

PROOF_PURPOSE = "worker_proof"
CHANGE_PURPOSE = "worker_change"


class IdentityError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Access:
    """One employment reached through a phone number, and whether the number is the worker's
    proven mobile (everything) or only the contact the employer typed (what the employer knows)."""

    employee: Employee
    proven: bool


# --- what a number reaches -------------------------------------------------------------------


def _by_phone(phone: str, with_members: bool):
    """(member_id, employee_id, proven) of what this number reaches, each part found through
    its own index: the employments of the worker who proved it, those whose employer typed it,
    and (`with_members`) the members whose own number it is (employee_id empty)."""
    parts = [
        select(
            Employee.member_id.label("member_id"),
            Employee.id.label("employee_id"),
            literal(True).label("proven"),
        )
        .join(Worker, Worker.id == Employee.worker_id)
        .where(Worker.phone == phone),
        select(Employee.member_id, Employee.id, literal(False)).where(Employee.phone == phone),
    ]
    if with_members:
        parts.append(
            select(Member.id, null(), literal(True)).where(
                Member.phone == phone, Member.status != MemberStatus.CLOSED
            )
        )
    return union_all(*parts).subquery()


def _reached(session: Session, phone: str, today: date, with_members: bool):
    """One statement (the text channels look it up at every booking message): the members
    whose own number this is, ordered by id, and the current employments, proven ones first."""
    found = _by_phone(phone, with_members)
    rows = session.execute(
        select(Member, Employee, found.c.proven)
        .join(found, found.c.member_id == Member.id)
        .outerjoin(Employee, Employee.id == found.c.employee_id)
        .where(
            Member.status != MemberStatus.CLOSED,
            Employee.left_on.is_(None) | (Employee.left_on >= today),
        )
    ).all()
    own = {m.id: m for m, employee, _proven in rows if employee is None}
    members = [own[member_id] for member_id in sorted(own)]
    employments = sorted(
        ((bool(proven), m, e) for m, e, proven in rows if e is not None),
        key=lambda row: (not row[0], row[1].legal_name, row[2].id),
    )
    accesses: dict[int, Access] = {}
    for proven, _member, employee in employments:
        accesses.setdefault(employee.id, Access(employee, proven))  # proven ones first
    return members, list(accesses.values())


def reach(session: Session, phone: str, today: date) -> list[Access]:
    """The current employments this number reaches: those of the worker who proved it, then
    those whose employer typed it as a contact (and whose worker did not prove another number
    the holder of this one would then reach). Their members are read in the same statement."""
    if not phone:
        return []
    return _reached(session, phone, today, with_members=False)[1]


def private(visit: Visit) -> bool:
    """A visit only the worker may know of: confidential (pré-reprise…) or asked by the worker."""
    return bool(visit.confidential) or visit.requested_by == "employee"


def known_to_employer():
    """`not private(visit)` in SQL: what a contact number may reach."""
    return and_(Visit.confidential.is_(False), Visit.requested_by != "employee")


def may_see(access: Access, visit: Visit) -> bool:
    return visit.employee_id == access.employee.id and (access.proven or not private(visit))


def worker_phone(visit: Visit) -> str | None:
    """Where the worker's messages about this visit go: the proven mobile; the employer's contact
    number only for what the employer knows anyway; an independent's own (proven) mobile."""
    if visit.employee_id is None:
        return visit.member.phone if visit.member is not None else None
    employee = visit.employee
    if employee is None:
        return None
    if employee.proven_phone:
        return employee.proven_phone
    return None if private(visit) else employee.phone


# --- the worker behind an employment --------------------------------------------------------


def worker_of(session: Session, employee: Employee) -> Worker:
    """The employment's worker, created the first time the service needs one."""
    if employee.worker is None:
        worker = Worker()
        session.add(worker)
        session.flush()
        employee.worker_id = worker.id
        employee.worker = worker
        session.flush()
    return employee.worker


def _same_person(a: Employee, b: Employee) -> bool:
    return (a.last_name_folded, a.first_name_folded, a.birth_date) == (
        b.last_name_folded,
        b.first_name_folded,
        b.birth_date,
    )


def _merge(session: Session, keep: Worker, gone: Worker) -> None:
    """`gone` was the same person as `keep`: its employments and health situation move over
    (health flags combined: a situation declared once counts for every employer)."""
    for employee in session.scalars(select(Employee).where(Employee.worker_id == gone.id)):
        employee.worker_id = keep.id
        employee.worker = keep
    moving = session.scalar(select(HealthSituation).where(HealthSituation.worker_id == gone.id))
    if moving is not None:
        kept = session.scalar(select(HealthSituation).where(HealthSituation.worker_id == keep.id))
        if kept is None:
            moving.worker_id = keep.id
        else:
            kept.pregnant = kept.pregnant or moving.pregnant
            kept.invalidity_pension = kept.invalidity_pension or moving.invalidity_pension
            kept.disabled = kept.disabled or moving.disabled
            session.delete(moving)
    session.flush()
    session.delete(gone)
    session.flush()


# --- proving a mobile at a visit --------------------------------------------------------------


def _send_code(session: Session, phone: str, purpose: str, now: datetime, locale: str) -> None:
    try:  # a code the worker reads back to the professional: its own words
        otp.send_code(session, phone, purpose, now, locale=locale, template="proof_code")
    except otp.TooManyCodes:
        raise IdentityError(otp.TOO_MANY_CODES_MESSAGE) from None


def start_proof(
    session: Session, actor, employee: Employee, phone: str, now: datetime, locale: str = "fr"
) -> None:
    """Send a code to the number the worker gives the professional (read out to them)."""
    _send_code(session, phone, PROOF_PURPOSE, now, locale)
    audit.record(session, actor, "proof_start", "employee", employee.id)


def confirm_proof(
    session: Session, actor, employee: Employee, phone: str, code: str, now: datetime
) -> Worker:
    """The worker read back the code: the number becomes their proven mobile."""
    check = otp.verify(session, phone, PROOF_PURPOSE, code, now)
    if check != otp.CodeCheck.OK:
        raise IdentityError(otp.CHECK_MESSAGES[check])
    holder = session.scalar(select(Worker).where(Worker.phone == phone))
    if holder is not None and holder.id != employee.worker_id:
        others = session.scalars(select(Employee).where(Employee.worker_id == holder.id)).all()
        if not others or not any(_same_person(employee, other) for other in others):
            raise IdentityError(
                _l(
                    "Ce numéro est déjà confirmé pour une autre personne suivie par le service : "
                    "vérifiez-le avec le salarié."
                )
            )
        # the person already proved this number with another employer: one worker, kept
        if employee.worker is not None:
            _merge(session, keep=holder, gone=employee.worker)
        else:
            employee.worker_id, employee.worker = holder.id, holder
            session.flush()
        worker = holder
    else:
        worker = worker_of(session, employee)
        previous = worker.phone
        worker.phone = phone
        worker.phone_proven_at = now
        worker.phone_proven_by = audit.actor_label(actor)
        session.flush()
        if previous and previous != phone:
            _bump(session, previous, now)
    audit.record(session, actor, "proof", "worker", worker.id, f"employee {employee.id}")
    return worker


# --- the worker moves their own mobile --------------------------------------------------------


def start_change(
    session: Session, worker: Worker, new_phone: str, now: datetime, locale: str = "fr"
) -> None:
    if worker.phone is None:
        raise IdentityError(_l("Votre numéro doit d'abord être confirmé par le service."))
    if session.scalar(select(Worker.id).where(Worker.phone == new_phone)) is not None:
        raise IdentityError(_l("Ce numéro est déjà celui d'une personne suivie par le service."))
    _send_code(session, new_phone, CHANGE_PURPOSE, now, locale)


def confirm_change(
    session: Session, worker: Worker, new_phone: str, code: str, now: datetime
) -> Worker:
    check = otp.verify(session, new_phone, CHANGE_PURPOSE, code, now)
    if check != otp.CodeCheck.OK:
        raise IdentityError(otp.CHECK_MESSAGES[check])
    if worker.phone is None:
        raise IdentityError(_l("Votre numéro doit d'abord être confirmé par le service."))
    if session.scalar(select(Worker.id).where(Worker.phone == new_phone)) is not None:
        raise IdentityError(_l("Ce numéro est déjà celui d'une personne suivie par le service."))
    old = worker.phone
    worker.phone = new_phone
    worker.phone_proven_at = now
    worker.phone_proven_by = f"worker:{worker.id}"
    session.flush()
    _bump(session, old, now)
    audit.record(session, f"employee:{old}", "phone_change", "worker", worker.id)
    return worker


# --- the employer changes the contact number --------------------------------------------------


def contact_changed(session: Session, employee: Employee, old: str | None, locale: str) -> None:
    """Tell the worker's proven mobile (never the new contact) that the employer typed another
    number: nothing moves, but the worker should know."""
    proven = employee.proven_phone
    if not proven or old == employee.phone:
        return
    member = session.get(Member, employee.member_id)
    profile_locale = session.scalar(select(PhoneProfile.locale).where(PhoneProfile.phone == proven))
    text = messages.render(
        "sms/contact_changed.txt",
        profile_locale or locale,
        employer=member.legal_name if member else "",
        service_phone=service_settings.of(session).service_phone,
    )
    outbox.queue_sms(session, proven, text)


# --- sessions of the employee space ------------------------------------------------------------


def session_version(session: Session, phone: str) -> int:
    return (
        session.scalar(select(PhoneProfile.session_version).where(PhoneProfile.phone == phone)) or 0
    )


def _bump(session: Session, phone: str, now: datetime | None = None) -> None:
    profile = session.scalar(select(PhoneProfile).where(PhoneProfile.phone == phone))
    if profile is None:
        profile = PhoneProfile(phone=phone)
        session.add(profile)
        session.flush()
    profile.session_version = (profile.session_version or 0) + 1
    session.flush()


def end_sessions(session: Session, phone: str) -> None:
    """Sign out every session of this number in the employee space (the cookie is then refused)."""
    _bump(session, phone)


# --- who is behind a phone number (SMS and chat) --------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """Everyone the service knows behind one phone number: members whose own number it is (an
    independent proved it at adhesion), and the employments it reaches (`reach`)."""

    members: tuple[Member, ...]
    employments: tuple[Access, ...]

    @property
    def member(self) -> Member | None:
        return self.members[0] if self.members else None

    @property
    def independents(self) -> list[Member]:
        return [m for m in self.members if m.kind == MemberKind.INDEPENDENT]

    @property
    def is_employer(self) -> bool:
        return any(m.kind == MemberKind.EMPLOYER for m in self.members)


def _own_members(phone: str):
    return (
        select(Member)
        .where(Member.phone == phone, Member.status != MemberStatus.CLOSED)
        .order_by(Member.id)
    )


def own_member(session: Session, phone: str | None) -> Member | None:
    """The member whose own number this is (one statement: the text channels' hot path)."""
    return session.scalar(_own_members(phone).limit(1)) if phone else None


def own_member_locale(phone: str):
    """The language of `own_member`, as a scalar subquery: a part of a larger statement (the
    phone's profile created at its first message)."""
    return _own_members(phone).with_only_columns(Member.locale).limit(1).scalar_subquery()


def holder(session: Session, phone: str | None, today: date) -> Holder:
    """The one lookup of who writes from this number, for every flow of the text channels."""
    if not phone:
        return Holder((), ())
    members, employments = _reached(session, phone, today, with_members=True)
    return Holder(tuple(members), tuple(employments))


# --- who writes, for booking (SMS and the chat of a proven person) ----------------------------


@dataclass(frozen=True)
class Identity:
    """One way the phone's owner is followed: as an independent member, or as an employee of
    one employer (a person may be declared by several employers)."""

    member: Member
    employee: Employee | None
    proven: bool = True  # False: a contact number the employer typed, never proved

    @property
    def key(self) -> str:
        if self.employee is None:
            return f"independent:{self.member.id}"
        return f"employee:{self.employee.id}"

    @property
    def requester(self) -> str:
        return "independent" if self.employee is None else "employee"

    def actor(self, phone: str) -> str:
        return f"phone:{phone}" if self.employee is None else f"employee:{phone}"

    def label(self) -> str:
        if self.employee is None:
            return str(_l("En tant qu'indépendant"))
        return self.member.legal_name


def identities(session: Session, phone: str | None, today: date) -> list[Identity]:
    """The independent member and the current employments this number reaches."""
    found = holder(session, phone, today)
    return [Identity(member, None) for member in found.independents] + [
        Identity(session.get(Member, access.employee.member_id), access.employee, access.proven)
        for access in found.employments
    ]


def _reachable(identity: Identity) -> list:
    """The conditions on a visit that the number may reach for this identity (a contact number:
    only what the employer who typed it knows anyway)."""
    conditions = [Visit.member_id == identity.member.id]
    if identity.employee is None:
        return [*conditions, Visit.employee_id.is_(None)]
    conditions.append(Visit.employee_id == identity.employee.id)
    if not identity.proven:
        conditions.append(known_to_employer())
    return conditions


def worker_visits(identity: Identity, status: str):
    """The visits of this status that the number may reach for this identity."""
    return select(Visit).where(*_reachable(identity), Visit.status == status)


def _most_urgent(requests) -> Visit | None:
    """Of waiting requests, the one due first (the oldest among equals)."""
    ordered = sorted(requests, key=lambda v: (v.created_at, v.id))
    return min(ordered, key=lambda v: v.due_by or date.max) if ordered else None


def booked_visit(
    session: Session, identity: Identity, now: datetime, visit_type: str | None = None
) -> Visit | None:
    """The worker's next booked visit (of this type, when a type is asked for)."""
    query = (
        worker_visits(identity, VisitStatus.BOOKED)
        .join(Slot, Slot.id == Visit.slot_id)
        .where(Slot.starts_at > now)
        .order_by(Slot.starts_at)
        .limit(1)
    )
    if visit_type is not None:
        query = query.where(Visit.visit_type == visit_type)
    return session.scalar(query)


def booked_and_waiting(
    session: Session, identity: Identity, now: datetime, visit_type: str | None = None
) -> tuple[Visit | None, Visit | None]:
    """In one statement: the worker's next booked visit to come and the request waiting for a
    slot (of this type, when a type is asked for; else the most urgent)."""
    query = (
        select(Visit)
        .outerjoin(Slot, Slot.id == Visit.slot_id)
        .options(contains_eager(Visit.slot))
        .where(
            *_reachable(identity),
            or_(
                and_(Visit.status == VisitStatus.BOOKED, Slot.starts_at > now),
                Visit.status == VisitStatus.REQUESTED,
            ),
        )
    )
    if visit_type is not None:
        query = query.where(Visit.visit_type == visit_type)
    rows = list(session.scalars(query))
    booked = [v for v in rows if v.status == VisitStatus.BOOKED]
    return (
        min(booked, key=lambda v: v.slot.starts_at) if booked else None,
        _most_urgent(v for v in rows if v.status == VisitStatus.REQUESTED),
    )


def next_visit(session: Session, found: list[Identity], now: datetime) -> Visit | None:
    """The earliest booked visit to come, whichever way the person is followed."""
    visits = [booked_visit(session, identity, now) for identity in found]
    visits = [visit for visit in visits if visit is not None]
    return min(visits, key=lambda v: v.slot.starts_at) if visits else None


def waiting_request(
    session: Session, identity: Identity, visit_type: str | None = None
) -> Visit | None:
    """A request of this worker still waiting for a slot (asked before, by them or for them);
    of any type when none is asked for, the most urgent first."""
    query = worker_visits(identity, VisitStatus.REQUESTED)
    if visit_type is not None:
        query = query.where(Visit.visit_type == visit_type)
    return _most_urgent(session.scalars(query))
