"""What a phone number reaches (SPEC 1: the worker is a person of their own), and who holds it.

A phone number an employer typed (`Employee.phone`) is a contact, never an identity; the worker's
own mobile (`Worker.phone`) is proven (`mobile_proof`). Through a proven mobile, the number
reaches everything of the worker's employments; through a contact number only, what its holder
(perhaps the employer who typed it) could know anyway — the visits the employer or the service
asked for, never a confidential or employee-requested visit, a health situation, an ordonnance.
Confidential messages go to a proven mobile only. `holder` is the one lookup of the text channels:
the members whose own number it is, and the employments it reaches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, literal, null, select, union_all
from sqlalchemy.orm import Session

from assistant.models import Employee, Member, MemberKind, MemberStatus, Visit, Worker


@dataclass(frozen=True)
class Access:
    """One employment reached through a phone number, and whether the number is the worker's
    proven mobile (everything) or only the contact the employer typed (what the employer knows)."""

    employee: Employee
    proven: bool


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
