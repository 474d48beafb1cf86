"""Staff in the back-office: an administrator changes a tariff; repeated wrong passwords lock."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from assistant.core.timeutil import today_paris
from assistant.services.demo import DEMO_PASSWORD
from tests.factories import make_staff_user

pytestmark = pytest.mark.browser

INDEPENDENT = "Par travailleur indépendant et par an (offre spécifique)"


def log_in(page, email, password):
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_admin_corrects_a_wrong_amount_and_publishes_a_new_tariff(page):
    page.goto("/staff/login")
    log_in(page, "admin@demo.spsti.fr", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/staff/$"))

    page.get_by_role("navigation").get_by_role("link", name="Tarifs").click()
    expect(page.get_by_role("heading", level=1, name="Grille des cotisations")).to_be_visible()

    starts = today_paris() + timedelta(days=40)
    kind = page.get_by_label("Cotisation", exact=True)
    amount = page.get_by_label("Montant annuel (€)")
    effective_from = page.get_by_label("En vigueur à partir du")
    kind.select_option(label=INDEPENDENT)
    amount.fill("abc")
    effective_from.fill(starts.isoformat())
    page.get_by_role("button", name="Enregistrer le tarif").click()

    # The error is next to the amount, tied to it for screen readers; the rest is kept.
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(amount).to_have_attribute("aria-describedby", "amount-error")
    expect(page.locator("#amount-error")).to_be_visible()
    expect(page.locator("#amount-error")).to_contain_text(re.compile("montant|décimale", re.I))
    expect(kind).to_have_value("independent")
    expect(effective_from).to_have_value(starts.isoformat())
    expect(page.get_by_text("Tarif enregistré.")).to_have_count(0)

    amount.fill("99,50")
    page.get_by_role("button", name="Enregistrer le tarif").click()
    expect(page.get_by_role("status")).to_have_text("Tarif enregistré.")
    expect(page.get_by_role("table")).to_contain_text(re.compile(r"99,50\s€"))

    page.goto("/tarifs")
    expect(page.get_by_role("heading", level=2, name="Évolutions annoncées")).to_be_visible()
    announced = page.get_by_role("listitem").filter(has_text=INDEPENDENT)
    expect(announced).to_contain_text(re.compile(r"99,50\s€"))

    page.goto("/staff/")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("status")).to_have_text("Vous êtes déconnecté.")
    expect(page).to_have_url(re.compile(r"/staff/login$"))
    page.goto("/staff/tarifs")
    expect(page).to_have_url(re.compile(r"/staff/login\?next="))


def test_admin_cannot_rewrite_the_tariff_in_force_from_a_past_date(page):
    """The defect: 110 € in force became 90 € from a past date and the public page changed."""
    page.goto("/staff/login")
    log_in(page, "admin@demo.spsti.fr", DEMO_PASSWORD)
    page.goto("/staff/tarifs")
    effective_from = page.get_by_label("En vigueur à partir du")
    page.get_by_label("Cotisation", exact=True).select_option("employee")
    page.get_by_label("Montant annuel (€)").fill("90")
    effective_from.fill("2026-06-01")
    page.get_by_role("button", name="Enregistrer le tarif").click()
    expect(effective_from).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#effective_from-error")).to_contain_text(
        "Un tarif en vigueur ne se modifie pas"
    )
    expect(page.get_by_role("table")).not_to_contain_text(re.compile(r"90,00\s€"))
    page.goto("/tarifs")
    expect(page.locator("main")).to_contain_text(re.compile(r"110,00\s€"))
    expect(page.locator("main")).not_to_contain_text(re.compile(r"90,00\s€"))


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(page, live_app):
    password = "un-mot-de-passe-solide"
    with live_app.session() as session:
        email = make_staff_user(
            session, "secretary", "secretaire@test.fr", "Sam Secrétaire", password=password
        ).email
        session.commit()

    page.goto("/staff/login")
    for attempt in range(5):
        log_in(page, email, f"pas-le-bon-{attempt}")
        expect(page.get_by_role("alert")).to_contain_text(
            "Adresse e-mail ou mot de passe incorrect."
        )

    log_in(page, email, password)
    expect(page.get_by_role("alert")).to_contain_text("Trop de tentatives manquées")
    expect(page).to_have_url(re.compile(r"/staff/login$"))
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)
