"""Least privilege in the back-office: what each staff role sees of a confidential visit (a
pré-reprise asked by the employee) page by page, and health reads limited to the team in charge
of the worker's member, with an audited, time-limited "access outside my team"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from assistant.core.timeutil import PARIS, today_paris
from assistant.database import utcnow
from assistant.models import AuditEntry, Role, StaffUser, Visit
from assistant.services.visits import booking, outcomes, planning, slot_offers, visit_requests
from assistant.staff.planning_agenda import week_text
from tests.conftest import csrf_token, make_app
from tests.factories import (
    OTHER_SIRET,
    PASSWORD,
    make_employee,
    make_member,
    make_planning,
    make_staff_user,
)

PAST_MONDAY = date(2024, 3, 4)
PAST = datetime(2024, 3, 1, 10, tzinfo=PARIS)
NAME = "Berthier"  # the worker of the confidential visits
OTHER_NAME = "Lambert"  # a worker with an ordinary visit, in another company
REASON = "Angoisse au retour après mon burn-out"
NOTE = "Syndrome anxio-dépressif, reprise à temps partiel à discuter"
COMPANY = "Menuiserie Discrète"
ACTOR = "employee:+33611229988"  # the employee asked from their space
TYPE_WORDS = ("pré-reprise", "pre_reprise", "Pre-return")


@dataclass
class World:
    doctor_id: int
    doctor_email: str
    centre_id: int
    member_id: int
    employee_id: int
    booked: int  # confidential, booked in the doctor's agenda, in the coming weeks
    week: str  # the ISO week of `booked`
    queued: int  # confidential, waiting in the staff queue
    past: int  # confidential, past, outcome to record, with a medical note
    ordinary: int  # an ordinary visit of another company, waiting in the queue


def _confidential(db, member, employee, now, auto=True) -> Visit:
    return visit_requests.request_visit(
        db,
        ACTOR,
        member=member,
        employee=employee,
        request=visit_requests.Request(
            visit_type="pre_reprise",
            requested_by="employee",
            reason=REASON,
            event_date=now.date() - timedelta(days=40),
        ),
        now=now,
        auto=auto,
    )


@pytest.fixture
def world(db) -> World:
    plan = make_planning(db, first=PAST_MONDAY, doctor_days=range(5), nurse_days=(1, 3))
    planning.generate_slots(db, today_paris(), 28)  # and the coming weeks
    plan.doctor.centre_id = plan.nurse.centre_id = plan.centre.id
    member = make_member(db, legal_name=COMPANY, centre_id=plan.centre.id, doctor_id=plan.doctor.id)
    other = make_member(db, OTHER_SIRET)
    worker = make_employee(db, member, last_name=NAME)
    now = utcnow()
    booked = _confidential(db, member, worker, now)
    assert booked.status == "booked" and booked.confidential
    # a worker has one open request of a type: the waiting ones are of namesakes
    namesake = make_employee(db, member, last_name=NAME, first_name="Lou")
    queued = _confidential(db, member, namesake, now, auto=False)
    queued.queued_at = now
    past = _confidential(db, member, worker, PAST)
    assert past.status == "booked"
    outcomes.add_note(db, plan.doctor, past, NOTE, PAST)
    ordinary = visit_requests.request_visit(
        db,
        "test",
        member=other,
        employee=make_employee(db, other, last_name=OTHER_NAME),
        request=visit_requests.Request(visit_type="vip_periodique", requested_by="employer"),
        now=now,
        auto=False,
    )
    ordinary.queued_at = now
    # a cancelled one, whose cancellation reason the journal holds
    other_namesake = make_employee(db, member, last_name=NAME, first_name="Sam")
    cancelled = _confidential(db, member, other_namesake, now, auto=False)
    booking.cancel(db, ACTOR, cancelled, now, REASON)
    day = booked.slot.starts_at.astimezone(PARIS).date()
    db.commit()
    return World(
        plan.doctor.id,
        plan.doctor.email,
        plan.centre.id,
        member.id,
        worker.id,
        booked.id,
        week_text(day - timedelta(days=day.weekday())),
        queued.id,
        past.id,
        ordinary.id,
    )


def _login(client, db, role: Role, world: World, *, team: bool = True) -> None:
    """A new staff member of this role; health staff work in the member's centre when `team`."""
    email = f"{role}-{team}@test.fr"
    centre_id = world.centre_id if team and role in Role.health_roles() else None
    make_staff_user(db, role, email, centre_id=centre_id)
    db.commit()
    response = client.post("/staff/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302


def _page(client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


def _sees(page: str) -> dict[str, bool]:
    return {
        "type": any(word.lower() in page.lower() for word in TYPE_WORDS),
        "name": NAME in page,
        "company": COMPANY in page,
        "reason": REASON in page,
        "note": NOTE in page,
        "phone": "+33611229988" in page,
    }


NOTHING = {"type": False, "name": False, "company": False, "reason": False, "note": False}
NOTHING["phone"] = False
ORGANISER = {**NOTHING, "type": True, "name": True, "company": True}
TEAM = {**ORGANISER, "reason": True}
HEALTH_READ = {**TEAM, "note": True}

# url → {role: (status, what the page shows of the confidential visit)}; 403 pages show nothing
MATRIX = {
    "/staff/planning/agenda?staff={doctor}&week={week}": {
        Role.ADMIN: (200, NOTHING),
        Role.SECRETARY: (200, ORGANISER),
        Role.DOCTOR: (403, NOTHING),  # another doctor's agenda
        Role.NURSE: (403, NOTHING),
        Role.IPRP: (403, NOTHING),
        Role.PDP: (403, NOTHING),
    },
    "/staff/file-attente": {
        Role.ADMIN: (200, NOTHING),
        Role.SECRETARY: (200, ORGANISER),
        Role.DOCTOR: (200, TEAM),
        Role.NURSE: (200, TEAM),
        Role.IPRP: (403, NOTHING),
        Role.PDP: (403, NOTHING),
    },
    "/staff/file-attente/{queued}": {
        Role.ADMIN: (200, NOTHING),
        Role.SECRETARY: (200, ORGANISER),
        Role.DOCTOR: (200, TEAM),
        Role.NURSE: (200, TEAM),
        Role.IPRP: (403, NOTHING),
        Role.PDP: (403, NOTHING),
    },
    "/staff/visites": {
        Role.ADMIN: (403, NOTHING),
        Role.SECRETARY: (200, ORGANISER),
        Role.DOCTOR: (200, {**ORGANISER, "reason": False}),
        Role.NURSE: (200, {**ORGANISER, "reason": False}),
        Role.IPRP: (403, NOTHING),
        Role.PDP: (403, NOTHING),
    },
    "/staff/visites/{past}/issue": {
        Role.ADMIN: (403, NOTHING),
        Role.SECRETARY: (403, NOTHING),
        Role.DOCTOR: (200, HEALTH_READ),
        Role.NURSE: (200, HEALTH_READ),
        Role.IPRP: (403, NOTHING),
        Role.PDP: (403, NOTHING),
    },
    "/staff/salaries/{employee}/sante": {
        Role.ADMIN: (403, NOTHING),
        Role.SECRETARY: (403, NOTHING),
        Role.DOCTOR: (200, {**NOTHING, "name": True, "company": True}),
        Role.NURSE: (200, {**NOTHING, "name": True, "company": True}),
        Role.IPRP: (403, NOTHING),
        Role.PDP: (403, NOTHING),
    },
    "/staff/journal": {
        Role.ADMIN: (200, NOTHING),
        Role.SECRETARY: (403, NOTHING),
        Role.DOCTOR: (403, NOTHING),
        Role.NURSE: (403, NOTHING),
        Role.IPRP: (403, NOTHING),
        Role.PDP: (403, NOTHING),
    },
}


def _url(template: str, world: World) -> str:
    return template.format(
        doctor=world.doctor_id,
        week=world.week,
        queued=world.queued,
        past=world.past,
        employee=world.employee_id,
    )


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("url", list(MATRIX))
def test_what_each_role_sees_of_a_confidential_visit(client, db, world, role, url):
    _login(client, db, role, world)
    # the journal holds the reads and writes of the visits (created, booked, noted, read)
    for other_url in MATRIX:
        if "journal" not in other_url:
            client.get(_url(other_url, world))
    status, page = _page(client, _url(url, world))
    expected_status, expected = MATRIX[url][role]
    assert status == expected_status
    assert _sees(page) == expected


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SECRETARY])
def test_the_confidential_slot_shows_as_taken_and_ordinary_visits_stay_readable(
    client, db, world, role
):
    _login(client, db, role, world)
    agenda = _page(client, _url("/staff/planning/agenda?staff={doctor}&week={week}", world))[1]
    assert "Réservé" in agenda
    queue = _page(client, "/staff/file-attente")[1]
    assert OTHER_NAME in queue  # an ordinary visit: the organisers read it
    if role == Role.ADMIN:
        assert "Visite confidentielle" in agenda and "Visite confidentielle" in queue


