"""The employer's visits in Chromium: request for an employee, pick a slot, move it, cancel it;
and a request booked at once into the first free slot."""

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import expect
from sqlalchemy import func, select

from assistant.core.timeutil import PARIS, today_paris
from assistant.models import Centre, Member, Slot, StaffUser, Visit
from assistant.services.demo import DEMO_PASSWORD
from assistant.services.visits import slot_offers
from assistant.services.visits.visit_deadlines import add_months
from tests.factories import make_employee, make_planning

pytestmark = pytest.mark.browser

EMPLOYER_EMAIL = "contact@boulangerie-dupont.fr"
DEMO_SIRET = "73282932000074"
SLOT_BUTTON = re.compile(r"^Réserver le ")


def sign_in(page):
    page.goto("/espace/connexion")
    page.get_by_label("Adresse e-mail").fill(EMPLOYER_EMAIL)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/espace/$"))


def prepare(live_app) -> tuple[int, date]:
    """A new employee of the demo employer (hired 20 days ago), and slots for the coming weeks
    if the demo has none; returns (employee id, the deadline of their first visit)."""
    hired = today_paris() - timedelta(days=20)
    with live_app.session() as session:
        member = session.scalar(select(Member).where(Member.siret == DEMO_SIRET))
        employee = make_employee(
            session,
            member,
            first_name="Élodie",
            birth_date=date(1992, 3, 12),
            job="Vendeuse",
            hire_date=hired,
        )
        if not session.scalar(select(func.count()).select_from(Slot)):
            make_planning(
                session,
                centre=session.scalar(select(Centre).where(Centre.kind == "fixed")),
                doctor=session.scalar(select(StaffUser).where(StaffUser.role == "doctor")),
                days=21,
                slots_from=today_paris() + timedelta(days=1),
            )
        session.commit()
        return employee.id, add_months(hired, 3)


def booked_visit(live_app, employee_id) -> Visit:
    with live_app.session() as session:
        visit = session.scalar(select(Visit).where(Visit.employee_id == employee_id))
        session.expunge(visit)
        return visit


def slot_label(live_app, slot_id) -> tuple[str, str]:
    """(the day, the time) of a slot as the pages show them."""
    with live_app.session() as session:
        starts = session.get(Slot, slot_id).starts_at.astimezone(PARIS)
    return format_date(starts.date(), "full", locale="fr"), starts.strftime("%H:%M")


