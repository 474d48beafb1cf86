"""Who reads a PDP case. Only the cell (role `pdp`) and the médecin du travail — the member's doctor
or a doctor of the member's centre — read a case's content, and the staff a cell member added to
the case. Administrators and secretaries see that a case exists and its stage, never its content;
the other health staff see nothing. Every read of the content is audited by the caller
(`audit.record(..., "read", "pdp_case", id)`)."""

from __future__ import annotations

from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session

from assistant.models import Member, Role, StaffUser
from assistant.models.pdp import PdpCase, PdpCaseMember
from assistant.services.membership import care_team

OVERSEERS = (Role.ADMIN, Role.SECRETARY)  # existence and stage only


def _active(staff) -> bool:
    return isinstance(staff, StaffUser) and staff.is_active


def is_cell(staff) -> bool:
    return _active(staff) and staff.role == Role.PDP


def is_occupational_doctor(staff, case: PdpCase) -> bool:
    """The médecin du travail of the case's member (its doctor, or a doctor of its centre)."""
    return _active(staff) and staff.role == Role.DOCTOR and care_team.in_charge(staff, case.member)


def added(session: Session, staff, case: PdpCase) -> bool:
    return _active(staff) and (
        session.scalar(
            select(PdpCaseMember.id).where(
                PdpCaseMember.case_id == case.id, PdpCaseMember.staff_id == staff.id
            )
        )
        is not None
    )


def may_read(session: Session, staff, case: PdpCase) -> bool:
    """May this staff member read the case's content (and work on it)?"""
    return is_cell(staff) or is_occupational_doctor(staff, case) or added(session, staff, case)


def may_see_existence(staff) -> bool:
    """May this staff member see the cases' list (existence and stage, no content)?"""
    return _active(staff) and staff.role in (Role.PDP, Role.ADMIN, Role.SECRETARY, Role.DOCTOR)


def readable_clause(staff):
    """The cases whose content this staff member reads, as a condition on `PdpCase` for a query
    (None: every case, the cell): the cases they were added to and, for a doctor, the cases of
    the members in their charge (`care_team.in_charge`: the member's doctor, or its centre's)."""
    if is_cell(staff):
        return None
    if not _active(staff):
        return false()
    clause = PdpCase.id.in_(select(PdpCaseMember.case_id).where(PdpCaseMember.staff_id == staff.id))
    if staff.role == Role.DOCTOR and care_team.is_health_staff(staff):
        charge = Member.doctor_id == staff.id
        if staff.centre_id is not None:
            charge = or_(charge, Member.centre_id == staff.centre_id)
        clause = or_(clause, PdpCase.member_id.in_(select(Member.id).where(charge)))
    return clause


def readable_ids(session: Session, staff) -> frozenset[int] | None:
    """The cases whose content this staff member reads: None means every case (the cell). One
    statement, whatever the number of cases."""
    clause = readable_clause(staff)
    if clause is None:
        return None
    if not _active(staff):
        return frozenset()
    return frozenset(session.scalars(select(PdpCase.id).where(clause)))
