"""The letter to the employer about an adjustment (SPEC 4.7): a document produced from the case,
only with the worker's consent — checked when the cell sends it and again at every download; the
employer's e-mail says only that a letter waits; and no employer page nor e-mail ever carries the
case's content (walked from the employer's menu)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from assistant.database import utcnow
from assistant.models import AuditEntry, OutboxMessage, StaffUser
from assistant.models.pdp import PdpCase, PdpDisclosure
from assistant.services.pdp import consent, letter, plan
from tests.factories import EMPLOYER_EMAIL, MOBILE, PASSWORD, make_employee
from tests.pdp_consent_helpers import ADJUSTMENT, asked, with_adjustment, worker_asks
from tests.web.helpers import fresh, login, member_login, read


@pytest.fixture
def proven_employee(db, employer):
    row = make_employee(db, employer, phone=MOBILE, proven=True)
    db.commit()
    return row


@pytest.fixture
def adjusted_case(db, proven_employee) -> PdpCase:
    case = worker_asks(db, proven_employee)
    with_adjustment(db, case)
    db.commit()
    return case


def as_staff(app, db, role="pdp"):
    from tests.factories import make_staff_user

    user = make_staff_user(db, role)
    db.commit()
    client = app.test_client()
    response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def send_letter(staff) -> str:
    return read(staff.post(f"/staff/pdp/{staff.case_id}/courrier", follow_redirects=True))


def letters(db) -> list[PdpDisclosure]:
    fresh(db)
    return list(db.scalars(select(PdpDisclosure).order_by(PdpDisclosure.id)))


def emails_to_employer(db) -> list[OutboxMessage]:
    fresh(db)
    return list(
        db.scalars(
            select(OutboxMessage).where(
                OutboxMessage.channel == "email", OutboxMessage.recipient == EMPLOYER_EMAIL
            )
        )
    )


def test_consent_given_used_revoked_then_refused_at_the_next_disclosure(
    app, client, db, adjusted_case
):
    staff = as_staff(app, db)
    staff.case_id = adjusted_case.id
    # no consent: refused with a clear message, audited, nothing sent
    assert "Le salarié n'a pas donné son accord" in send_letter(staff)
    assert letters(db) == [] and len(emails_to_employer(db)) == 1  # the request's notice only
    # the worker consents in their space
    login(client, db)
    data = {"case": adjusted_case.id, "scope": "adjustments", "agree": "oui"}
    client.post("/salarie/pdp/accord", data=data)
    # used: the letter goes to the employer's space, and an e-mail says it is there
    assert "Courrier déposé dans l'espace de l'employeur" in send_letter(staff)
    (sent,) = letters(db)
    assert (sent.scope, sent.what, sent.recipient_member_id) == (
        "adjustments",
        "adjustment_letter",
        adjusted_case.member_id,
    )
    mail = emails_to_employer(db)[-1]
    assert "/espace/pdp/courriers" in mail.body and "PDP" in mail.subject
    for content in ("assis-debout", "pétrin", "Durand", "Alex", "dos"):
        assert content not in mail.body and content not in mail.subject
    employer = app.test_client()
    member_login(employer)
    page = read(employer.get("/espace/pdp/courriers"))
    assert "Aménagement du poste de Alex Durand" in page
    pdf = employer.get(f"/espace/pdp/courriers/{sent.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # revoked by the worker: the employer's next download and the cell's next letter refused
    client.post("/salarie/pdp/accord", data={**data, "agree": "non"})
    refused = employer.get(f"/espace/pdp/courriers/{sent.id}.pdf")
    assert refused.status_code == 403
    assert "Le salarié a retiré son accord" in read(refused)
    page = read(employer.get("/espace/pdp/courriers"))
    assert "Alex Durand" not in page and "le salarié a retiré son accord" in page
    assert "Le salarié n'a pas donné son accord (ou l'a retiré)" in send_letter(staff)
    assert [d.what for d in letters(db)] == ["adjustment_letter", "adjustment_letter_download"]
    refusals = db.scalars(
        select(AuditEntry.actor).where(AuditEntry.action == "disclosure_refused")
    ).all()
    assert len(refusals) == 3  # before consent, the download, the cell's second letter
    assert refusals[1].startswith("member")


def test_no_letter_without_an_adjustment_in_the_plan(app, db, proven_employee):
    case = worker_asks(db, proven_employee)
    consent.give(db, case, "staff:1", "adjustments", "staff", utcnow())
    db.commit()
    staff = as_staff(app, db)
    staff.case_id = case.id
    assert "aucun aménagement de poste" in send_letter(staff)
    assert letters(db) == []


def test_the_letter_prints_only_the_adjustments_known_when_it_was_sent(db, adjusted_case):
    consent.give(db, adjusted_case, "staff:1", "adjustments", "staff", utcnow())
    sent, mailed = letter.send(db, adjusted_case, "staff:1", utcnow())
    assert mailed
    later = utcnow() + timedelta(minutes=5)
    plan.add_action(db, adjusted_case, "staff:1", "adjustment", later, note="Ajout ultérieur.")
    text = letter.document(db, sent).text
    assert ADJUSTMENT in text and "Ajout ultérieur" not in text
    assert "Alex Durand" in text and "Boulangerie Dupont" in text and "cellule" in text
    for content in ("pétrin.", "Mal au dos", "le soir", "Analyse."):
        assert content not in text


def test_a_member_never_reaches_another_members_letter(app, db, adjusted_case, other):
    from tests.factories import add_account

    consent.give(db, adjusted_case, "staff:1", "adjustments", "staff", utcnow())
    sent, _mailed = letter.send(db, adjusted_case, "staff:1", utcnow())
    add_account(db, other, "garage@leroy.fr")
    db.commit()
    stranger = app.test_client()
    member_login(stranger, "garage@leroy.fr")
    assert stranger.get(f"/espace/pdp/courriers/{sent.id}.pdf").status_code == 404
    assert "Alex Durand" not in read(stranger.get("/espace/pdp/courriers"))
    employer = member_login(app.test_client())
    assert employer.get(f"/espace/pdp/courriers/{sent.id + 99}.pdf").status_code == 404


# --- no employer page nor e-mail carries the case's content ---------------------------------

SECRETS = {
    "description": "Zorglub lombalgie chronique",
    "contact": "Quetzalcoatl joignable",
    "analysis": "Xylophonique analyse",
    "study": "Ornithorynque étude",
    "psychological": "Kangourou soutien",
    "review": "Wapiti suivi trois mois",
    "outcome": "Okapi issue",
}
ADJUSTED = "Brontosaure poste aménagé"


def _links(page: str) -> set[str]:
    """The member space's links of a page (not the language switch, not signing out)."""
    return {
        html.unescape(link).split("#")[0]
        for link in re.findall(r'href="(/espace[^"]*)"', page)
        if "deconnexion" not in link and "lang=" not in link
    }


