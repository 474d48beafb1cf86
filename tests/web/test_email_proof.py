"""An employer's account starts working only once its e-mail address is proven by the signed
link sent to it (whatever MEMBERS_AUTO_ACTIVATE says); an address already used is a form error."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from assistant.database import utcnow
from assistant.models import DialogueState, Member, MemberUser, OutboxMessage
from assistant.services import demo
from assistant.services.membership import adhesion
from tests.conftest import make_app
from tests.web.helpers import EMAIL, EMPLOYER_STEPS, _walk, confirmation_link

PASSWORD = "un-long-secret"


def _join(client, steps=EMPLOYER_STEPS):
    _walk(client, "entreprise", steps)
    return client.post(
        "/adhesion/entreprise/confirmation", data={"password": PASSWORD, "confirm": PASSWORD}
    )


def _member(db):
    db.rollback()
    return db.scalar(select(Member).where(Member.siret == "55210055400013"))


def test_a_new_employer_waits_for_its_email_proof(client, db, demo_data):
    assert _join(client).status_code == 302
    member = _member(db)
    assert member.status == "pending" and member.activated_at is None
    space = client.get("/espace/")
    assert space.status_code == 302 and "/espace/adresse-a-confirmer" in space.headers["Location"]
    page = client.get(space.headers["Location"]).get_data(as_text=True)
    assert EMAIL in page and "Renvoyer" in page
    for path in ("/espace/effectifs", "/espace/attestation-adhesion.pdf", "/espace/visites"):
        assert client.get(path).status_code == 302, path


def test_following_the_link_activates_the_employer(client, db, demo_data):
    _join(client)
    confirmed = client.get(confirmation_link(db), follow_redirects=True)
    assert "confirmée" in confirmed.get_data(as_text=True)
    member = _member(db)
    assert member.status == "active" and member.activated_at is not None
    user = db.scalar(select(MemberUser).where(MemberUser.email == EMAIL))
    assert user.email_confirmed_at is not None
    assert client.get("/espace/").status_code == 200
    welcome = db.scalar(select(OutboxMessage).where(OutboxMessage.subject.contains("Bienvenue")))
    assert welcome.recipient == EMAIL and "active" in welcome.body
    client.get(confirmation_link(db))  # a second visit changes nothing, sends nothing
    assert len(db.scalars(select(OutboxMessage).where(OutboxMessage.recipient == EMAIL)).all()) == 2


def test_the_link_works_from_another_browser_then_the_password_login(app, client, db, demo_data):
    _join(client)
    other = app.test_client()
    landed = other.get(confirmation_link(db))
    assert landed.status_code == 302 and "/espace/connexion" in landed.headers["Location"]
    other.post("/espace/connexion", data={"email": EMAIL, "password": PASSWORD})
    assert other.get("/espace/").status_code == 200


def test_logging_in_before_the_proof_leads_to_the_waiting_page(app, client, db, demo_data):
    _join(client)
    other = app.test_client()
    other.post("/espace/connexion", data={"email": EMAIL, "password": PASSWORD})
    assert "/espace/adresse-a-confirmer" in other.get("/espace/").headers["Location"]


@pytest.mark.parametrize("tamper", ["x", "-"])
def test_a_tampered_link_is_refused(client, db, demo_data, tamper):
    _join(client)
    link = confirmation_link(db)
    refused = client.get(link[:-3] + tamper * 3, follow_redirects=True)
    assert "pas valable" in refused.get_data(as_text=True)
    assert _member(db).status == "pending"


def test_a_link_older_than_two_days_is_refused(app, client, db, demo_data):
    _join(client)
    token = confirmation_link(db).rsplit("/", 1)[1]
    with pytest.raises(adhesion.BadConfirmation):
        adhesion.confirm_email(
            db, app.config["SECRET_KEY"], token, utcnow() + timedelta(days=2, minutes=1), True
        )
    user, first_time = adhesion.confirm_email(
        db, app.config["SECRET_KEY"], token, utcnow() + timedelta(days=1, hours=23), True
    )
    assert user.email_confirmed_at is not None and first_time


def test_a_link_signed_with_another_key_is_refused(app, client, db, demo_data):
    _join(client)
    token = confirmation_link(db).rsplit("/", 1)[1]
    with pytest.raises(adhesion.BadConfirmation):
        adhesion.confirm_email(db, "another-key" * 4, token, utcnow(), True)


def test_resending_the_link_is_rate_limited(client, db, demo_data):
    _join(client)
    first = confirmation_link(db)
    again = client.post("/espace/adresse-a-confirmer/renvoyer", follow_redirects=True)
    assert "Patientez" in again.get_data(as_text=True)
    assert confirmation_link(db) == first  # nothing new sent
    user = db.scalar(select(MemberUser).where(MemberUser.email == EMAIL))
    user.confirmation_sent_at -= timedelta(minutes=5, seconds=1)
    db.commit()
    sent = client.post("/espace/adresse-a-confirmer/renvoyer", follow_redirects=True)
    assert "envoyé" in sent.get_data(as_text=True)
    mails = select(OutboxMessage).where(OutboxMessage.subject.contains("Confirmez"))
    assert len(db.scalars(mails).all()) == 2


DEMO = "demo-spsti-2026"


def test_without_auto_activation_the_proof_leaves_the_member_for_staff(
    tmp_path, database, load_demo
):
    app = make_app(tmp_path, database, MEMBERS_AUTO_ACTIVATE=False)
    session = app.extensions["database"]["sessionmaker"]()
    load_demo(session)
    session.commit()
    client = app.test_client()
    _join(client)
    staff = app.test_client()
    staff.post("/staff/login", data={"email": "secretariat@demo.spsti.fr", "password": DEMO})
    assert "e-mail non confirmé" in staff.get("/staff/adhesions").get_data(as_text=True)
    client.get(confirmation_link(session))
    assert "e-mail non confirmé" not in staff.get("/staff/adhesions").get_data(as_text=True)
    member = _member(session)
    assert member.status == "pending"
    assert client.get("/espace/").status_code == 200  # its space works, the staff validates
    session.close()
    with app.app_context():
        from assistant.extensions import db

        db.engine.dispose()


def test_an_email_already_used_is_a_form_error(client, db, demo_data):
    steps = [
        (
            step,
            {**data, "email": "contact@boulangerie-dupont.fr"} if step == "coordonnees" else data,
        )
        for step, data in EMPLOYER_STEPS
    ]
    response = _join(client, steps)
    assert response.status_code == 400
    assert "déjà utilisée" in response.get_data(as_text=True)
    assert _member(db) is None
    # nothing was handed over nor lost: the answers wait to be changed
    assert client.get("/adhesion/entreprise/confirmation").status_code == 200
    db.rollback()
    rows = db.scalars(select(DialogueState)).all()
    assert [(row.journey, row.key.startswith("web:")) for row in rows] == [
        ("adhesion_employer", True)
    ]


def test_the_demo_employer_is_confirmed(client, demo_data):
    client.post(
        "/espace/connexion",
        data={"email": "contact@boulangerie-dupont.fr", "password": demo.DEMO_PASSWORD},
    )
    assert client.get("/espace/").status_code == 200
