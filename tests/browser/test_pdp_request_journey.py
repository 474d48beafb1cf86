"""The employer asks the PDP cell for help about one of its employees, in Chromium: from its home
page to the acknowledgement, then the list of its requests (the day and the name, nothing else)."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.models import Member
from assistant.models.pdp import PdpCase
from assistant.services.demo import DEMO_PASSWORD
from assistant.services.workforce import employees as workforce

pytestmark = pytest.mark.browser

EMPLOYER_EMAIL = "contact@boulangerie-dupont.fr"
DEMO_SIRET = "73282932000074"
SECRET = "Absences répétées, port de charges devenu impossible"


def test_the_employer_asks_the_cell_about_an_employee(page, live_app):
    with live_app.session() as session:
        member = session.scalar(select(Member).where(Member.siret == DEMO_SIRET))
        name = workforce.list_employees(session, member.id)[0].full_name
    page.goto("/espace/connexion")
    page.get_by_label("Adresse e-mail").fill(EMPLOYER_EMAIL)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Demander l'aide de la cellule PDP").click()
    expect(page).to_have_url(re.compile(r"/espace/pdp$"))
    page.get_by_role("link", name="Demander l'aide de la cellule PDP").click()

    expect(page.get_by_role("heading", name="Votre situation")).to_be_visible()
    page.get_by_label("Salarié concerné").select_option(label=name)
    page.get_by_label("Visite de reprise").check()
    page.get_by_label("Non", exact=True).check()
    page.get_by_role("button", name="Continuer").click()

    expect(page.get_by_role("heading", name="Votre demande")).to_be_visible()
    page.get_by_label("Décrivez la situation en quelques mots").fill(SECRET)
    page.get_by_label("Comment et quand vous joindre ? (facultatif)").fill("Le matin")
    page.get_by_role("button", name="Continuer").click()

    expect(page).to_have_url(re.compile(r"/espace/pdp$"))
    expect(page.get_by_role("status").or_(page.locator(".flash-success"))).to_contain_text(
        "sous 5 jours ouvrés"
    )
    expect(page.locator("#pdp-requests")).to_contain_text(name)
    expect(page.locator("body")).not_to_contain_text("port de charges")
    with live_app.session() as session:
        case = session.scalar(select(PdpCase).where(PdpCase.raised_by == "employer"))
        assert (case.raised_by, case.trigger, case.description) == ("employer", "reprise", SECRET)