def walk(client, start: str = "/espace/") -> dict[str, object]:
    """Every page of the member space reachable from its home by links (GET), its response."""
    seen, todo = {}, [start]
    while todo:
        assert len(seen) < 200, sorted(seen)  # a walk that never ends
        url = todo.pop()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response
        if response.mimetype == "text/html":
            todo += sorted(_links(response.get_data(as_text=True)) - set(seen))
    return seen


def test_no_employer_page_nor_email_carries_the_case_content(app, client, db, proven_employee):
    case = worker_asks(db, proven_employee, SECRETS["description"], contact=SECRETS["contact"])
    with_adjustment(db, case, ADJUSTED, analysis=SECRETS["analysis"])
    now = utcnow() - timedelta(days=4)
    plan.add_action(db, case, "staff:1", "workstation_study", now, note=SECRETS["study"])
    plan.add_action(db, case, "staff:1", "psychological", now, note=SECRETS["psychological"])
    reviews = plan.adopt_plan(db, case, "staff:1", now.date())
    plan.complete_review(db, reviews[0], "staff:1", now, note=SECRETS["review"])
    closed = worker_asks(db, proven_employee, "Autre " + SECRETS["description"])
    plan.record_analysis(db, closed, "staff:1", db.scalar(select(StaffUser)), "A.", now)
    plan.close(db, closed, "staff:1", "kept", now, note=SECRETS["outcome"])
    for scope in ("stage", "adjustments", "plan"):
        consent.give(db, case, "staff:1", scope, "staff", now)
    db.commit()
    staff = as_staff(app, db)
    staff.case_id = case.id
    send_letter(staff)
    asked(db, case, "stage")  # an ask pending too
    db.commit()

    member_login(client)
    pages = walk(client)
    assert {"/espace/pdp/courriers", "/espace/effectifs", "/espace/visites"} <= set(pages)
    pdfs = [url for url in pages if url.startswith("/espace/pdp/courriers/")]
    assert len(pdfs) == 1 and pages[pdfs[0]].status_code == 200
    for url, response in pages.items():
        assert response.status_code in (200, 302), url
        if response.mimetype == "text/html":
            text = read(response)
            for word in [*SECRETS.values(), ADJUSTED]:
                assert word.split()[0] not in text, (url, word)
    # the letter itself: the adjustment's note (with consent), nothing else of the case
    (sent,) = letter.letters_of(db, db.get(PdpCase, case.id).member)
    printed = letter.document(db, sent).text
    assert ADJUSTED in printed
    for word in SECRETS.values():
        assert word.split()[0] not in printed, word
    mails = emails_to_employer(db)
    assert len(mails) == 3  # two requests exist (never what), one letter waits
    for mail in mails:
        for word in [*SECRETS.values(), ADJUSTED]:
            assert word.split()[0] not in mail.body + mail.subject, word


def test_the_stage_and_the_plan_reach_the_employer_only_while_the_consent_is_in_force(
    app, client, db, adjusted_case
):
    """Consent given, used (each showing a disclosure), revoked, then refused: the employer's
    PDP page shows where the case stands and the plan's actions that need it (kinds and dates,
    never the cell's notes) only while the worker agrees."""
    from datetime import date

    plan.add_action(
        db, adjusted_case, "staff:1", "essai_encadre", utcnow(), starts_on=date(2026, 12, 7)
    )
    db.commit()
    member_login(client)
    page = read(client.get("/espace/pdp"))
    assert "Rien pour l'instant" in page and "Essai encadré" not in page
    for scope in ("stage", "plan"):
        consent.give(db, adjusted_case, "phone:" + MOBILE, scope, "web", utcnow())
    db.commit()
    page = read(client.get("/espace/pdp"))
    shared = page[page.index('id="pdp-shared"') :]
    assert "Situation étudiée avec le médecin du travail" in shared
    assert "Essai encadré" in shared and "Aménagement de poste" not in shared  # its own scope
    assert ADJUSTMENT not in page and "pétrin" not in page  # no note, no description
    assert {d.what for d in letters(db)} == {"stage", "plan"}
    consent.revoke(db, adjusted_case, "phone:" + MOBILE, "sms", utcnow())
    db.commit()
    page = read(client.get("/espace/pdp"))
    assert 'id="pdp-shared"' not in page and "Essai encadré" not in page
    assert len(letters(db)) == 2  # nothing more disclosed
