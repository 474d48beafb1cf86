"""The member is told by e-mail, in its language, when its adhesion is validated or refused and
when a fiche d'entreprise is published for it (issue 15: nothing was sent)."""

from __future__ import annotations

from sqlalchemy import select

from assistant.models import AuditEntry, Member, OutboxMessage
from tests.factories import OTHER_SIRET, make_member

EMAIL = "gerance@menuiserie-petit.fr"


def _pending(db, locale="fr") -> int:
    member = make_member(
        db,
        OTHER_SIRET,
        legal_name="Menuiserie Petit",
        contact_name="Jeanne Petit",
        email=EMAIL,
        locale=locale,
    )
    db.commit()
    return member.id


def _mails(db) -> list[OutboxMessage]:
    db.rollback()
    return db.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == EMAIL).order_by(OutboxMessage.id)
    ).all()


def test_a_validated_member_is_emailed_in_its_language(client, db, staff_login):
    member_id = _pending(db, locale="en")
    staff_login("secretary")
    assert client.post(f"/staff/adhesions/{member_id}/valider").status_code == 302
    [mail] = _mails(db)
    assert mail.channel == "email"
    assert "Menuiserie Petit" in mail.body and "/espace/" in mail.body
    assert "Bonjour" not in mail.body  # English, the member's language (catalog permitting)


def test_a_refusal_needs_a_reason_and_emails_it(client, db, staff_login):
    member_id = _pending(db)
    staff_login("admin")
    blank = client.post(
        f"/staff/adhesions/{member_id}/refuser", data={f"refus-{member_id}-reason": " "}
    )
    assert blank.status_code == 400
    assert "Indiquez le motif du refus." in blank.get_data(as_text=True)
    assert _mails(db) == []

    reason = "Votre établissement est hors de notre secteur géographique."
    response = client.post(
        f"/staff/adhesions/{member_id}/refuser", data={f"refus-{member_id}-reason": reason}
    )
    assert response.status_code == 302
    [mail] = _mails(db)
    assert "Bonjour Jeanne Petit" in mail.body and reason in mail.body
    member = db.get(Member, member_id)
    assert member.status == "refused" and member.refusal_reason == reason
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "refuse"))
    assert audit.record_id == str(member_id)

    # refused twice: nothing more is sent
    client.post(f"/staff/adhesions/{member_id}/refuser", data={f"refus-{member_id}-reason": "x"})
    assert len(_mails(db)) == 1


def test_a_refusal_is_staff_business(client, db, staff_login):
    member_id = _pending(db)
    staff_login("doctor")
    response = client.post(
        f"/staff/adhesions/{member_id}/refuser", data={f"refus-{member_id}-reason": "Non."}
    )
    assert response.status_code == 403
    assert db.get(Member, member_id).status == "pending"


def test_publishing_a_fiche_emails_the_employer(client, db, staff_login, demo_data):
    bakery = db.scalar(select(Member).where(Member.legal_name == "Boulangerie Dupont SARL"))
    staff_login("iprp")
    page = f"/staff/adherents/{bakery.id}/fiche"
    client.post(f"{page}/brouillon")
    required = ("synthese", "postes", "effectifs", "expositions", "conseils")
    client.post(f"{page}/1", data={**dict.fromkeys(required, "RAS"), "contact": "M. Dupont"})
    before = db.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1))
    assert client.post(f"{page}/1/publier", data={"confirm": "y"}).status_code == 302
    db.rollback()
    [mail] = db.scalars(select(OutboxMessage).where(OutboxMessage.id > before)).all()
    assert mail.recipient == bakery.email and mail.channel == "email"
    assert "version 1" in mail.body and "/espace/" in mail.body