def test_the_doctor_of_the_visit_reads_it_in_the_agenda(client, db, world):
    client.post("/staff/login", data={"email": world.doctor_email, "password": PASSWORD})
    page = _page(client, _url("/staff/planning/agenda?week={week}", world))[1]
    assert _sees(page)["type"] and _sees(page)["name"]


def test_the_admin_assigning_a_confidential_visit_learns_nothing(client, db, world):
    _login(client, db, Role.ADMIN, world)
    page = _page(client, f"/staff/file-attente/{world.queued}")[1]
    slot_id = slot_offers.compatible_slots(db, db.get(Visit, world.queued), now=utcnow())[0].id
    response = client.post(
        f"/staff/file-attente/{world.queued}/assigner",
        data={"slot_id": slot_id},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "placée" in page
    assert _sees(page) == NOTHING


# ------------------------------------------------------------------ the team in charge


@pytest.mark.parametrize("role", [Role.DOCTOR, Role.NURSE])
def test_health_staff_outside_the_team_read_nothing_medical(client, db, world, role):
    _login(client, db, role, world, team=False)
    for url in (f"/staff/visites/{world.past}/issue", f"/staff/salaries/{world.employee_id}/sante"):
        status, page = _page(client, url)
        assert status == 403, url
        assert NOTE not in page and REASON not in page
        assert "Accès hors de mon équipe" in page  # the way to ask, with a reason
    # an ordonnance de prévention is medical too
    assert client.get(f"/staff/visites/{world.past}/ordonnance.pdf").status_code in (403, 404)
    # nor can they write
    response = client.post(f"/staff/visites/{world.past}/issue", data={"kind": "attestation"})
    assert response.status_code == 403
    db.rollback()
    assert db.get(Visit, world.past).status == "booked"


def test_the_professional_seeing_the_worker_records_the_visit_outside_the_team(client, db, world):
    """A doctor replacing a colleague in another centre holds the visit's slot: they write its
    outcome and read its notes, without a grant; they still read nothing else of the member."""
    _login(client, db, Role.DOCTOR, world, team=False)
    replacing = db.scalar(select(StaffUser).where(StaffUser.email.ilike("doctor-false%")))
    past = db.get(Visit, world.past)
    past.slot.staff_id = replacing.id
    db.commit()
    status, page = _page(client, f"/staff/visites/{world.past}/issue")
    assert status == 200 and NOTE in page
    assert _page(client, f"/staff/salaries/{world.employee_id}/sante")[0] == 403


def test_the_doctor_of_the_member_is_in_charge_wherever_they_work(client, db, world):
    client.post("/staff/login", data={"email": world.doctor_email, "password": PASSWORD})
    doctor = db.get(StaffUser, world.doctor_id)
    doctor.centre_id = None
    db.commit()
    assert NOTE in _page(client, f"/staff/visites/{world.past}/issue")[1]


def test_access_outside_my_team_asks_a_reason_is_audited_and_expires(client, db, world):
    from assistant.models import HealthAccessGrant

    _login(client, db, Role.NURSE, world, team=False)
    url = f"/staff/adherents/{world.member_id}/acces-hors-equipe"
    target = f"/staff/visites/{world.past}/issue"
    page = _page(client, f"{url}?next={target}")[1]
    assert "Motif" in page
    refused = client.post(url, data={"reason": "  ", "next": target})
    assert refused.status_code == 400
    assert "Indiquez pourquoi" in refused.get_data(as_text=True)
    assert db.scalar(select(HealthAccessGrant)) is None
    response = client.post(url, data={"reason": "Remplacement du Dr Test", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == target
    status, page = _page(client, target)
    assert status == 200 and NOTE in page
    assert _page(client, f"/staff/salaries/{world.employee_id}/sante")[0] == 200
    db.rollback()
    entry = db.scalar(
        select(AuditEntry).where(
            AuditEntry.record_type == "health_access", AuditEntry.action == "grant"
        )
    )
    assert entry is not None and entry.record_id == str(world.member_id)
    assert "Remplacement du Dr Test" in entry.detail
    grant = db.scalar(select(HealthAccessGrant))
    assert grant.expires_at - grant.granted_at == timedelta(minutes=60)
    # an hour later (the grant is moved back in time: the app reads the real clock)
    grant.granted_at -= timedelta(minutes=61)
    grant.expires_at -= timedelta(minutes=61)
    db.commit()
    assert _page(client, target)[0] == 403


def test_access_outside_my_team_lasts_as_configured(tmp_path, database, db):
    from assistant.models import HealthAccessGrant

    app = make_app(tmp_path / "other", database, HEALTH_ACCESS_MINUTES=15)
    client = app.test_client()
    session = app.extensions["database"]["sessionmaker"]()
    member = make_member(session, "40483304800022")
    make_staff_user(session, Role.DOCTOR, "dr.x@test.fr", "Dr X")
    session.commit()
    client.post("/staff/login", data={"email": "dr.x@test.fr", "password": PASSWORD})
    response = client.post(
        f"/staff/adherents/{member.id}/acces-hors-equipe", data={"reason": "Urgence"}
    )
    assert response.status_code == 302
    session.rollback()
    grant = session.scalar(select(HealthAccessGrant))
    assert grant.expires_at - grant.granted_at == timedelta(minutes=15)
    session.close()
    from assistant.extensions import db as _db

    with app.app_context():
        _db.engine.dispose()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SECRETARY, Role.IPRP, Role.PDP])
def test_only_health_staff_may_ask_access_outside_their_team(client, db, world, role):
    _login(client, db, role, world)
    url = f"/staff/adherents/{world.member_id}/acces-hors-equipe"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"reason": "Curiosité"}).status_code == 403


