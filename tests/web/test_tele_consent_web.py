"""The consent to teleconsultation on the web (R4624-41-1, R4624-41-2): given and withdrawn by the
worker in their space (an employee through their proven mobile, an independent in the member
space), recorded by the service on the worker's word, never by the employer; and the employer's
request form, which no longer lets video be chosen."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assistant.models import AuditEntry, Role, TeleConsent
from assistant.services.visits import tele_consent
from tests.conftest import csrf_token
from tests.factories import MOBILE, OTHER_SIRET, make_employee, make_member
from tests.web.helpers import fresh, login, member_login, read


@pytest.fixture
def proven_employee(db, employer):
    row = make_employee(db, employer, phone=MOBILE, proven=True)
    db.commit()
    return row


def in_force(db, **whose):
    fresh(db)
    return tele_consent.in_force(db, **whose)


def test_R4624_41_1_the_employee_gives_then_withdraws_consent_in_their_space(
    client, db, proven_employee
):
    login(client, db)
    home = read(client.get("/salarie/"))
    assert "Mon accord pour la téléconsultation" in home
    page = read(client.get("/salarie/teleconsultation"))
    assert "que si vous l'avez accepté à l'avance" in page
    assert "vos visites se font en personne" in page and 'value="oui"' in page
    response = client.post("/salarie/teleconsultation", data={"agree": "oui"})
    assert response.status_code == 302
    consent = in_force(db, employee=proven_employee)
    assert (consent.channel, consent.recorded_by) == ("web", f"employee:{MOBILE}")
    page = read(client.get("/salarie/teleconsultation"))
    assert "Vous acceptez la téléconsultation." in page and 'value="non"' in page
    client.post("/salarie/teleconsultation", data={"agree": "non"})
    assert in_force(db, employee=proven_employee) is None
    assert client.post("/salarie/teleconsultation", data={"agree": "peut-être"}).status_code == 400


def test_R4624_41_1_a_contact_number_cannot_consent_for_the_worker(client, db, employer):
    make_employee(db, employer, phone=MOBILE)  # typed by the employer, never proven
    db.commit()
    login(client, db)
    assert client.get("/salarie/teleconsultation").status_code == 403
    assert client.post("/salarie/teleconsultation", data={"agree": "oui"}).status_code == 403
    fresh(db)
    assert db.scalar(select(TeleConsent)) is None


def test_R4624_41_1_an_independent_gives_consent_for_themself(client, db):
    member = make_member(db, OTHER_SIRET, "independent", status="active", account="lea@test.fr")
    db.commit()
    member_login(client, "lea@test.fr")
    assert "Mon accord pour la téléconsultation" in read(client.get("/espace/"))
    assert client.get("/espace/teleconsultation").status_code == 200
    client.post("/espace/teleconsultation", data={"agree": "oui"})
    consent = in_force(db, member=member)
    assert consent.channel == "web" and consent.recorded_by.startswith("member")
    client.post("/espace/teleconsultation", data={"agree": "non"})
    assert in_force(db, member=member) is None


def test_R4624_41_1_an_employer_has_no_consent_to_give(client, db, employer):
    db.commit()
    member_login(client)
    assert client.get("/espace/teleconsultation").status_code == 404
    assert client.post("/espace/teleconsultation", data={"agree": "oui"}).status_code == 404


def test_R4624_41_1_the_employer_request_form_offers_no_video(client, db, employer, employee):
    db.commit()
    member_login(client)
    page = read(client.get("/espace/visites/demande"))
    assert 'value="on_site"' in page and 'value="tele"' not in page
    assert "seulement si le travailleur y a donné son accord" in page
    response = client.post(
        "/espace/visites/demande",
        data={"employee": str(employee.id), "visit_type": "vip_initiale", "modality": "tele"},
    )
    assert response.status_code == 400
    fresh(db)
    assert db.scalar(select(TeleConsent)) is None


@pytest.mark.parametrize("role", list(Role))
def test_R4624_41_2_staff_record_the_consent_on_the_worker_word_audited(
    client, db, staff_login, employer, employee, role
):
    db.commit()
    staff_login(role)
    allowed = role in (Role.DOCTOR, Role.NURSE, Role.SECRETARY)
    url = f"/staff/salaries/{employee.id}/teleconsultation"
    response = client.post(url, data={"agree": "oui"})
    if not allowed:
        assert response.status_code == 403
        assert in_force(db, employee=employee) is None
        return
    assert response.status_code == 302
    consent = in_force(db, employee=employee)
    assert consent.channel == "staff" and consent.recorded_by.startswith("staff:")
    page = read(client.get(f"/staff/salaries/{employee.id}/mobile"))
    assert "Accord donné le" in page and "Retirer l'accord" in page
    client.post(url, data={"agree": "non"})
    assert in_force(db, employee=employee) is None
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.record_type == "tele_consent").order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.record_id, e.actor) for e in entries] == [
        ("give", str(employee.id), consent.recorded_by),
        ("withdraw", str(employee.id), consent.recorded_by),
    ]


def test_R4624_41_2_staff_record_an_independent_consent(client, db, staff_login):
    member = make_member(db, OTHER_SIRET, "independent", status="active")
    db.commit()
    staff_login("nurse")
    page = read(client.get(f"/staff/adherents/{member.id}"))
    assert "Enregistrer l'accord donné par le travailleur" in page
    client.post(f"/staff/adherents/{member.id}/teleconsultation", data={"agree": "oui"})
    assert in_force(db, member=member).channel == "staff"
    assert client.post(f"/staff/adherents/{member.id}/teleconsultation").status_code == 400


def test_the_staff_consent_form_needs_its_csrf_token(tmp_path, database, db, employer, employee):
    from tests.conftest import make_app
    from tests.factories import PASSWORD, make_staff_user

    app = make_app(tmp_path / "csrf", database, create_schema=False, WTF_CSRF_ENABLED=True)
    nurse = make_staff_user(db, "nurse")
    db.commit()
    client = app.test_client()
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    client.post(
        "/staff/login", data={"email": nurse.email, "password": PASSWORD, "csrf_token": token}
    )
    url = f"/staff/salaries/{employee.id}/teleconsultation"
    assert client.post(url, data={"agree": "oui"}).status_code == 400
    page = client.get(f"/staff/salaries/{employee.id}/mobile").get_data(as_text=True)
    response = client.post(url, data={"agree": "oui", "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert in_force(db, employee=employee) is not None


def test_R4624_41_1_the_slot_page_says_where_to_give_consent(
    client, db, proven_employee, today_plan
):
    login(client, db)
    response = client.post(f"/salarie/demande/{proven_employee.id}", data={"visit_type": "demande"})
    page = read(client.get(response.location))
    assert "qu'avec votre accord" in page and "/salarie/teleconsultation" in page
    assert "Téléconsultation)" not in page  # no video slot listed
    client.post("/salarie/teleconsultation", data={"agree": "oui"})
    page = read(client.get(response.location))
    assert "qu'avec votre accord" not in page
