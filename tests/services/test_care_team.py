"""The team in charge of a member, the "access outside my team" grants, and what each role sees of
a visit: the rules alone, on plain objects and a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assistant.models import Member, Role, Slot, StaffUser, Visit
from assistant.services.membership import care_team
from tests.factories import OTHER_SIRET, make_member, make_staff_user

NOW = datetime(2027, 3, 5, 9, tzinfo=UTC)


def _staff(role, id=1, centre_id=None, active=True) -> StaffUser:
    return StaffUser(id=id, role=str(role), centre_id=centre_id, active=active)


def _member(doctor_id=None, centre_id=None) -> Member:
    return Member(id=7, doctor_id=doctor_id, centre_id=centre_id)


@pytest.mark.parametrize(
    ("staff", "member", "expected"),
    [
        (_staff(Role.DOCTOR, id=3), _member(doctor_id=3), True),  # its doctor, wherever
        (_staff(Role.DOCTOR, id=4, centre_id=2), _member(doctor_id=3, centre_id=2), True),
        (_staff(Role.NURSE, centre_id=2), _member(centre_id=2), True),
        (_staff(Role.NURSE, centre_id=1), _member(centre_id=2), False),
        (_staff(Role.NURSE, centre_id=None), _member(centre_id=None), False),
        (_staff(Role.SECRETARY, centre_id=2), _member(centre_id=2), False),
        (_staff(Role.ADMIN, id=3), _member(doctor_id=3), False),
        (_staff(Role.DOCTOR, id=3, active=False), _member(doctor_id=3), False),
    ],
)
def test_in_charge(staff, member, expected):
    assert care_team.in_charge(staff, member) is expected


def _visit(confidential, member, slot_staff_id=None) -> Visit:
    visit = Visit(member_id=member.id, confidential=confidential, visit_type="pre_reprise")
    visit.member = member
    visit.slot = None if slot_staff_id is None else Slot(staff_id=slot_staff_id)
    return visit


V = care_team.VisitView


@pytest.mark.parametrize(
    ("staff", "expected"),
    [
        (_staff(Role.ADMIN), V(False, False, False)),
        (_staff(Role.IPRP, centre_id=2), V(False, False, False)),
        (_staff(Role.PDP, centre_id=2), V(False, False, False)),
        (_staff(Role.SECRETARY, centre_id=2), V(True, True, False)),
        (_staff(Role.NURSE, centre_id=2), V(True, True, True)),  # the team
        (_staff(Role.DOCTOR, centre_id=9), V(True, True, False)),  # outside the team
        (_staff(Role.DOCTOR, id=5, centre_id=9), V(True, True, True)),  # performs the visit
    ],
)
def test_what_each_role_sees_of_a_confidential_visit(staff, expected):
    visit = _visit(True, _member(centre_id=2), slot_staff_id=5)
    assert care_team.visit_view(staff, visit) == expected


def test_a_grant_opens_the_reason_of_a_confidential_visit():
    doctor = _staff(Role.DOCTOR, centre_id=9)
    visit = _visit(True, _member(centre_id=2))
    assert care_team.visit_view(doctor, visit, frozenset({7})).reason


@pytest.mark.parametrize("role", list(Role))
def test_ordinary_visits_show_type_and_person_to_all(role):
    view = care_team.visit_view(_staff(role), _visit(False, _member()))
    assert view.type and view.person
    assert view.reason is (role in (Role.SECRETARY, Role.DOCTOR, Role.NURSE))


def test_a_grant_lasts_its_time_and_is_audited(db):
    member = make_member(db)
    nurse = make_staff_user(db, Role.NURSE)
    assert not care_team.may_read_health(db, nurse, member, NOW)
    care_team.grant_outside_team(db, nurse, member, "  Remplacement  ", NOW, 60)
    assert care_team.may_read_health(db, nurse, member, NOW + timedelta(minutes=59))
    assert not care_team.may_read_health(db, nurse, member, NOW + timedelta(minutes=60))
    other = make_member(db, OTHER_SIRET)
    assert not care_team.may_read_health(db, nurse, other, NOW)
    assert care_team.may_read_health_of_any(db, nurse, [other, member], NOW)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_grant_needs_a_reason(db, reason):
    member = make_member(db)
    doctor = make_staff_user(db, Role.DOCTOR)
    with pytest.raises(care_team.AccessError):
        care_team.grant_outside_team(db, doctor, member, reason, NOW, 60)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SECRETARY, Role.IPRP, Role.PDP])
def test_only_health_staff_get_a_grant(db, role):
    member = make_member(db)
    user = make_staff_user(db, role)
    with pytest.raises(care_team.AccessError):
        care_team.grant_outside_team(db, user, member, "Curiosité", NOW, 60)
