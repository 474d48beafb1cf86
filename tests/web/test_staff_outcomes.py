"""Outcome pages: who reaches them, a doctor and a nurse record outcomes, a secretary notes a
no-show, medical notes stay in the health staff's pages, employers download only their own
documents and never an ordonnance de prévention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from assistant.core.timeutil import PARIS
from assistant.models import AuditEntry, Member, Role, StaffUser, Visit, VisitOutcome
from assistant.services.visits import outcomes, visit_requests
from tests.factories import (
    CONTACT_MOBILE,
    PASSWORD,
    add_account,
    make_employee,
    make_member,
    make_planning,
)
from tests.web.helpers import member_login

FIRST = date(2024, 3, 4)  # a Monday in the past: its visits are done or missed by now
BOOKED = datetime(2024, 3, 1, 10, tzinfo=PARIS)
AFTER = datetime(2024, 3, 20, 10, tzinfo=PARIS)
NOTE = "Lombalgie chronique, suivi kiné en cours"


@dataclass
class World:
    doctor_email: str
    nurse_email: str
    employer_id: int
    other_id: int
    booked: int  # past, outcome to record
    done: int  # outcome recorded by the doctor, with a note
    confidential: int  # pré-reprise asked by the employee, outcome recorded
    others: int  # another member's visit, outcome recorded
    independent_visit: int


def _ask(db, member, employee, code="vip_periodique", by="employer", **values) -> Visit:
    request = visit_requests.Request(visit_type=code, requested_by=by, **values)
    visit = visit_requests.request_visit(
        db, "test", member=member, employee=employee, request=request, now=BOOKED
    )
    assert visit.status == "booked"
    return visit


@pytest.fixture
def world(db, employer, other) -> World:
    plan = make_planning(db, first=FIRST, doctor_days=range(5), nurse_days=(1, 3))
    add_account(db, other, "rh@autre.example")
    independent = make_member(
        db,
        "40483304800022",
        "independent",
        birth_date=date(1980, 6, 1),
        account="moi@independant.example",
    )
    # the team in charge: the doctor of every member, the nurse works in their centre
    plan.nurse.centre_id = plan.centre.id
    for member in (employer, other, independent):
        member.doctor_id, member.centre_id = plan.doctor.id, plan.centre.id
    worker = make_employee(db, employer, phone=CONTACT_MOBILE)
    booked = _ask(db, employer, worker)
    done = _ask(db, employer, make_employee(db, employer, last_name="B"))
    confidential = _ask(
        db,
        employer,
        make_employee(db, employer, last_name="C"),
        code="pre_reprise",
        by="employee",
        event_date=BOOKED.date() - timedelta(days=40),
    )
    assert confidential.confidential
    others = _ask(db, other, make_employee(db, other))
    mine = _ask(db, independent, None, by="independent")
    for visit in (done, confidential, others, mine):
        outcomes.record(
            db,
            plan.doctor,
            visit,
            # a pré-reprise gives recommendations, no attestation (R4624-30)
            kind="recommendations" if visit is confidential else "attestation",
            now=AFTER,
            recommendations="Siège ergonomique.",
            main_risks=["manual_handling"],
            advice="Pliez les genoux.",
            next_due=date(2029, 3, 4),
            note=NOTE,
        )
    db.commit()
    return World(
        plan.doctor.email,
        plan.nurse.email,
        employer.id,
        other.id,
        booked.id,
        done.id,
        confidential.id,
        others.id,
        mine.id,
    )


def _staff(client, email):
    response = client.post("/staff/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302


def _audit(db, **where) -> list[AuditEntry]:
    db.rollback()
    query = select(AuditEntry).order_by(AuditEntry.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return list(db.scalars(query))


# ------------------------------------------------------------------ access, role by role


ALLOWED = {
    "/staff/visites": {Role.SECRETARY, Role.DOCTOR, Role.NURSE},
    "/staff/visites/{booked}/issue": {Role.DOCTOR, Role.NURSE},
    "/staff/visites/{done}/issue": {Role.DOCTOR, Role.NURSE},
    "/staff/visites/{done}/document.pdf": {Role.SECRETARY, Role.DOCTOR, Role.NURSE},
    "/staff/visites/{done}/ordonnance.pdf": {Role.DOCTOR, Role.NURSE},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("url", list(ALLOWED))
def test_pages_by_role(client, db, staff_login, world, role, url):
    email = staff_login(role.value)
    user = db.scalar(select(StaffUser).where(StaffUser.email == email))
    user.centre_id = db.get(Member, world.employer_id).centre_id  # health staff: in the team
    db.commit()
    response = client.get(url.format(booked=world.booked, done=world.done))
    assert response.status_code == (200 if role in ALLOWED[url] else 403)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.IPRP, Role.PDP, Role.SECRETARY])
def test_no_outcome_posted_by_other_roles(client, db, staff_login, world, role):
    staff_login(role.value)
    response = client.post(f"/staff/visites/{world.booked}/issue", data={"kind": "attestation"})
    assert response.status_code == 403
    db.rollback()
    assert db.get(Visit, world.booked).status == "booked"


# ------------------------------------------------------------------ recording


def test_the_doctor_records_an_attestation_with_a_note(client, db, world):
    _staff(client, world.doctor_email)
    page = client.get(f"/staff/visites/{world.booked}/issue").get_data(as_text=True)
    # a VIP ends with an attestation de suivi, never an avis (R4624-14, R4624-25)
    assert 'value="attestation"' in page and 'value="aptitude"' not in page
    assert 'value="2029-03-04"' in page  # the next due date, prefilled from the rules (VIP 5 y)
    response = client.post(
        f"/staff/visites/{world.booked}/issue",
        data={
            "kind": "attestation",
            "recommendations": "Pas de port de charges > 15 kg.",
            "main_risks": ["manual_handling", "noise"],
            "advice": "Échauffez-vous.",
            "next_due": "2026-03-04",
            "note": NOTE,
        },
    )
    assert response.status_code == 302
    db.rollback()
    visit = db.get(Visit, world.booked)
    assert visit.status == "done" and visit.outcome.kind == "attestation"
    assert visit.outcome.next_due == date(2026, 3, 4)
    assert visit.outcome.main_risks == ["manual_handling", "noise"]
    page = client.get(f"/staff/visites/{world.booked}/issue").get_data(as_text=True)
    assert NOTE in page and "Échauffez-vous." in page
    actions = {(e.action, e.record_type) for e in _audit(db, record_id=str(world.booked))}
    assert {
        ("read", "visit"),
        ("create", "visit_outcome"),
        ("create", "medical_note"),
        ("read", "medical_note"),
    } <= actions
    assert world.booked not in [v.id for v in outcomes.visits_to_record(db, datetime.now(PARIS))]


def test_a_nurse_is_refused_an_avis_with_a_clear_message(client, db, world):
    _staff(client, world.nurse_email)
    page = client.get(f"/staff/visites/{world.booked}/issue").get_data(as_text=True)
    assert 'value="attestation"' in page and 'value="aptitude"' not in page
    response = client.post(
        f"/staff/visites/{world.booked}/issue", data={"kind": "aptitude", "note": NOTE}
    )
    assert response.status_code == 400
    assert "Seul le médecin du travail peut rendre un avis" in response.get_data(as_text=True)
    db.rollback()
    assert db.get(Visit, world.booked).status == "booked"
    assert db.scalar(select(VisitOutcome).where(VisitOutcome.visit_id == world.booked)) is None
    response = client.post(
        f"/staff/visites/{world.booked}/issue", data={"kind": "attestation", "next_due": ""}
    )
    assert response.status_code == 302
    db.rollback()
    assert db.get(Visit, world.booked).outcome.kind == "attestation"


def test_a_note_added_after_the_outcome(client, db, world):
    _staff(client, world.nurse_email)
    response = client.post(f"/staff/visites/{world.done}/issue", data={"note": "À revoir."})
    assert response.status_code == 302
    page = client.get(f"/staff/visites/{world.done}/issue").get_data(as_text=True)
    assert NOTE in page and "À revoir." in page


def test_the_secretary_notes_a_no_show_and_sees_no_note(client, db, staff_login, world):
    staff_login("secretary")
    page = client.get("/staff/visites").get_data(as_text=True)
    assert "Alex Durand" in page and "Non présenté" in page
    assert f"/staff/visites/{world.booked}/issue" not in page  # recording is for health staff
    noted = client.post(f"/staff/visites/{world.booked}/non-presente", data={"confirm": "1"})
    assert noted.status_code == 302
    db.rollback()
    assert db.get(Visit, world.booked).status == "no_show"
    page = client.get("/staff/visites").get_data(as_text=True)
    assert "Alex Durand" not in page
    # once missed, it cannot be missed again (nor recorded)
    client.post(f"/staff/visites/{world.booked}/non-presente", data={"confirm": "1"})
    assert "Seule une visite passée" in client.get("/staff/visites").get_data(as_text=True)


@pytest.mark.parametrize("role", ["secretary", "admin"])
def test_notes_never_reach_administrative_pages(client, db, staff_login, world, role):
    staff_login(role)
    for url in (
        "/staff/visites",
        f"/staff/adherents/{world.employer_id}",
        "/staff/journal",
    ):
        assert NOTE not in client.get(url).get_data(as_text=True), url


# ------------------------------------------------------------------ the member space


def test_the_employer_downloads_its_own_documents_only(client, db, world):
    member_login(client)
    response = client.get(f"/espace/visites/{world.done}/document.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]
    reads = _audit(db, record_type="visit_outcome", record_id=str(world.done), action="read")
    assert reads and reads[-1].actor.startswith("member:")
    for visit_id in (world.others, world.confidential, world.booked, world.independent_visit):
        assert client.get(f"/espace/visites/{visit_id}/document.pdf").status_code == 404
    for visit_id in (world.done, world.confidential, world.others):
        assert client.get(f"/espace/visites/{visit_id}/ordonnance.pdf").status_code == 404
    for url in ("/espace/", "/espace/visites", f"/espace/visites/{world.done}"):
        assert NOTE not in client.get(url).get_data(as_text=True), url


def test_another_employer_gets_nothing(client, world):
    member_login(client, "rh@autre.example")
    assert client.get(f"/espace/visites/{world.done}/document.pdf").status_code == 404
    assert client.get(f"/espace/visites/{world.others}/document.pdf").status_code == 200


def test_an_independent_gets_the_document_and_the_ordonnance(client, db, world):
    member_login(client, "moi@independant.example")
    for name in ("document", "ordonnance"):
        response = client.get(f"/espace/visites/{world.independent_visit}/{name}.pdf")
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), name
    assert client.get(f"/espace/visites/{world.done}/ordonnance.pdf").status_code == 404


def test_documents_need_a_login(client, world):
    response = client.get(f"/espace/visites/{world.done}/document.pdf")
    assert response.status_code == 302 and "/espace/connexion" in response.headers["Location"]


def test_non_presente_is_confirmed_before_it_is_recorded(client, db, staff_login, world):
    staff_login("secretary")
    page = client.get("/staff/visites").get_data(as_text=True)
    # the list offers a link to a confirmation page (works without JavaScript), not an instant post
    assert f'action="/staff/visites/{world.booked}/non-presente"' not in page
    assert f'href="/staff/visites/{world.booked}/non-presente"' in page
    confirm = client.get(f"/staff/visites/{world.booked}/non-presente")
    assert confirm.status_code == 200
    assert "Confirmer" in confirm.get_data(as_text=True)
    db.rollback()
    assert db.get(Visit, world.booked).status == "booked"
    # a post without the confirmation records nothing
    client.post(f"/staff/visites/{world.booked}/non-presente")
    db.rollback()
    assert db.get(Visit, world.booked).status == "booked"
    client.post(f"/staff/visites/{world.booked}/non-presente", data={"confirm": "1"})
    db.rollback()
    assert db.get(Visit, world.booked).status == "no_show"
