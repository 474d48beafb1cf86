"""Moving a visit in Chromium (issue 15): the place list offers only the places where the visit
can take place, so that no place chosen there ends in "Aucun créneau compatible"."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.models import Centre, Member, Slot, StaffUser, Visit
from assistant.services.demo import DEMO_PASSWORD
from assistant.services.visits import booking, slot_offers
from tests.factories import make_employee, make_planning

pytestmark = pytest.mark.browser

DEMO_SIRET = "73282932000074"
SLOT_BUTTON = re.compile(r"^Réserver le ")


def sign_in(page):
    page.goto("/espace/connexion")
    page.get_by_label("Adresse e-mail").fill("contact@boulangerie-dupont.fr")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/espace/$"))


def booked_exam(live_app) -> int:
    """A medical examination of the doctor (no nurse, no video) booked in its first slot."""
    with live_app.session() as session:
        if not session.scalar(select(Slot.id).limit(1)):  # the demo's planning, else one
            make_planning(
                session,
                centre=session.scalar(select(Centre).where(Centre.kind == "fixed")),
                doctor=session.scalar(select(StaffUser).where(StaffUser.role == "doctor")),
                days=21,
                slots_from=today_paris() + timedelta(days=1),
            )
        member = session.scalar(select(Member).where(Member.siret == DEMO_SIRET))
        employee = make_employee(
            session,
            member,
            first_name="Inès",
            last_name="Moreau",
            birth_date=date(1990, 5, 4),
            hire_date=today_paris() - timedelta(days=5),
        )
        visit = Visit(
            member_id=member.id,
            employee_id=employee.id,
            visit_type="sir_embauche",
            status="requested",
            requested_by="employer",
            actor="test",
        )
        session.add(visit)
        session.flush()
        slot = slot_offers.compatible_slots(session, visit, now=utcnow(), limit=1)[0]
        booking.book(session, "test", visit, slot, utcnow())
        session.commit()
        return visit.id


def test_every_place_offered_to_move_a_visit_has_slots_for_it(page, live_app):
    visit_id = booked_exam(live_app)
    sign_in(page)
    page.goto(f"/espace/visites/{visit_id}/deplacer")
    expect(page.get_by_role("heading", level=1, name="Déplacer le rendez-vous")).to_be_visible()
    places = page.get_by_label("Lieu").locator("option")
    values = [v for v in places.evaluate_all("options => options.map(o => o.value)") if v]
    assert values
    for value in values:
        page.get_by_label("Lieu").select_option(value)
        page.get_by_role("button", name="Afficher").click()
        expect(page).to_have_url(re.compile(rf"lieu={value}"))
        expect(page.get_by_role("button", name=SLOT_BUTTON).first).to_be_visible()
        expect(page.get_by_text("Aucun créneau compatible")).to_have_count(0)
