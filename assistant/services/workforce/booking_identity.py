"""Who writes, for booking (SMS and the chat of a proven person), and the visits each may reach.

A person reached through a phone number (`phone_reach.holder`) is followed in one or more ways:
as an independent member, or as an employee of one employer (a person may be declared by several
employers). For each way, the visits the number may reach — all of them through a proven mobile,
only what the employer knows anyway through a contact number — and among them the next booked
visit and the request still waiting for a slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, contains_eager

from assistant.core.text import _l
from assistant.models import Employee, Member, Slot, Visit, VisitStatus
from assistant.services.workforce.phone_reach import holder, known_to_employer


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
