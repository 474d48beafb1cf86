"""People joining in Chromium: an employer then the secretary finds it; an independent by SMS."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.models import Member, OutboxMessage
from assistant.services.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

SIRET = "552 100 554 00013"  # valid (Luhn) and not in the demo data
IBAN = "FR14 2004 1010 0505 0001 3M02 606"
COMPANY = "Menuiserie Petit"
PHONE_VIEWPORT = {"width": 390, "height": 844}


def text_of(locator) -> str:
    """Visible text with no-break and narrow no-break spaces made ordinary."""
    return re.sub(r"[\u00a0\u202f]", " ", locator.inner_text())


def step(page, title):
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()


def next_step(page):
    page.get_by_role("button", name="Continuer").click()


def answer(page, question, choice):
    """Tick the radio button `choice` in the fieldset whose legend is `question`."""
    group = page.get_by_role("group", name=question)
    group.get_by_label(choice, exact=True).check()


def answer_in_turn(page, choices):
    """Tick each question's answer in turn: a question asked only after a yes above it (the
    score's Q2 and Q4) shows once that yes is ticked, as by SMS."""
    questions = page.get_by_role("group")
    for index, choice in enumerate(choices):
        questions.nth(index).get_by_label(choice, exact=True).check()
    expect(questions).to_have_count(len(choices))


def choose_first_activity(page):
    step(page, "Votre code d'activité (NAF)")
    first = page.get_by_role("group", name="Quelle activité correspond le mieux ?").get_by_role(
        "radio"
    )
    expect(first.first).to_be_visible()
    assert "chercher à nouveau" not in first.first.evaluate("el => el.labels[0].innerText")
    first.first.check()
    next_step(page)


def walk_employer_to_payment(page):
    """The employer's wizard from its first page to the payment step (a SIRET typed wrong
    first)."""
    step(page, "Votre entreprise")
    siret = page.get_by_label("Numéro SIRET de l'établissement")
    siret.fill("123")
    page.get_by_label("Raison sociale").fill(COMPANY)
    next_step(page)
    expect(page.get_by_role("alert")).to_contain_text("Il y a un problème")
    expect(siret).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#siret-error")).to_contain_text("SIRET non valide")
    expect(page.get_by_label("Raison sociale")).to_have_value(COMPANY)
    siret.fill(SIRET)
    next_step(page)

    step(page, "Votre activité")
    page.get_by_label("Votre activité, en quelques mots").fill("menuisier")
    next_step(page)
    choose_first_activity(page)

    step(page, "Vos coordonnées")
    page.get_by_label("Adresse de l'établissement").fill("3 rue des Lilas")
    page.get_by_label("Code postal").fill("75011")
    page.get_by_label("Commune").fill("Paris")
    page.get_by_label("Nombre de salariés").fill("4")
    page.get_by_label("Nom de la personne à contacter").fill("Jean Petit")
    page.get_by_label("Adresse e-mail").fill("jean@menuiserie-petit.fr")
    page.get_by_label("Téléphone mobile").fill("06 11 22 33 44")
    next_step(page)

    step(page, "Vos risques")
    risks = page.get_by_role("checkbox")
    expect(risks.first).to_be_visible()
    risks.nth(0).check()
    risks.nth(1).check()
    next_step(page)

    step(page, "Votre culture de prévention")
    answer_in_turn(page, ["Oui", "Non", "Oui", "Oui", "Non", "Oui"])
    next_step(page)

    step(page, "Paiement")


