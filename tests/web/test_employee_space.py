"""The employee's space (/salarie): login by mobile + one-time code, several employers, visits
booked, moved and cancelled, a confidential pré-reprise, the health self-declaration (it changes
the due dates, the employer never sees it), ownership of every id, CSRF."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.models import (
    AuditEntry,
    Centre,
    Employee,
    HealthSituation,
    Member,
    OneTimeCode,
    OutboxMessage,
    StaffUser,
    Visit,
)
from assistant.services.visits import due, slot_offers, visit_lookup, visit_requests
from assistant.services.workforce import health
from tests.conftest import csrf_token, make_app
from tests.factories import MOBILE, make_employee, make_member, make_slot
from tests.web.helpers import TYPED, book_for, last_code, login, member_login, read

OTHER_MOBILE = "+33612121212"
HEALTH_WORDS = ("enceinte", "invalidité", "handicap", "allait", "accouch", "rqth")


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def proven_employee(db, employer):
    """Alex Durand, of the `employer`, who proved MOBILE: the one signing in to the space."""
    row = make_employee(db, employer, phone=MOBILE, proven=True)
    db.commit()
    return row


@pytest.fixture
def stranger(db, other):
    """Another person (another phone), employed by another employer (`other`)."""
    row = make_employee(
        db, other, phone=OTHER_MOBILE, last_name="Lambert", first_name="Zoé", proven=True
    )
    db.commit()
    return row


def latest_visit(db) -> Visit | None:
    db.rollback()
    return db.scalar(select(Visit).order_by(Visit.id.desc()).limit(1))


def fresh(db, model, key):
    db.rollback()
    db.expire_all()
    return db.get(model, key)


# --- signing in -------------------------------------------------------------------------------


def test_the_space_needs_a_login(client):
    response = client.get("/salarie/")
    assert response.status_code == 302 and "/salarie/connexion" in response.headers["Location"]


def test_login_with_a_code_shows_every_employer(client, db, slots, employer, other):
    make_employee(db, employer, phone=MOBILE, proven=True)
    make_employee(db, other, phone=MOBILE, proven=True)
    db.commit()
    page = read(login(client, db).get("/salarie/"))
    assert "Boulangerie Dupont" in page and "Garage Leroy" in page
    db.rollback()
    logins = db.scalars(select(AuditEntry).where(AuditEntry.action == "login")).all()
    assert {entry.actor for entry in logins} == {f"employee:{MOBILE}"} and len(logins) == 2


def test_unknown_phone_gets_the_same_answer_and_no_sms(client, db, proven_employee):
    response = client.post("/salarie/connexion", data={"phone": "06 00 00 00 01"})
    assert response.headers["Location"].endswith("/salarie/connexion/code")
    assert db.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "+33600000001")) is None
    page = read(client.get("/salarie/connexion/code"))
    assert "06 00 00 00 01" in page or "+33600000001" in page
    bad = client.post("/salarie/connexion/code", data={"code": "123456"})
    assert "pas valable" in read(bad)
    assert client.get("/salarie/").status_code == 302


def test_a_member_code_does_not_open_the_employee_space(client, db, proven_employee):
    """Codes are per purpose: the member login's code is not an employee login."""
    from assistant.services.membership import otp

    code = otp.issue(db, MOBILE, "login", utcnow())
    db.commit()
    client.post("/salarie/connexion", data={"phone": TYPED})
    response = client.post("/salarie/connexion/code", data={"code": code})
    assert response.status_code == 200 and client.get("/salarie/").status_code == 302


def test_a_left_employee_cannot_log_in(client, db, proven_employee):
    proven_employee.left_on = today_paris() - timedelta(days=1)
    db.commit()
    client.post("/salarie/connexion", data={"phone": TYPED})
    assert db.scalar(select(OutboxMessage)) is None


def test_a_bad_number_is_explained(client, proven_employee):
    response = client.post("/salarie/connexion", data={"phone": "12"})
    assert "Numéro non reconnu" in read(response)


def test_wrong_code_then_right_code(client, db, proven_employee):
    client.post("/salarie/connexion", data={"phone": TYPED})
    code = last_code(db)
    wrong = f"{(int(code[0]) + 1) % 10}{code[1:]}"
    response = client.post("/salarie/connexion/code", data={"code": wrong})
    assert "pas valable" in read(response)
    assert client.get("/salarie/").status_code == 302
    assert client.post("/salarie/connexion/code", data={"code": code}).status_code == 302
    assert client.get("/salarie/").status_code == 200


