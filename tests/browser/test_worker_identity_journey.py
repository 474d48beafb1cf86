"""Attack 1 in Chromium (issue 11): the employer types its own mobile as Julie's, then signs in
to the employee space with it, typos and a wrong code on the way. It reaches nothing personal;
Julie, with the mobile she proved to the doctor, reaches everything; a nurse proves the number
the employer typed for the apprentice, whose space then opens."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.models import Employee, OutboxMessage
from assistant.services.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

EMPLOYER_MOBILE = "+33645454545"


def last_code(live_app, phone: str) -> str:
    with live_app.session() as session:
        body = session.scalar(
            select(OutboxMessage.body)
            .where(OutboxMessage.recipient == phone)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
    return re.search(r"\b(\d{6})\b", body).group(1)


def employee_sign_in(page, live_app, typed: str, phone: str) -> None:
    page.goto("/salarie/connexion")
    page.get_by_label("Votre téléphone mobile").fill("06 45")  # a typo first
    page.get_by_role("button", name="Recevoir mon code").click()
    expect(page.locator(".error")).to_be_visible()
    page.get_by_label("Votre téléphone mobile").fill(typed)
    page.get_by_role("button", name="Recevoir mon code").click()
    code = last_code(live_app, phone)
    page.get_by_label("Code reçu par SMS").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator(".error")).to_be_visible()
    page.get_by_label("Code reçu par SMS").fill(code)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/salarie/$"))


def test_the_employer_typing_its_own_mobile_reaches_nothing_personal(new_page, live_app):
    with live_app.session() as session:
        julie = session.scalar(select(Employee).where(Employee.last_name == "Petit"))
    employer = new_page()
    employer.goto("/espace/connexion")
    employer.get_by_label("Adresse e-mail").fill("contact@boulangerie-dupont.fr")
    employer.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    employer.get_by_role("button", name="Se connecter").click()
    employer.goto(f"/espace/effectifs/{julie.id}")
    employer.get_by_label("Mobile du salarié").fill("06.45.45.45.45")
    employer.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(employer.get_by_text("Salarié mis à jour.")).to_be_visible()

    page = new_page()
    employee_sign_in(page, live_app, "06 45 45 45 45", EMPLOYER_MOBILE)
    expect(page.get_by_text("pas encore confirmé comme le vôtre")).to_be_visible()
    expect(page.get_by_role("heading", name="Ma situation de santé")).to_have_count(0)
    page.goto("/salarie/sante")
    expect(page.get_by_role("heading", name="Numéro à confirmer")).to_be_visible()
    # Julie's proven mobile was told, and still opens her whole space
    with live_app.session() as session:
        told = session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.recipient == "+33611223344")
        ).all()
    assert any("numéro de contact" in body for body in told)
    julie_page = new_page()
    employee_sign_in(julie_page, live_app, "06 11 22 33 44", "+33611223344")
    expect(julie_page.get_by_role("heading", name="Ma situation de santé")).to_be_visible()


def test_a_nurse_proves_the_apprentices_mobile_at_a_visit(new_page, live_app):
    with live_app.session() as session:
        karim = session.scalar(select(Employee).where(Employee.last_name == "Benali"))
    nurse = new_page()
    nurse.goto("/staff/login")
    nurse.get_by_label("Adresse e-mail").fill("infirmier@demo.spsti.fr")
    nurse.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    nurse.get_by_role("button", name="Se connecter").click()
    nurse.goto(f"/staff/adherents/{karim.member_id}")
    nurse.get_by_role("row", name=re.compile("Benali")).get_by_role(
        "link", name="À confirmer"
    ).click()
    expect(nurse.get_by_label("Numéro de mobile donné par le salarié")).to_have_value(
        "+33622334455"
    )
    nurse.get_by_role("button", name="Envoyer un code").click()
    nurse.get_by_label("Code lu par le salarié").fill(last_code(live_app, "+33622334455"))
    nurse.get_by_role("button", name="Confirmer le numéro").click()
    expect(nurse.get_by_text("c'est désormais le mobile du salarié")).to_be_visible()

    page = new_page()
    employee_sign_in(page, live_app, "06 22 33 44 55", "+33622334455")
    expect(page.get_by_role("heading", name="Ma situation de santé")).to_be_visible()
