"""What the pages read like (issue 15): a member's kind and standing in words, times in Paris to
the minute, phone numbers as people write them, names first name first, a favicon."""

import re

import pytest
from playwright.sync_api import expect

from assistant.services.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_the_employer_reads_its_standing_its_contract_time_and_its_mobile(page):
    page.goto("/espace/connexion")
    page.get_by_label("Adresse e-mail").fill("contact@boulangerie-dupont.fr")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Boulangerie Dupont SARL")

    main = page.locator("main")
    expect(main).to_contain_text("Employeur, adhésion active")
    expect(main).not_to_contain_text("Employeur Active")
    accepted = main.get_by_text(re.compile(r"^Accepté le "))
    expect(accepted).to_have_text(re.compile(r"^Accepté le \d{1,2} \w+ \d{4} à \d{2}:\d{2}$"))
    expect(main).to_contain_text("06 12 34 56 78")
    expect(main).not_to_contain_text("+33")


def test_the_secretary_reads_phones_and_names_the_same_way_everywhere(page):
    page.goto("/staff/login")
    page.get_by_label("Adresse e-mail").fill("secretariat@demo.spsti.fr")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.get_by_role("navigation").get_by_role("link", name="Adhérents").click()
    page.get_by_label("SIRET, nom ou téléphone").fill("Dupont")
    page.get_by_label("SIRET, nom ou téléphone").press("Enter")
    result = page.get_by_role("row").filter(has_text="Boulangerie Dupont SARL")
    expect(result).to_contain_text("06 12 34 56 78")
    expect(result).to_contain_text("Adhésion active")
    result.get_by_role("link", name="Boulangerie Dupont SARL").click()

    main = page.locator("main")
    expect(main).to_contain_text("Employeur, adhésion active")
    expect(main).to_contain_text("06 12 34 56 78")
    expect(main).not_to_contain_text("+33")
    expect(main.get_by_role("link", name="Julie Petit")).to_be_visible()
    expect(main.get_by_text("Petit Julie")).to_have_count(0)
    expect(main).not_to_contain_text(re.compile(r"\d{2}:\d{2}:\d{2}|[+-]\d{4}\b"))

    main.get_by_role("link", name="Julie Petit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Julie Petit")


def test_every_page_has_a_favicon(page):
    page.goto("/")
    icon = page.locator("link[rel=icon]").first
    response = page.request.get(icon.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"].startswith("image/")
    assert page.request.get("/favicon.ico").status == 200