def test_an_expired_code_is_refused(client, db, proven_employee):
    client.post("/salarie/connexion", data={"phone": TYPED})
    code = last_code(db)
    row = db.scalar(select(OneTimeCode).where(OneTimeCode.phone == MOBILE))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    response = client.post("/salarie/connexion/code", data={"code": code})
    assert "pas valable" in read(response)
    assert client.get("/salarie/").status_code == 302


def test_too_many_codes(client, db, proven_employee):
    for _ in range(3):
        client.post("/salarie/connexion", data={"phone": TYPED})
    response = client.post("/salarie/connexion", data={"phone": TYPED}, follow_redirects=True)
    assert "Trop de codes" in read(response)
    assert len(db.scalars(select(OutboxMessage)).all()) == 3


def test_five_wrong_codes_exhaust_the_code(client, db, proven_employee):
    client.post("/salarie/connexion", data={"phone": TYPED})
    code = last_code(db)
    wrong = f"{(int(code[0]) + 1) % 10}{code[1:]}"
    for _ in range(5):
        client.post("/salarie/connexion/code", data={"code": wrong})
    response = client.post("/salarie/connexion/code", data={"code": code})
    assert "Trop d'essais" in read(response)
    assert client.get("/salarie/").status_code == 302


def test_logout(client, db, proven_employee):
    login(client, db)
    assert client.post("/salarie/deconnexion").status_code == 302
    assert client.get("/salarie/").status_code == 302


# --- visits -----------------------------------------------------------------------------------


def test_request_a_visit_then_pick_a_slot(client, db, slots, proven_employee):
    login(client, db)
    page = read(client.get(f"/salarie/demande/{proven_employee.id}"))
    assert "Visite à la demande" in page and "Visite de pré-reprise" in page
    assert "Visite d'information et de prévention initiale" not in page  # employer's to ask
    response = client.post(f"/salarie/demande/{proven_employee.id}", data={"visit_type": "demande"})
    assert response.status_code == 302 and "/creneau" in response.headers["Location"]
    visit = latest_visit(db)
    assert visit.status == "requested" and visit.requested_by == "employee"
    page = read(client.get(response.headers["Location"]))
    offered = [int(n) for n in re.findall(r'name="slot" id="slot-\d+" value="(\d+)"', page)]
    assert len(offered) == 12
    response = client.post(f"/salarie/visite/{visit.id}/creneau", data={"slot": offered[2]})
    assert response.status_code == 302
    visit = fresh(db, Visit, visit.id)
    assert visit.status == "booked" and visit.slot_id == offered[2]
    home = read(client.get("/salarie/"))
    assert "Déplacer" in home and "Centre de Paris 11" in home


def test_a_slot_taken_meanwhile_on_the_web(client, db, slots, proven_employee, stranger):
    login(client, db)
    client.post(f"/salarie/demande/{proven_employee.id}", data={"visit_type": "demande"})
    visit = latest_visit(db)
    page = read(client.get(f"/salarie/visite/{visit.id}/creneau"))
    first = int(re.search(r'name="slot" id="slot-\d+" value="(\d+)"', page).group(1))
    rival = book_for(db, stranger)
    assert rival.slot_id == first  # the stranger took the first free slot
    response = client.post(f"/salarie/visite/{visit.id}/creneau", data={"slot": first})
    page = read(response)
    assert response.status_code == 409 and "vient d'être pris" in page
    assert f'value="{first}"' not in page and 'name="slot"' in page
    assert fresh(db, Visit, visit.id).status == "requested"


def test_move_and_cancel(client, db, slots, proven_employee):
    visit = book_for(db, proven_employee)
    current = visit.slot_id
    login(client, db)
    page = read(client.get(f"/salarie/visite/{visit.id}/creneau"))
    assert "Déplacer le rendez-vous" in page and f'value="{current}"' not in page
    other = int(re.search(r'name="slot" id="slot-\d+" value="(\d+)"', page).group(1))
    assert (
        client.post(f"/salarie/visite/{visit.id}/creneau", data={"slot": other}).status_code == 302
    )
    moved = fresh(db, Visit, visit.id)
    assert moved.slot_id == other and moved.history[-1]["what"] == "moved"
    assert "Oui, annuler" in read(client.get(f"/salarie/visite/{visit.id}/annuler"))
    assert client.post(f"/salarie/visite/{visit.id}/annuler").status_code == 302
    cancelled = fresh(db, Visit, visit.id)
    assert cancelled.status == "cancelled" and cancelled.cancelled_by == f"employee:{MOBILE}"


