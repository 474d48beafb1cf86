"""Issue 15, "the same words on every screen": the web forms in Chromium speak as web forms
(boxes to tick, fields to fill), sum their errors up at the top, and ask each thing once."""

import re

import pytest
from playwright.sync_api import expect

from assistant.database import utcnow
from assistant.services.demo import DEMO_PASSWORD
from assistant.services.messaging import dialogue_states
from dialogs.adhesion import EMPLOYER

pytestmark = pytest.mark.browser

EMPLOYER_EMAIL = "contact@boulangerie-dupont.fr"
SMS_WORDING = re.compile(r"Répondez|Merci de répondre|OUI ou NON|Reply|numéro de 1 à")
# a complete employer adhesion, as EMPLOYER.finish hands it over to the password page
ANSWERS = {
    "siret": "55210055400013",
    "legal_name": "Menuiserie Petit",
    "activity": "menuisier",
    "naf_code": "43.32A",
    "address": "3 rue des Lilas",
    "postcode": "75011",
    "city": "Paris",
    "headcount": 4,
    "contact_name": "Jean Petit",
    "email": "jean@menuiserie-petit.fr",
    "phone": "+33611223344",
    "main_risks": ["wood_dust"],
    "q1_duerp": True,
    "q2_duerp_with_staff": False,
    "q3_action_plan": True,
    "q4_plan_reviewed": True,
    "q5_representatives": False,
    "q6_welcome": True,
    "payment_method": "transfer",
    "accept_contract": True,
}


def summary_of(page):
    return page.get_by_role("alert").filter(has_text="Il y a un problème")


def expect_focused_summary(page):
    summary = summary_of(page)
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    return summary


def follow(page, summary, link_text, field_id):
    """A link of the summary leads to its field: the address names it and the field is focused."""
    summary.get_by_role("link", name=link_text).click()
    expect(page).to_have_url(re.compile(f"#{re.escape(field_id)}$"))
    expect(page.locator(f"#{field_id}")).to_be_focused()
    expect(page.locator(f"#{field_id}")).to_be_in_viewport()


def sign_in(page):
    page.goto("/espace/connexion")
    page.get_by_label("Adresse e-mail").fill(EMPLOYER_EMAIL)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/espace/$"))


def test_web_forms_word_their_own_reprompts_not_the_sms_ones(page):
    page.goto("/adhesion/entreprise/entreprise")
    page.get_by_role("button", name="Continuer").click()  # nothing typed
    errors = page.locator("p.error")
    expect(errors).to_have_count(2)
    for text in errors.all_inner_texts():
        assert not SMS_WORDING.search(text), text
    expect(page.locator("#legal_name-error")).to_have_text("Remplissez ce champ.")


def test_a_password_mismatch_is_summarised_at_the_top_and_focused(page, live_app):
    with live_app.session() as session:
        token = dialogue_states.hand_over(session, EMPLOYER.name, ANSWERS, utcnow())
        session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/adhesion/reprendre/{token}")
    page.get_by_label("Choisissez un mot de passe").fill("un-long-secret")
    page.get_by_label("Confirmez le mot de passe").fill("un-autre-secret")
    page.get_by_role("button", name="Confirmer mon adhésion").click()

    summary = expect_focused_summary(page)
    expect(summary).to_be_in_viewport()
    assert page.evaluate("window.scrollY") < 400  # read at the top, not 1,700 px below
    follow(page, summary, "Les deux mots de passe ne sont pas identiques.", "confirm")


def test_every_form_with_errors_has_the_summary(page):
    # a wizard step: each unanswered question is linked to its first box
    page.goto("/score")
    page.get_by_role("button", name="Continuer").click()
    summary = expect_focused_summary(page)
    follow(page, summary, "Choisissez oui ou non.", "has_staff-0")

    # the employer's employee form (after signing in)
    sign_in(page)
    page.goto("/espace/effectifs/nouveau")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    summary = expect_focused_summary(page)
    expect(summary.get_by_role("link")).to_have_count(5)  # names, birth, job, hiring
    follow(page, summary, "Indiquez le poste.", "job")


def test_the_employee_form_ties_every_business_error_to_its_field_at_once(page):
    sign_in(page)
    page.goto("/espace/effectifs/nouveau")
    page.get_by_label("Nom", exact=True).fill("Durand")
    page.get_by_label("Prénom", exact=True).fill("Élodie")
    page.get_by_label("Date de naissance").fill("12/03/2090")  # not born yet
    page.get_by_label("Poste", exact=True).fill("Vendeuse")
    page.get_by_label("Date d'embauche").fill("01/09/2025")
    page.get_by_label("Fin du contrat").fill("01/08/2025")  # before the hiring
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    expect(page.locator("#birth_date-error")).to_contain_text("pas plausible")
    expect(page.locator("#contract_end-error")).to_contain_text("précède l'embauche")
    expect(page.get_by_label("Date de naissance")).to_have_attribute("aria-invalid", "true")
    summary = expect_focused_summary(page)
    expect(summary.get_by_role("link")).to_have_count(2)  # the birth, the end of contract
    expect(page.locator(".flash-error")).to_have_count(0)  # no banner, one at a time


def test_the_web_score_skips_q2_and_q4_after_no_as_sms_does(new_page):
    for javascript in (True, False):
        page = new_page(java_script_enabled=javascript)
        page.goto("/score")
        page.get_by_role("group", name="Employez-vous des salariés ?").get_by_label(
            "Oui", exact=True
        ).check()
        page.get_by_role("button", name="Continuer").click()
        q1 = page.get_by_role("group", name=re.compile("document unique d'évaluation"))
        q2 = page.get_by_role("group", name=re.compile("construit avec vos salariés"))
        q3 = page.get_by_role("group", name=re.compile("plan d'actions de prévention"))
        q4 = page.get_by_role("group", name=re.compile("suivi et mis à jour"))
        expect(q1).to_be_visible()
        expect(q2).to_be_hidden()  # not asked before Q1 is answered yes
        expect(q4).to_be_hidden()
        q1.get_by_label("Non", exact=True).check()
        expect(q2).to_be_hidden()
        q1.get_by_label("Oui", exact=True).check()
        expect(q2).to_be_visible()
        q3.get_by_label("Non", exact=True).check()
        expect(q4).to_be_hidden()
        expect(page.get_by_role("group")).to_have_count(5)  # Q1, Q2, Q3, Q5, Q6


def test_the_employee_form_asks_night_work_once(page):
    sign_in(page)
    page.goto("/espace/effectifs/nouveau")
    form = page.locator("main form").first
    expect(form.get_by_label(re.compile("nuit", re.IGNORECASE))).to_have_count(1)