def test_the_access_form_needs_a_csrf_token(tmp_path, database):
    app = make_app(tmp_path / "csrf", database, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    session = app.extensions["database"]["sessionmaker"]()
    member = make_member(session, "40483304800022")
    make_staff_user(session, Role.DOCTOR, "dr.y@test.fr", "Dr Y")
    session.commit()
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    client.post(
        "/staff/login", data={"email": "dr.y@test.fr", "password": PASSWORD, "csrf_token": token}
    )
    url = f"/staff/adherents/{member.id}/acces-hors-equipe"
    assert client.post(url, data={"reason": "Urgence"}).status_code == 400
    token = csrf_token(client.get(url).get_data(as_text=True))
    assert client.post(url, data={"reason": "Urgence", "csrf_token": token}).status_code == 302
    session.close()
    from assistant.extensions import db as _db

    with app.app_context():
        _db.engine.dispose()


def test_the_demo_nurse_closes_the_demo_visit_and_the_other_centre_reads_nothing(
    client, db, load_demo
):
    from assistant.services import demo
    from assistant.services.visits.outcomes import visits_to_record

    load_demo(db)
    db.commit()
    visit = visits_to_record(db, utcnow())[0]
    url = f"/staff/visites/{visit.id}/issue"
    for email, expected in (("dr.nguyen@demo.spsti.fr", 403), ("infirmier@demo.spsti.fr", 200)):
        client.post("/staff/login", data={"email": email, "password": demo.DEMO_PASSWORD})
        assert client.get(url).status_code == expected, email
        client.post("/staff/logout")
    client.post(
        "/staff/login", data={"email": "infirmier@demo.spsti.fr", "password": demo.DEMO_PASSWORD}
    )
    response = client.post(url, data={"kind": "attestation", "next_due": ""})
    assert response.status_code == 302
    db.rollback()
    assert db.get(Visit, visit.id).status == "done"