def test_the_pick_is_one_of_the_slots_the_page_listed(client, db, slots, proven_employee):
    login(client, db)
    client.post(f"/salarie/demande/{proven_employee.id}", data={"visit_type": "demande"})
    visit = latest_visit(db)
    page = read(client.get(f"/salarie/visite/{visit.id}/creneau"))
    listed = re.search(r'name="listed" value="([\d ]*)"', page).group(1).split()
    assert len(listed) == 12
    later = slot_offers.compatible_slots(db, visit, now=utcnow(), limit=20)[-1]
    assert str(later.id) not in listed
    data = {"slot": later.id, "listed": " ".join(listed)}
    response = client.post(f"/salarie/visite/{visit.id}/creneau", data=data)
    assert response.status_code == 400 and "Choisissez un créneau dans la liste." in read(response)
    assert fresh(db, Visit, visit.id).status == "requested"


def test_a_visit_already_begun_is_not_cancelled(client, db, slots, proven_employee):
    visit = book_for(db, proven_employee)
    visit.slot.starts_at = utcnow() - timedelta(minutes=67)  # the visit is under way
    db.commit()
    login(client, db)
    assert client.post(f"/salarie/visite/{visit.id}/annuler").status_code == 302
    assert "ne peut plus être annulée" in read(client.get("/salarie/"))
    assert fresh(db, Visit, visit.id).status == "booked"


def test_no_slot_sends_the_request_to_the_team(client, db, proven_employee):
    login(client, db)
    response = client.post(
        f"/salarie/demande/{proven_employee.id}",
        data={"visit_type": "demande"},
        follow_redirects=True,
    )
    assert "transmise à l'équipe" in read(response)
    visit = latest_visit(db)
    assert visit.queued_at is not None and visit in visit_requests.queue(db)


def test_let_the_team_choose(client, db, slots, proven_employee):
    login(client, db)
    client.post(f"/salarie/demande/{proven_employee.id}", data={"visit_type": "demande"})
    visit = latest_visit(db)
    assert client.post(f"/salarie/visite/{visit.id}/equipe").status_code == 302
    assert fresh(db, Visit, visit.id).status == "booked"  # a slot fitted: booked at once


def test_a_reprise_needs_its_dates(client, db, slots, proven_employee):
    login(client, db)
    response = client.post(f"/salarie/demande/{proven_employee.id}", data={"visit_type": "reprise"})
    page = read(response)
    assert response.status_code == 400 and "Indiquez la date de reprise du travail." in page
    back = (today_paris() + timedelta(days=3)).strftime("%d/%m/%Y")
    data = {"visit_type": "reprise", "return_date": back, "absence_cause": "illness"}
    response = client.post(
        f"/salarie/demande/{proven_employee.id}", data={**data, "absence_days": "10"}
    )
    assert response.status_code == 400 and "60 jours" in read(response)
    response = client.post(
        f"/salarie/demande/{proven_employee.id}", data={**data, "absence_days": "90"}
    )
    assert response.status_code == 302
    visit = latest_visit(db)
    assert visit.visit_type == "reprise" and visit.due_by is not None


def test_the_pre_reprise_is_confidential(client, db, slots, proven_employee):
    login(client, db)
    page = read(client.get(f"/salarie/demande/{proven_employee.id}"))
    assert "votre employeur ne sera pas informé" in page
    started = (today_paris() - timedelta(days=40)).strftime("%d/%m/%Y")
    response = client.post(
        f"/salarie/demande/{proven_employee.id}",
        data={
            "visit_type": "pre_reprise",
            "stoppage_start": started,
            "reason": "Préparer mon retour",
        },
    )
    assert response.status_code == 302
    visit = latest_visit(db)
    page = read(client.get(response.headers["Location"]))
    slot = int(re.search(r'name="slot" id="slot-\d+" value="(\d+)"', page).group(1))
    client.post(f"/salarie/visite/{visit.id}/creneau", data={"slot": slot})
    visit = fresh(db, Visit, visit.id)
    assert visit.confidential and visit.status == "booked" and visit.requested_by == "employee"
    assert visit not in visit_lookup.employer_visits(db, proven_employee.member_id)
    assert visit_lookup.employer_visit(db, proven_employee.member_id, visit.id) is None
    assert "Confidentiel" in read(client.get("/salarie/"))
    # and nothing of it in the employer's pages
    employer = make_app_client_logged_as_employer(client)
    for url in ("/espace/effectifs", "/espace/visites"):
        response = employer.get(url)
        if response.status_code == 404:  # a page of another part of the work, not there yet
            continue
        text = read(response).lower()
        assert response.status_code == 200 and "pré-reprise" not in text, url
        assert "préparer mon retour" not in text


def make_app_client_logged_as_employer(client):
    client.post("/salarie/deconnexion")
    return member_login(client)


