"""Each demo staff account clicks through its whole menu: no link leads to a refusal."""

import re

import pytest
from playwright.sync_api import expect

from assistant.services.demo import DEMO_PASSWORD, STAFF

pytestmark = pytest.mark.browser


def test_every_role_opens_every_page_of_its_menu(page):
    for email, _name, _role, _centre in STAFF:
        page.goto("/staff/login")
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page).to_have_url(re.compile(r"/staff/$"))
        menu = page.get_by_role("navigation", name="Navigation principale").get_by_role("link")
        entries = [(link.inner_text(), link.get_attribute("href")) for link in menu.all()]
        assert entries, email
        for label, href in entries:
            response = page.goto(href)
            assert response.status == 200, (email, label, response.status)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.goto("/staff/")
        page.get_by_role("button", name="Se déconnecter").click()
        expect(page).to_have_url(re.compile(r"/staff/login$"))
