"""Least privilege in the back-office: who is in charge of a member's workers, the time-limited
"access outside my team", and what a staff member may see of a visit.

Invariants:
- health data (medical notes, health situations, ordonnances) is read only by the health staff in
  charge of the worker's member — its doctor, the doctors and nurses of its centre — or by a
  health professional holding an unexpired grant for that member, asked with a reason and audited;
- a confidential visit (a pré-reprise asked by the employee) shows its type and person to those who
  organise or perform it (the secretary, health staff) and its reason to the health team only; the
  administrator, the IPRP and the PDP cell see only that a slot is taken by a confidential visit.

The checks are written against one member, so that a worker employed by several members is
checked once per employment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.core.text import _l
from assistant.models import HealthAccessGrant, Member, Role, StaffUser, Visit
from assistant.services import audit

HEALTH_ROLES = frozenset(str(role) for role in Role.health_roles())
# they organise the visits: the type and the person, never what the worker typed
ORGANISERS = frozenset({str(Role.SECRETARY)})
MAX_REASON = 500


class AccessError(Exception):
    """A refused grant; `message` is for the user, in their language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def is_health_staff(staff) -> bool:
    return isinstance(staff, StaffUser) and staff.is_active and str(staff.role) in HEALTH_ROLES


def in_charge(staff, member: Member) -> bool:
    """The member's doctor, and the doctors and nurses of the member's centre."""
    if not is_health_staff(staff):
        return False
    if member.doctor_id is not None and member.doctor_id == staff.id:
        return True
    return member.centre_id is not None and member.centre_id == staff.centre_id


def granted_member_ids(session: Session, staff, now: datetime) -> frozenset[int]:
    """The members whose health data this professional may read outside their team, now."""
    if not is_health_staff(staff):
        return frozenset()
    return frozenset(
        session.scalars(
            select(HealthAccessGrant.member_id).where(
                HealthAccessGrant.staff_id == staff.id, HealthAccessGrant.expires_at > now
            )
        )
    )


def may_read_health(session: Session, staff, member: Member, now: datetime) -> bool:
    """In charge of the member, or holding an unexpired grant for it."""
    if in_charge(staff, member):
        return True
    return member.id in granted_member_ids(session, staff, now)


def may_read_health_of_any(
    session: Session, staff, members: Iterable[Member], now: datetime
) -> bool:
    """For a worker employed by several members: one employment in charge is enough."""
    return any(may_read_health(session, staff, member, now) for member in members)


def grant_outside_team(
    session: Session,
    staff,
    member: Member,
    reason: str | None,
    now: datetime,
    minutes: int,
    ip: str | None = None,
) -> HealthAccessGrant:
    """Open this member's health data to a professional outside its team, for `minutes`."""
    if not is_health_staff(staff):
        raise AccessError(_l("Seuls les professionnels de santé peuvent demander cet accès."))
    cleaned = " ".join((reason or "").split())
    if not cleaned:
        raise AccessError(_l("Indiquez pourquoi vous avez besoin de cet accès."))
    cleaned = cleaned[:MAX_REASON]
    grant = HealthAccessGrant(
        staff_id=staff.id,
        member_id=member.id,
        reason=cleaned,
        granted_at=now,
        expires_at=now + timedelta(minutes=max(1, minutes)),
    )
    session.add(grant)
    session.flush()
    audit.record(session, staff, "grant", "health_access", member.id, cleaned, ip=ip)
    return grant


# ------------------------------------------------------------------ what a visit shows


@dataclass(frozen=True)
class VisitView:
    """What a staff member may see of one visit (a slot taken is always visible)."""

    type: bool
    person: bool  # the worker and their employer
    reason: bool  # what the worker or employer typed with the request


def visit_view(staff, visit: Visit, granted: frozenset[int] = frozenset()) -> VisitView:
    """The one rule for every staff page that shows a visit. `granted`: the members this
    professional holds an "access outside my team" for (see `granted_member_ids`)."""
    role = str(getattr(staff, "role", ""))
    health = role in HEALTH_ROLES
    if not visit.confidential:
        return VisitView(type=True, person=True, reason=health or role in ORGANISERS)
    team = health and (
        in_charge(staff, visit.member)
        or visit.member_id in granted
        or (visit.slot is not None and visit.slot.staff_id == staff.id)
    )
    if team:
        return VisitView(type=True, person=True, reason=True)
    if health or role in ORGANISERS:
        return VisitView(type=True, person=True, reason=False)
    return VisitView(type=False, person=False, reason=False)


def confidential_ids(session: Session, visit_ids: Iterable[int]) -> frozenset[int]:
    """Among these visits, the confidential ones (for the journal)."""
    ids = {int(i) for i in visit_ids}
    if not ids:
        return frozenset()
    return frozenset(
        session.scalars(select(Visit.id).where(Visit.id.in_(ids), Visit.confidential.is_(True)))
    )
