"""Issue 15: the employer's and the employee's main pages on a 390 × 844 phone (nothing wider
than the screen, the menu behind a button) and in English (no French word left in sight)."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.models import Employee, OutboxMessage
from assistant.services.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
EMPLOYER_EMAIL = "contact@boulangerie-dupont.fr"
EMPLOYEE_MOBILE = "+33611223344"
EMPLOYER_PAGES = ["/espace/", "/espace/visites", "/espace/effectifs", "/lieux", "/chat"]
EMPLOYEE_PAGES = ["/salarie/", "/salarie/sante", "/salarie/teleconsultation"]
# Common French words that must not survive in English (whole words, case-insensitive).
FRENCH_WORDS = (
    "le la les des du une votre vos nous avec pour sur dans est sont aux "
    "créneau créneaux salarié salariée salariés visite visites rendez-vous entreprise "
    "ligne contrat embauche médecin infirmier lundi mardi mercredi jeudi vendredi "
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre "
    "fabrication boulangerie pâtisserie commerce détail travaux"
).split()
# The demo's proper names and addresses, which stay as they are in any language.
PROPER_NAMES = [
    "4 place du Marché",
    "12 rue de la Roquette",
    "Hugo Infirmier",
    "Boulangerie Dupont",
    "Boulangerie-Pâtisserie Dupont",
    "boulangerie-dupont.fr",
    "rue de la Paix",
    "rue des Lilas",
    "Centre de Paris",
    "Centre de Bobigny",
    # words typed as they are: CSV column names, SMS keywords, the way back to French
    "date_embauche, contrat and",
    "ADHERER ENTREPRISE",
    "FRANCAIS pour le français",
]


def sign_in_employer(page):
    page.goto("/espace/connexion")
    page.get_by_label(re.compile("Adresse e-mail|Email address")).fill(EMPLOYER_EMAIL)
    page.get_by_label(re.compile("Mot de passe|Password")).fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/espace/$"))


def sign_in_employee(page, live_app):
    page.goto("/salarie/connexion")
    page.locator("main input[type=tel], main input[name=phone]").first.fill("06 11 22 33 44")
    page.locator("main form button[type=submit]").first.click()
    with live_app.session() as session:
        body = session.scalar(
            select(OutboxMessage.body)
            .where(OutboxMessage.recipient == EMPLOYEE_MOBILE)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
    page.locator("main input[name=code]").fill(re.search(r"\b(\d{6})\b", body).group(1))
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/salarie/$"))


def employee_page(live_app) -> str:
    with live_app.session() as session:
        return f"/espace/effectifs/{session.scalar(select(Employee.id).limit(1))}"


def walk(page, live_app, query=""):
    """Every main page of both people, visited in turn; yields each path once loaded."""
    sign_in_employer(page)
    for path in [*EMPLOYER_PAGES, employee_page(live_app)]:
        page.goto(path + query)
        yield path
    page.context.clear_cookies()
    if query:
        page.goto("/" + query)
    sign_in_employee(page, live_app)
    for path in EMPLOYEE_PAGES:
        page.goto(path + query)
        yield path


def test_no_main_page_is_wider_than_a_phone(new_page, live_app):
    page = new_page(**PHONE)
    too_wide = {}
    for path in walk(page, live_app):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[path] = width
    assert too_wide == {}


def test_the_menu_folds_behind_a_button_on_a_phone(new_page, live_app):
    page = new_page(**PHONE, java_script_enabled=False)
    page.goto("/")
    menu = page.get_by_role("navigation", name="Navigation principale")
    offer = menu.get_by_role("link", name="Notre offre")
    expect(offer).to_be_hidden()
    menu.get_by_text("Menu").click()
    expect(offer).to_be_visible()


def test_the_chat_offers_its_numbered_choices_as_buttons(new_page, live_app):
    page = new_page(**PHONE)
    page.goto("/chat")
    replies = page.locator(".bubble.from-service")
    for message in ["ADHERER", "Nina Roux", "552 100 554 00013", "12 mars 1980", "coiffeuse"]:
        count = replies.count()
        page.locator("#message").fill(message)
        page.get_by_role("button", name="Envoyer").click()
        expect(replies).to_have_count(count + 1)
    expect(page.locator(".bubble.from-service").last).to_contain_text("1.")
    first = page.locator(".chat-choices button").first
    expect(first).to_have_text(re.compile(r"^1\. "))
    first.click()
    expect(page.locator(".bubble.from-person").last).to_have_text(re.compile(r"1$"))
    expect(page.locator(".bubble.from-service").last).to_contain_text("Code postal")
    expect(page.locator(".chat-choices button")).to_have_count(0)


def french_words_in(text: str) -> list[str]:
    """Each French word found, with the words around it (to say where it is); a space before
    a colon (French typography) and a date in US format (11/27/26, 4:46 AM)."""
    for name in PROPER_NAMES:
        text = text.replace(name, "")
    words = re.findall(r"[\w'’-]+", text)
    return [
        " ".join(words[max(i - 3, 0) : i + 4])
        for i, word in enumerate(words)
        if word.lower() in FRENCH_WORDS
    ] + re.findall(r"\S+ :|\d+/\d+/\d+, \d+:\d+ [AP]M|[A-Z][a-z]{2} \d{1,2}, \d{4}", text)


def test_the_main_pages_speak_english_through_and_through(new_page, live_app):
    page = new_page(locale="en-GB")
    french = {}
    for path in walk(page, live_app, query="?lang=en"):
        found = french_words_in(page.locator("body").inner_text())
        if found:
            french[path] = found
    assert french == {}, "\n".join(f"{p}: {w}" for p, w in french.items())
