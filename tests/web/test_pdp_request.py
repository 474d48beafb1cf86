"""Asking the PDP cell for help on the web (SPEC 4.7): the request journey in the employee's space
(proven mobile only), the independent's and the employer's; the employer-information rule in
both contract states; the employer's request seen by the employee; nothing of a case's content
on any employer page or in any message to the employer; the public page's "Demander de l'aide"."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from assistant.core.timeutil import PARIS
from assistant.models import OutboxMessage
from assistant.models.pdp import PdpCase
from assistant.services.pdp import cases, plan
from tests.factories import (
    CONTACT_MOBILE,
    MOBILE,
    OTHER_SIRET,
    make_employee,
    make_member,
    make_staff_user,
)
from tests.web.helpers import fresh, login, member_login, read

SECRET = "Douleurs au dos depuis la chute du pétrin"
REACH = "le soir après 18h au fixe"
ANALYSIS = "Lombalgie chronique invalidante"
# words of the content no page of the service says otherwise
SECRET_WORDS = ("Douleurs", "pétrin", "18h au fixe", "Lombalgie", "invalidante")
SITUATION = {"trigger": "none", "suspended": "non"}
SUSPENDED = {"trigger": "reprise", "suspended": "oui", "leave_from": "02/11/2026"}


def ask(client, base: str, situation: dict, description=SECRET, contact=REACH):
    first = client.get(base)
    assert first.status_code == 302 and first.headers["Location"].endswith(f"{base}/situation")
    page = client.get(f"{base}/situation")
    assert page.status_code == 200, read(page)
    step = client.post(f"{base}/situation", data=situation)
    assert step.status_code == 302, read(step)
    assert step.headers["Location"].endswith(f"{base}/demande")
    return client.post(f"{base}/demande", data={"description": description, "contact": contact})


def the_case(db) -> PdpCase:
    fresh(db)
    return db.scalar(select(PdpCase))


def to_employer(db, employer) -> list[OutboxMessage]:
    fresh(db)
    recipients = {employer.email, employer.phone} - {None}
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.recipient.in_(recipients))))


def assert_no_content(text: str) -> None:
    for word in SECRET_WORDS:
        assert word not in text, word


@pytest.fixture
def proven_employee(db, employer):
    row = make_employee(db, employer, phone=MOBILE, proven=True)
    db.commit()
    return row


@pytest.fixture
def independent(db):
    member = make_member(
        db, OTHER_SIRET, "independent", status="active", account="lea@test.fr", phone=MOBILE
    )
    db.commit()
    return member


# --- the employee's space -------------------------------------------------------------------


def test_offre_socle_the_employee_asks_not_suspended_and_the_employer_learns_only_that(
    client, db, employer, proven_employee
):
    login(client, db)
    assert "Demander l'aide de la cellule PDP" in read(client.get("/salarie/"))
    done = ask(client, "/salarie/pdp/demande", SITUATION)
    assert done.headers["Location"].endswith("/salarie/pdp")
    page = read(client.get("/salarie/pdp"))
    assert "sous 5 jours ouvrés" in page and "lundi 30 novembre 2026" in page
    assert "votre employeur est informé qu'une demande existe" in page
    case = the_case(db)
    assert (case.channel, case.raised_by, case.identity_proven) == ("web", "worker", True)
    assert case.employer_informed_at is not None
    (mail,) = to_employer(db, employer)
    assert proven_employee.last_name in mail.body
    for message in to_employer(db, employer):
        assert_no_content(message.body + (message.subject or ""))


def test_offre_socle_the_employee_asks_on_sick_leave_and_the_employer_is_told_nothing(
    client, db, employer, proven_employee
):
    login(client, db)
    ask(client, "/salarie/pdp/demande", SUSPENDED)
    assert "votre employeur n'en est pas informé" in read(client.get("/salarie/pdp"))
    case = the_case(db)
    assert case.contract_suspended and case.leave_from == date(2026, 11, 2)
    assert case.employer_informed_at is None
    assert to_employer(db, employer) == []


def test_a_contact_number_cannot_ask_or_read_in_the_space(client, db, employer):
    make_employee(db, employer, phone=CONTACT_MOBILE)
    db.commit()
    login(client, db, typed=CONTACT_MOBILE, phone=CONTACT_MOBILE)
    assert client.get("/salarie/pdp/demande").status_code == 403
    assert client.get("/salarie/pdp").status_code == 403
    assert client.post("/salarie/pdp/demande/demande", data={}).status_code == 403
    assert "cellule PDP" not in read(client.get("/salarie/"))


def test_a_missing_answer_is_said_on_its_field(client, db, employer, proven_employee):
    login(client, db)
    client.get("/salarie/pdp/demande")
    page = client.post("/salarie/pdp/demande/situation", data={"suspended": "oui"})
    assert page.status_code == 400
    text = read(page)
    assert "Choisissez ce qui vous amène." in text
    assert "Indiquez le premier jour de l'arrêt de travail." in text


# --- the independent's space ----------------------------------------------------------------


def test_an_independent_asks_in_its_space_and_sees_where_it_stands(client, db, independent):
    member_login(client, "lea@test.fr")
    assert "/espace/pdp" in read(client.get("/espace/"))
    ask(client, "/espace/pdp/demande", SITUATION)
    case = the_case(db)
    assert (case.member_id, case.employee_id, case.identity_proven) == (independent.id, None, True)
    page = read(client.get("/espace/pdp"))
    assert "sous 5 jours ouvrés" in page and "Reçue, la cellule va vous contacter" in page
    assert "employeur" not in page.split("sous 5 jours ouvrés")[1].split("</div>")[0]


# --- the employer's space -------------------------------------------------------------------


def test_the_employer_asks_about_one_of_its_employees_who_sees_it_in_their_space(
    client, db, employer, proven_employee
):
    member_login(client)
    home = read(client.get("/espace/"))
    assert "Demander l'aide de la cellule PDP" in home
    page = read(client.get(client.get("/espace/pdp/demande").headers["Location"]))
    assert proven_employee.full_name in page and "Salarié concerné" in page
    ask(client, "/espace/pdp/demande", {**SITUATION, "employee": str(proven_employee.id)})
    case = the_case(db)
    assert (case.raised_by, case.employee_id, case.channel) == (
        "employer",
        proven_employee.id,
        "web",
    )
    assert case.employer_informed_at is None and to_employer(db, employer) == []
    listed = read(client.get("/espace/pdp"))
    assert proven_employee.full_name in listed and "Le salarié verra votre demande" in listed
    # the employee sees the employer's request: the day, who asked, where it stands
    employee_client = client.application.test_client()
    login(employee_client, db)
    mine = read(employee_client.get("/salarie/pdp"))
    assert "Votre employeur" in mine and "Reçue, la cellule va vous contacter" in mine
    assert "Demander l'aide de la cellule PDP" in mine


def test_no_employer_page_nor_message_shows_a_case_s_content(client, db, employer, proven_employee):
    """The employee's own request, then the cell's analysis: the employer's pages and messages
    name the employee at most; the employer's own request lists the day and the name only."""
    case = cases.raise_request(
        db,
        "phone:" + MOBILE,
        raised_by="worker",
        channel="sms",
        trigger="none",
        description=SECRET,
        contact=REACH,
        employee=proven_employee,
        now=datetime(2026, 11, 23, 10, 0, tzinfo=PARIS),
    )
    doctor = make_staff_user(db, "doctor")
    plan.record_analysis(db, case, doctor, doctor, ANALYSIS, case.created_at)
    cases.raise_request(
        db,
        f"member:{employer.id}",
        raised_by="employer",
        channel="web",
        trigger="reprise",
        description=SECRET,
        contact=REACH,
        employee=proven_employee,
        now=datetime(2026, 11, 23, 11, 0, tzinfo=PARIS),
    )
    db.commit()
    member_login(client)
    for url in ("/espace/", "/espace/pdp", "/espace/effectifs", "/espace/visites"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_content(read(response))
    listed = read(client.get("/espace/pdp"))
    assert listed.count(proven_employee.full_name) == 1  # its own request, not the employee's
    assert "En cours d'étude" not in listed
    for message in to_employer(db, employer):
        assert_no_content(message.body + (message.subject or ""))


def test_an_employer_cannot_ask_about_another_member_s_employee(client, db, employer, other):
    stranger = make_employee(db, other)
    db.commit()
    member_login(client)
    client.get("/espace/pdp/demande")
    page = client.post(
        "/espace/pdp/demande/situation", data={**SITUATION, "employee": str(stranger.id)}
    )
    assert page.status_code == 400
    assert "Choisissez le salarié dans la liste." in read(page)


# --- the public page --------------------------------------------------------------------------


def test_the_public_page_says_how_to_ask_for_help(client):
    page = read(client.get("/pdp"))
    assert "Demander de l'aide" in page
    for link in ("/salarie/pdp/demande", "/espace/pdp/demande", "/chat"):
        assert f'href="{link}"' in page, link
    assert "PDP" in page and "SMS" in page
