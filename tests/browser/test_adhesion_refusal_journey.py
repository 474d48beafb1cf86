"""The secretary refuses an adhesion with a reason (the member is e-mailed it, the refusal is
audited), then validates it once corrected (the member is e-mailed again)."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.models import AuditEntry, Member, OutboxMessage
from assistant.services.demo import DEMO_PASSWORD
from tests.factories import OTHER_SIRET, make_member

pytestmark = pytest.mark.browser

NAME = "Garage des Tilleuls"
EMAIL = "contact@garage-tilleuls.fr"


def test_the_secretary_refuses_an_adhesion_with_a_reason_then_validates_it(page, live_app):
    with live_app.session() as session:
        member_id = make_member(
            session, OTHER_SIRET, legal_name=NAME, email=EMAIL, contact_name="Léa Martin"
        ).id
        session.commit()

    page.goto("/staff/login")
    page.get_by_label("Adresse e-mail").fill("secretariat@demo.spsti.fr")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("navigation").get_by_role("link", name="Adhésions à valider").click()

    row = page.get_by_role("row").filter(has_text=NAME)
    row.get_by_text("Refuser", exact=False).first.click()
    reason = page.get_by_label("Motif du refus (envoyé à l'adhérent)")
    reason.fill("   ")  # blank: the browser lets it through, the server must say why not
    row.get_by_role("button", name="Refuser l'adhésion").click()
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Indiquez le motif du refus.")).to_be_visible()

    reason.fill("Le SIRET indiqué est celui du siège, pas de l'établissement.")
    page.get_by_role("button", name="Refuser l'adhésion").click()
    expect(page.get_by_role("status")).to_contain_text(f"Adhésion de {NAME} refusée")
    refused = page.get_by_role("row").filter(has_text=NAME)
    expect(refused).to_contain_text("Le SIRET indiqué est celui du siège")

    with live_app.session() as session:
        member = session.get(Member, member_id)
        assert member.status == "refused"
        mail = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == EMAIL)).one()
        assert "Bonjour Léa Martin" in mail.body and "celui du siège" in mail.body
        actions = session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.record_type == "member", AuditEntry.record_id == str(member_id)
            )
        ).all()
        assert "refuse" in actions

    refused.get_by_role("button", name=re.compile("^Valider")).click()
    expect(page.get_by_role("status")).to_contain_text(f"Adhésion de {NAME} validée")
    with live_app.session() as session:
        assert session.get(Member, member_id).status == "active"
        subjects = session.scalars(
            select(OutboxMessage.subject)
            .where(OutboxMessage.recipient == EMAIL)
            .order_by(OutboxMessage.id)
        ).all()
        assert subjects[-1] == "Votre adhésion au SPSTI Santé Travail est validée"