def test_employer_joins_then_the_secretary_finds_the_company(page, new_page, live_app, tmp_path):
    page.goto("/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Adhérer"
    ).click()
    page.get_by_role("link", name="Adhérer pour mon entreprise").click()

    walk_employer_to_payment(page)
    answer(page, "Mode de paiement de la cotisation", "Prélèvement SEPA")
    page.get_by_label("IBAN du compte à prélever").fill(IBAN)
    next_step(page)

    step(page, "Contrat")
    answer(page, "J'accepte le contrat d'adhésion (offre socle)", "Oui")
    next_step(page)

    step(page, "Vérifiez et confirmez votre adhésion")
    expect(page.locator(".score")).to_have_text("3,5/5")
    assert "440,00 € par an" in text_of(page.locator("main"))
    summary = text_of(page.get_by_role("table"))
    assert "FR14 •••• •••• 2606" in summary and "3M02" not in summary
    assert COMPANY in summary
    page.get_by_label("Choisissez un mot de passe").fill("un-long-secret")
    page.get_by_label("Confirmez le mot de passe").fill("un-long-secret")
    page.get_by_role("button", name="Confirmer mon adhésion").click()

    step(page, "Bienvenue, votre adhésion est enregistrée")
    expect(page.locator("main")).to_contain_text("jean@menuiserie-petit.fr")
    page.get_by_role("group", name="Comment avez-vous trouvé").get_by_label("5", exact=True).check()
    page.get_by_role("button", name="Envoyer mon avis").click()

    # The space waits for the e-mail address to be proven by the link sent (/dev/mail).
    step(page, "Confirmez votre adresse e-mail")
    expect(page.get_by_role("status")).to_have_text("Merci pour votre avis !")
    with live_app.session() as session:
        mail = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.recipient == "jean@menuiserie-petit.fr",
                OutboxMessage.subject.contains("Confirmez"),
            )
        ).first()
    page.goto(re.search(r"https?://\S+(/espace/confirmer/\S+)", mail.body).group(1))

    expect(page).to_have_title(re.compile("^Mon espace"))
    expect(page.get_by_role("status")).to_have_text("Votre adresse e-mail est confirmée.")
    step(page, COMPANY)
    expect(page.get_by_text("3,5/5", exact=True).first).to_be_visible()
    expect(page.locator("figure svg")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Attestation d'adhésion (PDF)").click()
    pdf = tmp_path / "attestation.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    # The secretary, in another browser, finds the new member by the SIRET as it was typed.
    staff = new_page()
    staff.goto("/staff/login")
    staff.get_by_label("Adresse e-mail").fill("secretariat@demo.spsti.fr")
    staff.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    staff.get_by_role("button", name="Se connecter").click()
    expect(staff).to_have_url(re.compile(r"/staff/$"))
    staff.get_by_role("navigation").get_by_role("link", name="Adhérents").click()
    staff.get_by_label("SIRET, nom ou téléphone").fill(SIRET)
    staff.get_by_role("button", name="Rechercher").click()
    expect(staff.get_by_role("table")).to_contain_text("1 résultat")
    staff.get_by_role("link", name=COMPANY).click()
    step(staff, COMPANY)
    facts = text_of(staff.locator("dl.facts"))
    assert "55210055400013" in facts
    assert re.search(r"FR14\S*\s.*2606", facts) and "3M02" not in facts, facts


def test_employer_sees_price_and_contract_before_accepting_and_bank_details_after(page, live_app):
    """Issue 15: the price and the contract before "J'accepte"; paying by transfer, the
    service's account and a payment reference on the thanks page."""
    page.goto("/adhesion/entreprise")
    walk_employer_to_payment(page)
    answer(page, "Mode de paiement de la cotisation", "Virement bancaire")
    next_step(page)

    step(page, "Contrat")
    terms = page.get_by_role("region", name="Ce que vous acceptez")
    expect(terms).to_be_visible()
    assert "440,00 € par an" in text_of(terms)  # 4 employees × 110 €
    link = terms.get_by_role("link", name=re.compile("Lire le contrat"))
    expect(link).to_have_attribute("href", "/contrat#socle")
    with page.context.expect_page() as contract_tab:
        link.click()
    contract = contract_tab.value
    expect(contract.get_by_role("heading", name="Entreprises : l'offre socle")).to_be_visible()
    contract.close()
    answer(page, "J'accepte le contrat d'adhésion (offre socle)", "Oui")
    next_step(page)

    step(page, "Vérifiez et confirmez votre adhésion")
    page.get_by_label("Choisissez un mot de passe").fill("un-long-secret")
    page.get_by_label("Confirmez le mot de passe").fill("un-long-secret")
    page.get_by_role("button", name="Confirmer mon adhésion").click()

    step(page, "Bienvenue, votre adhésion est enregistrée")
    transfer = text_of(page.get_by_role("region", name="Payer votre cotisation par virement"))
    assert "FR76 3000 6000 0112 3456 7890 189" in transfer and "AGRIFRPP" in transfer
    assert "440,00 €" in transfer and re.search(r"RF\d\dADH\d{6}", transfer), transfer


def test_independent_joins_with_a_code_received_by_sms(new_page, live_app, tmp_path):
    page = new_page(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    page.goto("/adhesion")
    page.get_by_role("link", name="Adhérer à titre personnel").click()

    step(page, "Vous")
    page.get_by_label("Vos prénom et nom").fill("Nina Roux")
    page.get_by_label("Votre numéro SIRET").fill(SIRET)
    page.get_by_label("Votre date de naissance").fill("12 mars 1980")
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=tmp_path / "wizard-phone.png", full_page=True)
    next_step(page)

    step(page, "Votre activité")
    page.get_by_label("Votre métier, en quelques mots").fill("coiffeuse")
    next_step(page)
    choose_first_activity(page)

    step(page, "Vos coordonnées")
    page.get_by_label("Code postal de votre activité").fill("93200")
    page.get_by_label("Votre téléphone mobile").fill("+33 7 81 23 45 67")
    next_step(page)

    step(page, "Vos risques")
    next_step(page)

    step(page, "Votre culture de prévention")
    answer_in_turn(page, ["Oui", "Oui", "Non"])
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=tmp_path / "prevention-phone.png", full_page=True)
    next_step(page)

    step(page, "Paiement")
    answer(page, "Mode de paiement de la cotisation", "Virement bancaire")
    next_step(page)

    step(page, "Contrat")
    answer(page, re.compile("^J'accepte le contrat d'adhésion"), "Oui")
    next_step(page)

    step(page, "Vérifiez et confirmez votre adhésion")
    expect(page.locator(".score")).to_have_text("3,5/5")
    assert "120,00 € par an" in text_of(page.locator("main"))
    assert "12 mars 1980" in text_of(page.get_by_role("table"))
    page.get_by_role("button", name="Recevoir mon code par SMS").click()
    expect(page.get_by_role("status")).to_contain_text("Un code vous a été envoyé par SMS")

    # What /dev/sms would show: the message queued for the number, in E.164.
    with live_app.session() as session:
        sms = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == "+33781234567")
            .order_by(OutboxMessage.id.desc())
        ).first()
    code = re.search(r"\b(\d{6})\b", sms.body).group(1)
    page.get_by_label(re.compile("tapez le code à 6 chiffres")).fill(code)
    page.get_by_role("button", name="Confirmer mon adhésion").click()

    step(page, "Bienvenue, votre adhésion est enregistrée")
    page.get_by_role("link", name="Aller à mon espace").click()
    expect(page).to_have_title(re.compile("^Mon espace"))
    step(page, "Nina Roux")
    expect(page.locator("main")).to_contain_text("Virement bancaire")
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def test_a_member_awaiting_validation_is_refused_the_attestation(page, live_app):
    """The defect: a member still awaiting the service's validation downloaded an attestation
    saying it was a member."""
    with live_app.session() as session:
        member = session.scalar(select(Member).where(Member.siret == "73282932000074"))
        member.status = "pending"
        session.commit()
    page.goto("/espace/connexion")
    page.get_by_label("Adresse e-mail").fill("contact@boulangerie-dupont.fr")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/espace/$"))
    expect(page.get_by_role("link", name="Attestation d'adhésion (PDF)")).to_have_count(0)
    expect(
        page.get_by_text("Attestation d'adhésion : disponible dès que le service aura validé")
    ).to_be_visible()
    page.goto("/espace/attestation-adhesion.pdf")  # an old link or a bookmark
    expect(page).to_have_url(re.compile(r"/espace/$"))
    expect(page.get_by_role("alert")).to_have_text(
        "Votre adhésion attend la validation du service : l'attestation d'adhésion sera "
        "disponible dès qu'elle sera validée."
    )
