"""Fiche d'entreprise pages: who sees what, an IPRP drafts and publishes, the employer downloads."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assistant.models import FicheEntreprise, Member, Role
from assistant.services import demo


@pytest.fixture
def members(db, load_demo):
    load_demo(db)
    db.commit()
    bakery = db.scalar(select(Member).where(Member.legal_name == "Boulangerie Dupont SARL"))
    other = db.scalar(select(Member).where(Member.id != bakery.id))
    return bakery.id, other.id


ALLOWED = {
    "/staff/fiches": {Role.IPRP, Role.DOCTOR, Role.ADMIN, Role.SECRETARY},
    "/staff/adherents/{id}/fiche": {Role.IPRP, Role.DOCTOR},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("url", list(ALLOWED))
def test_pages_by_role(client, staff_login, members, role, url):
    staff_login(role.value)
    response = client.get(url.format(id=members[0]))
    assert response.status_code == (200 if role in ALLOWED[url] else 403)


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.IPRP, Role.DOCTOR)])
def test_only_writers_draft(client, staff_login, members, role):
    staff_login(role.value)
    assert client.post(f"/staff/adherents/{members[0]}/fiche/brouillon").status_code == 403


def _login_employer(client):
    response = client.post(
        "/espace/connexion",
        data={"email": "contact@boulangerie-dupont.fr", "password": demo.DEMO_PASSWORD},
    )
    assert response.status_code == 302


def test_iprp_drafts_edits_publishes_and_employer_downloads(client, db, staff_login, members):
    bakery, other = members
    staff_login("iprp")
    due = client.get("/staff/fiches").get_data(as_text=True)
    assert "Boulangerie Dupont SARL" in due

    page = f"/staff/adherents/{bakery}/fiche"
    assert client.post(f"{page}/brouillon").status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "Brouillon de la version 1" in html and "Boulangerie Dupont SARL" in html
    assert "10.71C" in html  # prefilled NAF code

    # publishing without the required sections is refused, naming them
    refused = client.post(f"{page}/1/publier", data={"confirm": "y"})
    assert refused.status_code == 400
    assert "Synthèse et préconisations" in refused.get_data(as_text=True)
    db.rollback()
    assert db.scalar(select(FicheEntreprise.status)) == "draft"

    response = client.post(
        f"{page}/1",
        data={"synthese": "Capoter le pétrin.", "contact": "Marc Dupont", "conseils": "Aérer."},
    )
    assert response.status_code == 302
    assert client.get(f"{page}/1.pdf").data.startswith(b"%PDF")  # staff preview of the draft

    # the employer sees no draft
    employer = client.application.test_client()
    _login_employer(employer)
    assert employer.get("/espace/fiche-entreprise/1.pdf").status_code == 404
    assert "Fiche d'entreprise, version" not in employer.get("/espace/").get_data(as_text=True)

    assert client.post(f"{page}/1/publier").status_code == 400  # not confirmed
    assert client.post(f"{page}/1/publier", data={"confirm": "y"}).status_code == 302
    db.rollback()  # a fresh snapshot: the app wrote in its own session
    published = db.scalar(select(FicheEntreprise))
    assert published.status == "published" and published.content["synthese"] == (
        "Capoter le pétrin."
    )
    # a published version no longer takes changes
    client.post(f"{page}/1", data={"synthese": "Autre chose."})
    db.rollback()  # a fresh snapshot: the app wrote in its own session
    assert db.scalar(select(FicheEntreprise)).content["synthese"] == "Capoter le pétrin."

    home = employer.get("/espace/").get_data(as_text=True)
    assert "/espace/fiche-entreprise/1.pdf" in home
    pdf = employer.get("/espace/fiche-entreprise/1.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert employer.get("/espace/fiche-entreprise/2.pdf").status_code == 404

    # another member's published fiche is not the employer's
    client.post(f"/staff/adherents/{other}/fiche/brouillon")
    required = ("synthese", "postes", "effectifs", "expositions", "conseils")
    client.post(f"/staff/adherents/{other}/fiche/1", data=dict.fromkeys(required, "RAS"))
    client.post(f"/staff/adherents/{other}/fiche/1/publier", data={"confirm": "y"})
    db.rollback()  # a fresh snapshot: the app wrote in its own session
    assert (
        db.scalar(select(FicheEntreprise.status).where(FicheEntreprise.member_id == other))
        == "published"
    )
    mine = db.scalar(select(FicheEntreprise.id).where(FicheEntreprise.member_id == bakery))
    assert employer.get("/espace/fiche-entreprise/1.pdf").status_code == 200
    assert employer.get(f"/espace/fiche-entreprise/{mine + 1}.pdf").status_code == 404