def test_employer_requests_picks_moves_and_cancels_a_visit(page, live_app):
    employee_id, deadline = prepare(live_app)
    sign_in(page)
    page.get_by_role("link", name="Visites de mes salariés").click()
    expect(page).to_have_url(re.compile(r"/espace/visites$"))
    expect(page.get_by_role("heading", level=1, name="Visites de mes salariés")).to_be_visible()

    # Élodie Durand's first visit is to plan, with its deadline and the rule behind it.
    row = page.locator("tr.to-plan").filter(has_text="Élodie Durand")
    expect(row).to_contain_text("Visite d'information et de prévention initiale")
    expect(row).to_contain_text(format_date(deadline, "medium", locale="fr"))
    expect(row).to_contain_text("dans les 3 mois suivant la prise effective du poste")
    expect(row).not_to_contain_text("En retard")
    row.get_by_role("link", name=re.compile("^Planifier")).click()

    # The request form comes filled in; the employer prefers to choose the slot.
    expect(page.get_by_role("heading", level=1, name="Demander une visite")).to_be_visible()
    expect(page.get_by_label("Salarié", exact=True)).to_have_value(str(employee_id))
    expect(page.get_by_label("Type de visite")).to_have_value("vip_initiale")
    expect(page.get_by_label("Réserver automatiquement le premier créneau libre")).to_be_checked()
    page.get_by_label("Motif (facultatif)").fill("Première visite après l'embauche")
    page.get_by_label("Choisir moi-même le créneau").check()
    page.get_by_role("button", name="Envoyer la demande").click()

    expect(page).to_have_url(re.compile(r"/espace/visites/\d+/creneaux$"))
    expect(page.get_by_role("heading", level=1, name="Choisir un créneau")).to_be_visible()
    slots = page.get_by_role("button", name=SLOT_BUTTON)
    expect(slots.first).to_be_visible()
    assert 1 <= slots.count() <= 10  # one page (a time shared by several people goes whole)
    slots.nth(1).click()
    expect(page.get_by_role("status")).to_have_text("Rendez-vous réservé.")
    first = booked_visit(live_app, employee_id)
    assert first.status == "booked" and first.reason == "Première visite après l'embauche"
    day, hour = slot_label(live_app, first.slot_id)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(day)
    expect(facts).to_contain_text(hour)
    expect(facts).to_contain_text("Élodie Durand")

    # Moved to a later slot, on the next page of slots: the same visit, another slot.
    page.get_by_role("link", name="Déplacer", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Déplacer le rendez-vous")).to_be_visible()
    expect(page.get_by_text("Rendez-vous actuel")).to_contain_text(hour)
    page.get_by_role("link", name=re.compile("Créneaux suivants")).click()
    expect(page).to_have_url(re.compile(r"/deplacer\?depuis="))
    page.get_by_role("button", name=SLOT_BUTTON).first.click()
    expect(page.get_by_role("status")).to_have_text("Rendez-vous déplacé.")
    moved = booked_visit(live_app, employee_id)
    assert moved.id == first.id and moved.slot_id != first.slot_id
    with live_app.session() as session:
        assert (
            session.get(Slot, moved.slot_id).starts_at > session.get(Slot, first.slot_id).starts_at
        )
    new_day, new_hour = slot_label(live_app, moved.slot_id)
    expect(facts).to_contain_text(f"{new_day}, {new_hour}")

    # The list shows it booked, with the place and the professional; then it is cancelled.
    page.get_by_role("link", name="Visites de mes salariés").click()
    booked = page.locator("tr.visit").filter(has_text="Élodie Durand")
    expect(booked).to_contain_text("Réservée")
    expect(booked).to_contain_text(new_hour)
    expect(page.locator("tr.to-plan").filter(has_text="Élodie Durand")).to_have_count(0)
    booked.get_by_role("link", name=re.compile("^Annuler la visite")).click()
    expect(page.get_by_role("heading", level=1, name="Annuler la visite")).to_be_visible()
    expect(page.get_by_text("Rendez-vous du")).to_contain_text(new_hour)
    page.get_by_label("Motif de l'annulation (facultatif)").fill("Salariée en congés")
    page.get_by_role("button", name="Confirmer l'annulation").click()
    expect(page).to_have_url(re.compile(r"/espace/visites$"))
    expect(page.get_by_role("status")).to_have_text("Visite annulée.")
    expect(page.locator("tr.visit").filter(has_text="Élodie Durand")).to_have_count(0)
    # issue 15: not a past visit with a result, but listed apart, with when and by whom
    expect(page.locator("tr.past-visit").filter(has_text="Élodie Durand")).to_have_count(0)
    expect(page.get_by_role("heading", level=2, name="Visites annulées")).to_be_visible()
    cancelled = page.locator("tr.cancelled-visit").filter(has_text="Élodie Durand")
    expect(cancelled).to_contain_text(re.compile(r"Annulée le .+ par vous"))
    # to plan again, since nothing took place
    expect(page.locator("tr.to-plan").filter(has_text="Élodie Durand")).to_have_count(1)
    assert booked_visit(live_app, employee_id).status == "cancelled"


def test_employer_request_booked_at_once_in_the_first_free_slot(page, live_app):
    employee_id, _deadline = prepare(live_app)
    sign_in(page)
    page.goto(f"/espace/visites/demande?salarie={employee_id}&type=vip_initiale")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("heading", level=1, name="Rendez-vous réservé")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(
        "Le premier créneau libre compatible a été réservé."
    )
    visit = booked_visit(live_app, employee_id)
    with live_app.session() as session:
        slot = session.get(Slot, visit.slot_id)
        held = select(Visit.slot_id).where(Visit.id != visit.id, Visit.slot_id.is_not(None))
        first_free = session.scalar(
            select(Slot.id)
            .where(
                Slot.starts_at >= visit.created_at + slot_offers.LEAD_TIME,
                Slot.blocked.is_(False),
                Slot.id.not_in(held),
            )
            .order_by(Slot.starts_at, Slot.id)
            .limit(1)
        )
        professional = session.get(StaffUser, slot.staff_id).full_name
        centre = session.get(Centre, slot.centre_id).name
    # every demo professional may hold an initial visit, in every place: the very first free slot
    assert slot.id == first_free
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(professional)
    expect(facts).to_contain_text(centre)
