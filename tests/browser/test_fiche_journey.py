"""Fiche d'entreprise in Chromium: the IPRP drafts and publishes it, the employer downloads it."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.models import FicheEntreprise, Member
from assistant.services.demo import DEMO_PASSWORD
from assistant.services.workforce import employees as workforce
from tests.factories import make_employee

pytestmark = pytest.mark.browser

COMPANY = "Boulangerie Dupont SARL"
DEMO_SIRET = "73282932000074"
SYNTHESIS = "Fours : prévoir une aspiration des poussières de farine.\nRevoir le DUERP avant juin."
ADVICE = "Former le personnel au port des charges."
LATE_DAYS = 40


def staff_sign_in(page, email):
    page.goto("/staff/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))


def member_sign_in(page):
    page.goto("/espace/connexion")
    page.get_by_label("Adresse e-mail").fill("contact@boulangerie-dupont.fr")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/espace/$"))


@pytest.fixture
def bakery(live_app) -> tuple[int, int]:
    """The demo employer, a member for a year and 40 days (its first fiche is late), with two
    more declared employees; returns its id and how many employees it follows."""
    with live_app.session() as session:
        member = session.scalar(select(Member).where(Member.siret == DEMO_SIRET))
        member.activated_at = utcnow() - timedelta(days=365 + LATE_DAYS)
        common = dict(birth_date=date(1985, 3, 12), hire_date=date(2024, 1, 15))
        make_employee(session, member, first_name="Élodie", job="Tourière", **common)
        make_employee(
            session,
            member,
            last_name="Bernard",
            first_name="Karim",
            job="Livreur de pain",
            night_worker=True,
            exposures=["vibrations"],
            **common,
        )
        session.commit()
        return member.id, len(workforce.list_employees(session, member.id, today=today_paris()))


def test_iprp_drafts_and_publishes_the_fiche_then_the_employer_downloads_it(
    page, new_page, live_app, bakery, tmp_path
):
    member_id, followed = bakery
    staff_sign_in(page, "iprp@demo.spsti.fr")
    page.get_by_role("navigation").get_by_role("link", name="Fiches d'entreprise").click()
    expect(page.get_by_role("heading", level=1, name="Fiches d'entreprise à faire")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=COMPANY)
    expect(row).to_contain_text(re.compile(r"en retard de (39|40|41) jours"))
    expect(row).to_contain_text("aucune")
    row.get_by_role("link", name=COMPANY).click()

    expect(
        page.get_by_role("heading", level=1, name=f"Fiche d'entreprise — {COMPANY}")
    ).to_be_visible()
    expect(page.get_by_text("Aucune fiche d'entreprise pour cet adhérent.")).to_be_visible()
    page.get_by_role("button", name="Préparer une version à partir des déclarations").click()
    expect(page.get_by_role("status")).to_have_text("Version 1 préparée à partir des déclarations.")
    expect(page.get_by_role("heading", name="Brouillon de la version 1")).to_be_visible()

    # Prefilled from what the member declared: identity, team, workforce, exposures, score.
    expect(page.get_by_label("Nom et adresse de l'entreprise")).to_have_value(
        f"{COMPANY}\n4 place du Marché, 75011 Paris"
    )
    expect(page.get_by_label("Code NAF")).to_have_value(re.compile(r"^10\.71C — "))
    expect(page.get_by_label("N° d'adhérent")).to_have_value(f"{member_id} (SIRET {DEMO_SIRET})")
    expect(page.get_by_label("Noms des membres de l'équipe pluridisciplinaire")).to_have_value(
        "Dr Claire Martin, médecin du travail\nInès Préventrice, rédacteur de la fiche"
    )
    expect(page.get_by_label("Nom du contact « entreprise »", exact=False)).to_have_value(
        "Marc Dupont"
    )
    jobs = page.get_by_label("Liste de tous les postes de travail")
    expect(jobs).to_have_value(re.compile(r"(^|\n)Livreur de pain \(1 salarié\)(\n|$)"))
    expect(jobs).to_have_value(re.compile(r"(^|\n)Tourière \(1 salarié\)(\n|$)"))
    effectifs = page.get_by_label("Effectifs", exact=True)
    expect(effectifs).to_have_value(re.compile(r"^Effectif déclaré : 6\n"))
    expect(effectifs).to_have_value(re.compile(rf"\nSalariés inscrits au service : {followed}\n"))
    expect(page.get_by_label("Contrats", exact=True)).to_have_value(
        re.compile(r"(^|\n)CDI : \d+(\n|$)")
    )
    expect(page.get_by_label("Horaires", exact=True)).to_have_value(
        re.compile(r"^\d+ salariés? déclarés? travailleur de nuit$")
    )
    expect(page.get_by_label(re.compile("^Liste des expositions professionnelles"))).to_have_value(
        re.compile(r"(^|\n)Vibrations : 1 salarié exposé(\n|$)")
    )
    expect(page.get_by_label("Document unique : oui / non")).to_have_value(
        re.compile(r"^Oui \(déclaré par l'entreprise le \d\d/\d\d/\d{4}\)$")
    )
    synthesis = page.get_by_label("Synthèse et préconisations")
    expect(synthesis).to_have_value("")

    # No publication while a required section is empty: the confirmation page names them.
    page.get_by_role("button", name="Publier la version 1").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Publication refusée")
    expect(alert).to_contain_text("Synthèse et préconisations")
    expect(alert).to_contain_text("Conseils de prévention")
    page.get_by_role("link", name="Retour au brouillon").click()

    synthesis.fill(SYNTHESIS)
    page.get_by_label("Conseils de prévention").fill(ADVICE)
    page.locator("section#page1").get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("status")).to_have_text("Brouillon enregistré.")
    expect(synthesis).to_have_value(SYNTHESIS)
    expect(page.get_by_label("Conseils de prévention")).to_have_value(ADVICE)
    expect(page.get_by_label("Code NAF")).to_have_value(re.compile(r"^10\.71C — "))

    page.get_by_role("button", name="Publier la version 1").click()
    page.get_by_label(re.compile("^Je confirme la publication")).check()
    page.get_by_role("button", name="Publier définitivement").click()
    expect(page.get_by_role("status")).to_have_text(
        "Version 1 publiée dans l'espace de l'adhérent."
    )
    versions = page.get_by_role("table")
    expect(versions).to_contain_text("publiée")
    expect(versions).to_contain_text("Inès Préventrice")
    expect(page.get_by_role("button", name="Publier la version 1")).to_have_count(0)
    expect(
        page.get_by_role("button", name="Préparer une version à partir des déclarations")
    ).to_be_visible()
    with live_app.session() as session:
        stored = session.scalar(
            select(FicheEntreprise).where(FicheEntreprise.member_id == member_id)
        )
        assert stored.is_published and stored.content["synthese"] == SYNTHESIS
    page.get_by_role("navigation").get_by_role("link", name="Fiches d'entreprise").click()
    expect(page.get_by_role("row").filter(has_text=COMPANY)).to_have_count(0)

    # The employer, in another browser, finds it in its documents and downloads it.
    employer = new_page()
    member_sign_in(employer)
    today = today_paris()
    link = employer.get_by_role("link", name=re.compile(r"^Fiche d'entreprise, version 1 du "))
    expect(link).to_contain_text(str(today.year))
    with employer.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == f"fiche-entreprise-{DEMO_SIRET}-v1.pdf"
    pdf = tmp_path / "fiche.pdf"
    download.save_as(pdf)
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF-")
    assert content.rstrip().endswith(b"%%EOF")
    assert 5_000 < len(content) < 2_000_000, len(content)


def test_a_secretary_sees_the_due_list_but_cannot_draft_a_fiche(page, live_app, bakery):
    staff_sign_in(page, "secretariat@demo.spsti.fr")
    page.get_by_role("navigation").get_by_role("link", name="Fiches d'entreprise").click()
    row = page.get_by_role("row").filter(has_text=COMPANY)
    expect(row).to_contain_text("en retard")
    expect(row.get_by_role("link")).to_have_count(0)

    response = page.goto(f"/staff/adherents/{bakery[0]}/fiche")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1, name="Accès refusé")).to_be_visible()
    expect(page.get_by_text("Votre compte ne permet pas d'accéder à cette page.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Préparer une version"))).to_have_count(0)
    with live_app.session() as session:
        assert session.scalar(select(FicheEntreprise.id)) is None


def _draft_page(page, member_id):
    staff_sign_in(page, "iprp@demo.spsti.fr")
    page.goto(f"/staff/adherents/{member_id}/fiche")
    page.get_by_role("button", name="Préparer une version à partir des déclarations").click()
    expect(page.get_by_role("heading", name="Brouillon de la version 1")).to_be_visible()


def _stored(live_app, member_id) -> FicheEntreprise:
    with live_app.session() as session:
        return session.scalar(select(FicheEntreprise).where(FicheEntreprise.member_id == member_id))


def test_the_fiche_editor_loses_no_text_typed_in_another_part(page, live_app, bakery):
    """The defect: the page held one form per part; saving one dropped what was typed in another,
    without warning."""
    member_id, _ = bakery
    _draft_page(page, member_id)
    page.get_by_label("Synthèse et préconisations").fill(SYNTHESIS)  # page 1
    page.get_by_label("Locaux", exact=True).fill("Fournil de 40 m², réserve à farine.")  # page 2
    # the save button of page 2 (on yesterday's page it saved page 2 alone)
    page.locator("section#page2").get_by_role("button", name=re.compile("^Enregistrer")).click()
    expect(page.get_by_role("status")).to_have_text("Brouillon enregistré.")
    page.reload()
    expect(page.get_by_label("Synthèse et préconisations")).to_have_value(SYNTHESIS)
    expect(page.get_by_label("Locaux", exact=True)).to_have_value(
        "Fournil de 40 m², réserve à farine."
    )
    content = _stored(live_app, member_id).content
    assert content["synthese"] == SYNTHESIS
    assert content["locaux"] == "Fournil de 40 m², réserve à farine."


def test_leaving_the_fiche_editor_with_unsaved_text_asks_first(page, live_app, bakery):
    member_id, _ = bakery
    _draft_page(page, member_id)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    advice = page.get_by_label("Conseils de prévention")
    advice.click()
    advice.press_sequentially("Aérer le fournil.")
    page.get_by_role("link", name=COMPANY).first.click()
    expect(advice).to_have_value("Aérer le fournil.")
    assert dialogs == ["beforeunload"]
    assert re.search(rf"/staff/adherents/{member_id}/fiche$", page.url)
    # saved: leaving asks nothing
    page.locator("section#lettre").get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("status")).to_have_text("Brouillon enregistré.")
    page.get_by_role("link", name=COMPANY).first.click()
    expect(page).to_have_url(re.compile(rf"/staff/adherents/{member_id}$"))
    assert dialogs == ["beforeunload"]


def test_publishing_the_fiche_needs_its_required_parts_and_a_confirmation(page, live_app, bakery):
    member_id, _ = bakery
    _draft_page(page, member_id)
    page.get_by_label("Synthèse et préconisations").fill(SYNTHESIS)
    page.get_by_label("Liste de tous les postes de travail").fill("")
    page.get_by_role("button", name="Publier la version 1").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Publication refusée")
    expect(alert.get_by_role("listitem")).to_have_text(
        ["Liste de tous les postes de travail", "Conseils de prévention"]
    )
    expect(page.get_by_role("button", name="Publier définitivement")).to_have_count(0)
    assert not _stored(live_app, member_id).is_published
    assert _stored(live_app, member_id).content["synthese"] == SYNTHESIS  # saved on the way

    page.get_by_role("link", name="Retour au brouillon").click()
    page.get_by_label("Liste de tous les postes de travail").fill("Boulanger\nVendeuse")
    page.get_by_label("Conseils de prévention").fill(ADVICE)
    page.get_by_role("button", name="Publier la version 1").click()
    expect(page.get_by_text("Elle ne pourra plus être modifiée", exact=False)).to_be_visible()
    page.get_by_role("button", name="Publier définitivement").click()  # box not ticked
    expect(page.get_by_text("Cochez la case pour confirmer la publication.").last).to_be_visible()
    assert not _stored(live_app, member_id).is_published

    page.get_by_label(re.compile("^Je confirme la publication")).check()
    page.get_by_role("button", name="Publier définitivement").click()
    expect(page.get_by_role("status")).to_have_text(
        "Version 1 publiée dans l'espace de l'adhérent."
    )
    stored = _stored(live_app, member_id)
    assert stored.is_published and stored.content["conseils"] == ADVICE
