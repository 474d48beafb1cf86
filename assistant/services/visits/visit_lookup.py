"""Visits as their readers look them up: the employer's space reads only through `employer_visits`
and `employer_visit`, so that a visit an employee asked for without telling the employer
(`confidential`) never appears there; and the worker's next booked appointment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.models import Slot, Visit, VisitStatus


def next_appointment(
    session: Session, *, member_id: int, employee_id: int | None, now: datetime
) -> Visit | None:
    """The worker's next booked visit (an independent: employee_id None)."""
    query = (
        select(Visit)
        .join(Slot, Slot.id == Visit.slot_id)
        .where(
            Visit.member_id == member_id,
            Visit.status == VisitStatus.BOOKED,
            Slot.starts_at > now,
        )
        .order_by(Slot.starts_at)
        .limit(1)
    )
    if employee_id is None:
        query = query.where(Visit.employee_id.is_(None))
    else:
        query = query.where(Visit.employee_id == employee_id)
    return session.scalar(query)


def employer_visits(session: Session, member_id: int, statuses=None) -> list[Visit]:
    """The visits an employer may see: never the confidential ones."""
    query = select(Visit).where(Visit.member_id == member_id, Visit.confidential.is_(False))
    if statuses is not None:
        query = query.where(Visit.status.in_(list(statuses)))
    return list(session.scalars(query.order_by(Visit.created_at.desc(), Visit.id.desc())))


def employer_visit(session: Session, member_id: int, visit_id: int) -> Visit | None:
    """One visit of this employer, or None (another member's, or confidential: not theirs)."""
    visit = session.get(Visit, visit_id)
    if visit is None or visit.member_id != member_id or visit.confidential:
        return None
    return visit


def canceller(cancelled_by: str | None, reader: str) -> str | None:
    """Who cancelled a visit, as its reader (`employer`, `independent`, `employee`) is told: a key
    of `labels.CANCELLED_BY`, or None when it is not known (`cancelled_by` is
    `audit.actor_label`: "staff:3", "member:5", "employee:+33…", "phone:+33…", "system")."""
    kind = (cancelled_by or "").split(":", 1)[0]
    if kind in ("staff", "system"):
        return "service"
    if kind == "member":
        return "employer" if reader == "employee" else "you"
    if kind == "employee":
        return "you" if reader == "employee" else "employee"
    if kind == "phone":  # an independent's own phone, by text
        return "you" if reader == "independent" else "employee"
    return None