# --- ownership --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/salarie/visite/{visit}/creneau"),
        ("post", "/salarie/visite/{visit}/creneau"),
        ("get", "/salarie/visite/{visit}/annuler"),
        ("post", "/salarie/visite/{visit}/annuler"),
        ("post", "/salarie/visite/{visit}/equipe"),
        ("get", "/salarie/demande/{employee}"),
        ("post", "/salarie/demande/{employee}"),
        ("get", "/salarie/visite/999999/creneau"),
        ("get", "/salarie/demande/999999"),
    ],
)
def test_another_persons_ids_are_404(client, db, slots, proven_employee, stranger, method, url):
    theirs = book_for(db, stranger)
    login(client, db)
    target = url.format(visit=theirs.id, employee=stranger.id)
    response = getattr(client, method)(
        target, data={"slot": theirs.slot_id, "visit_type": "demande"}
    )
    assert response.status_code == 404
    after = fresh(db, Visit, theirs.id)
    assert after.status == "booked" and after.slot_id == theirs.slot_id
    assert len(db.scalars(select(Visit)).all()) == 1
    assert "Lambert" not in read(client.get("/salarie/"))


def test_the_employer_visit_of_the_employee_is_shown_to_them(client, db, slots, proven_employee):
    visit = book_for(db, proven_employee, visit_type="vip_periodique", requested_by="employer")
    login(client, db)
    page = read(client.get("/salarie/"))
    assert "Visite d'information et de prévention périodique" in page
    assert f"/salarie/visite/{visit.id}/annuler" in page


# --- health situation -------------------------------------------------------------------------


def _done_visit(db, employee: Employee, centre: Centre, months_ago: int) -> Visit:
    """A visit done long ago (its slot in the past), to base the periodic visit on."""
    doctor = db.scalar(select(StaffUser).where(StaffUser.role == "doctor"))
    starts = utcnow().replace(microsecond=0) - timedelta(days=months_ago * 30.5)
    slot = make_slot(db, doctor, centre, starts)
    visit = Visit(
        member_id=employee.member_id,
        employee_id=employee.id,
        visit_type="vip_initiale",
        status="done",
        requested_by="employer",
        actor="test",
        slot_id=slot.id,
        history=[],
    )
    db.add(visit)
    db.commit()
    return visit


def _due_by(db, employee: Employee, with_health: bool = True):
    db.rollback()
    db.expire_all()
    member = db.get(Member, employee.member_id)
    items = [
        i
        for i in due.visits_to_plan(db, member, today_paris(), with_health=with_health)
        if i.employee.id == employee.id
    ]
    periodic = [i for i in items if i.visit_type == "vip_periodique"]
    assert periodic, items
    return periodic[0].window.due_by


def test_health_declaration_changes_the_due_date_and_the_employer_sees_no_flag(
    client, db, slots, proven_employee
):
    _done_visit(db, proven_employee, slots.centre, months_ago=40)
    before = _due_by(db, proven_employee)
    assert before > today_paris()  # 5 years after the last visit: not due yet

    employer = make_app_client_logged_as_employer(client)
    employer_before = read(employer.get("/espace/effectifs"))
    assert "Durand" in employer_before
    employer.post("/espace/deconnexion")

    login(client, db)
    page = read(client.get("/salarie/sante"))
    assert "jamais montré à votre employeur" in page
    response = client.post("/salarie/sante", data={"pregnant": "y"})
    assert response.status_code == 302
    db.rollback()
    situation = db.scalar(
        select(HealthSituation).where(HealthSituation.worker_id == proven_employee.worker_id)
    )
    assert situation.pregnant and not situation.disabled
    assert situation.updated_by == f"employee:{MOBILE}"
    audited = db.scalars(
        select(AuditEntry).where(AuditEntry.record_type == "health_situation")
    ).all()
    assert {(a.action, a.actor) for a in audited} >= {
        ("read", f"employee:{MOBILE}"),
        ("update", f"employee:{MOBILE}"),
    }

    after = _due_by(db, proven_employee)
    assert after < before and after < today_paris()  # 3 years at most: overdue now
    home = read(client.get("/salarie/"))
    assert "en retard" in home
    # the employer's list comes from its own declaration: the date it sees does not move
    assert _due_by(db, proven_employee, with_health=False) == before

    employer = make_app_client_logged_as_employer(client)
    for url in ("/espace/effectifs", f"/espace/effectifs/{proven_employee.id}", "/espace/visites"):
        response = employer.get(url)
        if response.status_code == 404:
            continue
        text = read(response).lower()
        assert response.status_code == 200, url
        assert "durand" in text, url
        for word in HEALTH_WORDS:
            assert word not in text, (url, word)


