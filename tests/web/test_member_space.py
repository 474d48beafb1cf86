"""The member space: logins, one member never reaches another's data, the staff queue."""

import re

import pytest
from sqlalchemy import select

from assistant.models import AuditEntry, Member, OutboxMessage, Role
from assistant.services import demo
from tests.conftest import make_app


def _login_employer(client):
    return client.post(
        "/espace/connexion",
        data={"email": "contact@boulangerie-dupont.fr", "password": demo.DEMO_PASSWORD},
    )


def test_space_needs_a_login(client):
    response = client.get("/espace/")
    assert response.status_code == 302 and "/espace/connexion" in response.headers["Location"]


def test_employer_logs_in_and_sees_only_its_own_data(client, db, demo_data):
    assert _login_employer(client).status_code == 302
    page = client.get("/espace/").get_data(as_text=True)
    assert "Boulangerie Dupont SARL" in page
    assert "Léa Moreau" not in page and "44306184100047" not in page
    assert "660,00\u00a0€" in page  # 6 employees × 110 €
    assert db.scalar(
        select(AuditEntry).where(AuditEntry.action == "read", AuditEntry.record_type == "member")
    )


def test_member_cannot_open_staff_pages(client, db, demo_data):
    _login_employer(client)
    assert client.get("/staff/adherents?q=Moreau").status_code == 302  # to the staff login
    assert client.get("/staff/adherents/2").status_code == 302


def test_staff_is_not_a_member(client, staff_login):
    staff_login("admin")
    assert client.get("/espace/").status_code == 302


def test_wrong_member_password_and_lockout(client, demo_data):
    for _ in range(5):
        bad = client.post(
            "/espace/connexion",
            data={"email": "contact@boulangerie-dupont.fr", "password": "mauvais-mot-de-passe"},
        )
        assert "incorrect" in bad.get_data(as_text=True)
    assert _login_employer(client).status_code == 429


def test_independent_logs_in_with_a_code(client, db, demo_data):
    response = client.post("/espace/connexion/sms", data={"phone": "06 98 76 54 32"})
    assert response.headers["Location"].endswith("/espace/connexion/code")
    sms = db.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "+33698765432"))
    code = re.search(r"\b(\d{6})\b", sms.body).group(1)
    assert client.post("/espace/connexion/code", data={"code": code}).status_code == 302
    assert "Léa Moreau" in client.get("/espace/").get_data(as_text=True)


def test_unknown_phone_gets_the_same_answer_and_no_sms(client, db, demo_data):
    response = client.post("/espace/connexion/sms", data={"phone": "06 00 00 00 01"})
    assert response.headers["Location"].endswith("/espace/connexion/code")
    assert db.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "+33600000001")) is None


def test_certificate_is_a_pdf_of_the_member(client, demo_data):
    _login_employer(client)
    response = client.get("/espace/attestation-adhesion.pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert "73282932000074" in response.headers["Content-Disposition"]


STAFF_MEMBER_PAGES = [
    ("/staff/adhesions", {Role.ADMIN, Role.SECRETARY}),
    ("/staff/adherents?q=dupont", set(Role)),
    ("/staff/adherents/1", set(Role)),
]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("url", "allowed"), STAFF_MEMBER_PAGES)
def test_staff_member_pages_by_role(client, staff_login, demo_data, role, url, allowed):
    staff_login(role.value)
    assert client.get(url).status_code == (200 if role in allowed else 403)


def test_search_by_siret_name_and_phone(client, staff_login, demo_data):
    staff_login("secretary")
    for query in ("732 829 320", "dupont", "06 12 34 56 78", "+33612345678"):
        page = client.get(f"/staff/adherents?q={query}").get_data(as_text=True)
        assert "Boulangerie Dupont SARL" in page, query
        assert "Léa Moreau" not in page


def test_pending_member_is_validated_by_staff(tmp_path, database, load_demo):
    app = make_app(tmp_path, database, MEMBERS_AUTO_ACTIVATE=False)
    session = app.extensions["database"]["sessionmaker"]()
    load_demo(session)
    session.commit()
    from tests.web.helpers import EMPLOYER_STEPS, _walk

    client = app.test_client()
    _walk(client, "entreprise", EMPLOYER_STEPS)
    client.post(
        "/adhesion/entreprise/confirmation",
        data={"password": "un-long-secret", "confirm": "un-long-secret"},
    )
    session.commit()
    member = session.scalar(select(Member).where(Member.legal_name == "Menuiserie Petit"))
    assert member.status == "pending"
    staff = app.test_client()
    from tests.factories import make_staff_user

    make_staff_user(session, "secretary", "sec@test.fr")
    session.commit()
    staff.post("/staff/login", data={"email": "sec@test.fr", "password": "correct-horse-battery"})
    assert "Menuiserie Petit" in staff.get("/staff/adhesions").get_data(as_text=True)
    validated = staff.post(f"/staff/adhesions/{member.id}/valider", follow_redirects=True)
    assert "validée" in validated.get_data(as_text=True), validated.get_data(as_text=True)[-3000:]
    session.rollback()
    session.expire_all()  # objects kept from before (expire_on_commit=False) are re-read
    assert session.get(Member, member.id).status == "active"
    session.close()
    with app.app_context():
        from assistant.extensions import db

        db.engine.dispose()


def test_a_member_awaiting_validation_gets_no_certificate_saying_it_is_a_member(
    client, db, demo_data
):
    """The defect: a member still awaiting the service's validation downloaded an attestation
    saying it was a member."""
    member = db.scalar(select(Member).where(Member.siret == "73282932000074"))
    member.status = "pending"
    db.commit()
    _login_employer(client)
    home = client.get("/espace/").get_data(as_text=True)
    assert "/espace/attestation-adhesion.pdf" not in home
    assert "disponible dès que le service aura validé votre adhésion" in home
    response = client.get("/espace/attestation-adhesion.pdf")
    assert response.status_code == 302 and response.headers["Location"].endswith("/espace/")
    page = client.get("/espace/").get_data(as_text=True)
    assert "Votre adhésion attend la validation du service" in page


def test_the_certificate_says_when_it_was_issued_and_until_when_it_holds(db, demo_data):
    from datetime import date

    from assistant.services.documents import pdf

    member = db.scalar(select(Member).where(Member.siret == "73282932000074"))
    text = "\n".join(pdf.certificate_lines(member, date(2026, 11, 23)))
    assert "délivrée le 23/11/2026" in text
    assert "valable jusqu'au 31/12/2026 (fin de l'année de cotisation en cours)" in text
    member.status = "pending"
    with pytest.raises(pdf.CertificateRefused):
        pdf.adhesion_certificate(member, "Service", date(2026, 11, 23))


def test_the_naf_code_is_shown_with_its_label_in_the_readers_language(
    client, db, demo_employer, staff_login
):
    """Issue 15: NAF labels in English are the NACE Rev. 2 titles of their class."""
    french = demo_employer.get("/espace/").get_data(as_text=True)
    assert "10.71C — Boulangerie et boulangerie-pâtisserie" in french
    english = demo_employer.get("/espace/?lang=en").get_data(as_text=True)
    assert "10.71C — Manufacture of bread; manufacture of fresh pastry goods and cakes" in english
    staff_login("secretary")
    bakery = db.scalar(select(Member).where(Member.naf_code == "10.71C"))
    page = client.get(f"/staff/adherents/{bakery.id}?lang=en").get_data(as_text=True)
    assert "10.71C — Manufacture of bread" in page
