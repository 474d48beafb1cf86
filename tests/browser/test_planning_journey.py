"""The secretary plans a new place and a weekly session, generates the slots, reads the agenda,
then places a request waiting in the staff queue into one of the new slots."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.core.timeutil import PARIS, today_paris
from assistant.database import utcnow
from assistant.models import Employee, Member, Slot, Visit
from assistant.services.demo import DEMO_PASSWORD
from assistant.services.visits import public_holidays, visit_requests

pytestmark = pytest.mark.browser

SATURDAY = 5


def log_in(page, email, password):
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def queue_a_request(live_app) -> int:
    """An employer's request no slot took automatically: in the staff queue."""
    with live_app.session() as session:
        bakery = session.scalar(
            select(Member).where(Member.legal_name == "Boulangerie Dupont SARL")
        )
        employee = session.scalar(
            select(Employee).where(Employee.member_id == bakery.id, Employee.last_name == "Laurent")
        )
        now = utcnow()
        visit = visit_requests.request_visit(
            session,
            "test",
            member=bakery,
            employee=employee,
            request=visit_requests.Request(
                visit_type="vip_periodique",
                requested_by="employer",
                reason="Reprise d'un poste en vente",
                due_by=today_paris() + timedelta(days=40),
            ),
            now=now,
            auto=False,
        )
        visit.queued_at = now
        session.commit()
        return visit.id


def test_secretary_plans_a_place_and_assigns_a_queued_request(page, live_app):
    page.goto("/staff/login")
    log_in(page, "secretariat@demo.spsti.fr", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/staff/$"))

    # a new place
    page.get_by_role("navigation").get_by_role("link", name="Planning", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Planning")).to_be_visible()
    page.get_by_role("link", name="Nouveau lieu").click()
    page.get_by_role("button", name="Enregistrer le lieu").click()
    expect(page.locator("#name-error")).to_have_text("Indiquez le nom du lieu.")
    page.get_by_label("Nom du lieu").fill("Centre de Lyon")
    page.get_by_label("Type de lieu").select_option(label="Centre fixe")
    page.get_by_label("Adresse").fill("3 place Bellecour")
    page.get_by_label("Code postal").fill("69002")
    page.get_by_label("Ville").fill("Lyon")
    page.get_by_label("Lieu actif (ouvert aux rendez-vous)").check()
    page.get_by_role("button", name="Enregistrer le lieu").click()
    expect(page.get_by_role("status")).to_have_text("Lieu « Centre de Lyon » créé.")
    expect(page.get_by_role("cell", name="Centre de Lyon", exact=True)).to_be_visible()

    # a weekly session for Dr Nguyen: Saturday mornings in Lyon
    page.get_by_role("link", name="Ajouter une séance — Dr Minh Nguyen").click()
    expect(page.get_by_role("heading", level=1, name="Nouvelle séance")).to_be_visible()
    page.get_by_label("Lieu").select_option(label="Centre de Lyon")
    page.get_by_label("Jour de la semaine").select_option(label="samedi")
    page.get_by_label("Début").fill("09:00")
    page.get_by_label("Fin", exact=True).fill("08:00")
    page.get_by_role("button", name="Enregistrer la séance").click()
    ends = page.get_by_label("Fin", exact=True)
    expect(ends).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#ends-error")).to_have_text(
        "L'heure de fin doit être après l'heure de début."
    )
    ends.fill("12:00")
    page.get_by_label("Durée d'un créneau (minutes)").fill("30")
    page.get_by_role("button", name="Enregistrer la séance").click()
    expect(page.get_by_role("status")).to_contain_text("Séance enregistrée.")
    nguyen = page.locator("article").filter(has_text="Dr Minh Nguyen")
    expect(nguyen.get_by_role("row").filter(has_text="samedi")).to_contain_text("Centre de Lyon")

    # four weeks of slots (the default)
    today = today_paris()
    saturdays = [
        today + timedelta(days=n)
        for n in range(28)
        if (today + timedelta(days=n)).weekday() == SATURDAY
        and not public_holidays.is_public_holiday(today + timedelta(days=n))
    ]
    expect(page.get_by_label("Nombre de semaines")).to_have_value("4")
    page.get_by_role("button", name="Générer les créneaux").click()
    expect(page.get_by_role("status")).to_contain_text(f"{6 * len(saturdays)} créneaux créés")

    # the agenda of the week of the next Saturday
    first = saturdays[0]
    page.get_by_role("link", name="Agenda — Dr Minh Nguyen").click()
    year, week, _day = first.isocalendar()
    page.get_by_label("Semaine", exact=True).fill(f"{year}-W{week:02d}")
    page.get_by_role("button", name="Afficher").click()
    saturday = page.locator("section").filter(
        has=page.get_by_role("heading", name=re.compile(r"^samedi"))
    )
    expect(saturday.get_by_role("row").filter(has_text="09:00–09:30")).to_contain_text(
        "Centre de Lyon"
    )
    expect(saturday.get_by_role("row").filter(has_text="09:00–09:30")).to_contain_text("Libre")

    # a request waiting in the queue, placed by hand in Lyon
    visit_id = queue_a_request(live_app)
    page.get_by_role("navigation").get_by_role("link", name="File d'attente").click()
    expect(page.get_by_role("heading", level=1, name="File d'attente des visites")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Sophie Laurent")
    expect(row).to_contain_text("Reprise d'un poste en vente")
    row.get_by_role("link", name=re.compile("^Assigner")).click()
    expect(page.get_by_role("heading", level=1, name="Assigner un créneau")).to_be_visible()
    page.get_by_label("Lieu").select_option(label="Centre de Lyon")
    page.get_by_role("button", name="Filtrer").click()
    choices = page.get_by_role("radio")
    expect(choices.first).to_be_checked()
    for label in page.locator("ul.options label").all():
        expect(label).to_contain_text("Centre de Lyon")
    page.get_by_role("button", name="Réserver ce créneau").click()
    expect(page.get_by_role("status")).to_contain_text("Visite de Sophie Laurent placée le samedi")
    expect(page.get_by_role("status")).to_contain_text("avec Dr Minh Nguyen (Centre de Lyon)")
    expect(page.get_by_text("Aucune demande en attente.")).to_be_visible()

    with live_app.session() as session:
        visit = session.get(Visit, visit_id)
        slot = session.get(Slot, visit.slot_id)
        assert visit.status == "booked"
        assert slot.centre.name == "Centre de Lyon"
        assert slot.starts_at.astimezone(PARIS).date() in saturdays
        booked_week = slot.starts_at.astimezone(PARIS).isocalendar()

    # the agenda now shows the appointment
    page.goto(
        f"/staff/planning/agenda?staff={slot.staff_id}&week={booked_week[0]}-W{booked_week[1]:02d}"
    )
    expect(page.get_by_role("row").filter(has_text="Sophie Laurent")).to_contain_text("Réservé")