def test_health_form_shows_and_clears_the_declaration(client, db, proven_employee):
    login(client, db)
    client.post("/salarie/sante", data={"disabled": "y", "invalidity_pension": "y"})
    page = read(client.get("/salarie/sante"))
    assert len(re.findall(r"checked", page)) == 2
    client.post("/salarie/sante", data={})
    db.rollback()
    situation = db.scalar(select(HealthSituation))
    assert not (situation.disabled or situation.invalidity_pension or situation.pregnant)


def test_health_declaration_applies_with_every_employer(client, db, employer, other):
    one = make_employee(db, employer, phone=MOBILE, proven=True)
    two = make_employee(db, other, phone=MOBILE, proven=True)
    db.commit()
    login(client, db)
    client.post("/salarie/sante", data={"invalidity_pension": "y"})
    db.rollback()
    # recorded once, on the person: no employer's row holds it, both employments follow it
    rows = db.scalars(select(HealthSituation)).all()
    assert len(rows) == 1 and rows[0].invalidity_pension
    assert rows[0].worker_id == one.worker_id == two.worker_id
    flags = health.flags_for(db, [one.id, two.id])
    assert flags[one.id].invalidity_pension and flags[two.id].invalidity_pension


# --- CSRF -------------------------------------------------------------------------------------


def test_every_form_needs_its_csrf_token(tmp_path, database):
    app = make_app(tmp_path, database, WTF_CSRF_ENABLED=True)
    session = app.extensions["database"]["sessionmaker"]()
    try:
        employer = make_member(session, status="active", legal_name="Boulangerie Dupont")
        employee = make_employee(session, employer, phone=MOBILE, proven=True)
        session.commit()
        client = app.test_client()
        assert client.post("/salarie/connexion", data={"phone": TYPED}).status_code == 400
        token = csrf_token(read(client.get("/salarie/connexion")))
        client.post("/salarie/connexion", data={"phone": TYPED, "csrf_token": token})
        code = last_code(session)
        assert client.post("/salarie/connexion/code", data={"code": code}).status_code == 400
        token = csrf_token(read(client.get("/salarie/connexion/code")))
        response = client.post("/salarie/connexion/code", data={"code": code, "csrf_token": token})
        assert response.status_code == 302
        for url, data in (
            ("/salarie/sante", {"pregnant": "y"}),
            (f"/salarie/demande/{employee.id}", {"visit_type": "demande"}),
            ("/salarie/deconnexion", {}),
        ):
            assert client.post(url, data=data).status_code == 400, url
        session.rollback()
        assert session.scalar(select(HealthSituation)) is None
        assert session.scalar(select(Visit)) is None
        token = csrf_token(read(client.get("/salarie/sante")))
        response = client.post("/salarie/sante", data={"pregnant": "y", "csrf_token": token})
        assert response.status_code == 302
    finally:
        session.close()
        app.extensions["database"]["engine"].dispose()


def test_the_employee_downloads_their_own_ordonnance_only(
    client, db, slots, proven_employee, stranger
):
    from assistant.models import VisitOutcome

    centre = db.scalar(select(Centre))
    mine, theirs = _done_visit(db, proven_employee, centre, 2), _done_visit(db, stranger, centre, 3)
    doctor = db.scalar(select(StaffUser).where(StaffUser.role == "doctor"))
    for visit in (mine, theirs):
        db.add(
            VisitOutcome(
                visit_id=visit.id,
                kind="attestation",
                recorded_by_id=doctor.id,
                main_risks=["manual_handling"],
                advice="Alterner les tâches de port de charges.",
            )
        )
    db.commit()
    login(client, db)
    home = read(client.get("/salarie/"))
    assert f"/salarie/visite/{mine.id}/ordonnance.pdf" in home
    response = client.get(f"/salarie/visite/{mine.id}/ordonnance.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert client.get(f"/salarie/visite/{theirs.id}/ordonnance.pdf").status_code == 404


def test_a_cancelled_visit_is_listed_apart_in_the_employee_space(
    client, db, slots, proven_employee
):
    """Issue 15: a cancelled visit is not a past visit; its own short section says when and who."""
    visit = book_for(db, proven_employee)
    login(client, db)
    assert client.post(f"/salarie/visite/{visit.id}/annuler").status_code == 302
    page = read(client.get("/salarie/"))
    past, cancelled = page.split("Mes visites passées", 1)[1].split("Visites annulées", 1)
    assert "Aucune visite passée" in past
    assert "Annulée le" in cancelled and "par vous" in cancelled
