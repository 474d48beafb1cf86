"""A worker's prior consent to teleconsultation (R4624-41-1, R4624-41-2): a visit is held by video
only with the worker's consent, given beforehand and recorded. The worker gives it in their space
or by SMS, or a professional records it on the worker's word (`give`); it may be withdrawn at any
time (`withdraw`). Without a consent in force (`in_force`, `for_visit`) no video slot is offered
nor booked for the worker (`slot_offers`, `booking`).

An employee's consent hangs on their `Worker` (one person, whatever the employers: the row is
created when first needed, as for a health situation); an independent member's on the member.
Every give and withdrawal is audited; nothing here is health data and the employer never sees it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from assistant.models import Employee, Member, TeleConsent, Visit
from assistant.services import audit

CHANNELS = ("web", "sms", "staff")


def _whose(employee: Employee | None, member: Member | None):
    """The column and id the consent hangs on (None: an employment with no worker yet)."""
    if (employee is None) == (member is None):
        raise ValueError("a consent is an employee's or an independent member's")
    if employee is not None:
        return TeleConsent.worker_id, employee.worker_id
    return TeleConsent.member_id, member.id


def in_force(
    session: Session, *, employee: Employee | None = None, member: Member | None = None
) -> TeleConsent | None:
    """The consent in force for this worker (an employee) or this independent member."""
    column, owner = _whose(employee, member)
    if owner is None:
        return None
    return session.scalar(
        select(TeleConsent)
        .where(column == owner, TeleConsent.withdrawn_at.is_(None))
        .order_by(TeleConsent.given_at.desc(), TeleConsent.id.desc())
        .limit(1)
    )


def for_visit(session: Session, visit: Visit) -> bool:
    """May this visit be held by video: has its worker's consent in force?"""
    if visit.employee_id is not None:
        return in_force(session, employee=visit.employee) is not None
    return in_force(session, member=visit.member) is not None


def _record(session, actor, what: str, employee, member, detail: str | None) -> None:
    if employee is not None:
        audit.record(session, actor, what, "tele_consent", employee.id, detail)
    else:
        audit.record(session, actor, what, "tele_consent", None, f"member:{member.id} {detail}")


def give(
    session: Session,
    actor,
    *,
    channel: str,
    now: datetime,
    employee: Employee | None = None,
    member: Member | None = None,
) -> TeleConsent:
    """Record the consent (`channel`: web, sms, or staff on the worker's word); the one in force
    is kept as it is (giving twice records nothing new)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    found = in_force(session, employee=employee, member=member)
    if found is not None:
        return found
    consent = TeleConsent(channel=channel, recorded_by=audit.actor_label(actor)[:80], given_at=now)
    if employee is not None:
        from assistant.services.workforce import mobile_proof

        consent.worker_id = mobile_proof.worker_of(session, employee).id
    else:
        consent.member_id = member.id
    session.add(consent)
    session.flush()
    _record(session, actor, "give", employee, member, channel)
    return consent


def withdraw(
    session: Session,
    actor,
    *,
    now: datetime,
    employee: Employee | None = None,
    member: Member | None = None,
) -> bool:
    """Withdraw the consent in force (at any time); False when there was none. A video visit
    already booked is then among the visits the team moves (`planning_absences.displaced`)."""
    column, owner = _whose(employee, member)
    if owner is None:
        return False
    done = session.execute(
        update(TeleConsent)
        .where(column == owner, TeleConsent.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if done:
        _record(session, actor, "withdraw", employee, member, None)
    return bool(done)
