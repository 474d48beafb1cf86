"""A member of the PDP cell works one case (issue 16): from the staff home to the queue, the case
given to themself, the analysis with the médecin du travail, a plan whose third psychological
appointment is refused on its field, the plan adopted, and three months later the follow-up due
on the home, recorded."""

import re
from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.database import utcnow
from assistant.models import Employee, Member
from assistant.services.demo import DEMO_PASSWORD
from assistant.services.pdp import cases
from tests.conftest import FIXED_NOW

pytestmark = pytest.mark.browser

SITUATION = "Douleurs d'épaule, ne tient plus le façonnage"


def log_in(page, email=None):
    page.get_by_label("Adresse e-mail").fill(email or "pdp@demo.spsti.fr")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def an_employee_asks(live_app) -> tuple[int, str]:
    """An employee of the bakery asks the cell by SMS, on sick leave (so the employer is not
    told); returns the case's number and the person's name."""
    with live_app.session() as session:
        bakery = session.scalar(select(Member).where(Member.legal_name.like("Boulangerie%")))
        employee = session.scalar(select(Employee).where(Employee.member_id == bakery.id))
        case = cases.raise_request(
            session,
            "phone:+33781234567",
            raised_by="worker",
            channel="sms",
            trigger="reprise",
            description=SITUATION,
            contract_suspended=True,
            leave_from=utcnow().date() - timedelta(days=40),
            employee=employee,
            now=utcnow(),
        )
        session.commit()
        return case.id, employee.full_name


def test_a_cell_member_works_a_case_to_its_three_month_follow_up(page, live_app):
    number, name = an_employee_asks(live_app)
    page.goto("/staff/login")
    log_in(page)
    expect(page).to_have_url(re.compile(r"/staff/$"))
    home = page.get_by_role("region", name="Cellule PDP")
    expect(home).to_contain_text(name)
    expect(home).not_to_contain_text(f"du dossier n° {number}")  # the demo's own may be due

    page.get_by_role("navigation").get_by_role("link", name="Cellule PDP").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cellule PDP : les dossiers")
    row = page.get_by_role("row").filter(has_text=name)
    expect(row).to_contain_text("en arrêt depuis le")
    row.get_by_role("link", name=f"n° {number}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"n° {number}")
    expect(page.get_by_text(SITUATION)).to_be_visible()

    page.get_by_label("Confier le dossier à").select_option(label="Paul Cellule-PDP")
    page.get_by_role("button", name="Confier", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Dossier confié à Paul Cellule-PDP.")

    page.get_by_label("Avec le médecin du travail", exact=True).select_option(
        label="Dr Claire Martin"
    )
    page.get_by_label("Analyse de la situation").fill("Reprise possible avec un poste aménagé.")
    page.get_by_role("button", name="Enregistrer l'analyse").click()
    expect(page.get_by_role("status")).to_have_text("Analyse enregistrée.")

    kind = page.get_by_label("Action du plan")
    note = page.get_by_label("Précisions sur l'action")
    kind.select_option(label="Étude de poste")
    page.get_by_role("button", name="Ajouter l'action").click()
    expect(page.get_by_role("status")).to_have_text("Action ajoutée au plan.")
    for _ in range(2):
        kind.select_option(value="psychological")
        page.get_by_role("button", name="Ajouter l'action").click()
        expect(page.get_by_role("status")).to_have_text("Action ajoutée au plan.")
    kind.select_option(value="psychological")
    note.fill("Un troisième rendez-vous, à sa demande")
    page.get_by_role("button", name="Ajouter l'action").click()
    expect(kind).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#kind-error")).to_have_text(
        "Le soutien psychologique est limité à deux rendez-vous."
    )
    expect(note).to_have_value("Un troisième rendez-vous, à sa demande")

    page.get_by_role("button", name="Adopter le plan").click()
    expect(page.get_by_role("status")).to_have_text("Plan adopté : les suivis sont programmés.")
    follow_ups = page.get_by_role("region", name="Suivis")
    expect(follow_ups).to_contain_text("Suivi à 3 mois")
    expect(follow_ups).to_contain_text("prévu le")

    # three months later, the follow-up is due on the home
    with time_machine.travel(FIXED_NOW + timedelta(days=92), tick=True):
        page.goto("/staff/")
        if "/staff/login" in page.url:
            log_in(page)
        due = (
            page.get_by_role("region", name="Cellule PDP")
            .get_by_role("listitem")
            .filter(has_text=f"dossier n° {number}")
        )
        expect(due.first).to_contain_text(f"Suivi à 3 mois du dossier n° {number}")
        due.first.get_by_role("link").click()
        page.get_by_label("Compte rendu").fill("Tient bien au poste aménagé.")
        page.get_by_role("button", name="Enregistrer ce suivi").click()
        expect(page.get_by_role("status")).to_have_text("Suivi enregistré.")
        expect(page.get_by_role("region", name="Suivis")).to_contain_text(
            "Tient bien au poste aménagé."
        )
        page.goto("/staff/")
        expect(page.get_by_role("region", name="Cellule PDP")).not_to_contain_text(
            f"Suivi à 3 mois du dossier n° {number}"
        )
