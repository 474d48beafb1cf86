"""A visitor on the public site: French home, the menu, places, English that sticks; on a phone."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HOME_HEADING = "Votre service de prévention et de santé au travail"
MISSIONS = [
    "Prévenir les risques professionnels",
    "Suivre la santé des salariés",
    "Prévenir la désinsertion professionnelle",
]


def test_visitor_reads_the_site_then_switches_to_english(page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1, name=HOME_HEADING)).to_be_visible()
    for mission in MISSIONS:
        expect(page.get_by_role("heading", level=3, name=mission)).to_be_visible()

    menu = page.get_by_role("navigation", name="Navigation principale")
    menu.get_by_role("link", name="Tarifs").click()
    expect(page).to_have_url(re.compile(r"/tarifs$"))
    expect(page.get_by_role("heading", level=1, name="Grille des cotisations")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text(re.compile(r"110,00\s€"))

    menu.get_by_role("link", name="Lieux").click()
    expect(page.get_by_role("heading", level=1, name="Lieux de consultation")).to_be_visible()
    expect(page.locator(".card .tag")).to_have_count(3)
    kinds = sorted(page.locator(".card .tag").all_inner_texts())
    assert kinds == ["Centre fixe", "Centre mobile", "Téléconsultation"]

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/lieux\?lang=en$"))
    # The next page, reached from the menu without ?lang=, stays in English.
    page.locator('nav a[href="/tarifs"]').click()
    expect(page).to_have_url(re.compile(r"/tarifs$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Français")).to_be_visible()
    expect(page.get_by_role("link", name="English")).to_have_count(0)


def test_phone_layout_labels_and_keyboard_focus(new_page, tmp_path):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    scroll_width, inner_width = page.evaluate(
        "[document.scrollingElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, "the home page scrolls sideways on a phone"
    page.screenshot(path=tmp_path / "home-phone.png", full_page=True)

    # The first Tab reaches the skip link, visibly; following it moves focus to the content.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Aller au contenu")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    outline = skip_link.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "the focused skip link has no visible outline"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    page.goto("/staff/login")
    fields = page.locator("main").locator("input:visible, select:visible, textarea:visible")
    expect(fields).to_have_count(2)
    for field in fields.all():
        labels = field.evaluate("el => [...el.labels].map(label => label.innerText.trim())")
        assert any(labels), f"{field.evaluate('el => el.outerHTML')} has no label"
        # Nothing typed yet: no field may be announced as invalid or point at a missing hint.
        expect(field).not_to_have_attribute("aria-invalid", re.compile(".*"))
        expect(field).not_to_have_attribute("aria-describedby", re.compile(".*"))
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=tmp_path / "login-phone.png", full_page=True)
