"""Who reads a PDP case. Only the cell (role `pdp`) and the médecin du travail — the member's doctor
or a doctor of the member's centre — read a case's content, and the staff a cell member added to
the case. Administrators and secretaries see that a case exists and its stage, never its content;
the other health staff see nothing. Every read of the content is audited by the caller
(`audit.record(..., "read", "pdp_case", id)`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.models import Role, StaffUser
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


def readable_ids(session: Session, staff) -> frozenset[int] | None:
    """The cases whose content this staff member reads: None means every case (the cell)."""
    if is_cell(staff):
        return None
    if not _active(staff):
        return frozenset()
    ids = set(
        session.scalars(select(PdpCaseMember.case_id).where(PdpCaseMember.staff_id == staff.id))
    )
    if staff.role == Role.DOCTOR:
        for case in session.scalars(select(PdpCase)):
            if care_team.in_charge(staff, case.member):
                ids.add(case.id)
    return frozenset(ids)
