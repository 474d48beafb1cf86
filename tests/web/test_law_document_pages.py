"""The pages of the documents by visit type (issue 14): the worker downloads their own document
from their space (R4624-14, R4624-25), a document for the worker alone never reaches the
employer's pages or e-mails (ACI, pré-reprise, état des expositions), the health staff keep a
copy, the nurse writes no proposal (L4624-3), the doctor dates the steps of R4624-42 on the
visit page before an inaptitude."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from assistant.core.timeutil import PARIS
from assistant.models import AuditEntry, OutboxMessage, Visit
from assistant.services.visits import outcomes, visit_requests
from tests.conftest import csrf_token, make_app
from tests.factories import (
    CONTACT_MOBILE,
    MOBILE,
    PASSWORD,
    make_employee,
    make_member,
    make_planning,
)
from tests.web.helpers import login, member_login, read

FIRST = date(2024, 3, 4)  # a Monday in the past
BOOKED = datetime(2024, 3, 1, 10, tzinfo=PARIS)
AFTER = datetime(2024, 3, 20, 10, tzinfo=PARIS)
TO_DO = "<strong>à faire</strong>"
WORKER_ONLY_LABELS = (
    "Attestation d'absence de contre-indication",
    "Contre-indication médicale",
    "État des expositions",
    "Recommandations (visite de pré-reprise)",
)


@dataclass
class World:
    doctor_email: str
    nurse_email: str
    vip: int  # attestation, the proven worker's
    aci: int  # attestation d'absence de contre-indication, the proven worker's
    refused: int  # contraindication, the proven worker's
    pre_reprise: int  # recommendations, asked by the staff (not confidential)
    exposures: int  # état des expositions, the proven worker's
    contact: int  # attestation of a worker whose mobile the employer only typed
    sir: int  # an SIR exam past, its outcome to record
    nurse_vip: int  # a VIP past, its outcome to record
    independent: int  # an independent's own post-exposure visit, done
    sent_by_outcomes: int  # messages queued while recording the outcomes


def _ask(db, member, employee, code="vip_periodique", by="employer", **values) -> Visit:
    request = visit_requests.Request(visit_type=code, requested_by=by, **values)
    visit = visit_requests.request_visit(
        db, "test", member=member, employee=employee, request=request, now=BOOKED
    )
    assert visit.status == "booked", code
    return visit


@pytest.fixture
def world(db, employer) -> World:
    plan = make_planning(db, first=FIRST, doctor_days=range(5), nurse_days=(1, 3))
    plan.nurse.centre_id = plan.centre.id
    independent = make_member(
        db,
        "40483304800022",
        "independent",
        birth_date=date(1970, 6, 1),
        account="moi@independant.example",
    )
    for member in (employer, independent):
        member.doctor_id, member.centre_id = plan.doctor.id, plan.centre.id
    worker = make_employee(db, employer, phone=MOBILE, proven=True, exposures=["asbestos"])
    worker.exposure_ended_on = date(2024, 1, 31)
    vip = _ask(db, employer, worker)
    aci = _ask(db, employer, worker, code="aci", reason="CACES R489")
    pre = _ask(db, employer, worker, code="pre_reprise", by="staff", event_date=date(2024, 1, 2))
    assert (
        pre.confidential
    )  # asked through the staff: confidential like the worker's own (R4624-29)
    post = _ask(db, employer, worker, code="post_exposition")
    contact = _ask(db, employer, make_employee(db, employer, phone=CONTACT_MOBILE, last_name="C"))
    sir = _ask(
        db,
        employer,
        make_employee(db, employer, last_name="S", exposures=["lead"]),
        code="sir_periodique",
    )
    nurse_vip = _ask(db, employer, make_employee(db, employer, last_name="N"))
    mine = _ask(db, independent, None, code="post_exposition", by="independent")
    db.commit()
    sent = 0

    def close(visit, kind):
        nonlocal sent
        before = db.scalar(select(func.count(OutboxMessage.id)))
        outcomes.record(db, plan.doctor, visit, kind=kind, now=AFTER)
        db.commit()
        sent += db.scalar(select(func.count(OutboxMessage.id))) - before

    for visit, kind in (
        (vip, "attestation"),
        (aci, "no_contraindication"),
        (pre, "recommendations"),
        (post, "exposures"),
        (contact, "attestation"),
        (mine, "exposures"),
    ):
        close(visit, kind)
    second = _ask(db, employer, worker, code="aci")  # the first is done: asked again
    close(second, "contraindication")
    return World(
        plan.doctor.email,
        plan.nurse.email,
        vip.id,
        aci.id,
        second.id,
        pre.id,
        post.id,
        contact.id,
        sir.id,
        nurse_vip.id,
        mine.id,
        sent,
    )


def _staff(client, email):
    response = client.post("/staff/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302


# ------------------------------------------------------------------ the worker's space


def test_R4624_14_R4624_25_the_worker_downloads_their_document_from_their_space(client, db, world):
    login(client, db)
    home = read(client.get("/salarie/"))
    for visit_id in (world.vip, world.aci, world.refused, world.pre_reprise, world.exposures):
        url = f"/salarie/visite/{visit_id}/document.pdf"
        assert url in home, visit_id
        response = client.get(url)
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), visit_id
        assert "attachment" in response.headers["Content-Disposition"]
    assert "Attestation d'absence de contre-indication médicale (PDF)" in home
    assert "Attestation de suivi individuel de l'état de santé (PDF)" in home
    db.rollback()
    reads = db.scalars(
        select(AuditEntry).where(
            AuditEntry.record_type == "visit_outcome", AuditEntry.record_id == str(world.aci)
        )
    ).all()
    assert [r.actor for r in reads if r.action == "read"] == [f"employee:{MOBILE}"]
    # another person's visit, and an independent's, are not theirs
    for visit_id in (world.contact, world.independent):
        assert client.get(f"/salarie/visite/{visit_id}/document.pdf").status_code == 404


def test_R4624_14_no_document_through_a_number_the_employer_typed(client, db, world):
    login(client, db, typed="06 11 22 33 44", phone=CONTACT_MOBILE)
    home = read(client.get("/salarie/"))
    assert f"/salarie/visite/{world.contact}/document.pdf" not in home
    assert client.get(f"/salarie/visite/{world.contact}/document.pdf").status_code == 404


# ------------------------------------------------------------------ the employer's space


def test_decret_2025_355_the_aci_and_the_worker_only_documents_never_reach_the_employer(
    client, db, world
):
    member_login(client)
    pages = [read(client.get("/espace/visites")), read(client.get("/espace/"))]
    for visit_id in (world.aci, world.refused, world.pre_reprise, world.exposures):
        pages.append(read(client.get(f"/espace/visites/{visit_id}")))
        assert client.get(f"/espace/visites/{visit_id}/document.pdf").status_code == 404
    for page in pages:
        for label in WORKER_ONLY_LABELS:
            assert label not in page, label
        for visit_id in (world.aci, world.refused, world.pre_reprise, world.exposures):
            assert f"/espace/visites/{visit_id}/document.pdf" not in page
    assert "Document remis au salarié" in pages[0]
    # the employer's own documents are still there
    assert client.get(f"/espace/visites/{world.vip}/document.pdf").status_code == 200
    # recording the outcomes sent no e-mail nor SMS to anyone
    assert world.sent_by_outcomes == 0


def test_L4624_2_1_an_independent_reads_their_own_etat_des_expositions(client, world):
    member_login(client, "moi@independant.example")
    page = read(client.get(f"/espace/visites/{world.independent}"))
    assert "État des expositions" in page
    response = client.get(f"/espace/visites/{world.independent}/document.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


# ------------------------------------------------------------------ the back-office


@pytest.mark.parametrize(
    ("role", "status"), [("doctor", 200), ("nurse", 200), ("secretary", 403), ("admin", 403)]
)
def test_decret_2025_355_a_copy_is_kept_in_the_record_for_the_health_staff(
    client, db, world, staff_login, role, status
):
    if role in ("doctor", "nurse"):
        _staff(client, world.doctor_email if role == "doctor" else world.nurse_email)
    else:
        staff_login(role)
    assert client.get(f"/staff/visites/{world.aci}/document.pdf").status_code == status
    assert client.get(f"/staff/visites/{world.exposures}/document.pdf").status_code == status
    employer_copy = client.get(f"/staff/visites/{world.vip}/document.pdf").status_code
    assert employer_copy == (403 if role == "admin" else 200)


def test_L4624_3_the_nurse_writes_no_proposal_for_the_employer(client, db, world):
    _staff(client, world.nurse_email)
    page = read(client.get(f"/staff/visites/{world.nurse_vip}/issue"))
    assert 'name="recommendations"' not in page and "L4624-3" in page
    response = client.post(
        f"/staff/visites/{world.nurse_vip}/issue",
        data={"kind": "attestation", "recommendations": "Poste assis-debout."},
    )
    assert response.status_code == 400 and "L4624-3" in read(response)
    db.rollback()
    assert db.get(Visit, world.nurse_vip).status == "booked"


def test_R4624_42_the_doctor_dates_the_steps_on_the_visit_page_before_an_inaptitude(
    client, db, world
):
    _staff(client, world.doctor_email)
    url = f"/staff/visites/{world.sir}"
    page = read(client.get(f"{url}/issue"))
    assert "Avant un avis d'inaptitude (article R4624-42)" in page
    assert page.count(TO_DO) == 3 and 'value="inaptitude"' in page
    response = client.post(f"{url}/issue", data={"kind": "inaptitude"})
    assert response.status_code == 400 and "R4624-42" in read(response)
    first = db.get(Visit, world.sir).slot.starts_at.astimezone(PARIS).date()
    late = (first + timedelta(days=16)).isoformat()
    response = client.post(f"{url}/inaptitude", data={"step": "second_exam", "done_on": late})
    assert response.status_code == 400 and "15 jours" in read(response)
    response = client.post(f"{url}/inaptitude", data={"step": "workstation_study", "done_on": ""})
    assert response.status_code == 400 and "Indiquez la date" in read(response)
    for step in ("workstation_study", "fiche_entreprise", "employer_exchange"):
        response = client.post(
            f"{url}/inaptitude", data={"step": step, "done_on": first.isoformat()}
        )
        assert response.status_code == 302, step
    page = read(client.get(f"{url}/issue"))
    assert page.count(TO_DO) == 0 and page.count("facultatif") >= 1
    response = client.post(f"{url}/issue", data={"kind": "inaptitude", "next_due": ""})
    assert response.status_code == 302
    db.rollback()
    assert db.get(Visit, world.sir).outcome.kind == "inaptitude"
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.record_type == "inaptitude_step")
    ).all()
    assert actions == ["create"] * 3


def test_R4624_42_only_the_doctor_dates_a_step(client, db, world, staff_login):
    _staff(client, world.nurse_email)
    response = client.post(
        f"/staff/visites/{world.sir}/inaptitude",
        data={"step": "workstation_study", "done_on": "2024-03-05"},
    )
    assert response.status_code == 403


def test_R4624_42_the_step_form_needs_its_csrf_token(tmp_path, database):
    app = make_app(tmp_path, database, WTF_CSRF_ENABLED=True)
    session = app.extensions["database"]["sessionmaker"]()
    try:
        plan = make_planning(session, first=FIRST, doctor_days=range(5))
        employer = make_member(session, status="active", legal_name="Boulangerie Dupont")
        employer.doctor_id, employer.centre_id = plan.doctor.id, plan.centre.id
        worker = make_employee(session, employer, exposures=["lead"])
        visit = _ask(session, employer, worker, code="sir_periodique")
        session.commit()
        client = app.test_client()
        token = csrf_token(read(client.get("/staff/login")))
        client.post(
            "/staff/login",
            data={"email": plan.doctor.email, "password": PASSWORD, "csrf_token": token},
        )
        url = f"/staff/visites/{visit.id}/inaptitude"
        data = {"step": "workstation_study", "done_on": "2024-03-05"}
        assert client.post(url, data=data).status_code == 400
        token = csrf_token(read(client.get(f"/staff/visites/{visit.id}/issue")))
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 302
    finally:
        session.close()
        app.extensions["database"]["engine"].dispose()
