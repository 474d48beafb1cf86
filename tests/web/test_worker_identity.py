"""Issue 11, attack 1 replayed: an employer types a mobile of its own as an employee's and signs in
to the employee space with it. A number an employer typed is a contact, never an identity: it
reaches nothing confidential, and the worker's proven mobile is told of the change."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from assistant.database import utcnow
from assistant.models import (
    AuditEntry,
    Employee,
    HealthSituation,
    Member,
    OutboxMessage,
    StaffUser,
    Visit,
    VisitOutcome,
    Worker,
)
from assistant.services.visits import slot_offers, visit_requests
from assistant.services.workforce import health
from tests.factories import MOBILE, PASSWORD, make_employee
from tests.web.helpers import book_for, last_code, login, member_login, read

EMPLOYER_MOBILE = "+33645454545"
EMPLOYER_TYPED = "06 45 45 45 45"
CONFIDENTIAL_WORDS = ("pré-reprise", "confidentiel :", "mon ordonnance", "harcèle")


@pytest.fixture
def victim(db, slots, employer):
    """An employee who proved their mobile, with a pré-reprise, a visit they asked for, a
    health situation, and a past visit with its ordonnance."""
    employee = make_employee(db, employer, phone=MOBILE, proven=True)
    db.commit()
    book_for(db, employee, "pre_reprise", event_date=date(2026, 9, 1))
    book_for(db, employee, "demande", reason="je suis épuisé, mon chef me harcèle")
    health.set_flags(
        db, "staff:1", employee, pregnant=True, invalidity_pension=False, disabled=False
    )
    done = book_for(db, employee, "mi_carriere")
    doctor = db.scalar(select(StaffUser).where(StaffUser.role == "doctor"))
    done.status = "done"
    db.add(VisitOutcome(visit_id=done.id, kind="attestation", recorded_by_id=doctor.id))
    db.commit()
    return employee


def retype_phone(client, employee: Employee, typed: str):
    page = read(client.get(f"/espace/effectifs/{employee.id}"))
    fields = {  # what the page holds, checkboxes aside (a posted checkbox is a ticked one)
        name: value
        for tag in re.findall(r"<input [^>]*>", page)
        if 'type="checkbox"' not in tag
        for name, value in re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', tag)
    }
    fields.update(
        last_name=employee.last_name,
        first_name=employee.first_name,
        birth_date=employee.birth_date.strftime("%d/%m/%Y"),
        job=employee.job,
        hire_date=employee.hire_date.strftime("%d/%m/%Y"),
        contract_type=employee.contract_type,
        phone=typed,
    )
    response = client.post(f"/espace/effectifs/{employee.id}", data=fields)
    assert response.status_code == 302, read(response)


def test_attack_1_the_employer_types_its_own_mobile_and_reads_nothing_confidential(
    app, client, db, victim
):
    employer = member_login(app.test_client())
    retype_phone(employer, victim, EMPLOYER_TYPED)
    db.rollback()
    db.expire_all()
    assert db.get(Employee, victim.id).phone == EMPLOYER_MOBILE
    # nothing moved: the identity stays the proven mobile, whose holder is alerted
    assert db.get(Worker, victim.worker_id).phone == MOBILE
    alert = db.scalar(
        select(OutboxMessage).where(
            OutboxMessage.recipient == MOBILE, OutboxMessage.body.contains("contact")
        )
    )
    assert alert is not None and "Boulangerie Dupont" in alert.body
    assert not db.scalar(select(OutboxMessage).where(OutboxMessage.recipient == EMPLOYER_MOBILE))

    # the employer signs in to the employee space with its own mobile and the SMS code
    login(client, db, typed=EMPLOYER_TYPED, phone=EMPLOYER_MOBILE)
    home = read(client.get("/salarie/")).lower()
    for word in ("pré-reprise", "harcèle", "à la demande", "mon ordonnance", "confidentiel :"):
        assert word not in home, word
    assert "pas encore confirmé" in home
    assert client.get("/salarie/sante").status_code == 403
    assert client.post("/salarie/sante", data={}).status_code == 403
    db.rollback()
    assert db.scalar(select(HealthSituation)).pregnant  # neither read nor erased
    for visit in db.scalars(select(Visit).where(Visit.employee_id == victim.id)):
        for url in (
            f"/salarie/visite/{visit.id}/creneau",
            f"/salarie/visite/{visit.id}/annuler",
            f"/salarie/visite/{visit.id}/ordonnance.pdf",
        ):
            assert client.get(url).status_code == 404, url
        assert client.post(f"/salarie/visite/{visit.id}/annuler").status_code == 404
    db.rollback()
    assert {v.status for v in db.scalars(select(Visit))} == {"booked", "done"}
    # what the employer's own request is, the holder of its number may see
    theirs = book_for(db, db.get(Employee, victim.id), "vip_periodique", requested_by="employer")
    assert theirs.status == "booked"
    assert "information et de prévention périodique" in read(client.get("/salarie/")).lower()


def test_two_employers_sharing_a_mobile_copy_nothing(app, client, db, victim, other):
    """A second employer declares the same mobile: its row gets no health flag, and the
    number reaches nothing confidential of either employment."""
    second = make_employee(db, other, phone=EMPLOYER_MOBILE)
    victim_row = db.get(Employee, victim.id)
    victim_row.phone = EMPLOYER_MOBILE  # the first employer typed it too
    db.commit()
    assert health.flags_for(db, [second.id]) == {}
    assert second.worker_id is None
    assert db.scalar(select(HealthSituation).where(HealthSituation.worker_id.is_(None))) is None
    login(client, db, typed=EMPLOYER_TYPED, phone=EMPLOYER_MOBILE)
    # the employee space sets nothing for the shared number
    assert client.post("/salarie/sante", data={"disabled": "y"}).status_code == 403
    home = read(client.get("/salarie/")).lower()
    assert "garage leroy" in home and "boulangerie dupont" in home
    for word in CONFIDENTIAL_WORDS:
        assert word not in home, word
    db.rollback()
    assert len(db.scalars(select(HealthSituation)).all()) == 1


def test_the_proven_mobile_reaches_everything(client, db, victim):
    login(client, db)
    home = read(client.get("/salarie/")).lower()
    assert "pré-reprise" in home and "ordonnance" in home
    assert client.get("/salarie/sante").status_code == 200


def test_a_request_from_an_unproven_number_goes_to_the_team_and_shows_nothing(
    app,
    client,
    db,
    slots,
    make_staff,
    employer,
):
    employee = make_employee(db, employer, phone=MOBILE)
    db.commit()
    login(client, db)
    response = client.post(
        f"/salarie/demande/{employee.id}",
        data={"visit_type": "pre_reprise", "stoppage_start": "01/09/2026"},
    )
    assert response.status_code == 302
    db.rollback()
    visit = db.scalar(select(Visit))
    assert visit.status == "requested" and visit.queued_at is not None and visit.confidential
    home = read(client.get(response.headers["Location"])).lower()
    assert "transmise à l'équipe" in home and "pré-reprise" not in home
    assert client.get(f"/salarie/visite/{visit.id}/creneau").status_code == 404
    # the secretary placing it is told to confirm the mobile before anything is sent
    staff = app.test_client()
    staff.post("/staff/login", data={"email": make_staff("secretary"), "password": PASSWORD})
    page = read(staff.get(f"/staff/file-attente/{visit.id}"))
    assert "non confirmé" in page and f"/staff/salaries/{employee.id}/mobile" in page


def test_signing_out_ends_the_session_server_side(app, client, db, victim):
    login(client, db)
    cookie = client.get_cookie("session").value
    assert client.post("/salarie/deconnexion").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    response = replay.get("/salarie/sante")
    assert response.status_code == 302 and "/salarie/connexion" in response.headers["Location"]


# --- the proof, by a professional at a visit ------------------------------------------------------


def test_a_professional_proves_the_mobile_with_a_code_the_worker_reads_back(
    app,
    client,
    db,
    staff_login,
    employer,
):
    employee = make_employee(db, employer, phone=EMPLOYER_MOBILE)
    db.commit()
    staff_login("nurse")
    url = f"/staff/salaries/{employee.id}/mobile"
    page = read(client.get(url))
    assert "À confirmer" not in page and EMPLOYER_MOBILE in page  # prefilled: the contact
    client.post(url, data={"phone": "07 81 23 45 67"})
    code = last_code(db, MOBILE)
    wrong = "000000" if code != "000000" else "111111"
    assert client.post(url, data={"code": wrong}).status_code == 400
    response = client.post(url, data={"code": code})
    assert response.status_code == 302
    db.rollback()
    worker = db.get(Employee, employee.id).worker
    assert worker.phone == MOBILE and worker.phone_proven_by.startswith("staff:")
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "proof"))
    # the number the employer typed still reaches only what the employer knows
    assert db.get(Employee, employee.id).phone == EMPLOYER_MOBILE


def test_the_same_mobile_proven_for_another_person_is_refused(
    app, client, db, staff_login, employer
):
    first = make_employee(db, employer, phone=MOBILE, proven=True)
    other = make_employee(db, employer, phone=EMPLOYER_MOBILE, last_name="Durand", first_name="Zoé")
    db.commit()
    staff_login("doctor")
    url = f"/staff/salaries/{other.id}/mobile"
    client.post(url, data={"phone": MOBILE})
    response = client.post(url, data={"code": last_code(db, MOBILE)})
    assert response.status_code == 400 and "autre personne" in read(response)
    db.rollback()
    assert db.get(Employee, other.id).worker_id is None
    assert db.get(Employee, first.id).worker.phone == MOBILE


def test_the_same_person_with_a_second_employer_becomes_one_worker(
    client, db, staff_login, employer, other
):
    first = make_employee(db, employer, phone=MOBILE, proven=True)
    second = make_employee(db, other)
    health.set_flags(db, "staff:1", second, pregnant=False, invalidity_pension=True, disabled=False)
    db.commit()
    staff_login("nurse")
    url = f"/staff/salaries/{second.id}/mobile"
    client.post(url, data={"phone": MOBILE})
    assert client.post(url, data={"code": last_code(db, MOBILE)}).status_code == 302
    db.rollback()
    one, two = db.get(Employee, first.id), db.get(Employee, second.id)
    assert one.worker_id == two.worker_id
    assert len(db.scalars(select(Worker)).all()) == 1
    (situation,) = db.scalars(select(HealthSituation)).all()
    assert situation.invalidity_pension


@pytest.mark.parametrize("role", ["admin", "iprp", "pdp"])
def test_only_the_team_at_the_visit_proves_a_mobile(client, db, staff_login, role, employer):
    employee = make_employee(db, employer, phone=MOBILE)
    db.commit()
    staff_login(role)
    assert client.get(f"/staff/salaries/{employee.id}/mobile").status_code == 403


def test_the_worker_moves_their_own_mobile(app, client, db, victim):
    login(client, db)
    client.post("/salarie/mobile", data={"phone": "06 55 44 33 22"})
    response = client.post("/salarie/mobile", data={"code": last_code(db, "+33655443322")})
    assert response.status_code == 302
    db.rollback()
    assert db.get(Worker, victim.worker_id).phone == "+33655443322"
    # the old number's session ended
    assert client.get("/salarie/").status_code == 302


# --- confidentiality towards the employer ---------------------------------------------------------


def test_the_employer_never_sees_the_reason_nor_changes_a_visit_the_employee_asked_for(
    app, db, victim
):
    employer = member_login(app.test_client())
    visit = db.scalar(select(Visit).where(Visit.visit_type == "demande"))
    page = read(employer.get(f"/espace/visites/{visit.id}"))
    assert "harcèle" not in page and "Motif" not in page
    assert "lui seul peut" in page
    assert f"/espace/visites/{visit.id}/annuler" not in page
    for url in (f"/espace/visites/{visit.id}/annuler", f"/espace/visites/{visit.id}/deplacer"):
        response = employer.post(url, data={"slot": "1"})
        assert response.status_code == 302, url
    db.rollback()
    assert db.get(Visit, visit.id).status == "booked"
    # the confidential one stays not found
    hidden = db.scalar(select(Visit).where(Visit.visit_type == "pre_reprise"))
    assert employer.get(f"/espace/visites/{hidden.id}").status_code == 404


def test_a_health_situation_never_offers_the_employer_doctor_only_slots(app, db, slots, employer):
    """A disabled worker's first visit needs the doctor: the employer's request goes to the team
    (as when no slot fits) instead of listing doctor-only slots that would tell why."""
    employee = make_employee(db, employer, phone=MOBILE, proven=True)
    employee.hire_date = date.today()
    health.set_flags(
        db, "staff:1", employee, pregnant=False, invalidity_pension=False, disabled=True
    )
    db.commit()
    visit = visit_requests.request_visit(
        db,
        "member:1",
        member=db.get(Member, employer.id),
        employee=employee,
        request=visit_requests.Request(visit_type="vip_initiale", requested_by="employer"),
        now=utcnow(),
        auto=False,
    )
    db.commit()
    assert slot_offers.organised_by_the_service(db, visit, visit.created_at)
    space = member_login(app.test_client())
    response = space.get(f"/espace/visites/{visit.id}/creneaux")
    assert response.status_code == 302
    db.rollback()
    assert db.get(Visit, visit.id).queued_at is not None
    page = read(space.get(response.headers["Location"])).lower()
    for word in ("handicap", "médecin du travail uniquement"):
        assert word not in page


# --- who reaches what in the employee space: the matrix ---------------------------------------

STRANGER = "+33677777777"
# (url, anonymous, staff, employer, contact holder, other worker, the worker)
SPACE = [
    ("/salarie/", 302, 302, 302, 200, 200, 200),
    ("/salarie/sante", 302, 302, 302, 403, 200, 200),
    ("/salarie/mobile", 302, 302, 302, 403, 200, 200),
    ("/salarie/demande/{employee}", 302, 302, 302, 200, 404, 200),
    ("/salarie/visite/{pre_reprise}/creneau", 302, 302, 302, 404, 404, 200),
    ("/salarie/visite/{demande}/annuler", 302, 302, 302, 404, 404, 200),
    ("/salarie/visite/{done}/ordonnance.pdf", 302, 302, 302, 404, 404, 200),
    ("/salarie/visite/{employers}/creneau", 302, 302, 302, 200, 404, 200),
]
WHO = ["anonymous", "staff", "employer", "contact", "other", "worker"]


@pytest.mark.parametrize("who", WHO)
def test_the_employee_space_matrix(app, db, victim, make_staff, who, other):
    employee = db.get(Employee, victim.id)
    employers = book_for(db, employee, "vip_periodique", requested_by="employer")
    ids = {v.visit_type: v.id for v in db.scalars(select(Visit))}
    names = {
        "employee": employee.id,
        "pre_reprise": ids["pre_reprise"],
        "demande": ids["demande"],
        "done": ids["mi_carriere"],
        "employers": employers.id,
    }
    make_employee(db, other, phone=STRANGER, last_name="Durand", first_name="Zoé", proven=True)
    employee.phone = EMPLOYER_MOBILE  # the employer typed its own number meanwhile
    db.commit()
    client = app.test_client()
    if who == "staff":
        email = make_staff("doctor")
        client.post("/staff/login", data={"email": email, "password": PASSWORD})
    elif who == "employer":
        client = member_login(app.test_client())
    elif who in ("contact", "other", "worker"):
        phone = {"contact": EMPLOYER_MOBILE, "other": STRANGER, "worker": MOBILE}[who]
        client.post("/salarie/connexion", data={"phone": phone})
        client.post("/salarie/connexion/code", data={"code": last_code(db, phone)})
    column = WHO.index(who) + 1
    for row in SPACE:
        url = row[0].format(**names)
        assert client.get(url).status_code == row[column], (who, url)
